// The first middleware of the app: gives every request its id (the caller's `x-request-id` when it is
// a plain short token, else Cloudflare's `cf-ray`, else a new UUID), answers with it in `x-request-id`,
// and when the request ends logs one line and records its latency and outcome by route pattern
// (`/api/conversations/:id`, never the URL: tokens and ids travel in URLs).
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../env.ts";
import { acceptRid, log, newRid } from "./log.ts";
import { metric } from "./metrics.ts";

export function requestContext(): MiddlewareHandler<AppEnv> {
  return async function requestContextHandler(c, next) {
    const rid = acceptRid(c.req.header("x-request-id")) ?? acceptRid(c.req.header("cf-ray")) ?? newRid();
    c.set("rid", rid);
    const started = Date.now();
    try {
      await next();
    } finally {
      const ms = Date.now() - started;
      const status = c.res.status;
      let route = "unmatched";
      try {
        // The handler that answered: compose leaves routeIndex on it (the last matched route may be a
        // router's middleware registered after it).
        route = routePath(c) || route;
      } catch {
        // no route matched (404)
      }
      if (status === 404 && route.endsWith("*")) route = "unmatched";
      try {
        c.res.headers.set("x-request-id", rid);
      } catch {
        // a WebSocket upgrade's response headers are immutable
      }
      const workspaceId = c.get("agent")?.workspaceId ?? c.get("site")?.workspaceId ?? c.get("apiKey")?.workspaceId;
      const wait = (p: Promise<unknown>) => {
        try {
          c.executionCtx.waitUntil(p);
        } catch {
          // no execution context (app.request in unit code): the batch is written by the next request
        }
      };
      metric(c.env, wait, {
        name: "http",
        label: `${c.req.method} ${route}`,
        label2: String(status),
        ...(workspaceId ? { workspaceId } : {}),
        value: ms,
      });
      if (status >= 500)
        metric(c.env, wait, { name: "error", label: `${c.req.method} ${route}`, label2: String(status), value: 1 });
      log(c.env, status >= 500 ? "error" : "info", "request", {
        rid,
        method: c.req.method,
        route,
        status,
        ms,
        ...(workspaceId ? { workspace: workspaceId } : {}),
      });
    }
  };
}
