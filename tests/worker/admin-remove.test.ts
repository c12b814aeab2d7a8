// What `npm run simulate -- --url` needs of the worker: removing the agents and the site key it made
// (owners and the ADMIN_TOKEN only, within their workspace), and its own customers' writes exempt from
// the per-IP write limit when they carry the ADMIN_TOKEN.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OPERATOR_HEADER } from "../../shared/credentials.ts";
import { app } from "../../worker/app.ts";
import type { Env } from "../../worker/env.ts";
import { ADMIN, BASE, createAgent, ORIGIN } from "./helpers.ts";

// The ADMIN_TOKEN names its workspace; a session's workspace is its own.
const del = (path: string, headers: Record<string, string> = ADMIN) =>
  SELF.fetch(`${BASE}/admin/v1${path}${headers === ADMIN && !path.includes("?") ? "?workspace=demo" : ""}`, {
    method: "DELETE",
    headers,
  });

async function agentId(email: string, workspace: string): Promise<string> {
  const r = await SELF.fetch(`${BASE}/admin/v1/agents?workspace=${workspace}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ email, name: "Sim", password: "simulated-password-1", role: "agent" }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

describe("removing agents and sites", () => {
  it("removes an agent and signs them out; owners and the admin token only, in their own workspace", async () => {
    await env.DB.prepare(
      "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('rm_other', 'Other', 0)",
    ).run();
    const owner = await createAgent("rm-owner@remove.example", "owner");
    const editor = await createAgent("rm-editor@remove.example", "editor");
    const victim = await createAgent("rm-victim@remove.example", "agent");
    const me = async (cookie: string) => (await SELF.fetch(`${BASE}/api/me`, { headers: { cookie } })).status;
    expect(await me(victim)).toBe(200);
    const id = ((await (await SELF.fetch(`${BASE}/api/me`, { headers: { cookie: victim } })).json()) as { id: string })
      .id;

    expect((await del(`/agents/${id}`, { cookie: editor })).status).toBe(403);
    expect((await del(`/agents/${id}`, {})).status).toBe(401);
    expect((await del(`/agents/${id}?workspace=rm_other`)).status).toBe(404); // not in that workspace
    expect((await del(`/agents/${id}`, { cookie: owner })).status).toBe(204);
    expect(await me(victim)).toBe(401); // the session went with the agent
    expect((await del(`/agents/${id}`)).status).toBe(404);

    const other = await agentId("rm-sim@remove.example", "demo");
    expect((await del(`/agents/${other}`)).status).toBe(204); // the admin token
    const login = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "rm-sim@remove.example", password: "simulated-password-1" }),
    });
    expect(login.status).toBe(401);
  });

  it("removes a site key, after which its conversations cannot start; a help centre's own site stays", async () => {
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/rm_site?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ allowedOrigins: [ORIGIN] }),
    });
    expect(put.status).toBe(200);
    const start = () =>
      SELF.fetch(`${BASE}/v1/conversations?site=rm_site`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ locale: "en" }),
      });
    expect((await start()).status).toBe(201);
    expect((await del("/sites/rm_site")).status).toBe(204);
    expect((await start()).status).toBeGreaterThanOrEqual(400);
    const portal = await env.DB.prepare("SELECT key FROM sites WHERE portal = 1 LIMIT 1").first<{ key: string }>();
    if (portal) expect((await del(`/sites/${portal.key}`)).status).toBe(404);
  });
});

describe("the public write limit", () => {
  it("lets the operator's own load (ADMIN_TOKEN) through while a plain client is held to the burst", async () => {
    const strict: Env = { ...env, RATE_LIMIT: "0.01,3" };
    const post = async (ip: string, extra: Record<string, string> = {}) =>
      (
        await app.request(
          `${BASE}/v1/conversations?site=demo_site`,
          {
            method: "POST",
            headers: { origin: ORIGIN, "content-type": "application/json", "cf-connecting-ip": ip, ...extra },
            body: JSON.stringify({ locale: "en" }),
          },
          strict,
          createExecutionContext(),
        )
      ).status;
    const plain = [];
    for (let i = 0; i < 5; i++) plain.push(await post("203.0.113.7"));
    expect(plain).toEqual([201, 201, 201, 429, 429]);
    const operator = [];
    for (let i = 0; i < 6; i++) operator.push(await post("203.0.113.8", { [OPERATOR_HEADER]: "test-admin-token" }));
    expect(operator).toEqual([201, 201, 201, 201, 201, 201]);
    // A wrong token is just a client.
    const guess = [];
    for (let i = 0; i < 5; i++) guess.push(await post("203.0.113.9", { [OPERATOR_HEADER]: "guessed" }));
    expect(guess.slice(3)).toEqual([429, 429]);
  });
});
