// `/admin/v1/agents`: the workspace's people, for owners (a session) and operators (the ADMIN_TOKEN
// with `?workspace=`). Creating never touches an existing account; nobody grants a role above their
// own or changes their own; the last enabled owner stays; a role change, a password reset, disabling
// and "end sessions" end the person's sessions and sockets. Every change is in the audit log. An
// agent's teams and availability for routing (`PUT /:id/routing`) are set here too (inbox/agents.ts).
// An owner sends a password-reset link (`POST /:id/password-reset`, the mail budget of links.ts) and
// sets an agent's capacity (`PUT /:id/capacity`). Otherwise no budget of its own: an owner's occasional
// write (passwords are hashed once per change).
//
// A workspace's people are its home agents and its members (people whose account lives in another
// workspace, migration 0033): both are listed and managed here alike, with this workspace's role,
// teams, capacity and disabling (members/setPerWorkspace). The account itself (name, password,
// two-factor) is the person's alone once they belong to more than one workspace: no owner sets a
// password, renames or resets two-factor for them then (the home workspace's owner may still email a
// reset link: it reaches only the person). Removing a member ends their membership, never their
// account; removing someone from their home workspace while they belong elsewhere moves their home.
import { Hono, type Context } from "hono";
import { agentRoutingSchema, newAgentSchema, type Role } from "../../shared/api.ts";
import { agentPatchSchema, type PersonSummary } from "../../shared/security.ts";
import { audit, recordAudit } from "../audit/log.ts";
import { hashPassword } from "../auth/password.ts";
import { listSessions } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { setRouting } from "../inbox/agents.ts";
import { homeOf, moveHomeStatements, setPerWorkspace } from "./members.ts";
import { rank, requireAdmin } from "../middleware/auth.ts";
import { capacitySchema } from "../../shared/people.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { mailReset } from "./account-routes.ts";
import { mailBudget, mailFailed } from "./links.ts";
import { endSessions } from "./revoke.ts";
import { parseJson, stringList } from "../../shared/json.ts";

export const people = new Hono<AppEnv>();
people.use(requireAdmin({ role: "owner" }));

type Row = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teams: string;
  disabled_at: number | null;
  has_totp: number;
  sessions: number;
  created_at: number;
  capacity: number | null;
  member: number;
  shared: number;
};

// Sessions counted are those acting in this workspace: the person's others are not this owner's to see.
const SELECT = `SELECT a.id, a.email, a.name, a.role, a.teams, a.disabled_at, a.has_totp, a.created_at, a.capacity, a.member, a.shared,
  (SELECT COUNT(*) FROM sessions s JOIN agents h ON h.id = s.agent_id
     WHERE s.agent_id = a.id AND s.expires_at > ?1 AND COALESCE(s.workspace_id, h.workspace_id) = a.workspace_id) AS sessions
  FROM workspace_people a WHERE a.workspace_id = ?2`;

const summary = (r: Row): PersonSummary => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  teams: parseJson(stringList, r.teams, `agents.teams of ${r.id}`),
  disabled: r.disabled_at !== null,
  twoFactor: r.has_totp === 1,
  sessions: r.sessions,
  createdAt: r.created_at,
  capacity: r.capacity,
  member: r.member === 1,
  shared: r.shared === 1,
});

const ws = (c: Context<AppEnv>) => c.get("agent").workspaceId;

/** The person, if they are in the caller's workspace (another workspace's people are missing, not forbidden). */
async function personIn(c: Context<AppEnv>, id: string): Promise<Row> {
  const row = await c.env.DB.prepare(`${SELECT} AND a.id = ?3`).bind(Date.now(), ws(c), id).first<Row>();
  if (!row) throw new ApiFailure(404, "not_found", "no such person in this workspace");
  return row;
}

/** Whether someone other than `id` is an enabled owner of the workspace. */
async function anotherOwner(c: Context<AppEnv>, id: string): Promise<boolean> {
  const r = await c.env.DB.prepare(
    "SELECT 1 AS x FROM workspace_people WHERE workspace_id = ? AND role = 'owner' AND disabled_at IS NULL AND id != ?",
  )
    .bind(ws(c), id)
    .first();
  return !!r;
}

/**
 * The account (name, password, two-factor) of someone who belongs to several workspaces is theirs:
 * otherwise the owner of one workspace could take over the person's place in another.
 */
function accountIsTheirs(row: Row, what: string): void {
  if (row.member)
    throw new ApiFailure(
      403,
      "account_theirs",
      `${row.email} joined from another workspace: their ${what} is theirs to change, not this workspace's`,
    );
  if (row.shared)
    throw new ApiFailure(
      403,
      "account_theirs",
      `${row.email} also belongs to other workspaces: their ${what} is theirs to change (email them a reset link instead)`,
    );
}

function mayGrant(c: Context<AppEnv>, role: Role): void {
  if (rank[role] > rank[c.get("agent").role])
    throw new ApiFailure(403, "forbidden", `granting the ${role} role needs that role yourself`);
}

