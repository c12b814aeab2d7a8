// Every route of the app has exactly the guard this file's table says: each is called with no
// credentials, a session whose workspace requires two-factor that it has not set up, an agent's,
// an editor's and an owner's session, and the operator's ADMIN_TOKEN, and who gets past the guard is
// compared with the table. The same runs against the app built from its mount table reversed, so a
// guard that depends on mount order fails here; a route missing from the table fails too.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import type { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, type Mount, mounts } from "../../worker/app.ts";
import type { AppEnv } from "../../worker/env.ts";
import { ADMIN, BASE, createAgent, createConversation, waitFor } from "./helpers.ts";

const WS = "route-guards";
const WS_2FA = "route-guards-2fa";

type Who = "none" | "pending" | "agent" | "editor" | "owner" | "admin";
const WHO: Who[] = ["none", "pending", "agent", "editor", "owner", "admin"];

/**
 * Who gets past each kind of guard. "site" and "apiKey" routes take no console credential at all:
 * every caller gets the same refusal without a site key or an API key.
 */
const ACCESS = {
  public: ["none"],
  site: [],
  apiKey: [],
  /** A session, also before two-factor is set up (who am I, enrolment). */
  sessionEarly: ["pending", "agent", "editor", "owner"],
  session: ["agent", "editor", "owner"],
  sessionEditor: ["editor", "owner"],
  sessionOwner: ["owner"],
  /** A session of that role, or the ADMIN_TOKEN naming the workspace. */
  adminEditor: ["editor", "owner", "admin"],
  adminOwner: ["owner", "admin"],
  operator: ["admin"],
} satisfies Record<string, Who[]>;
type Access = keyof typeof ACCESS;

