// One person in several workspaces (issue 16, Workspaces; docs/setup.md "One person, several
// workspaces"). An invitation to an address with an account becomes a membership of that account
// (never a second account); a session acts in one workspace, with that workspace's role and data;
// switching makes a new session and ends the current one; a disabled membership shuts that workspace
// only; another workspace's owner manages the member's role, teams, capacity and disabling but never
// their password, name or two-factor; removing a membership, a person or a whole workspace never
// deletes the account of someone who belongs elsewhere too. Owners create further workspaces.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { InboxFrame, Me } from "../../shared/api.ts";
import type { InviteView, JoinAnswer, MyWorkspaces } from "../../shared/people.ts";
import type { PersonSummary, SessionInfo } from "../../shared/security.ts";
import type { Checklist } from "../../shared/setup.ts";
import worker from "../../worker/index.ts";
import { BASE, connect, ORIGIN, PASSWORD } from "./helpers.ts";

type Mail = { to: string; raw: string };
const mails: Mail[] = [];
const mailer = {
  async send(m: EmailMessage): Promise<EmailSendResult> {
    const raw = (m as unknown as Record<string, unknown>)["EmailMessage::raw"];
    const text = typeof raw === "string" ? raw : await new Response(raw as ReadableStream).text();
    mails.push({ to: m.to, raw: text });
    return { messageId: `m${mails.length}` };
  },
};

type Answer<T> = { status: number; body: T; cookie: string };
/** A request through the worker with a mailer that keeps each mail (the invitation links). */
async function send<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: { cookie?: string; admin?: boolean; body?: unknown; ip?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { "cf-connecting-ip": opts.ip ?? "198.51.100.7" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.admin) headers.authorization = "Bearer test-admin-token";
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const init = { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) };
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), { ...env, SEND_EMAIL: mailer }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as T,
    cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] as string,
  };
}

const uid = () => crypto.randomUUID().slice(0, 8);

/** A workspace with a widget site that allows the tests' origin (so conversations can start in it). */
async function workspace(): Promise<{ id: string; site: string }> {
  const id = `mem${uid()}`;
  const site = `site_${id}`;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 1)").bind(id, `Desk ${id}`),
    env.DB.prepare(
      "INSERT INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES (?, ?, 'Site', ?, 1)",
    ).bind(site, id, JSON.stringify([ORIGIN])),
  ]);
  return { id, site };
}

type Person = { id: string; email: string; cookie: string };
async function person(ws: string, role: string, name = role): Promise<Person> {
  const email = `${name}-${uid()}@memberships.example`;
  const r = await send<{ id: string }>("POST", `/admin/v1/agents?workspace=${ws}`, {
    admin: true,
    body: { email, name, password: PASSWORD, role },
  });
  expect(r.status).toBe(201);
  return { id: r.body.id, email, cookie: await signIn(email) };
}

async function signIn(email: string, password = PASSWORD): Promise<string> {
  const r = await send<Me>("POST", "/api/auth/login", { body: { email, password } });
  expect(r.status).toBe(200);
  return r.cookie;
}

const meOf = (cookie: string) => send<Me>("GET", "/api/me", { cookie });

/** The link token of the newest invitation mailed to `to`. */
function tokenFor(to: string): string {
  const m = [...mails].reverse().find((x) => x.to === to);
  const body = m?.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=") ?? "";
  const found = /#\/invite\/([\w-]+)/.exec(body);
  if (!found) throw new Error(`no invitation mail to ${to}`);
  return found[1] as string;
}

async function invite(owner: string, email: string, role = "agent", teams: string[] = []): Promise<string> {
  const r = await send("POST", "/admin/v1/invites", { cookie: owner, body: { email, role, teams } });
  expect(r.status).toBe(201);
  return tokenFor(email);
}

