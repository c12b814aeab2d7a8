// When to try a failed delivery again: exponential backoff with jitter, and the knobs that set it.
import type { Env } from "../../env.ts";

export type RetryPolicy = {
  /** Attempts in all, the first included; after the last failure the delivery is a dead letter. */
  maxAttempts: number;
  /** Delay after the first failure; doubles after each further one. */
  baseMs: number;
  maxDelayMs: number;
  /** Each attempt is abandoned (and counts as a failure) after this long without a response. */
  timeoutMs: number;
  /** ±fraction applied to each delay, so endpoints that come back up are not hit by every sender at once. */
  jitter: number;
};

// 15 s, 30 s, 1 min … ~1 h: ten attempts span about two hours, long enough to ride out a deploy or
// a short outage, short enough that a dead letter still means something to whoever retries it.
export const DEFAULT_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseMs: 15_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  jitter: 0.2,
};

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function retryPolicy(
  env: Partial<Pick<Env, "NOTIFY_MAX_ATTEMPTS" | "NOTIFY_RETRY_BASE_MS" | "NOTIFY_RETRY_MAX_MS" | "NOTIFY_TIMEOUT_MS">>,
): RetryPolicy {
  return {
    maxAttempts: Math.floor(positive(env.NOTIFY_MAX_ATTEMPTS, DEFAULT_POLICY.maxAttempts)),
    baseMs: positive(env.NOTIFY_RETRY_BASE_MS, DEFAULT_POLICY.baseMs),
    maxDelayMs: positive(env.NOTIFY_RETRY_MAX_MS, DEFAULT_POLICY.maxDelayMs),
    timeoutMs: positive(env.NOTIFY_TIMEOUT_MS, DEFAULT_POLICY.timeoutMs),
    jitter: DEFAULT_POLICY.jitter,
  };
}

/** Delay before attempt `failed + 1`, after `failed` (≥ 1) failures. `random` is in [0, 1). */
export function backoffDelay(failed: number, p: RetryPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(p.maxDelayMs, p.baseMs * 2 ** Math.max(0, failed - 1));
  return Math.round(nominal * (1 - p.jitter + 2 * p.jitter * random()));
}

/**
 * Whether a failed attempt is worth another: no answer at all (a timeout, a refused or dropped
 * connection: `status` undefined), a 5xx, 408 or 429. Anything else (a 4xx, a redirect, which is never
 * followed) will be answered the same however often it is sent: the delivery becomes a dead letter at
 * once, for the owner to retry once the endpoint is fixed.
 */
export function worthRetrying(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === 408 || status === 429;
}