const TABLE: Record<Access, string[]> = {
  public: [
    "GET /health",
    "GET /console",
    "HEAD /console",
    "GET /console/*",
    "HEAD /console/*",
    "POST /api/auth/login",
    "POST /api/auth/login/two-factor",
    "POST /api/auth/logout",
    "GET /api/setup",
    "POST /api/setup",
    "POST /api/account/invite",
    "POST /api/account/invite/accept",
    "POST /api/account/invite/join",
    "POST /api/account/reset",
    "POST /api/account/reset/complete",
    "GET /rest/v1/openapi.json",
    "GET /hc/:ws",
    "GET /hc/:ws/",
    "GET /hc/:ws/search",
    "GET /hc/:ws/articles/:id",
    "POST /hc/:ws/articles/:id/vote",
    "GET /hc/:ws/sitemap.xml",
    "GET /robots.txt",
    "GET /help/:id",
    "GET /favicon.svg",
    "GET /favicon.ico",
    "GET /demo/",
    "GET /demo",
  ],
  site: [
    "POST /v1/conversations",
    "GET /v1/conversations/:id/events",
    "GET /v1/conversations/:id/ws",
    "POST /v1/conversations/:id/messages",
    "POST /v1/conversations/:id/handoff",
    "POST /v1/conversations/:id/identify",
    "POST /v1/conversations/:id/csat",
    "GET /v1/conversations/:id/follow-up",
    "POST /v1/conversations/:id/follow-up",
    "POST /v1/conversations/:id/follow-up/confirm",
    "POST /v1/conversations/:id/feedback",
    "GET /v1/conversations/:id/successor",
    "POST /v1/me/session",
    "GET /v1/me/conversations",
    "GET /v1/me/conversations/:id",
    "GET /v1/config",
    "GET /v1/attachments/policy",
    "POST /v1/attachments/:id",
    "GET /v1/attachments/:id/:file",
  ],
  apiKey: [
    "POST /rest/v1/conversations",
    "GET /rest/v1/conversations/:id",
    "POST /rest/v1/conversations/:id/messages",
    "GET /rest/v1/conversations/:id/events",
    "POST /rest/v1/conversations/:id/handoff",
  ],
  sessionEarly: [
    "GET /api/me",
    "GET /api/me/security",
    "POST /api/me/two-factor/setup",
    "POST /api/me/two-factor/enable",
  ],
  session: [
    "PUT /api/me/password",
    "GET /api/me/sessions",
    "DELETE /api/me/sessions/:sid",
    "POST /api/me/two-factor/recovery-codes",
    "DELETE /api/me/two-factor",
    "PUT /api/me/availability",
    "GET /api/me/alerts",
    "PUT /api/me/alerts",
    "GET /api/me/workspaces",
    "POST /api/me/workspace",
    "GET /api/kb/articles",
    "GET /api/kb/articles/:id",
    "GET /api/kb/synonyms",
    "GET /api/inbox",
    "GET /api/inbox/ws",
    "GET /api/agents",
    "GET /api/conversations/:id",
    "GET /api/conversations/:id/ws",
    "POST /api/conversations/:id/messages",
    "POST /api/conversations/:id/claim",
    "POST /api/conversations/:id/resolve",
    "POST /api/conversations/:id/notes",
    "PATCH /api/conversations/:id",
    "POST /api/conversations/:id/handback",
    "PUT /api/conversations/:id/handoff-needed",
    "POST /api/conversations/:id/assign",
    "POST /api/conversations/:id/merge",
    "POST /api/conversations/:id/split",
    "POST /api/conversations/:id/attachments",
    "GET /api/search",
    "GET /api/conversations/:id/attachments/:file",
    "POST /api/conversations/:id/snooze",
    "DELETE /api/conversations/:id/snooze",
    "POST /api/conversations/:id/scheduled-replies",
    "POST /api/conversations/:id/reminders",
    "DELETE /api/conversations/:id/schedules/:sid",
    "GET /api/inbox/reminders",
    "POST /api/inbox/reminders/:rid/dismiss",
    "GET /api/inbox/mentions",
    "POST /api/inbox/mentions/:mid/seen",
    "GET /api/quality/scorecards",
    "GET /api/quality/conversations/:id",
    "GET /api/quality/rubric",
    "GET /api/quality/performance",
    "GET /api/quality/performance.csv",
    "GET /api/customer-health/contacts",
    "GET /api/customer-health/companies",
    "GET /api/outreach",
    "POST /api/outreach",
    "POST /api/outreach/:oid/approve",
    "POST /api/outreach/:oid/deny",
    "GET /api/contacts/:id",
    "GET /api/canned",
    "GET /api/appearance",
    "GET /api/files",
    "GET /api/surge/alert",
    "GET /api/surge/sweeps",
    "POST /api/surge/sweeps",
    "GET /api/surge/sweeps/:id",
    "POST /api/surge/sweeps/:id/lock",
    "POST /api/surge/sweeps/:id/plan",
    "GET /api/surge/sweeps/:id/replay",
    "GET /api/surge/approvals/:token",
    "POST /api/surge/approvals/:token",
    "POST /api/surge/sweeps/:id/execute",
    "POST /api/surge/sweeps/:id/steps/:cid/undo",
    "GET /api/surge/sweeps/:id/snapshot",
    "GET /api/surge/sweeps/:id/report",
    "POST /api/surge/sweeps/:id/feedback",
    "GET /api/surge/sweeps/:id/tasks",
    "PATCH /api/surge/sweeps/:id/tasks/:taskId",
    "GET /api/surge/sweeps/:id/audit",
    "GET /api/action-runs",
    "POST /api/action-runs",
    "GET /api/action-runs/card",
    "GET /api/action-runs/approvals",
    "POST /api/action-runs/approvals/:id",
  ],
  sessionEditor: [
    "POST /api/kb/links",
    "POST /api/kb/drafts",
    "PUT /api/kb/drafts/:id",
    "PUT /api/kb/synonyms",
    "POST /api/kb/articles/:id/questions",
    "DELETE /api/kb/drafts/:id",
    "POST /api/kb/publish",
    "DELETE /api/kb/articles/:id",
    "POST /api/kb/articles/:id/rollback",
    "GET /api/kb/jobs/:id",
    "GET /api/kb/versions",
    "POST /api/kb/try",
    "POST /api/kb-import/preview",
    "POST /api/kb-import/apply",
    "GET /api/kb/gaps",
    "GET /api/kb/figures",
    "POST /api/canned",
    "PUT /api/canned/:cid",
    "DELETE /api/canned/:cid",
  ],
  sessionOwner: [
    "PUT /api/appearance",
    "PUT /api/files",
    "POST /api/workspaces",
    "POST /api/quality/conversations/:id/rescore",
    "PUT /api/quality/conversations/:id/parts/:part/override",
    "GET /api/quality/overrides/stats",
    "GET /api/quality/review",
    "GET /api/quality/rubrics",
    "PUT /api/quality/rubric",
    "GET /api/reports/weekly",
    "POST /api/reports/weekly/run",
    "GET /api/customer-health/rules",
    "POST /api/customer-health/rules",
    "DELETE /api/customer-health/rules/:rid",
  ],
  adminEditor: [
    "GET /admin/v1/kb/articles",
    "PUT /admin/v1/kb/articles",
    "GET /admin/v1/kb/jobs/:id",
    "PUT /admin/v1/kb/drafts",
    "POST /admin/v1/kb/history",
    "PUT /admin/v1/kb/synonyms",
    "GET /admin/v1/conversations/:id",
    ...["/api/actions", "/admin/v1/actions"].flatMap((p) => [`GET ${p}`, `GET ${p}/:name`]),
  ],
  adminOwner: [
    "GET /api/analytics",
    "GET /api/analytics/:file",
    ...["/api/privacy", "/admin/v1/privacy"].flatMap((p) => [
      `POST ${p}/contacts/find`,
      `POST ${p}/contacts/export`,
      `POST ${p}/contacts/erase`,
      `GET ${p}/retention`,
      `PUT ${p}/retention`,
      `GET ${p}/audit`,
    ]),
    "GET /api/ops/metrics",
    "GET /admin/v1/ops/metrics",
    "GET /api/workspace/export",
    "GET /admin/v1/workspace/export",
    "GET /api/checklist",
    "PATCH /api/workspace",
    "PATCH /admin/v1/workspace",
    "DELETE /api/workspace",
    "DELETE /admin/v1/workspace",
    "GET /admin/v1/workspace/security",
    "PUT /admin/v1/workspace/security",
    ...["/api/api-keys", "/admin/v1/api-keys"].flatMap((p) => [`GET ${p}`, `POST ${p}`, `DELETE ${p}/:id`]),
    "GET /admin/v1/notifications",
    "POST /admin/v1/notifications/webhooks",
    "PATCH /admin/v1/notifications/webhooks/:id",
    "DELETE /admin/v1/notifications/webhooks/:id",
    "POST /admin/v1/notifications/webhooks/:id/test",
    "PUT /admin/v1/notifications/slack",
    "POST /admin/v1/notifications/slack/test",
    "GET /admin/v1/notifications/deliveries",
    "GET /admin/v1/notifications/dead-letters",
    "POST /admin/v1/notifications/dead-letters/:id/retry",
    "GET /admin/v1/agents",
    "POST /admin/v1/agents",
    "PATCH /admin/v1/agents/:id",
    "DELETE /admin/v1/agents/:id",
    "GET /admin/v1/agents/:id/sessions",
    "DELETE /admin/v1/agents/:id/sessions",
    "DELETE /admin/v1/agents/:id/sessions/:sid",
    "DELETE /admin/v1/agents/:id/two-factor",
    "PUT /admin/v1/agents/:id/routing",
    "GET /admin/v1/sites",
    "POST /admin/v1/sites",
    "POST /admin/v1/agents/:id/password-reset",
    "PUT /admin/v1/agents/:id/capacity",
    "GET /admin/v1/invites",
    "POST /admin/v1/invites",
    "DELETE /admin/v1/invites/:id",
    "PUT /admin/v1/sites/:key",
    "POST /admin/v1/sites/:key/identity-secret",
    "DELETE /admin/v1/sites/:key",
    "GET /admin/v1/hours",
    "PUT /admin/v1/hours",
    "GET /admin/v1/audit",
    "GET /admin/v1/audit.csv",
    ...["/api/actions", "/admin/v1/actions"].flatMap((p) => [
      `PUT ${p}/:name`,
      `DELETE ${p}/:name`,
      `PUT ${p}/secrets/:secret`,
      `DELETE ${p}/secrets/:secret`,
      `POST ${p}/:name/try`,
      `GET ${p}/:name/calls`,
    ]),
  ],
  operator: [
    "POST /api/workspace/import",
    "POST /admin/v1/workspace/import",
    "GET /admin/v1/workspaces",
    "PUT /admin/v1/workspaces/:id",
    "PUT /admin/v1/email-addresses/:address",
  ],
};

