// First run and the owner's checklist (worker/workspace/setup-routes.ts, checklist.ts, docs/setup.md):
// set-up is open only on an empty deployment and only with the set-up token; it creates the workspace,
// its sites and its owner and signs the owner in; two racing set-ups make one owner; the checklist is
// ticked by stored state only and sees its own workspace only; owners rename and remove their workspace;
// the operator lists workspaces. This file's storage is its own, so it empties the tests' demo seed.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Me } from "../../shared/api.ts";
import type { Checklist, WorkspaceSummary } from "../../shared/setup.ts";
import { ADMIN, BASE, call, cookieOf, createAgent, PASSWORD, waitFor } from "./helpers.ts";

const TOKEN = "test-admin-token";
const request = (over: Record<string, unknown> = {}) => ({
  setupToken: TOKEN,
  workspace: { name: "Acme Support", id: "acme" },
  owner: { name: "Ada Owner", email: "ada@acme.example", password: "a long enough password" },
  ...over,
});
const post = (body: unknown, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE, ...headers },
    body: JSON.stringify(body),
  });
const status = async () => ((await (await SELF.fetch(`${BASE}/api/setup`)).json()) as { open: boolean }).open;
const count = async (table: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;

/** Back to a deployment with no workspace (the audit log is append-only and does not count). */
async function emptyDeployment(): Promise<void> {
  await env.DB.batch(
    ["session_sockets", "sessions", "recovery_codes", "agents", "email_addresses", "sites", "workspaces"].map((t) =>
      env.DB.prepare(`DELETE FROM ${t}`),
    ),
  );
}

beforeAll(async () => {
  expect(await status()).toBe(false); // the tests' demo workspace exists
  await emptyDeployment();
});

describe("first run", () => {
  it("is open on an empty deployment and refuses a wrong token or a bad form without writing", async () => {
    expect(await status()).toBe(true);
    const wrong = await post(request({ setupToken: "not-the-token" }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe("bad_setup_token");
    const bad = await post(request({ workspace: { name: "", id: "Not An Id" } }));
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(["workspace.name", "workspace.id"]));
    expect(await count("workspaces")).toBe(0);
    expect(await count("agents")).toBe(0);
  });

  it("creates the workspace, its widget and help-centre sites and its owner, signed in, then closes", async () => {
    const r = await post(request());
    expect(r.status).toBe(201);
    const me = (await r.json()) as Me;
    expect(me).toMatchObject({ email: "ada@acme.example", role: "owner", workspaceId: "acme" });
    const cookie = cookieOf(r);
    expect(r.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect((await call<Me>(cookie, "GET", "/api/me")).body.workspaceId).toBe("acme");
    const sites = await env.DB.prepare(
      "SELECT portal, allowed_origins FROM sites WHERE workspace_id = 'acme' ORDER BY portal",
    ).all<{ portal: number; allowed_origins: string }>();
    expect(sites.results).toEqual([
      { portal: 0, allowed_origins: "[]" },
      { portal: 1, allowed_origins: "[]" },
    ]);
    // The help centre answers at the address chosen.
    expect((await SELF.fetch(`${BASE}/hc/acme/`)).status).toBe(200);

    expect(await status()).toBe(false);
    const again = await post(request({ workspace: { name: "Intruder", id: "intruder" } }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe("setup_done");
    // Closed answers the same with a wrong token: nothing to probe.
    expect((await post(request({ setupToken: "guess" }))).status).toBe(409);
    expect(await count("workspaces")).toBe(1);
  });

  it("makes exactly one owner when two set-ups race on an empty deployment", async () => {
    await emptyDeployment();
    const results = await Promise.all(
      ["one", "two", "three"].map((n) =>
        post(
          request({
            workspace: { name: n, id: `race-${n}` },
            owner: { ...request().owner, email: `${n}@race.example` },
          }),
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await count("workspaces")).toBe(1);
    expect(await count("agents")).toBe(1);
    await emptyDeployment();
    expect((await post(request())).status).toBe(201);
  });
});

describe("the owner's checklist", () => {
  let owner = "";
  let siteKey = "";

  beforeAll(async () => {
    const r = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@acme.example", password: "a long enough password" }),
    });
    owner = cookieOf(r);
  });

  const steps = async (cookie: string) => {
    const r = await call<Checklist>(cookie, "GET", "/api/checklist");
    expect(r.status).toBe(200);
    return r.body;
  };
  const done = (c: Checklist) => c.steps.filter((s) => s.done).map((s) => s.id);

  it("starts with nothing done and ticks each step from what is stored", async () => {
    const first = await steps(owner);
    expect(first.workspace).toEqual({ id: "acme", name: "Acme Support" });
    expect(done(first)).toEqual([]);
    siteKey = first.site?.key ?? "";
    expect(siteKey).toMatch(/^site_/);

    const origin = "https://shop.acme.example";
    const put = await call(owner, "PUT", `/admin/v1/sites/${siteKey}`, { name: "Shop", allowedOrigins: [origin] });
    expect(put.status).toBe(200);
    expect(done(await steps(owner))).toEqual(["origin"]);

    const kb = await call(owner, "PUT", "/admin/v1/kb/articles", {
      articles: [
        {
          id: "returns",
          title: "Returns",
          category: "orders",
          tags: [],
          handoff: "never",
          priority: "normal",
          team: "general",
          locale: "en",
          updated: "2026-12-01",
          body: "Send it back within 30 days for a full refund.",
        },
      ],
    });
    expect(kb.status).toBe(200);
    expect(done(await steps(owner))).toEqual(["origin", "articles"]);

    // An invitation sent is the owner's part done; revoked, it no longer counts.
    const invite = await call<{ id: string }>(owner, "POST", "/admin/v1/invites", { email: "invitee@acme.example" });
    expect(invite.status).toBe(201);
    const invited = await steps(owner);
    expect(done(invited)).toEqual(["origin", "articles", "teammate"]);
    expect(invited.steps.find((x) => x.id === "teammate")?.detail).toBe("1 person, 1 invitation open");
    expect((await call(owner, "DELETE", `/admin/v1/invites/${invite.body.id}`)).status).toBeLessThan(300);
    expect(done(await steps(owner))).toEqual(["origin", "articles"]);

    await createAgent("teammate@acme.example", "agent", "acme");
    expect(done(await steps(owner))).toEqual(["origin", "articles", "teammate"]);

    // The widget on the owner's site opens a conversation: the embed works. Then a message.
    const created = await SELF.fetch(`${BASE}/v1/conversations?site=${siteKey}`, {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en", pageUrl: `${origin}/cart` }),
    });
    expect(created.status).toBe(201);
    const conv = (await created.json()) as { id: string; token: string };
    await waitFor(
      () => steps(owner),
      (c) => done(c).includes("embed"),
      5000,
    );
    expect(done(await steps(owner))).not.toContain("message");
    const sent = await SELF.fetch(`${BASE}/v1/conversations/${conv.id}/messages?site=${siteKey}`, {
      method: "POST",
      headers: { origin, "content-type": "application/json", authorization: `Bearer ${conv.token}` },
      body: JSON.stringify({ clientId: "checklist-1", text: "Can I return shoes?" }),
    });
    expect(sent.status).toBeLessThan(300);
    const all = await waitFor(
      () => steps(owner),
      (c) => c.steps.every((s) => s.done),
      8000,
    );
    expect(all.steps.map((s) => s.id)).toEqual(["origin", "embed", "articles", "teammate", "message"]);
    // The bot's reply is in before the workspace is removed below (an erasure mid-turn is not this test's).
    await waitFor(
      async () =>
        (await SELF.fetch(`${BASE}/v1/conversations/${conv.id}/events?site=${siteKey}&after=0`, {
          headers: { origin, authorization: `Bearer ${conv.token}` },
        }).then((r) => r.text())) as string,
      (text) => text.includes('"author":"bot"'),
      10_000,
    );
  });

  it("is for owners, and shows each workspace its own state only", async () => {
    const agent = (await call(`${await createAgent("agent2@acme.example", "agent", "acme")}`, "GET", "/api/checklist"))
      .status;
    expect(agent).toBe(403);
    expect((await call({}, "GET", "/api/checklist")).status).toBe(401);
    expect((await call(ADMIN, "PUT", "/admin/v1/workspaces/other", { name: "Other" })).status).toBe(201);
    const otherOwner = await createAgent("owner@other.example", "owner", "other");
    const theirs = await steps(otherOwner);
    expect(theirs.workspace.id).toBe("other");
    expect(theirs.site).toBeNull();
    expect(done(theirs)).toEqual([]);
    // The operator reads a named workspace's checklist.
    expect((await call<Checklist>(ADMIN, "GET", "/api/checklist?workspace=acme")).body.steps.every((s) => s.done)).toBe(
      true,
    );
  });
});

describe("workspaces", () => {
  const login = async (email: string, password = PASSWORD) =>
    cookieOf(
      await SELF.fetch(`${BASE}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      }),
    );

  it("lets the operator list them with their size, and nobody else", async () => {
    const r = await call<{ workspaces: WorkspaceSummary[] }>(ADMIN, "GET", "/admin/v1/workspaces");
    expect(r.status).toBe(200);
    const acme = r.body.workspaces.find((w) => w.id === "acme");
    expect(acme).toMatchObject({ name: "Acme Support", people: 3, sites: 2, conversations: 1 });
    expect(r.body.workspaces.map((w) => w.id).sort()).toEqual(["acme", "other"]);
    const owner = await login("ada@acme.example", "a long enough password");
    expect((await call(owner, "GET", "/admin/v1/workspaces")).status).toBe(403);
  });

  it("lets an owner rename their own workspace only", async () => {
    const owner = await login("ada@acme.example", "a long enough password");
    expect((await call(owner, "PATCH", "/api/workspace", { name: "" })).status).toBe(400);
    const r = await call<{ name: string }>(owner, "PATCH", "/api/workspace", { name: "Acme Help" });
    expect(r.status).toBe(200);
    const names = await env.DB.prepare("SELECT id, name FROM workspaces ORDER BY id").all();
    expect(names.results).toEqual([
      { id: "acme", name: "Acme Help" },
      { id: "other", name: "Other" },
    ]);
    expect((await call(await login("teammate@acme.example"), "PATCH", "/api/workspace", { name: "Mine" })).status).toBe(
      403,
    );
  });

  it("lets an owner remove their workspace with everything in it, after repeating its id", async () => {
    const owner = await login("owner@other.example");
    expect((await call(owner, "DELETE", "/api/workspace?confirm=acme")).status).toBe(400);
    expect((await call(await login("teammate@acme.example"), "DELETE", "/api/workspace?confirm=acme")).status).toBe(
      403,
    );
    const acmeOwner = await login("ada@acme.example", "a long enough password");
    expect((await call(acmeOwner, "DELETE", "/api/workspace?confirm=acme")).status).toBe(415);
    const wrong = await call<{ error: string }>(acmeOwner, "DELETE", "/api/workspace?confirm=acme", {
      password: "not my password",
    });
    expect([wrong.status, wrong.body.error]).toEqual([403, "wrong_password"]);
    expect(await env.DB.prepare("SELECT 1 AS x FROM workspaces WHERE id = 'acme'").first()).not.toBeNull();
    const r = await call<{ done: boolean }>(acmeOwner, "DELETE", "/api/workspace?confirm=acme", {
      password: "a long enough password",
    });
    expect(r.status).toBe(200);
    expect(r.body.done).toBe(true);
    for (const table of ["agents", "sites", "articles", "conversations"]) {
      const n = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = 'acme'`).first<{
        n: number;
      }>();
      expect(n?.n, table).toBe(0);
    }
    expect((await call(acmeOwner, "GET", "/api/me")).status).toBe(401);
    // The other workspace is untouched, and set-up stays closed while it exists.
    expect((await call(owner, "GET", "/api/checklist")).status).toBe(200);
    expect(await status()).toBe(false);
  });
});