people.get("/", async (c) => {
  const rows = await c.env.DB.prepare(`${SELECT} ORDER BY a.name COLLATE NOCASE`).bind(Date.now(), ws(c)).all<Row>();
  return c.json({ agents: rows.results.map(summary), defaultCapacity: loadMatrix(c.env).agentCapacity });
});

people.post("/", async (c) => {
  const a = parseOr400(newAgentSchema, await jsonBody(c), "body");
  mayGrant(c, a.role);
  const id = crypto.randomUUID();
  const hash = await hashPassword(a.password);
  // Emails are unique across workspaces (they sign in without naming one). A taken email gets the
  // same answer wherever the account lives, so this does not tell which emails other workspaces have;
  // someone with an account elsewhere joins by invitation, with their own password.
  const r = await c.env.DB.prepare(
    `INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (email) DO NOTHING`,
  )
    .bind(id, ws(c), a.email, a.name, a.role, JSON.stringify(a.teams), hash, Date.now())
    .run();
  if (!r.meta.changes)
    throw new ApiFailure(409, "email_taken", "an account with this email already exists: invite them instead");
  await audit(c, {
    action: "agent.created",
    target: { type: "agent", id },
    after: { email: a.email, name: a.name, role: a.role, teams: a.teams },
  });
  return c.json({ id, email: a.email, name: a.name, role: a.role }, 201);
});

people.patch("/:id", async (c) => {
  const body = parseOr400(agentPatchSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const row = await personIn(c, c.req.param("id"));
  if (body.role !== undefined && body.role !== row.role) {
    mayGrant(c, body.role);
    // Otherwise an owner could demote the workspace's last owner (themselves) by mistake, and a
    // stolen session could not be locked out by the other owners.
    if (row.id === me.id) throw new ApiFailure(403, "forbidden", "another owner has to change your role");
  }
  const losesOwner = row.role === "owner" && ((body.role && body.role !== "owner") || body.disabled === true);
  if (losesOwner && !(await anotherOwner(c, row.id)))
    throw new ApiFailure(409, "last_owner", "the workspace needs another enabled owner first");
  if (body.disabled === true && row.id === me.id) throw new ApiFailure(403, "forbidden", "you cannot disable yourself");
  if (body.password !== undefined) accountIsTheirs(row, "password");
  if (body.name !== undefined && body.name !== row.name) accountIsTheirs(row, "name");

  // The account's own fields on the agents row; role and disabling on this workspace's row of the person.
  const db = c.env.DB;
  // The account's own fields change only while it belongs to this workspace alone, checked again in
  // the statement itself, so a person who joins another workspace meanwhile is not caught in between.
  const alone =
    "WHERE id = ? AND workspace_id = ? AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.agent_id = agents.id)";
  const account = [
    ...(body.name !== undefined && body.name !== row.name
      ? [db.prepare(`UPDATE agents SET name = ? ${alone}`).bind(body.name, row.id, ws(c))]
      : []),
    ...(body.password !== undefined
      ? [
          db
            .prepare(`UPDATE agents SET password_hash = ? ${alone}`)
            .bind(await hashPassword(body.password), row.id, ws(c)),
        ]
      : []),
  ];
  if (account.length && (await db.batch(account)).some((r) => !r.meta.changes))
    throw new ApiFailure(
      403,
      "account_theirs",
      `${row.email} belongs to other workspaces too: their account is theirs`,
    );
  await setPerWorkspace(db, ws(c), row.id, {
    role: body.role,
    disabled_at: body.disabled === undefined ? undefined : body.disabled ? Date.now() : null,
  });

  const roleChanged = body.role !== undefined && body.role !== row.role;
  const ends = roleChanged || body.password !== undefined || body.disabled === true;
  // A role or disabling is this workspace's: the person's sessions here end. A new password (only for
  // someone in this workspace alone) ends them all.
  const ended = ends ? await endSessions(c.env, row.id, body.password !== undefined ? {} : { in: ws(c) }) : [];
  const before = { name: row.name, role: row.role, disabled: row.disabled_at !== null };
  const after = {
    name: body.name ?? row.name,
    role: body.role ?? row.role,
    disabled: body.disabled ?? row.disabled_at !== null,
    ...(body.password !== undefined ? { password: "reset" } : {}),
    ...(ends ? { sessionsEnded: ended.length } : {}),
  };
  await audit(c, { action: "agent.updated", target: { type: "agent", id: row.id }, before, after });
  return c.json(summary(await personIn(c, row.id)));
});

/**
 * Removes a person from the workspace: their sessions here and sockets end first; the last enabled
 * owner stays. A member loses the membership, not their account; someone removed from their home
 * workspace while they belong to others keeps their account, whose home becomes the workspace they
 * joined first (members/moveHomeStatements).
 */
people.delete("/:id", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  if (row.id === c.get("agent").id) throw new ApiFailure(403, "forbidden", "another owner has to remove you");
  if (row.role === "owner" && !(await anotherOwner(c, row.id)))
    throw new ApiFailure(409, "last_owner", "the workspace needs another enabled owner first");
  const ended = await endSessions(c.env, row.id, { in: ws(c) });
  const account = row.member ? "kept" : row.shared ? "moved" : "removed";
  if (account === "kept")
    await c.env.DB.prepare("DELETE FROM memberships WHERE agent_id = ? AND workspace_id = ?").bind(row.id, ws(c)).run();
  else if (account === "moved") {
    await c.env.DB.batch(moveHomeStatements(c.env.DB, row.id, ws(c)));
    const home = await homeOf(c.env.DB, row.id);
    if (home)
      await recordAudit(c.env, home, row, {
        action: "agent.home_moved",
        target: { type: "agent", id: row.id },
        after: { home, reason: "removed from their home workspace" },
      });
  } else await c.env.DB.prepare("DELETE FROM agents WHERE id = ? AND workspace_id = ?").bind(row.id, ws(c)).run();
  await audit(c, {
    action: "agent.removed",
    target: { type: "agent", id: row.id },
    before: { email: row.email, name: row.name, role: row.role },
    after: { sessionsEnded: ended.length, account },
  });
  return c.body(null, 204);
});