/** `who` (home elsewhere) joins `owner`'s workspace with their own session. */
async function joined(owner: string, who: Person, role = "agent", teams: string[] = []): Promise<void> {
  const token = await invite(owner, who.email, role, teams);
  expect((await send("POST", "/api/account/invite/join", { cookie: who.cookie, body: { token } })).status).toBe(200);
}

async function switchTo(cookie: string, workspaceId: string): Promise<Answer<Me>> {
  return send<Me>("POST", "/api/me/workspace", { cookie, body: { workspaceId } });
}

async function startConversation(site: string): Promise<string> {
  const r = await send<{ id: string }>("POST", `/v1/conversations?site=${site}`, { body: { locale: "en" } });
  expect(r.status).toBe(201);
  // The console's index row is written by the conversation's object; wait until it is there.
  for (let i = 0; i < 250; i++) {
    if (await env.DB.prepare("SELECT 1 AS x FROM conversations WHERE id = ?").bind(r.body.id).first()) return r.body.id;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error("conversation never indexed");
}

const membership = (agentId: string, ws: string) =>
  env.DB.prepare("SELECT role, teams, capacity, disabled_at FROM memberships WHERE agent_id = ? AND workspace_id = ?")
    .bind(agentId, ws)
    .first<{ role: string; teams: string; capacity: number | null; disabled_at: number | null }>();
const account = (agentId: string) =>
  env.DB.prepare("SELECT workspace_id, role, teams, capacity, password_hash, name FROM agents WHERE id = ?")
    .bind(agentId)
    .first<{
      workspace_id: string;
      role: string;
      teams: string;
      capacity: number | null;
      password_hash: string;
      name: string;
    }>();

describe("joining a workspace by invitation", () => {
  it("invites an address that has an account like any other, and the account joins it with its session: no second account, the same password", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "owner", "pat");
    const before = await account(p.id);

    // The inviter's answer has the same shape as for a new address: it does not say who has an account.
    const fresh = await send("POST", "/admin/v1/invites", {
      cookie: ownerA.cookie,
      body: { email: `new-${uid()}@memberships.example` },
    });
    const r = await send("POST", "/admin/v1/invites", {
      cookie: ownerA.cookie,
      body: { email: p.email, role: "agent", teams: ["billing"] },
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const token = tokenFor(p.email);
    expect(mails.at(-1)?.raw).toContain("already have an EdgeDesk account");

    const view = await send<InviteView>("POST", "/api/account/invite", { body: { token } });
    expect(view.body).toMatchObject({ email: p.email, account: true, role: "agent" });

    // Accepting as a new account is refused (and leaves the invitation open): the address has one.
    expect(
      await send("POST", "/api/account/invite/accept", {
        body: { token, name: "Impostor", password: "another password 1" },
      }),
    ).toMatchObject({ status: 409, body: { error: "email_taken" } });
    expect((await send("POST", "/api/account/invite", { body: { token } })).status).toBe(200);
    // Nobody signed in and no password: the link alone joins nothing.
    expect(await send("POST", "/api/account/invite/join", { body: { token } })).toMatchObject({
      status: 401,
      body: { error: "sign_in_required" },
    });

    const join = await send<JoinAnswer>("POST", "/api/account/invite/join", { cookie: p.cookie, body: { token } });
    expect(join.status).toBe(200);
    expect(join.body).toEqual({ workspace: { id: a.id, name: `Desk ${a.id}` }, role: "agent" });
    expect(join.cookie).toBe(""); // the session stays where it was; the person switches when they like
    expect((await meOf(p.cookie)).body).toMatchObject({ workspaceId: b.id, role: "owner" });

    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM agents WHERE email = ?")
      .bind(p.email)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
    expect(await account(p.id)).toEqual(before);
    expect(await membership(p.id, a.id)).toMatchObject({ role: "agent", teams: '["billing"]', disabled_at: null });
    expect((await send("POST", "/api/account/invite/join", { cookie: p.cookie, body: { token } })).status).toBe(410);

    // A's owner sees them among A's people, marked as a member.
    const list = await send<{ agents: PersonSummary[] }>("GET", "/admin/v1/agents", { cookie: ownerA.cookie });
    expect(list.body.agents.find((x) => x.id === p.id)).toMatchObject({
      email: p.email,
      role: "agent",
      teams: ["billing"],
      member: true,
      shared: true,
    });
    const audit = await env.DB.prepare(
      "SELECT after FROM audit_log WHERE workspace_id = ? AND action = 'invite.accepted' AND target_id = ?",
    )
      .bind(a.id, p.id)
      .first<{ after: string }>();
    expect(JSON.parse(audit?.after ?? "{}")).toMatchObject({ member: true, role: "agent" });
  });

  it("joins with the account's password instead: a wrong one is refused and counted; with two-factor on it joins without signing in", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const q = await person(b.id, "agent", "quinn");
    const token = await invite(ownerA.cookie, q.email, "editor");

    const wrong = await send("POST", "/api/account/invite/join", { body: { token, password: "not the password" } });
    expect(wrong).toMatchObject({ status: 401, body: { error: "bad_credentials" } });
    expect(await membership(q.id, a.id)).toBeNull();
    const failures = await env.DB.prepare("SELECT count FROM login_throttle WHERE key = ?")
      .bind(`fail:acct:${q.email}`)
      .first<{ count: number }>();
    expect(failures?.count).toBe(1);

    const ok = await send<JoinAnswer>("POST", "/api/account/invite/join", { body: { token, password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.me).toMatchObject({ id: q.id, workspaceId: a.id, role: "editor" });
    expect((await meOf(ok.cookie)).body).toMatchObject({ workspaceId: a.id, role: "editor" });

    // Two-factor on: joining with the password alone signs nobody in (sign-in asks for the code).
    const r = await person(b.id, "agent", "rio");
    await env.DB.prepare("UPDATE agents SET totp_secret = 'sealed-secret' WHERE id = ?").bind(r.id).run();
    const t2 = await invite(ownerA.cookie, r.email);
    const joined2 = await send<JoinAnswer>("POST", "/api/account/invite/join", {
      body: { token: t2, password: PASSWORD },
    });
    expect(joined2.status).toBe(200);
    expect(joined2.body.me).toBeUndefined();
    expect(joined2.cookie).toBe("");
    expect(await membership(r.id, a.id)).toMatchObject({ role: "agent" });
  });

  it("does not let another person's session join, nor invite someone who is already in the workspace", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "agent");
    const q = await person(b.id, "agent");
    const token = await invite(ownerA.cookie, q.email);
    expect(await send("POST", "/api/account/invite/join", { cookie: p.cookie, body: { token } })).toMatchObject({
      status: 401,
      body: { error: "sign_in_required" },
    });
    expect(await membership(p.id, a.id)).toBeNull();
    expect(await membership(q.id, a.id)).toBeNull();
    expect((await send("POST", "/api/account/invite/join", { cookie: q.cookie, body: { token } })).status).toBe(200);
    for (const email of [q.email, ownerA.email])
      expect(await send("POST", "/admin/v1/invites", { cookie: ownerA.cookie, body: { email } })).toMatchObject({
        status: 409,
        body: { error: "already_member" },
      });
  });
});

