// What one conversation's customer side may cost. Every stored customer message is a bot turn, D1
// writes, an inbox update and webhooks; a socket that sends hundreds of frames a second must not buy
// hundreds of each. Two token buckets per conversation, held by its Durable Object (so every
// connection of the conversation shares them: WebSockets, SSE sends, HTTP posts, the REST channel):
// stored messages, and customer socket frames of any kind. A resend of a message already stored is
// free (it stores nothing). The buckets live in memory: an object that hibernates or restarts starts
// full again, which needs a quiet conversation anyway. The per-IP limit in front (RATE_LIMIT) stays.
// Files (worker/conversation/files.ts) have a bucket of their own and caps on count and bytes in all.
import type { Env } from "../env.ts";
import { parseLimits } from "../middleware/rate-limit.ts";

export type Limits = { perSecond: number; burst: number };

/** A person types a few messages in a row, and a reconnect resends what waited offline: 10 at once, then one every 2 s. */
export const messageLimits = (env: Env): Limits =>
  parseLimits(env.CUSTOMER_MESSAGE_BUDGET, { perSecond: 0.5, burst: 10 });

/** Typing on/off, handoff, sends: the widget sends a few a second at most. */
export const frameLimits = (env: Env): Limits => parseLimits(env.CUSTOMER_FRAME_BUDGET, { perSecond: 5, burst: 40 });

/** A customer's files (docs/attachments.md): five at once (a handful of screenshots), then one every 10 s. */
export const uploadLimits = (env: Env): Limits => parseLimits(env.CUSTOMER_UPLOAD_BUDGET, { perSecond: 0.1, burst: 5 });

/** What a conversation's customer may upload in all, however slowly: kept in the log itself, so it survives restarts. */
export const fileCaps = (env: Env): { files: number; bytes: number } => ({
  files: Number(env.CONVERSATION_FILE_CAP) > 0 ? Number(env.CONVERSATION_FILE_CAP) : 20,
  bytes: Number(env.CONVERSATION_FILE_BYTES) > 0 ? Number(env.CONVERSATION_FILE_BYTES) : 50 * 1024 * 1024,
});

export class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limits: Limits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.at = now;
  }

  /** Takes one token: 0 when allowed, otherwise how long (ms) until one is there. */
  take(now: number): number {
    const { perSecond, burst } = this.limits;
    this.tokens = Math.min(burst, this.tokens + ((now - this.at) / 1000) * perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / perSecond) * 1000);
  }
}

/** The refusal a client sees: the same code over every transport, with when to try again. */
export const RATE_LIMITED = "rate_limited";
export const slowDown = (retryAfterMs: number) => ({
  code: RATE_LIMITED,
  message: `too many messages in this conversation; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
  retryAfterMs,
});

/** The HTTP answer to a refused message: 429 in the API's error shape, with Retry-After in seconds. */
export function tooMany(retryAfterMs: number): Response {
  const { code, message } = slowDown(retryAfterMs);
  const headers = { "retry-after": String(Math.ceil(retryAfterMs / 1000)) };
  return Response.json({ error: code, message, retryAfterMs }, { status: 429, headers });
}