people.get("/:id/sessions", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  return c.json({ sessions: await listSessions(c.env.DB, row.id, { current: c.get("agent").sessionId, in: ws(c) }) });
});

people.delete("/:id/sessions", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  const ended = await endSessions(c.env, row.id, { in: ws(c) });
  await audit(c, { action: "sessions.ended", target: { type: "agent", id: row.id }, after: { sessions: ended } });
  return c.json({ ended: ended.length });
});

people.delete("/:id/sessions/:sid", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  const ended = await endSessions(c.env, row.id, { in: ws(c), only: [c.req.param("sid")] });
  if (!ended.length) throw new ApiFailure(404, "not_found", "no such session");
  await audit(c, {
    action: "session.ended",
    target: { type: "session", id: ended[0] as string },
    before: { agent: row.id },
  });
  return c.json({ ended: 1 });
});

/** A lost phone: the person signs in with their password and sets two-factor up again. */
people.delete("/:id/two-factor", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  accountIsTheirs(row, "two-factor sign-in");
  const [reset] = await c.env.DB.batch([
    c.env.DB.prepare(
      "UPDATE agents SET totp_secret = NULL, totp_pending = NULL WHERE id = ? AND workspace_id = ? AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.agent_id = agents.id)",
    ).bind(row.id, ws(c)),
    c.env.DB.prepare(
      "DELETE FROM recovery_codes WHERE agent_id = ?1 AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND totp_secret IS NULL)",
    ).bind(row.id),
  ]);
  if (!reset?.meta.changes)
    throw new ApiFailure(
      403,
      "account_theirs",
      `${row.email} belongs to other workspaces too: their account is theirs`,
    );
  const ended = await endSessions(c.env, row.id, {});
  await audit(c, {
    action: "agent.two_factor_reset",
    target: { type: "agent", id: row.id },
    before: { twoFactor: row.has_totp === 1 },
    after: { twoFactor: false, sessionsEnded: ended.length },
  });
  return c.json({ ok: true });
});

/** Teams and availability: the inbox routes by them from the next assignment on. */
people.put("/:id/routing", async (c) => {
  const body = parseOr400(agentRoutingSchema, await jsonBody(c), "body");
  return c.json(await setRouting(c, c.req.param("id"), body));
});

/** Mails the person a link to choose a new password (their sessions end when they use it). */
people.post("/:id/password-reset", ...mailBudget, async (c) => {
  const row = await personIn(c, c.req.param("id"));
  // Only their home workspace sends one: another workspace has no say over the account.
  if (row.member) accountIsTheirs(row, "password");
  if (row.disabled_at !== null) throw new ApiFailure(409, "disabled", "enable the person first");
  const me = c.get("agent");
  if (!(await mailReset(c, ws(c), row.id, row.email, { id: me.id, email: me.email }))) throw mailFailed();
  return c.json({ ok: true }, 202);
});

/** How many open conversations routing gives the agent at most (null: the matrix's default). */
people.put("/:id/capacity", async (c) => {
  const { capacity } = parseOr400(capacitySchema, await jsonBody(c), "body");
  const row = await personIn(c, c.req.param("id"));
  await setPerWorkspace(c.env.DB, ws(c), row.id, { capacity });
  await c.env.INBOX.get(c.env.INBOX.idFromName(ws(c))).setAgent({ id: row.id, name: row.name, capacity });
  await audit(c, {
    action: "agent.capacity",
    target: { type: "agent", id: row.id },
    before: { capacity: row.capacity },
    after: { capacity },
  });
  return c.json({ capacity, defaultCapacity: loadMatrix(c.env).agentCapacity });
});
