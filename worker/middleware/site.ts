// Resolves the site key of a public request and enforces its allowed origins (and CORS). Browsers set
// Origin on cross-origin fetches and on every WebSocket handshake, so a page on another origin cannot
// use a site key it copied. Requests without Origin come from non-browser clients (the REST channel,
// scripts), which Origin could never stop anyway; they are rate limited like everyone else.
import type { Context, MiddlewareHandler } from "hono";
import { siteQuerySchema } from "../../shared/api.ts";
import type { AppEnv, Env, Site } from "../env.ts";
import { ApiFailure, errorResponse, parseOr400 } from "../http/errors.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { noteOrigin } from "../sites/status.ts";
import { LruMap } from "../../shared/lru.ts";

type Options = { cacheTtlMs?: number };

/** Site keys remembered per isolate, found or not (a request names any key it likes). */
export const SITE_CACHE_MAX = 2000;
const cache = new LruMap<string, { site: Site | null; until: number }>(SITE_CACHE_MAX);
/** How many site keys this isolate remembers (tests). */
export const cachedSites = (): number => cache.size;

export async function loadSite(env: Env, key: string, ttl: number): Promise<Site | null> {
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.site;
  const row = await env.DB.prepare(
    "SELECT key, workspace_id, allowed_origins, identity_secret, portal FROM sites WHERE key = ?",
  )
    .bind(key)
    .first<{
      key: string;
      workspace_id: string;
      allowed_origins: string;
      identity_secret: string | null;
      portal: number;
    }>();
  const site = row
    ? {
        key: row.key,
        workspaceId: row.workspace_id,
        allowedOrigins: parseJson(stringList, row.allowed_origins, `sites.allowed_origins of ${row.key}`),
        identitySecret: row.identity_secret,
        ...(row.portal ? { portal: true } : {}),
      }
    : null;
  cache.set(key, { site, until: Date.now() + ttl });
  return site;
}

/** The help centre's pages come from the worker itself: its request origin, or PUBLIC_URL's. */
function isOwnOrigin(env: Env, url: string, origin: string): boolean {
  if (new URL(url).origin === origin) return true;
  try {
    return !!env.PUBLIC_URL && new URL(env.PUBLIC_URL).origin === origin;
  } catch {
    return false;
  }
}

/** Drops cached sites, e.g. after an admin changed the allowed origins. */
export function forgetSite(key: string): void {
  cache.delete(key);
}

/**
 * A refused key or origin, readable by the page that asked: with CORS, so the widget can tell "this
 * site is misconfigured" (stop, tell the visitor chat is unavailable, tell the owner what to fix in the
 * browser console) from a network failure it should retry. The answer names only the key and origin
 * the page itself sent.
 */
function refusal(c: Context<AppEnv>, origin: string | undefined, failure: ApiFailure): Response {
  const res = errorResponse(failure, c);
  if (origin !== undefined) {
    res.headers.set("access-control-allow-origin", origin);
    res.headers.append("vary", "origin");
  }
  return res;
}

/** The status write after the answer (waitUntil), so it never delays the page; directly where there is no context. */
function later(c: Context<AppEnv>, write: Promise<unknown> | null): void {
  if (!write) return;
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (an app called directly): the write runs on its own and logs its failure.
  }
}

export function siteGuard({ cacheTtlMs = 30_000 }: Options = {}): MiddlewareHandler<AppEnv> {
  return async function siteGuardHandler(c, next) {
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS") {
      // Preflight carries no site key guarantee; answer it and let the real request be checked.
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin ?? "*",
          "access-control-allow-methods": "GET, POST, OPTIONS",
          // authorization: the conversation and history tokens (shared/credentials.ts); x-file-name and
          // x-client-id: a file upload's name and idempotency key (worker/attachments/upload.ts).
          "access-control-allow-headers": "content-type, accept, authorization, x-file-name, x-client-id",
          "access-control-max-age": "600",
          vary: "origin",
        },
      });
    }
    const { site: key } = parseOr400(siteQuerySchema, { site: c.req.query("site") }, "query");
    const site = await loadSite(c.env, key, cacheTtlMs);
    if (!site)
      return refusal(
        c,
        origin,
        new ApiFailure(
          404,
          "unknown_site",
          `no site has the key "${key}": copy the embed tag again from the console (Settings → Sites)`,
        ),
      );
    if (
      origin !== undefined &&
      !site.allowedOrigins.includes(origin) &&
      !(site.portal && isOwnOrigin(c.env, c.req.url, origin))
    ) {
      later(c, noteOrigin(c.env, key, origin, "refused"));
      return refusal(
        c,
        origin,
        new ApiFailure(
          403,
          "origin_not_allowed",
          `origin ${origin} is not allowed for the site "${key}": add it to the site's allowed origins in the console (Settings → Sites)`,
        ),
      );
    }
    if (origin !== undefined) later(c, noteOrigin(c.env, key, origin, "seen"));
    c.set("site", site);
    await next();
    if (origin !== undefined && c.res.status !== 101) {
      // Responses passed through from a Durable Object have immutable headers: re-wrap, body untouched.
      const res = new Response(c.res.body, c.res);
      res.headers.set("access-control-allow-origin", origin);
      // The widget waits this long after a 429 (a conversation's message budget, worker/conversation/budget.ts).
      res.headers.set("access-control-expose-headers", "retry-after");
      res.headers.append("vary", "origin");
      c.res = res;
    }
  };
}
