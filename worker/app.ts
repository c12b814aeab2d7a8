// The Hono app: public chat API, agent API, admin API and server-rendered pages.
//
// One route convention (worker/README.md "Routes"): every router is mounted once per prefix, at a
// prefix no other router shares or lies under, so the guard a router declares at its top guards
// exactly its own routes, and the order of the table below does not matter. Only the URL families'
// middleware (request id, same-origin, the /v1 site guard, per-IP budgets, page headers) runs before
// it. tests/worker/route-guards.test.ts checks every route's guard, with this table and reversed.
import { Hono } from "hono";
import { auditAdmin, auditCsvAdmin } from "./audit/routes.ts";
import { auth } from "./auth/routes.ts";
import { cannedApi } from "./canned/routes.ts";
import { contactsApi, emailAddressesAdmin } from "./channels/email/routes.ts";
import { customerHistory } from "./channels/history/routes.ts";
import { portal } from "./channels/portal/routes.ts";
import { apiKeys } from "./channels/rest/keys-routes.ts";
import { rest } from "./channels/rest/routes.ts";
import { adminConversations, agentConversations } from "./conversation/agent-routes.ts";
import { conversations } from "./conversation/routes.ts";
import type { AppEnv } from "./env.ts";
import { ApiFailure, errorResponse } from "./http/errors.ts";
import { agentsApi, inboxApi } from "./inbox/routes.ts";
import { analytics } from "./insights/analytics/routes.ts";
import { notifications } from "./insights/notify/routes.ts";
import { surge } from "./insights/surge/routes.ts";
import { knowledgeAdmin } from "./knowledge/admin-routes.ts";
import { knowledge } from "./knowledge/routes.ts";
import { isOperatorLoad } from "./middleware/auth.ts";
import { pageHeaders } from "./middleware/headers.ts";
import { clientIp, parseLimits, rateLimit } from "./middleware/rate-limit.ts";
import { sameOriginOnly } from "./middleware/same-origin.ts";
import { siteGuard } from "./middleware/site.ts";
import { healthReport } from "./ops/health.ts";
import { requestContext } from "./ops/request.ts";
import { ops } from "./ops/routes.ts";
import { pages } from "./pages/routes.ts";
import { meApi } from "./people/me-routes.ts";
import { people } from "./people/routes.ts";
import { privacy } from "./privacy/routes.ts";
import { sitesAdmin } from "./sites/routes.ts";
import { workspacesAdmin } from "./workspace/operator-routes.ts";
import { workspaceAdmin, workspaceApi } from "./workspace/routes.ts";

export type Mount = readonly [prefix: string, router: Hono<AppEnv>];

/**
 * Every router and the prefix it owns. Guards: "session" is a console sign-in (role), "admin" a
 * session or the operator's ADMIN_TOKEN naming `?workspace=`, "operator" the ADMIN_TOKEN only. The
 * target is the caller's workspace unless said otherwise. Budgets not named here are in app.ts's
 * family middleware or none (worker/README.md lists which).
 */
export const mounts: readonly Mount[] = [
  // Public, site key + conversation token (the /v1 family's site guard); writes per IP.
  ["/v1/conversations", conversations],
  // Public, site key + a signed identity's history token; reads and writes per IP.
  ["/v1/me", customerHistory],
  // Public: sign-in, throttled per account and network inside (auth/throttle.ts).
  ["/api/auth", auth],
  // Session, any role; who-am-I and enrolment also before two-factor is set up (per route).
  ["/api/me", meApi],
  // Session: every role reads, editors and owners write (per route).
  ["/api/kb", knowledge],
  ["/api/inbox", inboxApi],
  ["/api/agents", agentsApi],
  ["/api/conversations", agentConversations],
  ["/api/contacts", contactsApi],
  // Session: every role reads, editors and owners write (per route).
  ["/api/canned", cannedApi],
  // Session; deciding a plan needs an owner other than its lead (inside).
  ["/api/surge", surge],
  // Admin, owners; per-caller budgets (privacy, ops, workspace).
  ["/api/analytics", analytics],
  ["/api/privacy", privacy],
  ["/admin/v1/privacy", privacy],
  ["/api/ops", ops],
  ["/admin/v1/ops", ops],
  ["/api/workspace", workspaceApi],
  ["/admin/v1/workspace", workspaceAdmin],
  ["/api/api-keys", apiKeys],
  ["/admin/v1/api-keys", apiKeys],
  ["/admin/v1/notifications", notifications],
  ["/admin/v1/agents", people],
  ["/admin/v1/sites", sitesAdmin],
  ["/admin/v1/audit", auditAdmin],
  ["/admin/v1/audit.csv", auditCsvAdmin],
  // Admin, editors and owners.
  ["/admin/v1/kb", knowledgeAdmin],
  ["/admin/v1/conversations", adminConversations],
  // Operator only.
  ["/admin/v1/workspaces", workspacesAdmin],
  ["/admin/v1/email-addresses", emailAddressesAdmin],
  // An API key (Bearer ek_…) of one workspace; per key (inside).
  ["/rest/v1", rest],
  // Public pages holding their own full paths, without middleware of their own: the help centre
  // (`/hc/…`, `/help/:id`, `/robots.txt`; POSTs per IP) and the demo host page.
  ["/", portal],
  ["/", pages],
];

/** The app: the URL families' middleware first, then `table` in any order. */
export function buildApp(table: readonly Mount[] = mounts): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // First: the request id, the request's log line and its latency metric (worker/ops/request.ts).
  app.use(requestContext());

  app.onError(errorResponse);
  app.notFound((c) =>
    errorResponse(new ApiFailure(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), c),
  );

  // Which bindings this deployment has and which it lacks (worker/ops/health.ts); 503 when one it needs is missing.
  app.get("/health", async (c) => {
    const r = await healthReport(c.env);
    return c.json(r, r.ok ? 200 : 503, { "cache-control": "no-store" });
  });

  // The public chat API: the site key, its allowed origins and CORS (middleware/site.ts).
  app.use("/v1/*", siteGuard());
  // Writes cost a Durable Object turn each; reads replay from storage and are left unthrottled here.
  // The operator's own load (`npm run simulate`, which sends the ADMIN_TOKEN) is not a flood to blunt.
  const writes = rateLimit({
    limits: (c) => parseLimits(c.env.RATE_LIMIT, { perSecond: 2, burst: 20 }),
    key: (c) => `ip:${clientIp(c)}`,
    exempt: isOperatorLoad,
  });
  app.on("POST", "/v1/*", writes);
  // A history list wakes one Durable Object per conversation: its reads are throttled like writes.
  app.on("GET", "/v1/me/*", writes);
  app.on("POST", "/hc/*", writes);
  app.use("/hc/*", pageHeaders("portal"));

  // Console and admin API: cookies ride along on cross-site requests, so state changes and agent
  // sockets must come from this origin (middleware/same-origin.ts).
  app.use("/api/*", sameOriginOnly());
  app.use("/admin/*", sameOriginOnly());

  // The console's files come from the asset store, through the worker so they carry the page headers.
  app.use("/console/*", pageHeaders("console"));
  app.use("/console", pageHeaders("console"));
  app.on(["GET", "HEAD"], ["/console", "/console/*"], async (c) =>
    c.env.ASSETS ? await c.env.ASSETS.fetch(c.req.raw) : c.text("the console is not built", 404),
  );

  for (const [prefix, router] of table) app.route(prefix, router);

  return app;
}

export const app = buildApp();