describe("switching workspaces", () => {
  it("lists the person's workspaces with their role in each; a switch opens a session there and ends the current one", async () => {
    const a = await workspace();
    const b = await workspace();
    const c = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "owner");
    await joined(ownerA.cookie, p);

    const list = await send<MyWorkspaces>("GET", "/api/me/workspaces", { cookie: p.cookie });
    expect(list.body.workspaces).toEqual([
      { id: b.id, name: `Desk ${b.id}`, role: "owner", home: true, current: true },
      { id: a.id, name: `Desk ${a.id}`, role: "agent", home: false, current: false },
    ]);

    const old = (await env.DB.prepare("SELECT id FROM sessions WHERE agent_id = ?").bind(p.id).all<{ id: string }>())
      .results;
    const sw = await switchTo(p.cookie, a.id);
    expect(sw.status).toBe(200);
    expect(sw.body).toMatchObject({ id: p.id, workspaceId: a.id, role: "agent" });
    expect(sw.cookie).toMatch(/^edgedesk_session=/);
    expect((await meOf(p.cookie)).status).toBe(401); // the session it came from has ended
    expect((await meOf(sw.cookie)).body).toMatchObject({ workspaceId: a.id, role: "agent" });
    const after = await env.DB.prepare("SELECT id, workspace_id FROM sessions WHERE agent_id = ?")
      .bind(p.id)
      .all<{ id: string; workspace_id: string | null }>();
    expect(after.results.map((s) => s.id)).not.toContain(old[0]?.id);
    expect(after.results.map((s) => s.workspace_id)).toEqual([a.id]);

    // A workspace of which they are not a member is missing, whether it exists or not.
    for (const other of [c.id, "no-such-workspace"])
      expect(await switchTo(sw.cookie, other)).toMatchObject({ status: 404, body: { error: "unknown_workspace" } });
    expect((await meOf(sw.cookie)).status).toBe(200);

    const back = await switchTo(sw.cookie, b.id);
    expect(back.body).toMatchObject({ workspaceId: b.id, role: "owner" });
    // Home sessions are stored as NULL: a moved home stays right (members.ts sessionWorkspace).
    const home = await env.DB.prepare("SELECT workspace_id FROM sessions WHERE agent_id = ?")
      .bind(p.id)
      .first<{ workspace_id: string | null }>();
    expect(home?.workspace_id).toBeNull();
  });

  it("after a switch the session sees only that workspace's conversations, canned replies and people, with that workspace's role", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "owner");
    await joined(ownerA.cookie, p);
    const convA = await startConversation(a.site);
    const convB = await startConversation(b.site);
    const canned = (cookie: string, title: string) =>
      send("POST", "/api/canned", { cookie, body: { title, text: `${title} text` } });
    expect((await canned(ownerA.cookie, "Only in A")).status).toBe(201);
    expect((await canned(p.cookie, "Only in B")).status).toBe(201);

    const titles = async (cookie: string) =>
      (await send<{ items: { title: string }[] }>("GET", "/api/canned", { cookie })).body.items.map((x) => x.title);
    const conv = async (cookie: string, id: string) =>
      (await send("GET", `/api/conversations/${id}`, { cookie })).status;

    // At home (B), as its owner.
    expect(await titles(p.cookie)).toEqual(["Only in B"]);
    expect([await conv(p.cookie, convA), await conv(p.cookie, convB)]).toEqual([404, 200]);
    expect((await send("GET", "/admin/v1/agents", { cookie: p.cookie })).status).toBe(200);

    // In A, as an agent there.
    const inA = (await switchTo(p.cookie, a.id)).cookie;
    expect(await titles(inA)).toEqual(["Only in A"]);
    expect([await conv(inA, convA), await conv(inA, convB)]).toEqual([200, 404]);
    expect((await send("GET", "/admin/v1/agents", { cookie: inA })).status).toBe(403);
    expect((await send("GET", "/api/checklist", { cookie: inA })).status).toBe(403);
    expect((await send("PUT", "/api/appearance", { cookie: inA, body: {} })).status).toBe(403);
    const roster = await send<{ agents: { id: string; role: string }[] }>("GET", "/api/agents", { cookie: inA });
    expect(roster.body.agents.map((x) => x.id).sort()).toEqual([ownerA.id, p.id].sort());
    expect(roster.body.agents.find((x) => x.id === p.id)?.role).toBe("agent");
    // Their inbox socket is A's inbox: the presence it reports is A's people.
    const inbox = await connect("/api/inbox/ws", { cookie: inA, origin: ORIGIN });
    const frames = await inbox.until((f) => (f as unknown as InboxFrame).t === "presence");
    const presence = frames.map((f) => f as unknown as InboxFrame).find((f) => f.t === "presence");
    expect(presence?.t === "presence" && presence.agents.find((x) => x.id === p.id)?.online).toBe(true);
    inbox.close();
  });

  it("a disabled membership shuts that workspace only: its session ends and the switch is refused; home and sign-in still work", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const ownerB = await person(b.id, "owner");
    const p = await person(b.id, "agent");
    await joined(ownerA.cookie, p);
    const inA = (await switchTo(await signIn(p.email), a.id)).cookie;
    const socket = await connect("/api/inbox/ws", { cookie: inA, origin: ORIGIN });
    await socket.until((f) => (f as unknown as InboxFrame).t === "snapshot");
    const closed = new Promise<number>((r) => socket.ws.addEventListener("close", (e) => r(e.code)));

    const off = await send<PersonSummary>("PATCH", `/admin/v1/agents/${p.id}`, {
      cookie: ownerA.cookie,
      body: { disabled: true },
    });
    expect(off.body).toMatchObject({ disabled: true, member: true });
    expect((await meOf(inA)).status).toBe(401);
    expect(await closed).toBe(4401);
    expect((await meOf(p.cookie)).body).toMatchObject({ workspaceId: b.id });
    expect((await send<MyWorkspaces>("GET", "/api/me/workspaces", { cookie: p.cookie })).body.workspaces).toHaveLength(
      1,
    );
    expect((await switchTo(p.cookie, a.id)).status).toBe(404);
    expect((await meOf(await signIn(p.email))).body).toMatchObject({ workspaceId: b.id });
    // The account's own row is untouched: disabling was A's membership only.
    expect(
      (await env.DB.prepare("SELECT disabled_at FROM agents WHERE id = ?").bind(p.id).first())?.disabled_at,
    ).toBeNull();

    // Enabled again, the switch works.
    await send("PATCH", `/admin/v1/agents/${p.id}`, { cookie: ownerA.cookie, body: { disabled: false } });
    expect((await switchTo(p.cookie, a.id)).status).toBe(200);

    // Disabled at home but enabled in A: sign-in lands in A. Disabled in both: no sign-in at all.
    const r = await person(b.id, "agent");
    await joined(ownerA.cookie, r, "editor");
    await send("PATCH", `/admin/v1/agents/${r.id}`, { cookie: ownerB.cookie, body: { disabled: true } });
    expect((await meOf(await signIn(r.email))).body).toMatchObject({ workspaceId: a.id, role: "editor" });
    await send("PATCH", `/admin/v1/agents/${r.id}`, { cookie: ownerA.cookie, body: { disabled: true } });
    expect((await send("POST", "/api/auth/login", { body: { email: r.email, password: PASSWORD } })).status).toBe(401);
  });

  it("an owner's reach over sessions is their workspace: a role change or 'end sessions' there leaves the person signed in elsewhere", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "agent");
    await joined(ownerA.cookie, p);
    const inA = (await switchTo(await signIn(p.email), a.id)).cookie;

    const seen = await send<{ sessions: SessionInfo[] }>("GET", `/admin/v1/agents/${p.id}/sessions`, {
      cookie: ownerA.cookie,
    });
    expect(seen.body.sessions.map((s) => s.workspace)).toEqual([`Desk ${a.id}`]);
    const own = await send<{ sessions: SessionInfo[] }>("GET", "/api/me/sessions", { cookie: p.cookie });
    expect(own.body.sessions.map((s) => s.workspace).sort()).toEqual([`Desk ${a.id}`, `Desk ${b.id}`].sort());

    expect(
      (await send("PATCH", `/admin/v1/agents/${p.id}`, { cookie: ownerA.cookie, body: { role: "editor" } })).status,
    ).toBe(200);
    expect((await meOf(inA)).status).toBe(401);
    expect((await meOf(p.cookie)).status).toBe(200);
    const again = (await switchTo(p.cookie, a.id)).cookie;
    expect((await meOf(again)).body).toMatchObject({ role: "editor" });
    const home = await signIn(p.email);
    expect((await send("DELETE", `/admin/v1/agents/${p.id}/sessions`, { cookie: ownerA.cookie })).body).toEqual({
      ended: 1,
    });
    expect([(await meOf(again)).status, (await meOf(home)).status]).toEqual([401, 200]);
    // Signing out ends only the session signing out.
    const inA2 = (await switchTo(await signIn(p.email), a.id)).cookie;
    await send("POST", "/api/auth/logout", { cookie: inA2, body: {} });
    expect([(await meOf(inA2)).status, (await meOf(home)).status]).toEqual([401, 200]);
  });

  it("applies each workspace's two-factor rule to the sessions acting in it", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "agent");
    await joined(ownerA.cookie, p);
    await env.DB.prepare("UPDATE workspaces SET require_two_factor = 1 WHERE id = ?").bind(a.id).run();
    const inA = (await switchTo(p.cookie, a.id)).cookie;
    expect((await meOf(inA)).status).toBe(200);
    expect(await send("GET", "/api/inbox", { cookie: inA })).toMatchObject({
      status: 403,
      body: { error: "two_factor_required" },
    });
    const home = await signIn(p.email);
    expect((await send("GET", "/api/inbox", { cookie: home })).status).toBe(200);
  });
});

