// The pure parts of a customer's history (worker/channels/history/): what of a conversation the customer may
// see, how it is summed up in a list row, the customer's status words, and the history token.
import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../shared/protocol.ts";
import { HISTORY_TOKEN_TTL_MS, historyToken, verifyHistoryToken } from "./token.ts";
import { customerStatus, customerView, pastMessages, shorten } from "./view.ts";

let seq = 0;
const msg = (
  author: "customer" | "bot" | "agent" | "system",
  text: string,
  extra: Record<string, unknown> = {},
): ConversationEvent =>
  ({ type: "message", seq: ++seq, at: 1000 + seq, id: `m${seq}`, author, text, ...extra }) as ConversationEvent;
const state = (s: "queued" | "agent" | "resolved"): ConversationEvent => ({
  type: "state",
  seq: ++seq,
  at: 1000 + seq,
  state: s,
});
const facts = { id: "conv-0000000001", channel: "chat", state: "bot" as const, createdAt: 500 };

describe("pastMessages", () => {
  it("keeps customer, bot and agent messages; drops system notes and state events; strips attachment links", () => {
    const events = [
      msg("customer", "Receipt attached", {
        attachments: [
          { id: "f1", name: "r.pdf", type: "application/pdf", size: 9, url: "/api/conversations/x/attachments/f1" },
        ],
        clientId: "c-1",
      }),
      msg("system", "The email to ana@example.com could not be sent: 550"),
      state("agent"),
      msg("agent", "Refunded", { name: "Sam" }),
      msg("bot", "See this", {
        sources: [{ articleId: "a", title: "A", url: "https://x/hc/demo/articles/a" }],
        action: "answer",
      }),
    ];
    const out = pastMessages(events);
    expect(out.map((m) => m.author)).toEqual(["customer", "agent", "bot"]);
    expect(out[0]).toEqual({
      id: out[0]?.id,
      author: "customer",
      text: "Receipt attached",
      at: out[0]?.at,
      attachments: [{ name: "r.pdf", size: 9 }],
    });
    expect(out[1]).toMatchObject({ name: "Sam" });
    expect(out[2]?.sources).toHaveLength(1);
    expect(JSON.stringify(out)).not.toMatch(/could not be sent|\/api\/|clientId|action/);
  });
});

describe("customerView", () => {
  it("titles a conversation by the customer's first message and previews the last visible one", () => {
    const v = customerView(facts, [
      msg("customer", "How do I\n reset my password?"),
      msg("bot", "Open Settings › Account."),
      msg("system", "internal"),
    ]);
    expect(v?.conversation).toMatchObject({
      id: facts.id,
      channel: "chat",
      status: "open",
      title: "How do I reset my password?",
      last: { author: "bot", text: "Open Settings › Account." },
      messages: 2,
      continuable: true,
      createdAt: 500,
    });
    expect(v?.conversation.updatedAt).toBe(v?.messages[1]?.at);
  });

  it("is null with nothing to read, and only open chats can be continued", () => {
    expect(customerView(facts, [])).toBeNull();
    expect(customerView(facts, [msg("system", "only a note")])).toBeNull();
    const events = [msg("customer", "hi")];
    expect(customerView({ ...facts, state: "resolved" }, events)?.conversation).toMatchObject({
      status: "closed",
      continuable: false,
    });
    expect(customerView({ ...facts, channel: "portal" }, events)?.conversation.continuable).toBe(true);
    for (const channel of ["email", "api"])
      expect(customerView({ ...facts, channel }, events)?.conversation.continuable).toBe(false);
    // An API conversation the bot opened with its own message still has a title.
    expect(
      customerView({ ...facts, channel: "api" }, [msg("agent", "We noticed a failed payment")])?.conversation.title,
    ).toBe("We noticed a failed payment");
  });
});

describe("customer words", () => {
  it("maps agents' states to open / waiting / closed", () => {
    expect([
      customerStatus("bot"),
      customerStatus("agent"),
      customerStatus("queued"),
      customerStatus("resolved"),
    ]).toEqual(["open", "open", "waiting", "closed"]);
  });

  it("shortens to one line, at a word when one ends near the limit", () => {
    expect(shorten("  a\n\nb  ")).toBe("a b");
    expect(shorten("word ".repeat(50), 20)).toBe("word word word word…");
    expect(shorten("x".repeat(30), 10)).toBe("xxxxxxxxx…");
    expect(shorten("x".repeat(10), 10)).toBe("x".repeat(10));
  });
});

describe("history token", () => {
  const site = { key: "site_a", identitySecret: "identity-secret-0123456789" };
  const secret = "worker-secret-0123456789";

  it("round-trips the email until it expires", async () => {
    const t0 = 1_800_000_000_000;
    const s = await historyToken(secret, site, "ana@example.com", t0);
    expect(s.expiresAt).toBe(t0 + HISTORY_TOKEN_TTL_MS);
    expect(await verifyHistoryToken(secret, site, s.token, t0 + 1000)).toBe("ana@example.com");
    expect(await verifyHistoryToken(secret, site, s.token, s.expiresAt)).toBeNull();
  });

  it("is bound to the site key, both secrets and every part of the token", async () => {
    const t0 = 1_800_000_000_000;
    const { token } = await historyToken(secret, site, "ana@example.com", t0);
    expect(await verifyHistoryToken(secret, { ...site, key: "site_b" }, token, t0)).toBeNull();
    expect(
      await verifyHistoryToken(secret, { ...site, identitySecret: "rotated-secret-0123456789" }, token, t0),
    ).toBeNull();
    expect(await verifyHistoryToken("another-worker-secret", site, token, t0)).toBeNull();
    const [exp, email, mac] = token.split(".") as [string, string, string];
    for (const bad of [
      `${exp}.${email}`,
      `${exp}.${email}.${mac}.x`,
      `${Number(exp) - 1}.${email}.${mac}`,
      `${exp}.${btoa("bob@example.com")}.${mac}`,
      `${exp}.${email}.${mac.slice(1)}`,
      `soon.${email}.${mac}`,
      `${exp}.%%%.${mac}`,
    ]) {
      expect(await verifyHistoryToken(secret, site, bad, t0), bad).toBeNull();
    }
    // An expiry further out than a token can live was not minted here.
    const far = await historyToken(secret, site, "ana@example.com", t0 + HISTORY_TOKEN_TTL_MS);
    expect(await verifyHistoryToken(secret, site, far.token, t0)).toBeNull();
  });
});
