// Surge triage's pure core: clustering, SLA-risk order, action proposals, the draft validator, effort
// and the snapshot, and the plan's determinism (same inputs, same decisions, same hash).
import { describe, expect, it } from "vitest";
import { snapshotFrom } from "./audit.ts";
import { clusterConversations, similarity } from "./cluster.ts";
import { defaultSafeguards, defaultSurgeConfig as cfg, surgeConfig } from "./config.ts";
import { aboutTime, effortMinutes } from "./effort.ts";
import { orderBySlaRisk, riskAt } from "./order.ts";
import { buildPlan } from "./plan.ts";
import { composeDraft, propose, type KbHit, type PlanInput } from "./propose.ts";
import { inScope } from "./scope.ts";
import { fleschKincaidGrade, validateDraft } from "./validate.ts";
import type { AuditEntry } from "../../../shared/surge.ts";

const MIN = 60_000;
const hit = (o: Partial<KbHit> = {}): KbHit => ({
  articleId: "export-photos",
  title: "Export your photos",
  url: "https://help.example/help/export-photos",
  score: 0.8,
  handoff: "never",
  team: "support",
  category: "library",
  answer: "Open the library. Pick the photos. Tap Export and choose a folder.",
  published: true,
  ...o,
});
const input = (id: string, text: string, o: Partial<PlanInput> = {}): PlanInput => ({
  id,
  text,
  createdAt: 1000,
  channel: "web",
  vip: false,
  team: "support",
  hit: hit(),
  ...o,
});

describe("clustering", () => {
  it("groups near-identical questions and keeps different ones apart", () => {
    const cs = clusterConversations(
      [
        { id: "c3", text: "The app crashes when I open it after the update" },
        { id: "c1", text: "App crashes when I open it after the update!" },
        { id: "c2", text: "How do I change my billing address?" },
        { id: "c4", text: "the app crashes when i open it after the update" },
      ],
      cfg.cluster,
    );
    expect(cs.map((c) => c.members)).toEqual([["c1", "c3", "c4"], ["c2"]]);
    expect(cs[0]?.duplicates).toEqual(["c3", "c4"]);
  });

  it("does not depend on input order", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: `x${String(i).padStart(2, "0")}`,
      text: i % 3 ? `cannot log in to my account ${i}` : `refund for order ${i} please`,
    }));
    const a = clusterConversations(items, cfg.cluster);
    const b = clusterConversations([...items].reverse(), cfg.cluster);
    expect(b).toEqual(a);
  });

  it("scores similarity between 0 and 1", () => {
    expect(similarity("hello world", "hello world")).toBeCloseTo(1);
    expect(similarity("abc", "xyz")).toBe(0);
  });
});

describe("SLA-risk order", () => {
  it("puts the earliest due first, then priority, age and id; no due date last", () => {
    const o = orderBySlaRisk([
      { id: "d", createdAt: 1 },
      { id: "c", createdAt: 5, slaDueAt: 100, priority: "low" },
      { id: "b", createdAt: 5, slaDueAt: 100, priority: "urgent" },
      { id: "a", createdAt: 9, slaDueAt: 50 },
      { id: "e", createdAt: 5, slaDueAt: 100, priority: "urgent" },
    ]);
    expect(o.map((x) => x.id)).toEqual(["a", "b", "e", "c", "d"]);
  });

  it("labels risk", () => {
    expect(riskAt(undefined, 0)).toBe("none");
    expect(riskAt(10 * MIN, 10 * MIN)).toBe("breached");
    expect(riskAt(15 * MIN, 10 * MIN)).toBe("near");
    expect(riskAt(60 * MIN, 10 * MIN)).toBe("ok");
  });
});