describe("the member's account stays theirs", () => {
  it("another workspace's owner sets the member's role, teams, capacity and disabling there, never their password, name or two-factor", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "owner");
    await joined(ownerA.cookie, p);
    await env.DB.prepare("UPDATE agents SET totp_secret = 'sealed-secret' WHERE id = ?").bind(p.id).run();
    const before = await account(p.id);
    const path = `/admin/v1/agents/${p.id}`;

    expect((await send("PATCH", path, { cookie: ownerA.cookie, body: { role: "editor" } })).status).toBe(200);
    expect((await send("PUT", `${path}/routing`, { cookie: ownerA.cookie, body: { teams: ["vip"] } })).status).toBe(
      200,
    );
    expect((await send("PUT", `${path}/capacity`, { cookie: ownerA.cookie, body: { capacity: 4 } })).status).toBe(200);
    expect(await membership(p.id, a.id)).toMatchObject({ role: "editor", teams: '["vip"]', capacity: 4 });
    expect(await account(p.id)).toEqual(before); // home role, teams, capacity, password, name: unchanged

    const mailsBefore = mails.length;
    for (const [method, suffix, body] of [
      ["PATCH", "", { password: "taken over at last" }],
      ["PATCH", "", { name: "Someone else" }],
      ["POST", "/password-reset", undefined],
      ["DELETE", "/two-factor", undefined],
    ] as const)
      expect(await send(method, `${path}${suffix}`, { cookie: ownerA.cookie, body })).toMatchObject({
        status: 403,
        body: { error: "account_theirs" },
      });
    expect(mails.length).toBe(mailsBefore);
    expect(await account(p.id)).toEqual(before);
    const totp = await env.DB.prepare("SELECT totp_secret FROM agents WHERE id = ?").bind(p.id).first();
    expect(totp?.totp_secret).toBe("sealed-secret");
    // What A's owner reads of them holds no secret.
    const list = await send("GET", "/admin/v1/agents", { cookie: ownerA.cookie });
    expect(JSON.stringify(list.body)).not.toMatch(/sealed-secret|pbkdf2/);
    // The operator's token acting on A is held to the same rule.
    expect(
      (await send("PATCH", `${path}?workspace=${a.id}`, { admin: true, body: { password: "taken over at last" } }))
        .status,
    ).toBe(403);
  });

  it("the home workspace's owner cannot set the password or reset two-factor of someone who belongs elsewhere too; a reset link by mail still reaches them", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const ownerB = await person(b.id, "owner");
    const r = await person(b.id, "agent");
    const path = `/admin/v1/agents/${r.id}`;
    // In B alone, B's owner may set it (as before).
    expect(
      (await send("PATCH", path, { cookie: ownerB.cookie, body: { password: "a first new password" } })).status,
    ).toBe(200);
    await joined(ownerA.cookie, { ...r, cookie: await signIn(r.email, "a first new password") });
    for (const [method, suffix, body] of [
      ["PATCH", "", { password: "taken over at last" }],
      ["DELETE", "/two-factor", undefined],
    ] as const)
      expect(await send(method, `${path}${suffix}`, { cookie: ownerB.cookie, body })).toMatchObject({
        status: 403,
        body: { error: "account_theirs" },
      });
    const sent = mails.length;
    expect((await send("POST", `${path}/password-reset`, { cookie: ownerB.cookie })).status).toBe(202);
    expect(mails.slice(sent).map((m) => m.to)).toEqual([r.email]);
  });

  it("removing a member ends the membership, never the account", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const p = await person(b.id, "owner");
    await joined(ownerA.cookie, p);
    const inA = (await switchTo(await signIn(p.email), a.id)).cookie;
    expect((await send("DELETE", `/admin/v1/agents/${p.id}`, { cookie: ownerA.cookie })).status).toBe(204);
    expect(await membership(p.id, a.id)).toBeNull();
    expect((await meOf(inA)).status).toBe(401);
    expect((await meOf(p.cookie)).body).toMatchObject({ workspaceId: b.id, role: "owner" });
    expect((await account(p.id))?.workspace_id).toBe(b.id);
    expect((await switchTo(p.cookie, a.id)).status).toBe(404);
    const list = await send<{ agents: PersonSummary[] }>("GET", "/admin/v1/agents", { cookie: ownerA.cookie });
    expect(list.body.agents.map((x) => x.id)).not.toContain(p.id);
  });

  it("removing someone from their home workspace while they belong elsewhere moves their home there", async () => {
    const a = await workspace();
    const b = await workspace();
    const ownerA = await person(a.id, "owner");
    const ownerB = await person(b.id, "owner");
    const r = await person(b.id, "agent");
    await joined(ownerA.cookie, r, "editor", ["vip"]);
    const inA = (await switchTo(await signIn(r.email), a.id)).cookie;
    expect((await send("DELETE", `/admin/v1/agents/${r.id}`, { cookie: ownerB.cookie })).status).toBe(204);
    expect(await account(r.id)).toMatchObject({ workspace_id: a.id, role: "editor", teams: '["vip"]' });
    expect(await membership(r.id, a.id)).toBeNull(); // the agents row is their place in A now
    expect((await meOf(r.cookie)).status).toBe(401); // their B session went with B
    expect((await meOf(inA)).body).toMatchObject({ workspaceId: a.id, role: "editor" });
    expect((await meOf(await signIn(r.email))).body).toMatchObject({ workspaceId: a.id, role: "editor" });
    const moved = await env.DB.prepare(
      "SELECT 1 AS x FROM audit_log WHERE workspace_id = ? AND action = 'agent.home_moved' AND target_id = ?",
    )
      .bind(a.id, r.id)
      .first();
    expect(moved).not.toBeNull();
    const inB = await send<{ agents: PersonSummary[] }>("GET", "/admin/v1/agents", { cookie: ownerB.cookie });
    expect(inB.body.agents.map((x) => x.id)).not.toContain(r.id);
  });
});

