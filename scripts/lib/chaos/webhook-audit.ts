// The webhook scenario's verdict (scripts/chaos.ts), tested on its own (tests/unit/webhook-audit.test.ts):
// what the receiver accepted against the events the conversations stored, and every delivery's attempts
// against the published retry schedule (docs/webhooks.md): after the n-th failure the next try comes
// `base × 2^(n-1)`, capped, jittered ±20 %; only 5xx, 408, 429, timeouts and connection failures are
// tried again; after the last attempt (or an answer not worth retrying) the delivery is a dead letter.

export type Policy = { maxAttempts: number; baseMs: number; maxDelayMs: number; jitter: number };

/** One attempt as the sender logs it (shared/notifications.ts `attemptSchema`). */
export type Attempt = { n: number; at: number; ms: number; status?: number; error?: string; retryInMs?: number };

/** One delivery as the sender lists it (`GET /admin/v1/notifications/deliveries`). */
export type SenderDelivery = { id: string; eventId: string; status: string; attempts: number; log: Attempt[] };

/** A request the receiver answered: which delivery, which event, and what it answered. */
export type Receipt = { deliveryId: string; eventId: string; answered: number };

/** Whether an attempt's outcome is worth another try: no answer at all (timeout, refused connection), 5xx, 408, 429. */
export function retryable(a: Pick<Attempt, "status">): boolean {
  const s = a.status;
  return s === undefined || s >= 500 || s === 408 || s === 429;
}

const ok = (a: Pick<Attempt, "status">) => a.status !== undefined && a.status >= 200 && a.status < 300;

/** The schedule's delay after the `failed`-th failure, before jitter. */
export function nominalDelay(failed: number, p: Policy): number {
  return Math.min(p.maxDelayMs, p.baseMs * 2 ** Math.max(0, failed - 1));
}

/**
 * Everything about one delivery's attempts that breaks the published policy. `lateMs`: how late an
 * attempt may come after its planned time (the sender's alarm runs on a busy machine); an attempt is
 * never allowed before it (50 ms of clock slack).
 */
export function scheduleViolations(d: SenderDelivery, p: Policy, lateMs: number): string[] {
  const out: string[] = [];
  const log = d.log;
  for (let i = 0; i < log.length; i++) {
    const a = log[i] as Attempt;
    const next = log[i + 1];
    if (!next) break;
    if (ok(a)) out.push(`${d.id}: attempt ${a.n} succeeded, yet attempt ${next.n} followed`);
    else if (!retryable(a)) out.push(`${d.id}: retried after a ${a.status} (not 5xx, 408, 429 or a timeout)`);
    const nominal = nominalDelay(i + 1, p);
    const planned = a.retryInMs;
    if (planned === undefined) {
      out.push(`${d.id}: attempt ${a.n} failed with no retry delay recorded`);
      continue;
    }
    if (planned < nominal * (1 - p.jitter) - 1 || planned > nominal * (1 + p.jitter) + 1)
      out.push(
        `${d.id}: delay after attempt ${a.n} was ${planned} ms, the schedule says ${nominal} ms ±${p.jitter * 100} %`,
      );
    const gap = next.at - (a.at + a.ms);
    if (gap < planned - 50) out.push(`${d.id}: attempt ${next.n} came ${planned - gap} ms early`);
    if (gap > planned + lateMs) out.push(`${d.id}: attempt ${next.n} came ${gap - planned} ms late`);
  }
  const last = log[log.length - 1];
  if (d.status === "delivered" && !(last && ok(last)))
    out.push(`${d.id}: delivered, but its last attempt was not a 2xx`);
  if (d.status === "dead" && last) {
    if (retryable(last) && log.length < p.maxAttempts)
      out.push(`${d.id}: dead after ${log.length} of ${p.maxAttempts} attempts, the last one worth retrying`);
    if (log.length > p.maxAttempts) out.push(`${d.id}: ${log.length} attempts, more than ${p.maxAttempts}`);
  }
  if (d.status === "pending" && last && !retryable(last) && !ok(last))
    out.push(`${d.id}: waiting to retry a ${last.status}, which is not worth retrying`);
  return out;
}

export type WebhookVerdict = {
  /** Events stored in conversations that reached the receiver neither accepted nor as a dead letter. */
  lost: number;
  /** Events the receiver accepted under more than one delivery id (a second delivery of one event). */
  duplicated: number;
  /** Deliveries the receiver accepted more than once under the same delivery id (allowed: at least once). */
  redeliveredSameId: number;
  accepted: number;
  dead: number;
  pending: number;
  scheduleViolations: number;
  details: string[];
};

/**
 * The receiver's accepted requests (2xx answers) against the events that should have reached it and
 * the sender's own list of deliveries to it.
 */
export function auditWebhooks(
  expected: readonly string[],
  receipts: readonly Receipt[],
  sender: readonly SenderDelivery[],
  p: Policy,
  lateMs: number,
): WebhookVerdict {
  const details: string[] = [];
  const note = (s: string) => void (details.length < 20 && details.push(s));
  const accepted = receipts.filter((r) => r.answered >= 200 && r.answered < 300);
  const idsByEvent = new Map<string, Set<string>>();
  const timesById = new Map<string, number>();
  for (const r of accepted) {
    const ids = idsByEvent.get(r.eventId) ?? new Set<string>();
    ids.add(r.deliveryId);
    idsByEvent.set(r.eventId, ids);
    timesById.set(r.deliveryId, (timesById.get(r.deliveryId) ?? 0) + 1);
  }
  let duplicated = 0;
  for (const [eventId, ids] of idsByEvent)
    if (ids.size > 1) {
      duplicated += ids.size - 1;
      note(`${eventId} accepted under ${ids.size} delivery ids`);
    }
  let redeliveredSameId = 0;
  for (const n of timesById.values()) if (n > 1) redeliveredSameId += n - 1;
  const deadEvents = new Set(sender.filter((d) => d.status === "dead").map((d) => d.eventId));
  const pendingEvents = new Set(sender.filter((d) => d.status === "pending").map((d) => d.eventId));
  let lost = 0;
  for (const e of new Set(expected))
    if (!idsByEvent.has(e) && !deadEvents.has(e)) {
      lost++;
      note(`${e}: never accepted${pendingEvents.has(e) ? " (still pending)" : ", and no dead letter"}`);
    }
  let violations = 0;
  for (const d of sender) {
    const v = scheduleViolations(d, p, lateMs);
    violations += v.length;
    for (const line of v) note(line);
  }
  return {
    lost,
    duplicated,
    redeliveredSameId,
    accepted: idsByEvent.size,
    dead: deadEvents.size,
    pending: pendingEvents.size,
    scheduleViolations: violations,
    details,
  };
}
