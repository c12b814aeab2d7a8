// A token bucket per key, held in the isolate. It blunts floods from one client cheaply; it is not a
// global limit (each isolate keeps its own buckets): for that, put Cloudflare's rate limiting rules
// in front (docs/deploy.md).
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";

type Limits = {
  /** Sustained requests per second allowed per key. */
  perSecond: number;
  /** Requests allowed in a burst. */
  burst: number;
};

type Options = {
  /** Limits, read per request so a deployment can set them in configuration. */
  limits: (c: Context<AppEnv>) => Limits;
  key: (c: Context<AppEnv>) => string;
  /** Requests that skip the limit altogether. */
  exempt?: (c: Context<AppEnv>) => boolean;
  /** Buckets kept at most; the oldest are dropped first. */
  maxKeys?: number;
};

export function rateLimit({ limits, key, exempt, maxKeys = 10_000 }: Options): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async function rateLimitHandler(c, next) {
    if (exempt?.(c)) return next();
    const { perSecond, burst } = limits(c);
    const k = key(c);
    const now = Date.now();
    const b = buckets.get(k) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) {
      c.header("retry-after", String(Math.ceil((1 - b.tokens) / perSecond)));
      throw new ApiFailure(429, "rate_limited", "too many requests, slow down");
    }
    b.tokens -= 1;
    buckets.delete(k);
    buckets.set(k, b);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
    await next();
  };
}

export const clientIp = (c: Context): string =>
  c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for") ?? "local";

/** `"perSecond,burst"` from configuration, or the fallback. */
export function parseLimits(value: string | undefined, fallback: Limits): Limits {
  const [perSecond, burst] = (value ?? "").split(",").map(Number);
  return perSecond && burst && perSecond > 0 && burst >= 1 ? { perSecond, burst } : fallback;
}