/** Path parameters that reach no real row, so a call past the guard ends in a 4xx of the handler. */
const PARAMS: Record<string, string> = { ws: WS, key: "guard-site", address: "x", token: "x", file: "guard-file-0001" };
const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? "guard-test-id-0001").replace(/\*$/, "x");

/** Each route (method and path) the app answers: entries whose handler is not a (c, next) middleware. */
function routesOf(app: Hono<AppEnv>): Set<string> {
  return new Set(app.routes.filter((r) => r.handler.length < 2).map((r) => `${r.method} ${r.path}`));
}

let cookies: Record<"pending" | "agent" | "editor" | "owner", string>;

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Guards', 1)").bind(WS),
    env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Guards 2FA', 1)").bind(WS_2FA),
  ]);
  cookies = {
    agent: await createAgent("guard-agent@example.test", "agent", WS),
    editor: await createAgent("guard-editor@example.test", "editor", WS),
    owner: await createAgent("guard-owner@example.test", "owner", WS),
    pending: await createAgent("guard-pending@example.test", "agent", WS_2FA),
  };
  // From the next request on, the pending agent's session only reaches who-am-I and enrolment.
  await env.DB.prepare("UPDATE workspaces SET require_two_factor = 1 WHERE id = ?").bind(WS_2FA).run();
});

