import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../shared/protocol.ts";
import { logSignals } from "./signals.ts";
import { type ConversationSignals, companyOf, healthOf, levelOf } from "./score.ts";

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
let n = 0;
const conv = (daysAgo: number, over: Partial<ConversationSignals> = {}): ConversationSignals => ({
  conversationId: `c${++n}`,
  contactId: "k1",
  company: "acme.example",
  startedAt: NOW - daysAgo * DAY,
  state: "resolved",
  customerMessages: 2,
  negative: 0,
  handoffs: 0,
  breached: 0,
  csat: null,
  ...over,
});
const who = { key: "k1", kind: "contact" as const, name: "Dana" };

describe("healthOf", () => {
  it("a quiet, happy customer is healthy with no reasons", () => {
    const h = healthOf(who, [conv(10, { csat: 5 }), conv(60)], NOW);
    expect(h).toMatchObject({ score: 100, level: "healthy", reasons: [] });
  });

  it("each concern costs points and says why; the same rows give the same score", () => {
    const rows = [
      conv(2, { negative: 1, handoffs: 1, state: "queued" }),
      conv(5, { negative: 2, handoffs: 1, csat: 2, breached: 1 }),
      conv(9, { negative: 1 }),
      conv(80),
    ];
    const h = healthOf(who, rows, NOW);
    expect(h.reasons).toEqual([
      "contacting more than usual: 3 conversations in 30 days (usually 0.3)",
      "1 unresolved conversation",
      "3 conversations with negative messages in 30 days",
      "sentiment worsening: 67% of messages negative, before 0%",
      "low ratings: 2 on average over 90 days",
      "2 escalations to a person in 30 days",
      "1 answer past the response target in 90 days",
    ]);
    expect(h.score).toBe(100 - 15 - 10 - 15 - 10 - 20 - 10 - 10);
    expect(h.level).toBe("at-risk");
    expect(healthOf(who, rows, NOW)).toEqual(h);
  });

  it("levels", () => {
    expect([levelOf(80), levelOf(79), levelOf(60), levelOf(59)]).toEqual(["healthy", "watch", "watch", "at-risk"]);
  });
});

describe("companyOf", () => {
  it("a signed company first, else a work email's domain, never free mail", () => {
    expect(companyOf("Acme GmbH", "dana@gmail.com")).toBe("Acme GmbH");
    expect(companyOf(undefined, "dana@Acme.example")).toBe("acme.example");
    expect(companyOf(undefined, "dana@gmail.com")).toBeNull();
    expect(companyOf("  ", undefined)).toBeNull();
  });
});

describe("logSignals", () => {
  it("counts customer messages, negative ones and handoffs; taken-back and merged-in messages do not count", () => {
    const e = (x: Record<string, unknown>, seq: number) => ({ seq, at: seq, ...x }) as ConversationEvent;
    const log = [
      e({ type: "message", id: "a", author: "customer", text: "This is useless and broken" }, 1),
      e({ type: "message", id: "b", author: "customer", text: "thanks, all good" }, 2),
      e({ type: "message", id: "c", author: "customer", text: "terrible, awful" }, 3),
      e({ type: "retract", messageId: "c", by: "Ana" }, 4),
      e(
        {
          type: "message",
          id: "d",
          author: "customer",
          text: "awful",
          origin: { conversationId: "x", kind: "merged" },
        },
        5,
      ),
      e({ type: "state", state: "queued" }, 6),
    ];
    expect(logSignals(log)).toEqual({ customerMessages: 2, negative: 1, handoffs: 1 });
  });
});
