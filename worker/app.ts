// The Hono app: public chat API, agent API, admin API and server-rendered pages.
//
// One route convention (worker/README.md "Routes"): every router is mounted once per prefix, at a
// prefix no other router shares or lies under, so the guard a router declares at its top guards
// exactly its own routes, and the order of the table below does not matter. Only the URL families'
// middleware (request id, same-origin, the /v1 site guard, per-IP budgets, page headers) runs before
// it. tests/worker/route-guards.test.ts checks every route's guard, with this table and reversed.
import { Hono } from "hono";
import { appearanceApi, widgetConfig } from "./appearance/routes.ts";
import { auditAdmin, auditCsvAdmin } from "./audit/routes.ts";
import { customerFiles, filesApi } from "./attachments/routes.ts";
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
import { actionsAdmin } from "./actions/routes.ts";
import { actionRuns } from "./actions/run-routes.ts";
import { hoursAdmin } from "./hours/routes.ts";
import { agentsApi, inboxApi } from "./inbox/routes.ts";
import { analytics } from "./insights/analytics/routes.ts";
import { notifications } from "./insights/notify/routes.ts";
import { surge } from "./insights/surge/routes.ts";
import { knowledgeAdmin } from "./knowledge/admin-routes.ts";
import { knowledge } from "./knowledge/routes.ts";
import { kbImport } from "./knowledge/import/routes.ts";
import { isOperatorLoad } from "./middleware/auth.ts";
import { pageHeaders } from "./middleware/headers.ts";
import { clientIp, parseLimits, rateLimit } from "./middleware/rate-limit.ts";
import { sameOriginOnly } from "./middleware/same-origin.ts";
import { siteGuard } from "./middleware/site.ts";
import { healthReport } from "./ops/health.ts";
import { requestContext } from "./ops/request.ts";
import { ops } from "./ops/routes.ts";
import { pages } from "./pages/routes.ts";
import { accountApi } from "./people/account-routes.ts";
import { invitesAdmin } from "./people/invite-routes.ts";
import { meApi } from "./people/me-routes.ts";
import { people } from "./people/routes.ts";
import { privacy } from "./privacy/routes.ts";
import { healthApi } from "./insights/customers/routes.ts";
import { outreachApi } from "./insights/customers/outreach-routes.ts";
import { reportsApi } from "./insights/reports/routes.ts";
import { qualityApi } from "./quality/routes.ts";
import { searchApi } from "./search/routes.ts";
import { sitesAdmin } from "./sites/routes.ts";
import { checklistApi } from "./workspace/checklist.ts";
import { workspaceCreate } from "./workspace/create-routes.ts";
import { workspacesAdmin } from "./workspace/operator-routes.ts";
import { setupApi } from "./workspace/setup-routes.ts";
import { workspaceAdmin, workspaceApi } from "./workspace/routes.ts";

type Guard = "public" | "site" | "session" | "admin" | "operator" | "apiKey";
type Target = "workspace" | "site" | "conversation" | "deployment" | "none";
type Budget =
  | { per: "ip" | "caller" | "apiKey" | "account+network" | "workspace+ip" | "ip+conversation" }
  | { none: string };

/**
 * A router at the prefix it owns, and what its routes answer before any handler runs: who may call
 * them at least (a route may ask for more, e.g. editors), what they reach, and how often.
 * Guards: "site" is the site key and its allowed origins (middleware/site.ts), plus the conversation's
 * or the history's token per route; "session" a console sign-in (middleware/auth.ts requireAgent);
 * "admin" a session with a role, or the operator's ADMIN_TOKEN naming `?workspace=` (requireAdmin,
 * ownerOrOperator); "operator" the ADMIN_TOKEN only; "apiKey" a REST key of one workspace.
 */
export type Mount = readonly [prefix: string, router: Hono<AppEnv>, guard: Guard, target: Target, budget: Budget];

const perIp: Budget = { per: "ip" };
const perCaller: Budget = { per: "caller" };
const signedIn: Budget = { none: "a signed-in person of the workspace (sign-in is throttled); no rate of its own" };
const configRead: Budget = { none: "one read per page load, kept by the browser a minute and per isolate 30 s" };
const operatorOnly: Budget = { none: "the operator's own occasional calls" };

