// Invitations and password resets by emailed link (issue 16, People; docs/security.md "Emailed links").
// The link's token is the credential: it is only in the mail, after the URL's `#`, stored as a hash,
// works once and until it expires, never appears in an API answer or a log line. Requests go through
// the app with a SEND_EMAIL that keeps each mail, so the test reads the link the way a person would.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Me } from "../../shared/api.ts";
import type { InviteSummary, InviteView } from "../../shared/people.ts";
import { sha256 } from "../../worker/auth/crypto.ts";
import worker from "../../worker/index.ts";
import { BASE, PASSWORD } from "./helpers.ts";

type Mail = { from: string; to: string; raw: string };
const mails: Mail[] = [];
const mailer = {
  async send(m: EmailMessage): Promise<EmailSendResult> {
    // workerd's EmailMessage keeps the message under this key (what the send_email binding serialises).
    const raw = (m as unknown as Record<string, unknown>)["EmailMessage::raw"];
    const text = typeof raw === "string" ? raw : await new Response(raw as ReadableStream).text();
    mails.push({ from: m.from, to: m.to, raw: text });
    return { messageId: `m${mails.length}` };
  },
};

let limits = "1000,1000";
async function send(
  method: string,
  path: string,
  opts: { cookie?: string; admin?: boolean; ip?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; cookie: string }> {
  const headers: Record<string, string> = { "cf-connecting-ip": opts.ip ?? "198.51.100.1" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.admin) headers.authorization = "Bearer test-admin-token";
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const init = { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) };
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, init),
    { ...env, SEND_EMAIL: mailer, PEOPLE_MAIL_LIMIT: limits },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] as string,
  };
}

/** The mail's text with quoted-printable soft breaks undone. */
const bodyOf = (m: Mail) => m.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
/** The token of the newest mail to `to` whose link is `#/kind/…`. */
function linkIn(to: string, kind: "invite" | "reset"): { url: string; token: string } {
  const m = [...mails].reverse().find((x) => x.to === to && bodyOf(x).includes(`#/${kind}/`));
  const found = m ? new RegExp(`(\\S+#/${kind}/([\\w-]+))`).exec(bodyOf(m)) : null;
  if (!found) throw new Error(`no ${kind} mail to ${to}`);
  return { url: found[1] as string, token: found[2] as string };
}

