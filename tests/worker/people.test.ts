// People and sessions (docs/security.md, findings 1 and 12): only owners manage people, nobody grants
// a role above their own, "create" never overwrites an account, and a password change, a role change,
// disabling or an owner's "end session" ends sessions and their live sockets.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { InboxFrame } from "../../shared/api.ts";
import type { PersonSummary, SessionInfo } from "../../shared/security.ts";
import {
  ADMIN,
  BASE,
  call,
  connect,
  cookieOf,
  createAgent,
  handedOff,
  login,
  ORIGIN,
  PASSWORD,
  publishDemoKb,
} from "./helpers.ts";

const AGENTS = "/admin/v1/agents?workspace=demo";
const person = (email: string, role = "agent", password = "a brand new password") => ({
  email,
  name: email.split("@")[0],
  password,
  role,
});
const idOf = async (email: string) =>
  (await env.DB.prepare("SELECT id FROM agents WHERE email = ?").bind(email).first<{ id: string }>())?.id ?? "";
const roleOf = async (email: string) =>
  (await env.DB.prepare("SELECT role FROM agents WHERE email = ?").bind(email).first<{ role: string }>())?.role;
const me = (cookie: string) => SELF.fetch(`${BASE}/api/me`, { headers: { cookie } });

let owner = "";
beforeAll(async () => {
  await publishDemoKb();
  owner = await createAgent("owner@people.example", "owner");
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 1)").run();
});

describe("finding 1: only owners manage people, and create never overwrites", () => {
  it("refuses an editor who creates an owner, and creates nothing", async () => {
    const editor = await createAgent("editor@people.example", "editor");
    const r = await call(editor, "POST", "/admin/v1/agents", person("mallory@people.example", "owner"));
    expect(r.status).toBe(403);
    expect(await idOf("mallory@people.example")).toBe("");
    // Not even an agent: people are an owner's business.
    expect((await call(editor, "POST", "/admin/v1/agents", person("m2@people.example"))).status).toBe(403);
  });

  it("keeps an existing account's role and password when someone 'creates' it again", async () => {
    const victim = await createAgent("victim@people.example", "owner");
    for (const who of [owner, ADMIN]) {
      const r = await call<{ error: string }>(who, "POST", AGENTS, person("victim@people.example", "agent"));
      expect(r.status).toBe(409);
      expect(r.body.error).toBe("email_taken");
    }
    expect(await roleOf("victim@people.example")).toBe("owner");
    expect((await login("victim@people.example", "a brand new password")).status).toBe(401);
    expect((await login("victim@people.example", PASSWORD)).status).toBe(200);
    expect((await me(victim)).status).toBe(200);
  });

  it("answers the same 409 whether the email is in this workspace or another", async () => {
    await createAgent("someone@other.example", "agent", "other");
    await createAgent("someone@people.example", "agent");
    const there = await call(owner, "POST", "/admin/v1/agents", person("someone@other.example"));
    const here = await call(owner, "POST", "/admin/v1/agents", person("someone@people.example"));
    expect(there.status).toBe(409);
    expect(there.body).toEqual(here.body);
    expect(JSON.stringify(there.body)).not.toMatch(/workspace/i);
  });

  it("lets nobody grant a role above their own, nor change their own role", async () => {
    const editor = await createAgent("climber@people.example", "editor");
    const id = await idOf("climber@people.example");
    expect((await call(editor, "PATCH", `/admin/v1/agents/${id}`, { role: "owner" })).status).toBe(403);
    expect(await roleOf("climber@people.example")).toBe("editor");
    // An owner may make another owner, but not change their own role (another owner has to).
    const ownerId = await idOf("owner@people.example");
    const self = await call<{ error: string }>(owner, "PATCH", `/admin/v1/agents/${ownerId}`, { role: "agent" });
    expect(self.status).toBe(403);
    expect(await roleOf("owner@people.example")).toBe("owner");
  });

  it("lists the workspace's people to owners only, without secrets", async () => {
    const agent = await createAgent("lister@people.example");
    expect((await call(agent, "GET", "/admin/v1/agents")).status).toBe(403);
    const r = await call<{ agents: PersonSummary[] }>(owner, "GET", "/admin/v1/agents");
    expect(r.status).toBe(200);
    expect(r.body.agents.some((a) => a.email === "lister@people.example" && a.role === "agent")).toBe(true);
    expect(r.body.agents.some((a) => a.email === "someone@other.example")).toBe(false);
    expect(JSON.stringify(r.body)).not.toMatch(/pbkdf2|password|totp_secret/i);
  });

  it("keeps one enabled owner: the last owner cannot be demoted or disabled", async () => {
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('solo', 'Solo', 1)").run();
    await createAgent("only@solo.example", "owner", "solo");
    const id = await idOf("only@solo.example");
    const path = `/admin/v1/agents/${id}?workspace=solo`;
    expect((await call<{ error: string }>(ADMIN, "PATCH", path, { role: "editor" })).body.error).toBe("last_owner");
    expect((await call<{ error: string }>(ADMIN, "PATCH", path, { disabled: true })).body.error).toBe("last_owner");
    expect(await roleOf("only@solo.example")).toBe("owner");
  });
});

