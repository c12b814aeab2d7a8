// Security headers of the pages people open in a browser: the console (static assets, served through
// the worker for this) and the help centre. No framing (clickjacking), scripts only from this origin
// (plus the help centre's one inline script, by hash), no MIME sniffing, and referrers that do not
// carry console URLs (they name conversations) to the sites agents click through to.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { ASK_SCRIPT } from "../channels/portal/html.ts";
import { ownOrigins } from "./same-origin.ts";

let askHash: Promise<string> | undefined;
const sha256Source = async (text: string): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
};

/** connect-src: 'self' and, for browsers that do not count ws: as 'self' yet, this host's sockets. */
function connectSources(c: Context<AppEnv>): string {
  const sockets = ownOrigins(c).map((o) => o.replace(/^http/, "ws"));
  return ["'self'", ...sockets].join(" ");
}

export function pageHeaders(kind: "console" | "portal"): MiddlewareHandler<AppEnv> {
  return async function pageHeadersHandler(c, next) {
    await next();
    askHash ??= sha256Source(ASK_SCRIPT);
    const scripts = kind === "portal" ? `'self' ${await askHash}` : "'self'";
    // blob: the widget shows a conversation's images from blob URLs of authenticated fetches (docs/attachments.md).
    const images = kind === "portal" ? "'self' data: https: blob:" : "'self' data: blob:";
    const csp = [
      "default-src 'self'",
      `script-src ${scripts}`,
      // Inline style attributes (server-rendered pages) and the widget's shadow-root stylesheet.
      "style-src 'self' 'unsafe-inline'",
      `img-src ${images}`,
      `connect-src ${connectSources(c)}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; ");
    // Responses from the asset store or the edge cache have immutable headers: re-wrap, body untouched.
    const res = new Response(c.res.body, c.res);
    res.headers.set("content-security-policy", csp);
    res.headers.set("x-frame-options", "DENY");
    res.headers.set("x-content-type-options", "nosniff");
    res.headers.set("referrer-policy", kind === "console" ? "no-referrer" : "strict-origin-when-cross-origin");
    c.res = res;
  };
}
