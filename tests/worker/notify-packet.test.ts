// Every notification about people working a conversation carries the handoff packet (reason,
// summary, page, identity with its verified flag, tried articles, category, priority, team, tier,
// SLA due time), and the Slack posts show it. Pure (worker/insights/notify/events.ts and slack.ts), run in workerd for its types.
import { describe, expect, it } from "vitest";
import type { HandoffPacket, InboxItem, WebhookEvent } from "../../shared/api.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Meta } from "../../worker/conversation/model.ts";
import { eventsFor, handoffOf } from "../../worker/insights/notify/events.ts";
import { slackMessageFor } from "../../worker/insights/notify/slack.ts";

const packet: HandoffPacket = {
  reason: "article-requires-person",
  summary: "The customer's account was taken over and the password changed.",
  summarySource: "llm",
  pageUrl: "https://lumen.example/account",
  pageTitle: "Your account",
  locale: "en",
  userAgent: "Mozilla/5.0",
  tried: [{ articleId: "account-hacked", title: "If your account was hacked", score: 0.91 }],
  article: "account-hacked",
  category: "account",
  priority: "urgent",
  team: "security",
  at: 1_767_312_000_000,
  identity: {
    id: "u_42",
    email: "ana@example.com",
    name: "Ana",
    verified: true,
    verifiedFields: ["id", "email", "name", "attributes"],
    at: 1,
    attributes: { plan: "pro" },
  },
  tier: "tier-1",
  slaDueAt: 1_767_315_600_000,
};

const meta: Meta = {
  id: "conv1",
  workspaceId: "demo",
  siteKey: "demo_site",
  channel: "chat",
  locale: "en",
  baseUrl: "https://desk.example",
  createdAt: 1,
  state: "resolved",
  lowConfidenceTurns: 0,
  failures: 0,
  tried: [],
  handoff: packet,
};

const item: InboxItem = {
  id: "conv1",
  state: "resolved",
  channel: "chat",
  preview: "someone hacked my account",
  reason: packet.reason,
  team: "security",
  priority: "urgent",
  tier: "tier-1",
  createdAt: 1,
  updatedAt: 2,
};

const log: ConversationEvent[] = [
  { type: "message", seq: 1, id: "m1", author: "customer", text: "someone hacked my account", at: 10 },
  { type: "state", seq: 2, state: "queued", reason: packet.reason, at: 11 },
  { type: "note", seq: 3, audience: "agents", id: "n1", name: "Alex", text: "private", at: 12 },
  { type: "state", seq: 4, state: "agent", reason: "agent-joined", name: "Alex", at: 13 },
  { type: "state", seq: 5, state: "resolved", reason: "Alex", at: 14 },
];

const expected = {
  reason: "article-requires-person",
  summary: packet.summary,
  summarySource: "llm",
  priority: "urgent",
  team: "security",
  tier: "tier-1",
  slaDueAt: packet.slaDueAt,
  category: "account",
  article: "account-hacked",
  pageUrl: "https://lumen.example/account",
  pageTitle: "Your account",
  locale: "en",
  at: packet.at,
  identity: {
    id: "u_42",
    email: "ana@example.com",
    name: "Ana",
    verified: true,
    verifiedFields: ["id", "email", "name", "attributes"],
    attributes: { plan: "pro" },
  },
  tried: [{ articleId: "account-hacked", title: "If your account was hacked", score: 0.91 }],
};

describe("the handoff packet in webhook events", () => {
  it("rides on handed_off, assigned and resolved, complete; not on message.created", () => {
    const events = eventsFor(meta, item, log, false);
    const byType = Object.fromEntries(events.map((e) => [e.type, e]));
    for (const t of ["conversation.handed_off", "conversation.assigned", "conversation.resolved"])
      expect(byType[t]?.data.handoff).toEqual(expected);
    expect(byType["conversation.assigned"]?.data.agent).toEqual({ name: "Alex" });
    expect(byType["message.created"]?.data.handoff).toBeUndefined();
    expect(events.map((e) => e.type)).not.toContain("note");
  });

  it("keeps the identity's verified flag as it is, and leaves the user agent out", () => {
    const h = handoffOf({ ...packet, identity: { id: "x", verified: false, at: 1 } });
    expect(h.identity).toEqual({ id: "x", verified: false });
    expect(JSON.stringify(h)).not.toContain("Mozilla");
  });
});

describe("the handoff packet in Slack posts", () => {
  const urgent: WebhookEvent = {
    id: "conv1.2",
    type: "conversation.handed_off",
    createdAt: 11,
    workspaceId: "demo",
    data: {
      conversation: { ...item, state: "queued", consoleUrl: "https://desk.example/console/#/c/conv1" },
      handoff: handoffOf(packet),
    },
  };

  it("an urgent handoff shows summary, priority, team, reason, tier, category, SLA due, the verified customer, the page and what the bot tried", () => {
    const m = slackMessageFor(urgent);
    const json = JSON.stringify(m?.blocks);
    expect(m?.text).toBe("Urgent handoff waiting: someone hacked my account");
    expect(json).toContain(packet.summary.replace(/'/g, "'"));
    for (const f of [
      "*Priority*\\nurgent",
      "*Team*\\nsecurity",
      "*Reason*\\narticle-requires-person",
      "*Tier*\\ntier-1",
      "*Category*\\naccount",
    ])
      expect(json).toContain(f);
    expect(json).toContain(`*SLA due*\\n<!date^${packet.slaDueAt! / 1000}^`);
    expect(json).toContain("*Customer*\\nAna (ana@example.com) · verified");
    expect(json).toContain("*Page*\\n<https://lumen.example/account|Your account>");
    expect(json).toContain("_Bot tried:_ If your account was hacked (0.91)");
    expect(m?.blocks[0]).toHaveProperty("fields");
  });

  it("an SLA breach carries the packet's summary and facts when it has them", () => {
    const breach: WebhookEvent = {
      id: "conv1.sla",
      type: "sla.breached",
      createdAt: 20,
      workspaceId: "demo",
      data: {
        conversation: { ...item, state: "queued" },
        sla: { metric: "first_response", breachedAt: 20, dueAt: packet.slaDueAt! },
        handoff: handoffOf({ ...packet, identity: { id: "u_9", verified: false, at: 1 } }),
      },
    };
    const m = slackMessageFor(breach);
    const json = JSON.stringify(m?.blocks);
    // A v1 signature (and identities stored before v2) vouched for id and email only: the page says so.
    const v1 = {
      ...breach,
      data: {
        ...breach.data,
        handoff: handoffOf({ ...packet, identity: { ...packet.identity!, verifiedFields: undefined } }),
      },
    };
    expect(JSON.stringify(slackMessageFor(v1)?.blocks)).toContain(
      "*Customer*\\nAna (ana@example.com) · id, email verified; name, attributes unverified",
    );
    expect(v1.data.handoff.identity?.verifiedFields).toEqual(["id", "email"]);
    expect(m?.text).toBe("SLA breached (first_response): someone hacked my account");
    expect(json).toContain(":hourglass: *SLA breached: first_response*\\nThe customer");
    expect(json).toContain("*Customer*\\nu_9 · unverified");
    expect(json).toContain("*SLA due*");
    // Without a packet (an old item), the preview still tells what it is about.
    const bare = slackMessageFor({ ...breach, data: { conversation: breach.data.conversation, sla: breach.data.sla } });
    expect(JSON.stringify(bare?.blocks)).toContain("someone hacked my account");
  });
});
