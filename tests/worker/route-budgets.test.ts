// Every mount of worker/app.ts that names a budget is held to it: with the budget's setting tight (a
// burst of 2, next to no refill), a caller's third call is a 429 with retry-after while the first two
// are answered. Mounts that name none say why in the table (app.ts); a new budgeted mount without a
// probe here fails the first test.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, mounts } from "../../worker/app.ts";
import { ACCOUNT_LOCK } from "../../worker/auth/throttle.ts";
import { IMPORT_BUDGET } from "../../worker/knowledge/import/routes.ts";
import { HEALTH_BUDGET } from "../../worker/insights/customers/routes.ts";
import { OUTREACH_BUDGET } from "../../worker/insights/customers/outreach-routes.ts";
import { REPORT_BUDGET } from "../../worker/insights/reports/routes.ts";
import { QUALITY_BUDGET } from "../../worker/quality/routes.ts";
import { CREATE_BUDGET } from "../../worker/workspace/create-routes.ts";
import { ADMIN, createAgent, SITE } from "./helpers.ts";

const WS = "route-budgets";
const tight = {
  ...env,
  RATE_LIMIT: "0.001,2",
  PRIVACY_RATE_LIMIT: "0.001,2",
  OPS_RATE_LIMIT: "0.001,2",
  SEARCH_RATE_LIMIT: "0.001,2",
  ACTIONS_RATE_LIMIT: "0.001,2",
  REST_RATE_LIMIT: "0.001,2",
  SETTINGS_RATE_LIMIT: "0.001,2",
  PEOPLE_MAIL_LIMIT: "0.001,2",
  // Tighter than RATE_LIMIT, which every POST /v1 also passes: the probe's 429 must be the upload budget's.
  UPLOAD_RATE_LIMIT: "0.001,1",
};
// A fresh app: the per-IP buckets live in the app the table builds; the routers' own in their modules,
// keyed per caller, so each probe below uses a caller (address, workspace, key) nobody else does.
const app = buildApp();

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const ctx = createExecutionContext();
  const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const res = await app.fetch(new Request(`http://localhost:8787${path}`, init), tight, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

type Probe = { method: string; path: string; headers: Record<string, string>; body?: unknown; calls?: number };

let restKey = "";
let searcher = "";
let quality = "";
let reporter = "";
let importer = "";
let creator = "";
let runner = "";

/** One caller per budgeted prefix; `calls` is 3 unless the budget counts something else. */
const probes = (): Record<string, Probe> => {
  const json = { "content-type": "application/json" };
  const ip = (n: number) => ({ "cf-connecting-ip": `192.0.2.${n}` });
  const admin = (ws: string, path: string) => ({ path: `${path}${path.includes("?") ? "&" : "?"}workspace=${ws}` });
  return {
    "/v1/conversations": {
      method: "POST",
      path: `/v1/conversations?site=${SITE}`,
      headers: { ...json, ...ip(71) },
      body: { locale: "en" },
    },
    "/v1/me": { method: "GET", path: `/v1/me/conversations?site=${SITE}`, headers: ip(72) },
    // Uploads per client IP (attachments/routes.ts), counted before the conversation is looked up; the
    // conversation's own budget (its Durable Object) is tests/worker/attachments.test.ts's.
    "/v1/attachments": {
      method: "POST",
      path: `/v1/attachments/no-such-conversation?site=${SITE}`,
      headers: { ...ip(77), authorization: `Bearer ${"t".repeat(43)}` },
      body: "not a file",
      calls: 2,
    },
    // Failures per account, whatever the network (auth/throttle.ts); tests/worker/login-throttle.test.ts has the rest.
    "/api/auth": {
      method: "POST",
      path: "/api/auth/login",
      headers: { ...json, ...ip(73) },
      body: { email: "nobody@route-budgets.example", password: "wrong guess" },
      calls: ACCOUNT_LOCK.failures + 1,
    },
    // First run (workspace/setup-routes.ts): its status and its one write share the per-IP budget.
    "/api/setup": { method: "GET", path: "/api/setup", headers: ip(75) },
    "/api/privacy": { method: "GET", ...admin(`${WS}-a`, "/api/privacy/retention"), headers: ADMIN },
    "/admin/v1/privacy": { method: "GET", ...admin(`${WS}-b`, "/admin/v1/privacy/retention"), headers: ADMIN },
    "/api/ops": { method: "GET", ...admin(`${WS}-c`, "/api/ops/metrics"), headers: ADMIN },
    "/admin/v1/ops": { method: "GET", ...admin(`${WS}-d`, "/admin/v1/ops/metrics"), headers: ADMIN },
    "/api/workspace": { method: "GET", ...admin(`${WS}-e`, "/api/workspace/export?limit=1"), headers: ADMIN },
    "/admin/v1/workspace": {
      method: "GET",
      ...admin(`${WS}-f`, "/admin/v1/workspace/export?limit=1"),
      headers: ADMIN,
    },
    "/admin/v1/hours": { method: "GET", ...admin(`${WS}-h`, "/admin/v1/hours"), headers: ADMIN },
    // Actions: per caller, since "try it" and runs call the company's API (worker/actions/).
    "/api/actions": { method: "GET", ...admin(`${WS}-i`, "/api/actions"), headers: ADMIN },
    "/admin/v1/actions": { method: "GET", ...admin(`${WS}-j`, "/admin/v1/actions"), headers: ADMIN },
    "/api/action-runs": { method: "GET", path: "/api/action-runs/approvals", headers: { cookie: runner } },
    // Per agent: a session of its own.
    "/api/search": { method: "GET", path: "/api/search?q=order", headers: { cookie: searcher } },
    // A fixed budget per owner (insights/reports/routes.ts).
    "/api/reports": {
      method: "GET",
      path: "/api/reports/weekly",
      headers: { cookie: reporter },
      calls: REPORT_BUDGET.burst + 1,
    },
    // A fixed budget per person (insights/customers/routes.ts).
    "/api/customer-health": {
      method: "GET",
      path: "/api/customer-health/contacts",
      headers: { cookie: quality },
      calls: HEALTH_BUDGET.burst + 1,
    },
    // A fixed budget per person (insights/customers/outreach-routes.ts).
    "/api/outreach": {
      method: "GET",
      path: "/api/outreach",
      headers: { cookie: quality },
      calls: OUTREACH_BUDGET.burst + 1,
    },
    // A fixed budget per person (quality/routes.ts).
    "/api/quality": {
      method: "GET",
      path: "/api/quality/rubric",
      headers: { cookie: quality },
      calls: QUALITY_BUDGET.burst + 1,
    },
    // Both doors of emailed links: public calls per address; invitations per address and per workspace.
    "/api/account": {
      method: "POST",
      path: "/api/account/reset",
      headers: { ...json, ...ip(75) },
      body: { email: "nobody@route-budgets.example" },
    },
    "/admin/v1/invites": {
      method: "POST",
      ...admin(`${WS}-g`, "/admin/v1/invites"),
      headers: { ...ADMIN, ...ip(76) },
      body: { email: "invitee@route-budgets.example" },
    },
    // A fixed budget per person (knowledge/import/routes.ts), not a setting: its burst, then a 429.
    "/api/kb-import": {
      method: "POST",
      path: "/api/kb-import/preview?source=zendesk",
      headers: { cookie: importer, ...json },
      body: { articles: [] },
      calls: IMPORT_BUDGET.burst + 1,
    },
    // A fixed budget per person (workspace/create-routes.ts): an owner's burst of new workspaces, then a 429.
    // The body is empty, so the calls inside the budget create nothing (400).
    "/api/workspaces": {
      method: "POST",
      path: "/api/workspaces",
      headers: { cookie: creator, ...json },
      body: {},
      calls: CREATE_BUDGET.burst + 1,
    },
    "/rest/v1": {
      method: "GET",
      path: "/rest/v1/conversations/no-such-conversation",
      headers: { authorization: `Bearer ${restKey}` },
    },
    "/": {
      method: "POST",
      path: "/hc/demo/articles/no-such-article/vote",
      headers: { "content-type": "application/x-www-form-urlencoded", ...ip(74) },
    },
  };
};

beforeAll(async () => {
  const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"].map((x) => `${WS}-${x}`);
  await env.DB.batch(
    names.map((id) =>
      env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Budgets', 1)").bind(id),
    ),
  );
  const r = await send("POST", `/admin/v1/api-keys?workspace=${WS}-a`, ADMIN, { name: "budget probe" });
  expect(r.status).toBe(201);
  restKey = ((await r.json()) as { key: string }).key;
  searcher = await createAgent("searcher@route-budgets.example", "agent");
  quality = await createAgent("quality@route-budgets.example", "agent");
  reporter = await createAgent("reporter@route-budgets.example", "owner");
  importer = await createAgent("budget-importer@route-budgets.example", "editor", `${WS}-a`);
  creator = await createAgent("budget-creator@route-budgets.example", "owner", `${WS}-b`);
  runner = await createAgent("budget-runner@route-budgets.example", "agent", `${WS}-k`);
});

describe("route budgets", () => {
  it("has a probe for every mount that names a budget", () => {
    const budgeted = [...new Set(mounts.filter(([, , , , b]) => "per" in b).map(([p]) => p))];
    expect(budgeted.sort()).toEqual(Object.keys(probes()).sort());
  });

  for (const prefix of Object.keys(probes()))
    it(`holds ${prefix} to its budget`, async () => {
      const p = probes()[prefix] as Probe;
      const statuses: number[] = [];
      let last: Response | null = null;
      for (let i = 0; i < (p.calls ?? 3); i++) {
        last = await send(p.method, p.path, p.headers, p.body);
        statuses.push(last.status);
      }
      expect(statuses.slice(0, -1).filter((s) => s === 429)).toEqual([]);
      expect(statuses.at(-1)).toBe(429);
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    });
});
