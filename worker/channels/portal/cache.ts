// Edge caching of help-centre pages. A page is a pure function of (URL, KB version, portal config),
// so the cache key carries the KB version: a publish makes a new version current and every page's key
// changes with it, with no purge. Keys are built from normalised URLs (only the query parameters a
// page reads), so junk parameters cannot fill the cache or bypass it.
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";

/** Bump when the templates change, so a deploy does not serve pages rendered by the old code. */
export const RENDER_REVISION = "2";

/** Browsers revalidate after a minute (cheap: a 304 from the ETag); the edge keeps pages a day. */
export const CACHE_CONTROL = "public, max-age=60, s-maxage=86400";

/** FNV-1a, hex: a short, stable digest for ETags (not a security boundary). */
export function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export type CacheSpec = {
  workspaceId: string;
  /** Current KB version (0: nothing published). */
  version: number;
  /** Things besides the KB a page shows (workspace name, portal site key). */
  config: string;
  /** Path plus the normalised query this page depends on. */
  page: string;
  contentType: string;
};

const etagOf = (s: CacheSpec) => `"hc-${s.version}-${fnv(`${RENDER_REVISION}|${s.config}|${s.page}`)}"`;

const matches = (header: string | undefined, etag: string): boolean =>
  !!header && header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);

/**
 * Serves the page from the edge cache, or renders, serves and stores it. `If-None-Match` is answered
 * before any cache lookup or rendering: the ETag is known from the version alone.
 */
export async function cachedPage(
  c: Context<AppEnv>,
  spec: CacheSpec,
  render: () => Promise<{ status: 200 | 404; body: string }>,
): Promise<Response> {
  const etag = etagOf(spec);
  const headers = { "content-type": spec.contentType, "cache-control": CACHE_CONTROL, etag, vary: "accept-encoding" };
  if (matches(c.req.header("if-none-match"), etag))
    return new Response(null, { status: 304, headers: { ...headers, "x-edgedesk-cache": "revalidated" } });
  const off = c.env.PORTAL_CACHE === "off";
  const origin = new URL(c.req.url).origin;
  const key = new Request(
    `${origin}/__hc-cache/${RENDER_REVISION}/${encodeURIComponent(spec.workspaceId)}/v${spec.version}/${fnv(spec.config)}${spec.page}`,
  );
  const cache = off ? null : caches.default;
  const hit = await cache?.match(key);
  if (hit) {
    const res = new Response(hit.body, hit);
    res.headers.set("x-edgedesk-cache", "hit");
    return res;
  }
  const { status, body } = await render();
  const res = new Response(body, { status, headers });
  if (cache) c.executionCtx.waitUntil(cache.put(key, res.clone()));
  res.headers.set("x-edgedesk-cache", off ? "off" : "miss");
  return res;
}