describe("finding 12: sessions end when the password or role changes; owners offboard", () => {
  it("ends every session of an agent whose role an owner changes", async () => {
    const editor = await createAgent("demoted@people.example", "editor");
    const id = await idOf("demoted@people.example");
    const r = await call<PersonSummary>(owner, "PATCH", `/admin/v1/agents/${id}`, { role: "agent" });
    expect(r.status).toBe(200);
    expect(r.body.role).toBe("agent");
    expect((await me(editor)).status).toBe(401);
  });

  it("ends every session when an owner resets a password", async () => {
    const agent = await createAgent("reset@people.example");
    const id = await idOf("reset@people.example");
    const r = await call(owner, "PATCH", `/admin/v1/agents/${id}`, { password: "reset by the owner 1" });
    expect(r.status).toBe(200);
    expect((await me(agent)).status).toBe(401);
    expect((await login("reset@people.example", "reset by the owner 1")).status).toBe(200);
  });

  it("ends the agent's other sessions when they change their own password", async () => {
    const laptop = await createAgent("self@people.example");
    const phone = cookieOf(await login("self@people.example", PASSWORD));
    const wrong = await call(laptop, "PUT", "/api/me/password", { current: "not it at all", password: "x".repeat(12) });
    expect(wrong.status).toBe(403);
    const r = await call(laptop, "PUT", "/api/me/password", { current: PASSWORD, password: "my own new password" });
    expect(r.status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    expect((await me(phone)).status).toBe(401);
    expect((await login("self@people.example", PASSWORD)).status).toBe(401);
  });

  it("lets an owner disable an agent: no sign-in, no session, live sockets closed", async () => {
    await publishDemoKb();
    const leaver = await createAgent("leaver@people.example");
    const id = await idOf("leaver@people.example");
    const inbox = await connect("/api/inbox/ws", { cookie: leaver, origin: ORIGIN });
    await inbox.until((f) => (f as unknown as InboxFrame).t === "snapshot");
    const { c, customer } = await handedOff(["I want to talk to a person please"]);
    const convo = await connect(`/api/conversations/${c.id}/ws?after=0`, { cookie: leaver, origin: ORIGIN });
    const closed = (ws: WebSocket) => new Promise<number>((r) => ws.addEventListener("close", (e) => r(e.code)));
    const inboxClosed = closed(inbox.ws);
    const convoClosed = closed(convo.ws);

    const r = await call<PersonSummary>(owner, "PATCH", `/admin/v1/agents/${id}`, { disabled: true });
    expect(r.status).toBe(200);
    expect(r.body.disabled).toBe(true);
    expect((await me(leaver)).status).toBe(401);
    expect((await login("leaver@people.example", PASSWORD)).status).toBe(401);
    expect(await inboxClosed).toBe(4401);
    expect(await convoClosed).toBe(4401);
    customer.close();

    // Enabled again, they sign in as before.
    expect((await call(owner, "PATCH", `/admin/v1/agents/${id}`, { disabled: false })).status).toBe(200);
    expect((await login("leaver@people.example", PASSWORD)).status).toBe(200);
  });

  it("shows an owner an agent's sessions and ends one of them; agents see none of it", async () => {
    const first = await createAgent("two@people.example");
    const second = cookieOf(await login("two@people.example", PASSWORD, "198.51.100.7"));
    const id = await idOf("two@people.example");
    const list = await call<{ sessions: SessionInfo[] }>(owner, "GET", `/admin/v1/agents/${id}/sessions`);
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.sessions.some((s) => s.ip === "198.51.100.7")).toBe(true);
    expect(JSON.stringify(list.body)).not.toMatch(/token/i);
    expect((await call(first, "GET", `/admin/v1/agents/${id}/sessions`)).status).toBe(403);

    const target = list.body.sessions.find((s) => s.ip === "198.51.100.7") as SessionInfo;
    expect((await call(owner, "DELETE", `/admin/v1/agents/${id}/sessions/${target.id}`)).status).toBe(200);
    expect((await me(second)).status).toBe(401);
    expect((await me(first)).status).toBe(200);
    // And all of them.
    expect((await call(owner, "DELETE", `/admin/v1/agents/${id}/sessions`)).status).toBe(200);
    expect((await me(first)).status).toBe(401);
  });

  it("lets an agent see and end their own sessions, and nobody else's", async () => {
    const mine = await createAgent("mine@people.example");
    const other = cookieOf(await login("mine@people.example", PASSWORD));
    const list = await call<{ sessions: SessionInfo[] }>(mine, "GET", "/api/me/sessions");
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.sessions.filter((s) => s.current)).toHaveLength(1);
    const notCurrent = list.body.sessions.find((s) => !s.current) as SessionInfo;
    const stranger = await createAgent("stranger@people.example");
    expect((await call(stranger, "DELETE", `/api/me/sessions/${notCurrent.id}`)).status).toBe(404);
    expect((await call(mine, "DELETE", `/api/me/sessions/${notCurrent.id}`)).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    expect((await me(mine)).status).toBe(200);
  });
});
