// Each agent's capacity (issue 16, People): owners set it per agent, the escalation matrix's
// agentCapacity is the default, and routing gives nobody more open conversations than their own.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CreatedConversation, InboxFrame, InboxItem } from "../../shared/api.ts";
import type { PersonSummary } from "../../shared/security.ts";
import { defaultMatrix } from "../../worker/inbox/routing/matrix.ts";
import { ADMIN, asCustomer, BASE, call, connect, ORIGIN, PASSWORD, waitFor } from "./helpers.ts";

type Agent = { id: string; cookie: string };

async function workspace(): Promise<string> {
  const ws = `cap${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, ws).run();
  const site = await call(ADMIN, "PUT", `/admin/v1/sites/${ws}_site?workspace=${ws}`, {
    name: ws,
    allowedOrigins: [ORIGIN],
  });
  expect(site.status).toBe(200);
  return ws;
}

async function agent(ws: string, role = "agent", teams: string[] = ["support"]): Promise<Agent> {
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@capacity.example`;
  const r = await call<{ id: string }>(ADMIN, "POST", `/admin/v1/agents?workspace=${ws}`, {
    email,
    name: email.split("@")[0],
    password: PASSWORD,
    role,
    teams,
  });
  expect(r.status).toBe(201);
  const login = await SELF.fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return { id: r.body.id, cookie: (login.headers.get("set-cookie") ?? "").split(";")[0] as string };
}

async function handoff(ws: string): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${ws}_site`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  const c = (await r.json()) as CreatedConversation;
  const h = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${ws}_site`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: "{}",
  });
  expect(h.status).toBe(202);
  return c;
}

const items = async (cookie: string) =>
  ((await (await SELF.fetch(`${BASE}/api/inbox`, { headers: { cookie } })).json()) as { items: InboxItem[] }).items;

describe("each agent's capacity", () => {
  it("is the matrix's default until an owner sets one; owners alone, within their workspace, validated and audited", async () => {
    const ws = await workspace();
    const owner = await agent(ws, "owner");
    const editor = await agent(ws, "editor");
    const a = await agent(ws);
    const list = async () =>
      (await call<{ agents: PersonSummary[]; defaultCapacity: number }>(owner.cookie, "GET", "/admin/v1/agents")).body;
    expect((await list()).defaultCapacity).toBe(defaultMatrix.agentCapacity);
    expect((await list()).agents.find((p) => p.id === a.id)?.capacity).toBeNull();

    for (const bad of [0, 2.5, 1001, "3", undefined])
      expect((await call(owner.cookie, "PUT", `/admin/v1/agents/${a.id}/capacity`, { capacity: bad })).status).toBe(
        400,
      );
    for (const who of [editor.cookie, a.cookie])
      expect((await call(who, "PUT", `/admin/v1/agents/${a.id}/capacity`, { capacity: 9 })).status).toBe(403);
    // Another workspace's owner (and the operator naming another workspace) finds nobody.
    const other = await workspace();
    const theirs = await agent(other, "owner");
    expect((await call(theirs.cookie, "PUT", `/admin/v1/agents/${a.id}/capacity`, { capacity: 9 })).status).toBe(404);
    expect(
      (await call(ADMIN, "PUT", `/admin/v1/agents/${a.id}/capacity?workspace=${other}`, { capacity: 9 })).status,
    ).toBe(404);

    const set = await call(owner.cookie, "PUT", `/admin/v1/agents/${a.id}/capacity`, { capacity: 2 });
    expect(set).toMatchObject({ status: 200, body: { capacity: 2, defaultCapacity: defaultMatrix.agentCapacity } });
    expect((await list()).agents.find((p) => p.id === a.id)?.capacity).toBe(2);
    expect((await call(owner.cookie, "PUT", `/admin/v1/agents/${a.id}/capacity`, { capacity: null })).status).toBe(200);
    expect((await list()).agents.find((p) => p.id === a.id)?.capacity).toBeNull();

    const audit = await env.DB.prepare(
      "SELECT before, after FROM audit_log WHERE workspace_id = ? AND action = 'agent.capacity' AND target_id = ? ORDER BY seq",
    )
      .bind(ws, a.id)
      .all<{ before: string; after: string }>();
    expect(audit.results.map((r) => [JSON.parse(r.before), JSON.parse(r.after)])).toEqual([
      [{ capacity: null }, { capacity: 2 }],
      [{ capacity: 2 }, { capacity: null }],
    ]);
  });

  it("is honoured by routing: an agent with capacity 1 gets one conversation, the next goes to a colleague on the default", async () => {
    const ws = await workspace();
    const owner = await agent(ws, "owner", []);
    const one = await agent(ws);
    const roomy = await agent(ws);
    expect((await call(owner.cookie, "PUT", `/admin/v1/agents/${one.id}/capacity`, { capacity: 1 })).status).toBe(200);
    // `one` comes online first and alone: the first handoff is theirs.
    const s1 = await connect("/api/inbox/ws", { cookie: one.cookie });
    await s1.until((f) => (f as unknown as InboxFrame).t === "presence");
    const first = await handoff(ws);
    const assignee = async (id: string) => (await items(owner.cookie)).find((i) => i.id === id)?.assignee?.id ?? null;
    expect(
      await waitFor(
        () => assignee(first.id),
        (v) => v !== null,
        3000,
      ),
    ).toBe(one.id);
    // At their capacity of 1 (the matrix would allow 5): the second waits unassigned.
    const second = await handoff(ws);
    await waitFor(
      async () => (await items(owner.cookie)).find((i) => i.id === second.id)?.state,
      (s) => s === "queued",
      3000,
    );
    expect(await assignee(second.id)).toBeNull();
    // A colleague on the default capacity comes online and is handed the waiting one.
    const s2 = await connect("/api/inbox/ws", { cookie: roomy.cookie });
    expect(
      await waitFor(
        () => assignee(second.id),
        (v) => v !== null,
        3000,
      ),
    ).toBe(roomy.id);
    // Back to the default: `one` takes the next again.
    expect((await call(owner.cookie, "PUT", `/admin/v1/agents/${one.id}/capacity`, { capacity: null })).status).toBe(
      200,
    );
    const third = await handoff(ws);
    expect(
      await waitFor(
        () => assignee(third.id),
        (v) => v !== null,
        3000,
      ),
    ).toBe(one.id);
    s1.close();
    s2.close();
  });
});
