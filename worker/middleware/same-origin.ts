// Cross-site request forgery: the session cookie is SameSite=Strict, but a sibling site (another port
// on localhost, another subdomain of a shared suffix) is "same-site" and older browsers ignore the
// attribute. So every state change on /api and /admin, and every agent WebSocket upgrade, must come
// from this worker's own origin when the browser says where it comes from. Clients that send no
// Origin and no Sec-Fetch-Site (scripts, the kb CLI, curl) are not browsers riding a cookie.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The worker's origin as the browser sees it (the request's, or PUBLIC_URL's behind a custom domain). */
export function ownOrigins(c: Context<AppEnv>): string[] {
  const own = [new URL(c.req.url).origin];
  try {
    if (c.env.PUBLIC_URL) own.push(new URL(c.env.PUBLIC_URL).origin);
  } catch {
    // a malformed PUBLIC_URL adds nothing
  }
  return own;
}

export function sameOriginOnly(): MiddlewareHandler<AppEnv> {
  return async function sameOriginHandler(c, next) {
    const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if (SAFE.has(c.req.method) && !upgrade) return next();
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const foreign =
      origin !== undefined
        ? !ownOrigins(c).includes(origin)
        : site !== undefined && site !== "same-origin" && site !== "none";
    if (foreign) throw new ApiFailure(403, "cross_origin", "requests from other sites are refused");
    return next();
  };
}
