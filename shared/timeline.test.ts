// The shared reducer as the widget uses it (resume after a drop must show every message exactly once),
// and with agents-only events and ratings (split from tests/unit/agent-tools.test.ts).
import { describe, expect, it } from "vitest";
import { forCustomer, type ConversationEvent, type ServerFrame } from "./protocol.ts";
import { applyFrame, emptyTimeline, type Timeline } from "./timeline.ts";

const msg = (
  seq: number,
  id: string,
  author: "customer" | "bot" | "agent",
  text: string,
  extra = {},
): ConversationEvent => ({
  seq,
  at: 1000 + seq,
  type: "message",
  id,
  author,
  text,
  ...extra,
});
const ev = (event: ConversationEvent): ServerFrame => ({ t: "event", event });
const fold = (frames: ServerFrame[], t: Timeline = emptyTimeline()) => frames.reduce(applyFrame, t);
/** What the panel shows for a message id: the stored text or the streaming draft. */
const shown = (t: Timeline) => [...t.messages.map((m) => m.text), ...Object.values(t.drafts).map((d) => d.text)];

const ANSWER = "Reset it from the sign-in page, then follow the emailed link.";

describe("timeline reducer (widget view)", () => {
  it("ignores the overlap when a reconnect replays events it already has", () => {
    const first = fold([
      ev(msg(1, "a", "customer", "hi")),
      ev(msg(2, "b", "bot", "hello")),
      { t: "ready", lastSeq: 2, state: "bot" },
    ]);
    // Resumed with after=1 by a server that (wrongly or racily) also resends seq 2.
    const t = fold(
      [
        ev(msg(2, "b", "bot", "hello")),
        ev(msg(3, "c", "customer", "thanks")),
        { t: "ready", lastSeq: 3, state: "bot" },
      ],
      first,
    );
    expect(t.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(t.lastSeq).toBe(3);
  });

  it("replays everything from after=0 onto an empty timeline after a page reload", () => {
    const frames = [ev(msg(1, "a", "customer", "hi")), ev(msg(2, "b", "bot", "hello"))];
    const live = fold(frames);
    const reloaded = fold([...frames, { t: "ready", lastSeq: 2, state: "bot" }]);
    expect(reloaded.messages).toEqual(live.messages);
  });

  it("mid-stream reconnect: deltas, drop, replayed offset-0 delta, final event → text once and complete", () => {
    let t = fold([ev(msg(1, "q", "customer", "how do I reset?"))]);
    t = fold(
      [
        { t: "delta", id: "ans", offset: 0, text: ANSWER.slice(0, 10) },
        { t: "delta", id: "ans", offset: 10, text: ANSWER.slice(10, 22) },
      ],
      t,
    );
    expect(shown(t)).toEqual(["how do I reset?", ANSWER.slice(0, 22)]);
    // The socket drops here; the server kept streaming. On resume (after=1): no stored events to
    // replay, then one delta with everything so far, then ready, then the live tail.
    t = fold(
      [
        { t: "delta", id: "ans", offset: 0, text: ANSWER.slice(0, 40) },
        { t: "ready", lastSeq: 1, state: "bot", streaming: "ans" },
        { t: "delta", id: "ans", offset: 40, text: ANSWER.slice(40) },
      ],
      t,
    );
    expect(t.drafts.ans?.text).toBe(ANSWER);
    t = fold([ev(msg(2, "ans", "bot", ANSWER))], t);
    expect(shown(t)).toEqual(["how do I reset?", ANSWER]);
    expect(t.drafts).toEqual({});
  });

  it("late deltas after the stored message do not resurrect a draft", () => {
    const t = fold([ev(msg(1, "ans", "bot", ANSWER)), { t: "delta", id: "ans", offset: 0, text: ANSWER.slice(0, 5) }]);
    expect(shown(t)).toEqual([ANSWER]);
  });

  it("a delta past a gap waits for the replay instead of showing a hole", () => {
    let t = fold([{ t: "delta", id: "ans", offset: 0, text: "Reset" }]);
    t = fold([{ t: "delta", id: "ans", offset: 20, text: "XXXX" }], t);
    expect(t.drafts.ans?.text).toBe("Reset");
    t = fold([{ t: "delta", id: "ans", offset: 0, text: ANSWER.slice(0, 24) }], t);
    expect(t.drafts.ans?.text).toBe(ANSWER.slice(0, 24));
  });

  it("ignores duplicate events (same seq twice, over any transport)", () => {
    const e = msg(1, "a", "customer", "hi", { clientId: "client-123456" });
    const t = fold([ev(e), ev(e), ev(e)]);
    expect(t.messages).toHaveLength(1);
  });

  it("tracks the agent through handoff and clears the name when resolved", () => {
    const state = (seq: number, s: "queued" | "agent" | "resolved", name?: string): ServerFrame =>
      ev({ seq, at: seq, type: "state", state: s, ...(name ? { name } : {}) });
    let t = fold([state(1, "queued"), state(2, "agent", "Alex")]);
    expect([t.state, t.agentName]).toEqual(["agent", "Alex"]);
    t = fold([{ t: "typing", author: "agent", on: true }], t);
    expect(t.typing).toBe(true);
    t = fold([ev(msg(3, "m", "agent", "Hi, Alex here", { name: "Alex" }))], t);
    expect(t.typing).toBe(false);
    t = fold([{ t: "typing", author: "agent", on: true }, state(4, "resolved")], t);
    expect([t.state, t.agentName, t.typing]).toEqual(["resolved", undefined, false]);
  });
});

describe("ready after a restart", () => {
  it("drops a draft the server no longer streams, and keeps the one it does", async () => {
    const { applyFrame, emptyTimeline } = await import("./timeline.ts");
    let t = applyFrame(emptyTimeline(), { t: "delta", id: "old", offset: 0, text: "Half an answ" });
    t = applyFrame(t, { t: "delta", id: "live", offset: 0, text: "Another" });
    t = applyFrame(t, { t: "ready", lastSeq: 0, state: "bot", streaming: "live" });
    expect(Object.keys(t.drafts)).toEqual(["live"]);
    t = applyFrame(t, { t: "ready", lastSeq: 0, state: "bot" });
    expect(t.drafts).toEqual({});
  });
});

describe("retracted replies (surge undo)", () => {
  const retract = (seq: number, messageId: string): ConversationEvent => ({
    seq,
    at: 1000 + seq,
    type: "retract",
    messageId,
    by: "Lee",
  });
  it("drops the retracted message and keeps the rest", () => {
    const t = fold([
      ev(msg(1, "c1", "customer", "help")),
      ev(msg(2, "a1", "agent", "try this")),
      ev(msg(3, "c2", "customer", "ok")),
      ev(retract(4, "a1")),
    ]);
    expect(shown(t)).toEqual(["help", "ok"]);
    expect(t.lastSeq).toBe(4);
  });
  it("a replay that leaves the message out (customer view) and then brings the retract is harmless", () => {
    const t = fold([ev(msg(1, "c1", "customer", "help")), ev(retract(3, "a1"))]);
    expect(shown(t)).toEqual(["help"]);
    // The same retract again (reconnect overlap) changes nothing.
    expect(applyFrame(t, ev(retract(3, "a1")))).toBe(t);
  });
});

const foldEvents = (events: ConversationEvent[]) =>
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
    const t = foldEvents(events);
    expect(t.lastSeq).toBe(5);
    expect(t.messages.map((m) => m.id)).toEqual(["m1"]);
    expect(t.csat).toEqual({ score: 4, comment: "ok" });
  });
  it("applies a rating once, even when replayed", () => {
    const t = foldEvents(events);
    expect(applyFrame(t, { t: "event", event: { seq: 5, at: 9, type: "csat", score: 1 } })).toBe(t);
  });
  it("marks which events a customer may see", () => {
    expect(events.filter(forCustomer).map((e) => e.seq)).toEqual([1, 4, 5]);
  });
});
