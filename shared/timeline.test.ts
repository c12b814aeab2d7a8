// The shared reducer with agents-only events and ratings (split from tests/unit/agent-tools.test.ts).
import { describe, expect, it } from "vitest";
import { forCustomer, type ConversationEvent } from "./protocol.ts";
import { applyFrame, emptyTimeline } from "./timeline.ts";

const fold = (events: ConversationEvent[]) =>
  events.reduce((t, event) => applyFrame(t, { t: "event", event }), emptyTimeline());

describe("timeline with notes, changes and ratings", () => {
  const events: ConversationEvent[] = [
    { seq: 1, at: 1, type: "message", id: "m1", author: "customer", text: "hi" },
    { seq: 2, at: 2, type: "note", audience: "agents", id: "n1", name: "alex", text: "secret" },
    { seq: 3, at: 3, type: "change", audience: "agents", by: "alex", priority: "high" },
    { seq: 4, at: 4, type: "state", state: "resolved" },
    { seq: 5, at: 5, type: "csat", score: 4, comment: "ok" },
  ];
  it("advances lastSeq past them without turning them into chat lines", () => {
    const t = fold(events);
    expect(t.lastSeq).toBe(5);
    expect(t.messages.map((m) => m.id)).toEqual(["m1"]);
    expect(t.csat).toEqual({ score: 4, comment: "ok" });
  });
  it("applies a rating once, even when replayed", () => {
    const t = fold(events);
    expect(applyFrame(t, { t: "event", event: { seq: 5, at: 9, type: "csat", score: 1 } })).toBe(t);
  });
  it("marks which events a customer may see", () => {
    expect(events.filter(forCustomer).map((e) => e.seq)).toEqual([1, 4, 5]);
  });
});