describe("action proposal", () => {
  const t = cfg.propose;
  it("drafts from a confident, published article", () => {
    const p = propose(input("a", "how do I export photos"), t, defaultSafeguards);
    expect(p.action).toBe("draft");
    expect(p.draft?.citations[0]?.articleId).toBe("export-photos");
    expect(p.draft?.text).toContain("https://help.example/help/export-photos");
  });
  it("escalates articles that always need a person, to their team", () => {
    const p = propose(
      input("a", "delete my data", { hit: hit({ handoff: "always", team: "security" }) }),
      t,
      defaultSafeguards,
    );
    expect(p).toMatchObject({ action: "escalate", team: "security" });
  });
  it("escalates low confidence and no match to the routed team", () => {
    expect(
      propose(input("a", "?", { team: "billing", hit: hit({ score: 0.05 }) }), t, defaultSafeguards),
    ).toMatchObject({ action: "escalate", team: "billing" });
    const { hit: _h, ...noHit } = input("a", "?");
    expect(propose(noHit, t, defaultSafeguards)).toMatchObject({ action: "escalate", team: "support" });
  });
  it("leaves the uncertain middle for a person, and unpublished articles under the safeguard", () => {
    expect(propose(input("a", "x", { hit: hit({ score: 0.3 }) }), t, defaultSafeguards).action).toBe("leave");
    expect(propose(input("a", "x", { hit: hit({ published: false }) }), t, defaultSafeguards).action).toBe("leave");
  });
  it("never drafts for email, where a sent reply cannot be taken back", () => {
    expect(propose(input("a", "how do I export photos", { channel: "email" }), t, defaultSafeguards).action).toBe(
      "leave",
    );
    // Nor for a chat whose replies are also emailed while the customer is away.
    const mailed = propose(input("a", "how do I export photos", { mailsReplies: true }), t, defaultSafeguards);
    expect(mailed).toMatchObject({ action: "leave", reason: expect.stringMatching(/also emailed/) });
    expect(propose(input("a", "how do I export photos"), t, defaultSafeguards).action).toBe("draft");
  });
  it("opens a complaint with an apology", () => {
    expect(composeDraft(hit(), true).text).toMatch(/sorry/i);
    expect(composeDraft(hit(), false).text).not.toMatch(/sorry/i);
  });
});

describe("draft validator", () => {
  const published = new Set(["export-photos"]);
  const ok = composeDraft(hit(), false);
  it("passes a plain, cited, kind draft", () => {
    expect(validateDraft(ok, published, defaultSafeguards, cfg.validator)).toMatchObject({ ok: true, reasons: [] });
  });
  it("holds a draft citing nothing, or an unpublished article", () => {
    expect(validateDraft({ ...ok, citations: [] }, published, defaultSafeguards, cfg.validator).reasons).toContain(
      "cites no article",
    );
    const v = validateDraft(ok, new Set(), defaultSafeguards, cfg.validator);
    expect(v.ok).toBe(false);
    expect(v.reasons[0]).toMatch(/not a published article/);
  });
  it("holds hard reading and jargon", () => {
    const hard = composeDraft(
      hit({
        answer:
          "Notwithstanding organisational considerations, synchronisation functionality necessitates comprehensive reconfiguration of interdependent authentication infrastructure components.",
      }),
      false,
    );
    const v = validateDraft(hard, published, defaultSafeguards, cfg.validator);
    expect(v.reasons.some((r) => r.startsWith("reading level"))).toBe(true);
    const jargon = composeDraft(hit({ answer: "The API endpoint had a bad cache. Try again." }), false);
    expect(validateDraft(jargon, published, defaultSafeguards, cfg.validator).reasons).toContain(
      "uses jargon: api, endpoint",
    );
    // The plain-language safeguard off: neither is checked.
    expect(validateDraft(jargon, published, { ...defaultSafeguards, plainLanguage: false }, cfg.validator).ok).toBe(
      true,
    );
  });
  it("holds blame, and a complaint answered without empathy", () => {
    const blame = composeDraft(hit({ answer: "You should have read the guide. Tap Export." }), false);
    expect(validateDraft(blame, published, defaultSafeguards, cfg.validator).reasons.join()).toMatch(/blaming/);
    const cold = { ...ok, complaint: true };
    expect(validateDraft(cold, published, defaultSafeguards, cfg.validator).reasons).toContain(
      "the customer complained and the reply has no apology or empathy",
    );
    expect(validateDraft(composeDraft(hit(), true), published, defaultSafeguards, cfg.validator).ok).toBe(true);
  });
  it("grades reading level", () => {
    expect(fleschKincaidGrade("The cat sat on the mat. It was fun.")).toBeLessThan(3);
    expect(fleschKincaidGrade("")).toBe(0);
  });
});

describe("scope", () => {
  const item = {
    id: "a",
    text: "My Prints are late",
    createdAt: 0,
    priority: "high",
    category: "prints",
    channel: "web",
    vip: true,
  };
  it("matches all given filters", () => {
    expect(inScope(item, {}, 10 * MIN)).toBe(true);
    expect(
      inScope(
        item,
        {
          categories: ["Prints"],
          priorities: ["high"],
          channels: ["web"],
          text: "prints",
          vipOnly: true,
          minAgeMinutes: 5,
          maxAgeMinutes: 20,
        },
        10 * MIN,
      ),
    ).toBe(true);
    expect(inScope(item, { categories: ["billing"] }, 10 * MIN)).toBe(false);
    expect(inScope(item, { minAgeMinutes: 11 }, 10 * MIN)).toBe(false);
    expect(inScope({ ...item, vip: false }, { vipOnly: true }, 10 * MIN)).toBe(false);
  });
});

