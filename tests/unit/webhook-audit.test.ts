// The webhook chaos scenario's verdict (scripts/lib/chaos/webhook-audit.ts): what a receiver accepted
// against the stored events, and each delivery's attempts against the published retry schedule.
import { describe, expect, it } from "vitest";
import {
  type Attempt,
  auditWebhooks,
  nominalDelay,
  type Policy,
  retryable,
  scheduleViolations,
  type SenderDelivery,
} from "../../scripts/lib/chaos/webhook-audit.ts";

const p: Policy = { maxAttempts: 4, baseMs: 100, maxDelayMs: 300, jitter: 0.2 };

/** Attempts at the planned times: each failure's delay is the nominal one (no jitter drawn). */
function attempts(statuses: (number | undefined)[], late = 0): Attempt[] {
  const out: Attempt[] = [];
  let at = 1000;
  statuses.forEach((status, i) => {
    const last = i === statuses.length - 1;
    const a: Attempt = { n: i + 1, at, ms: 10, ...(status === undefined ? { error: "timed out" } : { status }) };
    if (!last) a.retryInMs = nominalDelay(i + 1, p);
    out.push(a);
    at += 10 + (a.retryInMs ?? 0) + late;
  });
  return out;
}

const delivery = (id: string, status: string, log: Attempt[], eventId = `c.${id}`): SenderDelivery => ({
  id,
  eventId,
  status,
  attempts: log.length,
  log,
});

describe("what is worth retrying", () => {
  it("is no answer, 5xx, 408 and 429 only", () => {
    expect([undefined, 500, 503, 408, 429].map((status) => retryable({ status }))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 404, 410, 301, 200].map((status) => retryable({ status }))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  it("doubles the delay and caps it", () => {
    expect([1, 2, 3, 4, 5].map((n) => nominalDelay(n, p))).toEqual([100, 200, 300, 300, 300]);
  });
});

describe("a delivery's attempts against the schedule", () => {
  it("passes a delivery that followed it, and a dead letter after the last attempt", () => {
    expect(scheduleViolations(delivery("a", "delivered", attempts([500, undefined, 200])), p, 100)).toEqual([]);
    expect(scheduleViolations(delivery("b", "dead", attempts([500, 503, 429, 500])), p, 100)).toEqual([]);
    expect(scheduleViolations(delivery("c", "dead", attempts([410])), p, 100)).toEqual([]);
  });
  it("catches a retry after a 4xx", () => {
    const v = scheduleViolations(delivery("d", "dead", attempts([404, 404, 404, 404])), p, 100);
    expect(v.filter((x) => x.includes("retried after a 404"))).toHaveLength(3);
  });
  it("catches a dead letter before the last attempt, and too many attempts", () => {
    expect(scheduleViolations(delivery("e", "dead", attempts([500, 500])), p, 100)[0]).toMatch(/dead after 2 of 4/);
    expect(scheduleViolations(delivery("f", "dead", attempts([500, 500, 500, 500, 500])), p, 100).join()).toMatch(
      /5 attempts, more than 4/,
    );
  });
  it("catches a delay off the schedule, and attempts early or too late", () => {
    const off = attempts([500, 200]);
    (off[0] as Attempt).retryInMs = 500;
    expect(scheduleViolations(delivery("g", "delivered", off), p, 1000).join()).toMatch(
      /was 500 ms, the schedule says 100 ms/,
    );
    const early = attempts([500, 200]);
    (early[1] as Attempt).at -= 80;
    expect(scheduleViolations(delivery("h", "delivered", early), p, 1000).join()).toMatch(/80 ms early/);
    expect(scheduleViolations(delivery("i", "delivered", attempts([500, 200], 400)), p, 100).join()).toMatch(
      /400 ms late/,
    );
    expect(scheduleViolations(delivery("i", "delivered", attempts([500, 200], 400)), p, 500)).toEqual([]);
  });
  it("catches a 4xx left waiting for a retry", () => {
    expect(scheduleViolations(delivery("j", "pending", attempts([400])), p, 100)[0]).toMatch(/waiting to retry a 400/);
  });
});

describe("accepted events against stored ones", () => {
  const sender = [delivery("d1", "delivered", attempts([200]), "c.1"), delivery("d2", "dead", attempts([410]), "c.2")];
  it("counts nothing lost when every event was accepted or dead-lettered", () => {
    const v = auditWebhooks(["c.1", "c.2"], [{ deliveryId: "d1", eventId: "c.1", answered: 200 }], sender, p, 100);
    expect([v.lost, v.duplicated, v.accepted, v.dead]).toEqual([0, 0, 1, 1]);
  });
  it("counts an event neither accepted nor dead as lost, and a refused request is not an acceptance", () => {
    const v = auditWebhooks(
      ["c.1", "c.2", "c.3"],
      [
        { deliveryId: "d1", eventId: "c.1", answered: 200 },
        { deliveryId: "d3", eventId: "c.3", answered: 500 },
      ],
      sender,
      p,
      100,
    );
    expect(v.lost).toBe(1);
    expect(v.details[0]).toMatch(/c.3: never accepted, and no dead letter/);
  });
  it("tells a second delivery id for one event (a duplicate) from the same id again (at least once)", () => {
    const v = auditWebhooks(
      ["c.1"],
      [
        { deliveryId: "d1", eventId: "c.1", answered: 200 },
        { deliveryId: "d1", eventId: "c.1", answered: 200 },
        { deliveryId: "dX", eventId: "c.1", answered: 204 },
      ],
      sender,
      p,
      100,
    );
    expect(v.duplicated).toBe(1);
    expect(v.redeliveredSameId).toBe(1);
  });
});
