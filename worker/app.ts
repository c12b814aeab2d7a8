// The Hono app: public chat API, agent API, admin API and server-rendered pages.
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { emailApi } from "./channels/email/routes.ts";
import { ApiFailure, errorResponse } from "./http/errors.ts";
import { isOperatorLoad } from "./middleware/auth.ts";
import { pageHeaders } from "./middleware/headers.ts";
import { clientIp, parseLimits, rateLimit } from "./middleware/rate-limit.ts";
import { sameOriginOnly } from "./middleware/same-origin.ts";
import { siteGuard } from "./middleware/site.ts";
import { meApi } from "./people/me-routes.ts";
import { people } from "./people/routes.ts";
import { operatorAdmin, workspaceAdmin } from "./people/workspace-routes.ts";
import { notifications } from "./insights/notify/routes.ts";
import { admin } from "./routes/admin.ts";
import { agentApi } from "./routes/agent.ts";
import { analytics } from "./insights/analytics/routes.ts";
import { auth } from "./auth/routes.ts";
import { conversations } from "./conversation/routes.ts";
import { customerHistory } from "./channels/history/routes.ts";
import { knowledge } from "./knowledge/routes.ts";
import { portal } from "./channels/portal/routes.ts";
import { pages } from "./pages/routes.ts";
import { privacy } from "./privacy/routes.ts";
import { healthReport } from "./ops/health.ts";
import { requestContext } from "./ops/request.ts";
import { ops } from "./ops/routes.ts";
import { workspaceApi } from "./workspace/routes.ts";
import { apiKeys } from "./channels/rest/keys-routes.ts";
import { rest } from "./channels/rest/routes.ts";
import { routingAdmin, routingApi } from "./inbox/routes.ts";
import { surge } from "./insights/surge/routes.ts";

export const app = new Hono<AppEnv>();
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

app.use("/v1/*", siteGuard());
// Writes cost a Durable Object turn each; reads replay from storage and are left unthrottled here.
// The operator's own load (`npm run simulate`, which sends the ADMIN_TOKEN) is not a flood to blunt.
const writes = rateLimit({
  limits: (c) => parseLimits(c.env.RATE_LIMIT, { perSecond: 2, burst: 20 }),
  key: (c) => `ip:${clientIp(c)}`,
  exempt: isOperatorLoad,
});
app.on("POST", "/v1/*", writes);
app.route("/v1/conversations", conversations);
// A history list wakes one Durable Object per conversation: its reads are throttled like writes.
app.on("GET", "/v1/me/*", writes);
app.route("/v1/me", customerHistory);

// Console and admin API: cookies ride along on cross-site requests, so state changes and agent
// sockets must come from this origin (middleware/same-origin.ts). Sign-in is throttled per account
// and network inside its routes (auth/throttle.ts).
app.use("/api/*", sameOriginOnly());
app.use("/admin/*", sameOriginOnly());
app.route("/api/auth", auth);
// Before the agent API: who-am-I and enrolment work before two-factor is set up (people/me-routes.ts).
app.route("/api/me", meApi);
app.route("/api/kb", knowledge);
// Before the other /api and /admin/v1 routers, so that only its own (owner) guard applies.
app.route("/api/privacy", privacy);
app.route("/admin/v1/privacy", privacy);
app.route("/api/ops", ops);
app.route("/admin/v1/ops", ops);
app.route("/api/workspace", workspaceApi);
app.route("/admin/v1/workspace", workspaceApi);
app.route("/api/api-keys", apiKeys);
app.route("/admin/v1/api-keys", apiKeys);
app.route("/rest/v1", rest);
app.route("/api/surge", surge);
app.route("/api/analytics", analytics);
app.route("/api", emailApi);
app.route("/api", agentApi);
// Before the admin routes, so that only its own (owner) guard applies.
app.route("/admin/v1/notifications", notifications);
app.route("/admin/v1/agents", people);
app.route("/admin/v1", workspaceAdmin);
app.route("/admin/v1", operatorAdmin);
app.route("/api", routingApi);
app.route("/admin/v1", admin);
app.route("/admin/v1", routingAdmin);
app.on("POST", "/hc/*", writes);
app.use("/hc/*", pageHeaders("portal"));
app.route("/", portal);
// The console's files come from the asset store, through the worker so they carry the page headers.
app.use("/console/*", pageHeaders("console"));
app.use("/console", pageHeaders("console"));
app.on(["GET", "HEAD"], ["/console", "/console/*"], async (c) =>
  c.env.ASSETS ? await c.env.ASSETS.fetch(c.req.raw) : c.text("the console is not built", 404),
);
app.route("/", pages);