function request(route: string, who: Who): Request {
  const [method, path] = route.split(" ") as [string, string];
  const url = new URL(concrete(path), BASE);
  const headers: Record<string, string> = {};
  if (who === "admin") {
    headers.authorization = "Bearer test-admin-token";
    url.searchParams.set("workspace", WS);
  } else if (who !== "none") headers.cookie = cookies[who];
  // No body: a call that gets past its guard ends in the handler's own 4xx (415, 400, 404), changing nothing.
  return new Request(url, { method, headers });
}

type Seen = { status: number; error?: string };

/** Whether `seen` is a guard's refusal: no or a wrong credential, or not enough of one. */
const refused = (s: Seen) =>
  s.status === 401 ||
  (s.status === 403 &&
    ["forbidden", "two_factor_required", "operator_only", "unauthenticated"].includes(s.error ?? ""));

async function seen(res: Response): Promise<Seen> {
  const text = await res.text();
  try {
    return { status: res.status, error: (JSON.parse(text) as { error?: string }).error };
  } catch {
    return { status: res.status };
  }
}

/**
 * Every route in TABLE, against `send`: each caller's outcome that differs from the table's ("route
 * caller: got …, want …"), and how many calls were made.
 */
async function mismatches(send: (r: Request) => Promise<Response>): Promise<{ wrong: string[]; calls: number }> {
  const got: string[] = [];
  const want: string[] = [];
  for (const [access, routes] of Object.entries(TABLE) as [Access, string[]][]) {
    for (const route of routes) {
      // Public routes are called without credentials only (a session would be signed out by /logout).
      const callers = access === "public" ? (["none"] as Who[]) : WHO;
      const results: [Who, Seen][] = [];
      for (const who of callers) results.push([who, await seen(await send(request(route, who)))]);
      if (access === "site" || access === "apiKey") {
        // No console credential opens these: every caller gets the refusal a bare request gets.
        const first = results[0]?.[1];
        const expected = access === "site" ? 400 : 401;
        for (const [who, s] of results)
          got.push(`${route} ${who} ${s.status === first?.status ? s.status : "differs"}`);
        for (const who of callers) want.push(`${route} ${who} ${expected}`);
        continue;
      }
      for (const [who, s] of results) got.push(`${route} ${who} ${refused(s) ? "refused" : "passes"}`);
      for (const who of callers)
        want.push(`${route} ${who} ${(ACCESS[access] as Who[]).includes(who) ? "passes" : "refused"}`);
    }
  }
  const split = (line: string) => [line.split(" ").slice(0, 3).join(" "), line.split(" ")[3]] as const;
  const wrong = got.flatMap((line, i) => {
    const [key, outcome] = split(line);
    const [, expected] = split(want[i] as string);
    return outcome === expected ? [] : [`${key}: got ${outcome}, want ${expected}`];
  });
  return { wrong, calls: got.length };
}