describe("effort", () => {
  it("uses the documented constants", () => {
    expect(effortMinutes("draft", cfg.effort)).toBe(7);
    expect(effortMinutes("escalate", cfg.effort)).toBe(5);
    expect(effortMinutes("leave", cfg.effort)).toBe(1);
    expect(aboutTime(40)).toBe("about 40 min");
    expect(aboutTime(125)).toBe("about 2 h");
  });
  it("reads overrides", () => {
    expect(surgeConfig({ SURGE_CONFIG: JSON.stringify({ undoMinutes: 5, alert: { nearSla: 2 } }) })).toMatchObject({
      undoMinutes: 5,
      alert: { nearSla: 2, windowMinutes: 15 },
    });
  });
});

describe("plan", () => {
  const inputs: PlanInput[] = [
    input("c05", "The app crashes on start after the update", { slaDueAt: 50 * MIN }),
    input("c02", "app crashes on start after the update!!", { slaDueAt: 20 * MIN, hit: hit({ score: 0.1 }) }),
    input("c09", "How do I export my photos?", { slaDueAt: 90 * MIN }),
    input("c01", "Please delete my account data", {
      hit: hit({ handoff: "always", team: "security", title: "Delete your data" }),
    }),
    input("c07", "Is there a student discount", { hit: hit({ score: 0.3 }) }),
  ];
  const req = { inputs, safeguards: defaultSafeguards, tuning: {}, config: cfg };

  it("orders, clusters, proposes and totals", async () => {
    const p = await buildPlan(req);
    expect(p.steps.map((s) => s.conversationId)).toEqual(["c02", "c05", "c09", "c01", "c07"]);
    expect(p.steps.map((s) => s.action)).toEqual(["escalate", "draft", "draft", "escalate", "leave"]);
    expect(p.clusters[0]).toMatchObject({ id: "c02", size: 2, conversationIds: ["c02", "c05"] });
    expect(p.steps[0]?.context).toMatchObject({ clusterSize: 2, related: ["c05"] });
    expect(p.totals).toEqual({ conversations: 5, draft: 2, escalate: 2, leave: 1, effortMinutes: 25 });
    expect(p.undoMinutes).toBe(15);
    expect(p.alternatives.find((a) => a.risky)?.id).toBe("close-duplicates");
  });

  it("is deterministic: same inputs in any order give the same plan and hash", async () => {
    const a = await buildPlan(req);
    const b = await buildPlan({ ...req, inputs: [...inputs].reverse() });
    expect(b).toEqual(a);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    const c = await buildPlan({ ...req, tuning: { escalateBelow: 0.05 } });
    expect(c.hash).not.toBe(a.hash);
    expect(c.steps[0]?.action).toBe("leave");
  });
});

describe("snapshot", () => {
  const e = (seq: number, action: string, outputs: object): AuditEntry => ({
    seq,
    sweepId: "s",
    actor: "x",
    action,
    at: seq,
    inputs: {},
    outputs,
  });
  it("counts from the records; an undone reply is not a sent one", () => {
    const s = snapshotFrom(
      [
        e(1, "step.categorised", { conversationId: "a" }),
        e(2, "step.categorised", { conversationId: "b" }),
        e(3, "step.categorised", { conversationId: "c" }),
        e(4, "step.sent", { conversationId: "a", messageId: "m1", effortMinutes: 7 }),
        e(5, "step.sent", { conversationId: "b", messageId: "m2", effortMinutes: 7 }),
        e(6, "step.escalated", { conversationId: "c", effortMinutes: 5 }),
        e(7, "reply.undone", { conversationId: "b", messageId: "m2" }),
      ],
      0,
    );
    expect(s).toMatchObject({
      triaged: 3,
      draftsSent: 1,
      draftsUndone: 1,
      escalated: 1,
      slaBreaches: 0,
      minutesSaved: 12,
    });
    expect(s.line).toBe("3 triaged · 1 draft sent · 1 undone · 1 escalated · 0 SLA breaches · about 12 min saved");
  });
});