describe("workspaces", () => {
  it("removing a workspace removes its memberships and moves the home of its people who belong elsewhere", async () => {
    const x = await workspace();
    const y = await workspace();
    const ownerX = await person(x.id, "owner");
    const ownerY = await person(y.id, "owner");
    const s = await person(x.id, "agent", "sam"); // home X, member of Y
    await joined(ownerY.cookie, s, "editor");
    const m = await person(y.id, "agent", "mo"); // home Y, member of X
    await joined(ownerX.cookie, m);
    const mInX = (await switchTo(await signIn(m.email), x.id)).cookie;

    const removed = await send<{ done: boolean }>("DELETE", `/api/workspace?confirm=${x.id}`, {
      cookie: ownerX.cookie,
      body: { password: PASSWORD },
    });
    expect(removed).toMatchObject({ status: 200, body: { done: true } });
    expect(await account(s.id)).toMatchObject({ workspace_id: y.id, role: "editor" });
    expect((await meOf(await signIn(s.email))).body).toMatchObject({ workspaceId: y.id, role: "editor" });
    expect((await meOf(mInX)).status).toBe(401);
    expect((await meOf(m.cookie)).body).toMatchObject({ workspaceId: y.id });
    expect(await account(m.id)).toMatchObject({ workspace_id: y.id });
    const left = await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM memberships WHERE workspace_id = ?1) + (SELECT COUNT(*) FROM sessions WHERE workspace_id = ?1) + (SELECT COUNT(*) FROM agents WHERE workspace_id = ?1) AS n",
    )
      .bind(x.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await account(ownerX.id)).toBeNull(); // X's owner belonged nowhere else
  });

  it("an owner creates a further workspace with set-up's rules, becomes its owner and is switched into it", async () => {
    const home = await workspace();
    const owner = await person(home.id, "owner");
    // Another owner tries the refusals: each call counts against the caller's budget (5 a burst).
    const tester = await person(home.id, "owner");
    for (const role of ["agent", "editor"]) {
      const who = await person(home.id, role);
      expect(
        (await send("POST", "/api/workspaces", { cookie: who.cookie, body: { name: "Mine", id: `w${uid()}` } })).status,
      ).toBe(403);
    }
    for (const body of [
      { name: "", id: `w${uid()}` },
      { name: "Upper", id: "Upper-Case" },
      { name: "Dash", id: "-starts-with-dash" },
      { name: "Short", id: "x" },
      { name: "Slash", id: "a/b" },
    ])
      expect((await send("POST", "/api/workspaces", { cookie: tester.cookie, body })).status).toBe(400);
    expect(
      await send("POST", "/api/workspaces", { cookie: owner.cookie, body: { name: "Taken", id: home.id } }),
    ).toMatchObject({ status: 409, body: { error: "workspace_taken" } });

    const id = `new-${uid()}`;
    const made = await send<Me>("POST", "/api/workspaces", { cookie: owner.cookie, body: { name: "Second desk", id } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: owner.id, workspaceId: id, role: "owner" });
    expect((await meOf(owner.cookie)).status).toBe(401);
    const checklist = await send<Checklist>("GET", "/api/checklist", { cookie: made.cookie });
    expect(checklist.body.workspace).toEqual({ id, name: "Second desk" });
    expect(checklist.body.site?.allowedOrigins).toEqual([]);
    const sites = await env.DB.prepare("SELECT portal FROM sites WHERE workspace_id = ? ORDER BY portal")
      .bind(id)
      .all<{ portal: number }>();
    expect(sites.results.map((r) => r.portal)).toEqual([0, 1]);
    expect(await membership(owner.id, id)).toMatchObject({ role: "owner" });
    expect((await account(owner.id))?.workspace_id).toBe(home.id);
    const mine = await send<MyWorkspaces>("GET", "/api/me/workspaces", { cookie: made.cookie });
    expect(mine.body.workspaces.map((w) => [w.id, w.role, w.current])).toEqual([
      [home.id, "owner", false],
      [id, "owner", true],
    ]);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE workspace_id = ? ORDER BY seq")
      .bind(id)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["workspace.created", "agent.joined"]);
    // Home and the new workspace are apart: each session sees its own people.
    const people = await send<{ agents: PersonSummary[] }>("GET", "/admin/v1/agents", { cookie: made.cookie });
    expect(people.body.agents.map((p) => [p.email, p.member])).toEqual([[owner.email, true]]);
    expect((await switchTo(made.cookie, home.id)).body).toMatchObject({ workspaceId: home.id, role: "owner" });
  });
});