async function workspace(): Promise<string> {
  const ws = `inv${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, `Acme ${ws}`).run();
  return ws;
}

async function person(ws: string, role: string): Promise<{ id: string; email: string; cookie: string }> {
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@invites.example`;
  const r = await send("POST", `/admin/v1/agents?workspace=${ws}`, {
    admin: true,
    body: { email, name: role, password: PASSWORD, role },
  });
  expect(r.status).toBe(201);
  const login = await send("POST", "/api/auth/login", { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  return { id: r.body.id as string, email, cookie: login.cookie };
}

const auditOf = async (ws: string, action: string) =>
  (
    await env.DB.prepare(
      "SELECT actor_email, target_id, before, after FROM audit_log WHERE workspace_id = ? AND action = ? ORDER BY seq",
    )
      .bind(ws, action)
      .all<{ actor_email: string; target_id: string; before: string | null; after: string | null }>()
  ).results;

// Every console call of the worker (which runs in this isolate) is kept: no token may be in one.
const logged: string[] = [];
beforeAll(() => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
});
afterAll(() => vi.restoreAllMocks());
const tokensSeen: string[] = [];

describe("invitations", () => {
  it("an owner invites by email: the mail holds a link with the token after '#', stored only as its hash; the answer has no token", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    const r = await send("POST", "/admin/v1/invites", {
      cookie: owner.cookie,
      body: { email: "New.Person@Invites.example", role: "editor", teams: ["billing"] },
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual([
      "createdAt",
      "email",
      "expiresAt",
      "id",
      "invitedBy",
      "name",
      "role",
      "teams",
    ]);
    expect(r.body).toMatchObject({ email: "new.person@invites.example", role: "editor", teams: ["billing"] });
    const { url, token } = linkIn("new.person@invites.example", "invite");
    tokensSeen.push(token);
    expect(url).toBe(`${BASE}/console/#/invite/${token}`);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(bodyOf(mails.at(-1) as Mail)).toMatch(/Subject: You're invited to Acme/);
    // Stored as its SHA-256, nowhere in the clear.
    const row = await env.DB.prepare("SELECT * FROM invites WHERE id = ?").bind(r.body.id).first();
    expect(row?.token_hash).toBe(await sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const list = await send("GET", "/admin/v1/invites", { cookie: owner.cookie });
    expect((list.body.invites as InviteSummary[]).map((i) => i.email)).toEqual(["new.person@invites.example"]);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(await auditOf(ws, "invite.created")).toMatchObject([{ actor_email: owner.email, target_id: r.body.id }]);
  });

  it("the invited person sees it, accepts with a name and password and is signed in with the invited role and teams; the link then works no more", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    await send("POST", "/admin/v1/invites", {
      cookie: owner.cookie,
      body: { email: "ana@invites.example", teams: ["support"] },
    });
    const { token } = linkIn("ana@invites.example", "invite");
    tokensSeen.push(token);
    const view = await send("POST", "/api/account/invite", { body: { token } });
    expect(view.status).toBe(200);
    expect(view.body as InviteView).toMatchObject({
      email: "ana@invites.example",
      role: "agent",
      workspace: `Acme ${ws}`,
    });

    for (const bad of [
      { token, name: "Ana", password: "short" },
      { token, name: "", password: "long enough pass" },
      { token: "x", name: "Ana", password: "long enough pass" },
    ])
      expect((await send("POST", "/api/account/invite/accept", { body: bad })).status).toBe(400);
    const ok = await send("POST", "/api/account/invite/accept", {
      body: { token, name: "Ana Ruiz", password: "ana's own password" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body as Me).toMatchObject({
      email: "ana@invites.example",
      name: "Ana Ruiz",
      role: "agent",
      workspaceId: ws,
    });
    const me = await send("GET", "/api/me", { cookie: ok.cookie });
    expect(me.body).toMatchObject({ email: "ana@invites.example", workspaceId: ws });
    const row = await env.DB.prepare("SELECT role, teams, workspace_id FROM agents WHERE email = ?")
      .bind("ana@invites.example")
      .first();
    expect(row).toEqual({ role: "agent", teams: '["support"]', workspace_id: ws });
    expect(
      (
        await send("POST", "/api/auth/login", {
          body: { email: "ana@invites.example", password: "ana's own password" },
        })
      ).status,
    ).toBe(200);

    // Once only: neither shown nor accepted again, and gone from the open list.
    expect(await send("POST", "/api/account/invite", { body: { token } })).toMatchObject({
      status: 410,
      body: { error: "invite_used" },
    });
    const again = await send("POST", "/api/account/invite/accept", {
      body: { token, name: "Eve", password: "eve's password!" },
    });
    expect(again).toMatchObject({ status: 410, body: { error: "invite_used" } });
    expect(again.cookie).toBe("");
    expect((await send("GET", "/admin/v1/invites", { cookie: owner.cookie })).body.invites).toEqual([]);
    expect(await auditOf(ws, "invite.accepted")).toMatchObject([{ actor_email: "ana@invites.example" }]);
  });

  it("grants no role above the inviter's, only to owners and the operator, and never to someone already in the workspace", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    const editor = await person(ws, "editor");
    const agent = await person(ws, "agent");
    for (const who of [editor, agent]) {
      expect(
        (await send("POST", "/admin/v1/invites", { cookie: who.cookie, body: { email: "x@invites.example" } })).status,
      ).toBe(403);
      expect((await send("GET", "/admin/v1/invites", { cookie: who.cookie })).status).toBe(403);
    }
    expect((await send("POST", "/admin/v1/invites", { body: { email: "x@invites.example" } })).status).toBe(401);
    expect(
      (
        await send("POST", `/admin/v1/invites?workspace=${ws}`, {
          admin: true,
          body: { email: "op@invites.example", role: "owner" },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await send("POST", "/admin/v1/invites", {
          cookie: owner.cookie,
          body: { email: "o2@invites.example", role: "owner" },
        })
      ).status,
    ).toBe(201);
    // Someone already here is not invited again; an account elsewhere is invited like anyone (it joins
    // with its own password: tests/worker/memberships.test.ts), so the answer tells nothing about it.
    expect(
      await send("POST", "/admin/v1/invites", { cookie: owner.cookie, body: { email: editor.email } }),
    ).toMatchObject({ status: 409, body: { error: "already_member" } });
    const elsewhere = await person(await workspace(), "agent");
    expect(
      (await send("POST", "/admin/v1/invites", { cookie: owner.cookie, body: { email: elsewhere.email } })).status,
    ).toBe(201);
    for (const body of [
      { email: "not an address" },
      { email: "y@invites.example", role: "boss" },
      { email: "y@invites.example", teams: ["no spaces"] },
    ])
      expect((await send("POST", "/admin/v1/invites", { cookie: owner.cookie, body })).status).toBe(400);
  });

  it("stops working once expired, withdrawn or replaced; another workspace neither sees nor withdraws it", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    const other = await person(await workspace(), "owner");
    const first = await send("POST", "/admin/v1/invites", {
      cookie: owner.cookie,
      body: { email: "bo@invites.example" },
    });
    const old = linkIn("bo@invites.example", "invite").token;
    const second = await send("POST", "/admin/v1/invites", {
      cookie: owner.cookie,
      body: { email: "bo@invites.example" },
    });
    const current = linkIn("bo@invites.example", "invite").token;
    tokensSeen.push(old, current);
    expect(await send("POST", "/api/account/invite", { body: { token: old } })).toMatchObject({
      status: 404,
      body: { error: "invite_unknown" },
    });
    expect((await send("POST", "/api/account/invite", { body: { token: current } })).status).toBe(200);

    expect((await send("GET", "/admin/v1/invites", { cookie: other.cookie })).body.invites).toEqual([]);
    expect((await send("DELETE", `/admin/v1/invites/${second.body.id}`, { cookie: other.cookie })).status).toBe(404);
    expect((await send("DELETE", `/admin/v1/invites/${first.body.id}`, { cookie: owner.cookie })).status).toBe(404);

    await env.DB.prepare("UPDATE invites SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, second.body.id)
      .run();
    expect(await send("POST", "/api/account/invite", { body: { token: current } })).toMatchObject({
      status: 410,
      body: { error: "invite_expired" },
    });
    const late = await send("POST", "/api/account/invite/accept", {
      body: { token: current, name: "Bo", password: "bo's password ok" },
    });
    expect(late).toMatchObject({ status: 410, body: { error: "invite_expired" } });
    expect(await env.DB.prepare("SELECT 1 AS x FROM agents WHERE email = 'bo@invites.example'").first()).toBeNull();

    const third = await send("POST", "/admin/v1/invites", {
      cookie: owner.cookie,
      body: { email: "bo@invites.example" },
    });
    const fresh = linkIn("bo@invites.example", "invite").token;
    tokensSeen.push(fresh);
    expect((await send("DELETE", `/admin/v1/invites/${third.body.id}`, { cookie: owner.cookie })).status).toBe(204);
    expect(
      (
        await send("POST", "/api/account/invite/accept", {
          body: { token: fresh, name: "Bo", password: "bo's password ok" },
        })
      ).status,
    ).toBe(404);
    expect(await auditOf(ws, "invite.revoked")).toMatchObject([{ actor_email: owner.email, target_id: third.body.id }]);
  });

  it("sends at most the budget's mails per client address and per workspace", async () => {
    limits = "0.001,2";
    try {
      const ws = await workspace();
      const owner = await person(ws, "owner");
      const invite = (n: number, ip: string, cookie = owner.cookie) =>
        send("POST", "/admin/v1/invites", { cookie, ip, body: { email: `b${n}@invites.example` } });
      expect((await invite(1, "203.0.113.1")).status).toBe(201);
      expect((await invite(2, "203.0.113.1")).status).toBe(201);
      const over = await invite(3, "203.0.113.1");
      expect(over).toMatchObject({ status: 429 });
      // Another address, the same workspace: its budget is spent too.
      expect((await invite(4, "203.0.113.2")).status).toBe(429);
      // Another workspace from a fresh address is not held back by this one.
      const other = await person(await workspace(), "owner");
      expect((await invite(5, "203.0.113.3", other.cookie)).status).toBe(201);
      expect(mails.filter((m) => /^b[1-5]@/.test(m.to)).map((m) => m.to)).toEqual([
        "b1@invites.example",
        "b2@invites.example",
        "b5@invites.example",
      ]);
    } finally {
      limits = "1000,1000";
    }
  });
});

describe("password reset by emailed link", () => {
  it("an owner sends one: the link sets a new password once, ends every session of the person and signs nobody in", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    const agent = await person(ws, "agent");
    const r = await send("POST", `/admin/v1/agents/${agent.id}/password-reset`, { cookie: owner.cookie });
    expect(r.status).toBe(202);
    const { url, token } = linkIn(agent.email, "reset");
    tokensSeen.push(token);
    expect(url).toBe(`${BASE}/console/#/reset/${token}`);
    expect(
      JSON.stringify(await env.DB.prepare("SELECT * FROM password_resets WHERE agent_id = ?").bind(agent.id).all()),
    ).not.toContain(token);

    expect((await send("POST", "/api/account/reset/complete", { body: { token, password: "short" } })).status).toBe(
      400,
    );
    const done = await send("POST", "/api/account/reset/complete", {
      body: { token, password: "a fresh new password" },
    });
    expect(done.status).toBe(200);
    expect(done.cookie).toBe("");
    expect((await send("GET", "/api/me", { cookie: agent.cookie })).status).toBe(401);
    expect((await send("POST", "/api/auth/login", { body: { email: agent.email, password: PASSWORD } })).status).toBe(
      401,
    );
    expect(
      (await send("POST", "/api/auth/login", { body: { email: agent.email, password: "a fresh new password" } }))
        .status,
    ).toBe(200);
    expect(
      await send("POST", "/api/account/reset/complete", { body: { token, password: "another new password" } }),
    ).toMatchObject({ status: 410, body: { error: "reset_invalid" } });
    expect((await auditOf(ws, "password_reset.sent")).map((a) => a.actor_email)).toEqual([owner.email]);
    expect(await auditOf(ws, "password_reset.completed")).toMatchObject([
      { actor_email: agent.email, target_id: agent.id },
    ]);
  });

  it("anyone may ask for their own by address: the same answer for an account, no account and a disabled one; expired and replaced links fail", async () => {
    const ws = await workspace();
    const owner = await person(ws, "owner");
    const agent = await person(ws, "agent");
    const gone = await person(ws, "agent");
    await env.DB.prepare("UPDATE agents SET disabled_at = 1 WHERE id = ?").bind(gone.id).run();
    const before = mails.length;
    for (const email of [agent.email, "nobody-here@invites.example", gone.email])
      expect(await send("POST", "/api/account/reset", { body: { email } })).toMatchObject({
        status: 202,
        body: { ok: true },
      });
    expect(mails.slice(before).map((m) => m.to)).toEqual([agent.email]);
    const old = linkIn(agent.email, "reset").token;
    expect((await send("POST", "/api/account/reset", { body: { email: agent.email.toUpperCase() } })).status).toBe(202);
    const current = linkIn(agent.email, "reset").token;
    tokensSeen.push(old, current);
    expect(current).not.toBe(old);
    expect(
      (await send("POST", "/api/account/reset/complete", { body: { token: old, password: "a fresh new password" } }))
        .status,
    ).toBe(410);
    await env.DB.prepare("UPDATE password_resets SET expires_at = ? WHERE agent_id = ?")
      .bind(Date.now() - 1, agent.id)
      .run();
    expect(
      (
        await send("POST", "/api/account/reset/complete", {
          body: { token: current, password: "a fresh new password" },
        })
      ).status,
    ).toBe(410);
    // An owner cannot send one to a disabled person, nor to another workspace's.
    expect((await send("POST", `/admin/v1/agents/${gone.id}/password-reset`, { cookie: owner.cookie })).status).toBe(
      409,
    );
    const other = await person(await workspace(), "owner");
    expect((await send("POST", `/admin/v1/agents/${agent.id}/password-reset`, { cookie: other.cookie })).status).toBe(
      404,
    );
    const editor = await person(ws, "editor");
    expect((await send("POST", `/admin/v1/agents/${agent.id}/password-reset`, { cookie: editor.cookie })).status).toBe(
      403,
    );
  });

  it("does not skip two-factor: after a reset, sign-in still asks for the code", async () => {
    const ws = await workspace();
    const agent = await person(ws, "agent");
    await env.DB.prepare("UPDATE agents SET totp_secret = 'sealed-elsewhere' WHERE id = ?").bind(agent.id).run();
    await send("POST", "/api/account/reset", { body: { email: agent.email } });
    const { token } = linkIn(agent.email, "reset");
    tokensSeen.push(token);
    const done = await send("POST", "/api/account/reset/complete", {
      body: { token, password: "a fresh new password" },
    });
    expect(done).toMatchObject({ status: 200 });
    expect(done.cookie).toBe("");
    const login = await send("POST", "/api/auth/login", {
      body: { email: agent.email, password: "a fresh new password" },
    });
    expect(login).toMatchObject({ status: 200, body: { twoFactor: "required" } });
    expect(login.cookie).toBe("");
  });

  it("a public caller's requests are budgeted per address; over a workspace's mail budget nothing is sent, with the same answer", async () => {
    limits = "0.001,2";
    try {
      const ws = await workspace();
      const agent = await person(ws, "agent");
      const before = mails.length;
      const ask = (ip: string) => send("POST", "/api/account/reset", { ip, body: { email: agent.email } });
      expect((await ask("203.0.113.20")).status).toBe(202);
      expect((await ask("203.0.113.21")).status).toBe(202);
      // The account's budget is spent: a third address gets the same 202, and no mail goes out.
      expect((await ask("203.0.113.22")).status).toBe(202);
      expect(mails.length - before).toBe(2);
      expect((await ask("203.0.113.22")).status).toBe(202);
      expect((await ask("203.0.113.22")).status).toBe(429);
    } finally {
      limits = "1000,1000";
    }
  });
});

describe("secrets", () => {
  it("no link token was in any log line of this file's flows", () => {
    expect(tokensSeen.length).toBeGreaterThan(8);
    const all = logged.join("\n");
    for (const t of tokensSeen) expect(all.includes(t), "a token in the logs").toBe(false);
  });
});