describe("route guards", () => {
  it("has a guard in the table for every route the app answers, and no stale entry", async () => {
    const { app } = await import("../../worker/app.ts");
    const table = Object.values(TABLE).flat();
    expect(new Set(table).size).toBe(table.length);
    expect([...routesOf(app)].sort()).toEqual([...table].sort());
  });

  it("mounts every router at a prefix no other router shares or lies under", () => {
    const prefixes = mounts.map(([p]) => p).filter((p) => p !== "/");
    const under = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    const clashes = prefixes.flatMap((a, i) =>
      prefixes.filter((b, j) => i !== j && under(a, b)).map((b) => `${a} ⊂ ${b}`),
    );
    // The same router at two prefixes (the console's /api/x and the operator's /admin/v1/x) is fine.
    expect(clashes).toEqual([]);
    // Routers at "/" hold full paths; middleware of theirs would run for every URL of the app.
    const rootMiddleware = mounts
      .filter(([p]) => p === "/")
      .flatMap(([, r]) => r.routes.filter((x) => x.handler.length >= 2).map((x) => `${x.method} ${x.path}`));
    expect(rootMiddleware).toEqual([]);
  });

  it("declares at each mount the guard that all its routes have at least", () => {
    const accessOf = new Map(Object.entries(TABLE).flatMap(([a, rs]) => rs.map((r) => [r, a as Access] as const)));
    const fits: Record<Mount[2], Access[]> = {
      public: ["public"],
      site: ["site"],
      // The REST channel's OpenAPI document is public.
      apiKey: ["apiKey", "public"],
      session: ["sessionEarly", "session", "sessionEditor", "sessionOwner"],
      admin: ["adminEditor", "adminOwner", "operator"],
      operator: ["operator"],
    };
    const join = (prefix: string, path: string) => (prefix === "/" ? path : path === "/" ? prefix : prefix + path);
    const wrong = mounts.flatMap(([prefix, router, guard]) =>
      [...routesOf(router)].flatMap((route) => {
        const [method, path] = route.split(" ") as [string, string];
        const full = `${method} ${join(prefix, path)}`;
        const access = accessOf.get(full);
        return access && fits[guard].includes(access) ? [] : [`${full}: mounted as ${guard}, table says ${access}`];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it("lets exactly the table's callers past each route's guard", async () => {
    const { wrong, calls } = await mismatches((r) => SELF.fetch(r));
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(800);
    // Over 800 requests through the real app: past 20 s when the machine is loaded.
  }, 120_000);

  it("guards the same way whatever the order of the mount table", async () => {
    const reversed = buildApp([...mounts].reverse() as Mount[]);
    expect(routesOf(reversed)).toEqual(routesOf(buildApp()));
    const { wrong, calls } = await mismatches(async (r) => {
      const ctx = createExecutionContext();
      const res = await reversed.fetch(r, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    });
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(800);
  }, 120_000);

  it("reaches a conversation from its own workspace only, on every conversation route", async () => {
    const c = await createConversation();
    await waitFor(
      () => env.DB.prepare("SELECT 1 AS x FROM conversations WHERE id = ?").bind(c.id).first(),
      (row) => !!row,
      5000,
    );
    const routes = Object.values(TABLE)
      .flat()
      .filter((r) => /^\w+ \/(api|admin\/v1)\/conversations\/:id/.test(r));
    expect(routes.length).toBe(20);
    const demoAgent = await createAgent("guard-demo@example.test", "agent", "demo");
    const outcome = async (route: string, who: "ours" | "theirs") => {
      const [method, path] = route.split(" ") as [string, string];
      const admin = path.startsWith("/admin/");
      const url = new URL(path.replace(":id", c.id).replace(":file", PARAMS.file as string), BASE);
      if (admin) url.searchParams.set("workspace", who === "ours" ? "demo" : WS);
      const headers: Record<string, string> = admin
        ? { authorization: ADMIN.authorization }
        : { cookie: who === "ours" ? demoAgent : cookies.owner };
      if (path.endsWith("/ws")) headers.upgrade = "websocket";
      return (await SELF.fetch(new Request(url, { method, headers }))).status;
    };
    // An owner (or the operator's token) of another workspace finds nothing: ids do not leak.
    const theirs = await Promise.all(routes.map(async (r) => `${r} ${await outcome(r, "theirs")}`));
    expect(theirs).toEqual(routes.map((r) => `${r} 404`));
    // The conversation's own workspace reads it (its files are missing, not forbidden).
    expect(await outcome("GET /api/conversations/:id", "ours")).toBe(200);
    expect(await outcome("GET /admin/v1/conversations/:id", "ours")).toBe(200);
  });
});