/** Every router and the prefix it owns; the order does not matter. */
export const mounts: readonly Mount[] = [
  // The widget's API: writes per IP (and a message budget per conversation, conversation/budget.ts).
  ["/v1/conversations", conversations, "site", "conversation", perIp],
  ["/v1/me", customerHistory, "site", "site", perIp],
  ["/v1/config", widgetConfig, "site", "site", configRead],
  // The customer's files (attachments/routes.ts): uploads per IP and per conversation (a bucket and caps
  // in its Durable Object), reads per IP; the policy is cached by the browser a minute.
  ["/v1/attachments", customerFiles, "site", "conversation", { per: "ip+conversation" }],
  ["/api/auth", auth, "public", "none", { per: "account+network" }],
  // First run: open while no workspace exists, with the deployment's ADMIN_TOKEN (workspace/setup-routes.ts).
  ["/api/setup", setupApi, "public", "deployment", perIp],
  ["/api/checklist", checklistApi, "admin", "workspace", signedIn],
  // Emailed links (invitation, password reset): the token in the body; per IP, mails per workspace too.
  ["/api/account", accountApi, "public", "workspace", perIp],
  // Who-am-I and enrolment also before two-factor is set up (per route); the person's workspaces and the switch.
  ["/api/me", meApi, "session", "workspace", signedIn],
  // Every role reads; editors and owners write (per route).
  ["/api/kb", knowledge, "session", "workspace", signedIn],
  ["/api/kb-import", kbImport, "session", "workspace", perCaller], // editors; uploads parsed, so a budget
  ["/api/inbox", inboxApi, "session", "workspace", signedIn],
  ["/api/agents", agentsApi, "session", "workspace", signedIn],
  ["/api/conversations", agentConversations, "session", "conversation", signedIn],
  // A few FTS5 queries per call, typed as you go: per agent (search/routes.ts).
  ["/api/search", searchApi, "session", "workspace", perCaller],
  ["/api/quality", qualityApi, "session", "workspace", perCaller],
  ["/api/reports", reportsApi, "session", "workspace", perCaller],
  ["/api/customer-health", healthApi, "session", "workspace", perCaller],
  // Any agent writes to a contact of the workspace first, and approves or denies rules' drafts.
  ["/api/outreach", outreachApi, "session", "workspace", perCaller],
  ["/api/contacts", contactsApi, "session", "workspace", signedIn],
  ["/api/canned", cannedApi, "session", "workspace", signedIn],
  // Every role reads; owners write (per route).
  ["/api/appearance", appearanceApi, "session", "workspace", signedIn],
  ["/api/files", filesApi, "session", "workspace", signedIn],
  // Deciding a plan needs an owner other than its lead (inside).
  ["/api/surge", surge, "session", "workspace", signedIn],
  // Owners, or the ADMIN_TOKEN.
  ["/api/analytics", analytics, "admin", "workspace", signedIn],
  ["/api/privacy", privacy, "admin", "workspace", perCaller],
  ["/admin/v1/privacy", privacy, "admin", "workspace", perCaller],
  // A session sees its workspace; the ADMIN_TOKEN the whole deployment.
  ["/api/ops", ops, "admin", "deployment", perCaller],
  ["/admin/v1/ops", ops, "admin", "deployment", perCaller],
  // Import and removal: the ADMIN_TOKEN only (per route). Both doors share one budget.
  ["/api/workspace", workspaceApi, "admin", "workspace", perCaller],
  // An owner creates a further workspace and switches into it (a new tenant: per person).
  ["/api/workspaces", workspaceCreate, "session", "deployment", perCaller],
  ["/admin/v1/workspace", workspaceAdmin, "admin", "workspace", perCaller],
  ["/api/api-keys", apiKeys, "admin", "workspace", signedIn],
  ["/admin/v1/api-keys", apiKeys, "admin", "workspace", signedIn],
  ["/admin/v1/notifications", notifications, "admin", "workspace", signedIn],
  ["/admin/v1/agents", people, "admin", "workspace", signedIn],
  // Sending an invitation: per client address and per workspace (people/links.ts).
  ["/admin/v1/invites", invitesAdmin, "admin", "workspace", { per: "workspace+ip" }],
  ["/admin/v1/sites", sitesAdmin, "admin", "site", signedIn],
  // Business hours: when customers are promised a person and SLA clocks run (SETTINGS_RATE_LIMIT).
  ["/admin/v1/hours", hoursAdmin, "admin", "workspace", perCaller],
  ["/admin/v1/audit", auditAdmin, "admin", "workspace", signedIn],
  ["/admin/v1/audit.csv", auditCsvAdmin, "admin", "workspace", signedIn],
  // Actions (docs/actions.md): editors read, owners define, set secrets, try; per caller, as "try it" calls out.
  ["/api/actions", actionsAdmin, "admin", "workspace", perCaller],
  ["/admin/v1/actions", actionsAdmin, "admin", "workspace", perCaller],
  // Any agent: run an action for a conversation's customer, the customer card, the approvals queue.
  ["/api/action-runs", actionRuns, "session", "conversation", perCaller],
  // Editors and owners, or the ADMIN_TOKEN (CI, the kb CLI).
  ["/admin/v1/kb", knowledgeAdmin, "admin", "workspace", signedIn],
  ["/admin/v1/conversations", adminConversations, "admin", "conversation", signedIn],
  ["/admin/v1/workspaces", workspacesAdmin, "operator", "deployment", operatorOnly],
  ["/admin/v1/email-addresses", emailAddressesAdmin, "operator", "deployment", operatorOnly],
  // Its OpenAPI document is public.
  ["/rest/v1", rest, "apiKey", "conversation", { per: "apiKey" }],
  // Public pages holding their own full paths, without middleware of their own: the help centre
  // (`/hc/…`, `/help/:id`, `/robots.txt`; its POSTs per IP, its pages edge-cached) and the demo page.
  ["/", portal, "public", "workspace", perIp],
  ["/", pages, "public", "none", { none: "static pages" }],
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
