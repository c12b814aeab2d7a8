// The outgoing queue (pending.ts): what is resent, what the timeline settles, what storage gives back.
import { describe, expect, it } from "vitest";
import { applyFrame, emptyTimeline } from "../../shared/timeline.ts";
import { ack, add, fail, load, reconcile, retry, toResend } from "./pending.ts";

describe("pending queue", () => {
  it("resends only what was not acked, and forgets what the timeline shows", () => {
    let [q, a] = add([], "first");
    const [q2, b] = add(q, "second");
    q = q2;
    expect(a.clientId).not.toBe(b.clientId);
    expect(a.clientId.length).toBeGreaterThanOrEqual(8);
    q = ack(q, a.clientId, 5);
    expect(toResend(q).map((p) => p.text)).toEqual(["second"]);
    // Acked but its event not seen yet: still listed (shown as sent), not resent.
    expect(reconcile(q, emptyTimeline())).toHaveLength(2);
    const t = applyFrame(emptyTimeline(), {
      t: "event",
      event: { seq: 5, at: 0, type: "message", id: "m5", author: "customer", text: "first", clientId: a.clientId },
    });
    expect(reconcile(q, t).map((p) => p.text)).toEqual(["second"]);
  });

  it("drops an acked message once lastSeq passes its seq even if the event has no clientId", () => {
    let [q, a] = add([], "first");
    q = ack(q, a.clientId, 3);
    expect(reconcile(q, { ...emptyTimeline(), lastSeq: 3 })).toEqual([]);
  });

  it("does not resend a rejected message until the customer retries it", () => {
    let [q, a] = add([], "x");
    q = fail(q, a.clientId, "message is empty");
    expect(toResend(q)).toEqual([]);
    q = retry(q, a.clientId);
    expect(toResend(q).map((p) => p.clientId)).toEqual([a.clientId]);
  });

  it("loads a persisted queue, ignoring malformed storage", () => {
    const [q] = add([], "kept");
    expect(load(JSON.stringify(q))).toEqual(q);
    expect(load("{not json")).toEqual([]);
    expect(load(JSON.stringify([{ clientId: 1 }, null, "x", ...q]))).toEqual(q);
    expect(load(null)).toEqual([]);
  });
});
