// `/admin/v1/agents`: the workspace's people, for owners (a session) and operators (the ADMIN_TOKEN
// with `?workspace=`). Creating never touches an existing account; nobody grants a role above their
// own or changes their own; the last enabled owner stays; a role change, a password reset, disabling
// and "end sessions" end the person's sessions and sockets. Every change is in the audit log. An
// agent's teams and availability for routing (`PUT /:id/routing`) are set here too (inbox/agents.ts).
// An owner sends a password-reset link (`POST /:id/password-reset`, the mail budget of links.ts) and
// sets an agent's capacity (`PUT /:id/capacity`). Otherwise no budget of its own: an owner's occasional
// write (passwords are hashed once per change).
import { Hono, type Context } from "hono";
import { agentRoutingSchema, newAgentSchema, type Role } from "../../shared/api.ts";
import { agentPatchSchema, type PersonSummary } from "../../shared/security.ts";
import { audit } from "../audit/log.ts";
import { hashPassword } from "../auth/password.ts";
import { listSessions } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { setRouting } from "../inbox/agents.ts";
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
};

const SELECT = `SELECT a.id, a.email, a.name, a.role, a.teams, a.disabled_at, a.totp_secret IS NOT NULL AS has_totp, a.created_at, a.capacity,
  (SELECT COUNT(*) FROM sessions s WHERE s.agent_id = a.id AND s.expires_at > ?1) AS sessions
  FROM agents a WHERE a.workspace_id = ?2`;

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
    "SELECT 1 AS x FROM agents WHERE workspace_id = ? AND role = 'owner' AND disabled_at IS NULL AND id != ?",
  )
    .bind(ws(c), id)
    .first();
  return !!r;
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
  // same answer wherever the account lives, so this does not tell which emails other workspaces have.
  const r = await c.env.DB.prepare(
    `INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (email) DO NOTHING`,
  )
    .bind(id, ws(c), a.email, a.name, a.role, JSON.stringify(a.teams), hash, Date.now())
    .run();
  if (!r.meta.changes) throw new ApiFailure(409, "email_taken", "an account with this email already exists");
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

  const sets: string[] = [];
  const args: (string | number | null)[] = [];
  const set = (column: string, value: string | number | null) => {
    sets.push(`${column} = ?`);
    args.push(value);
  };
  if (body.name !== undefined) set("name", body.name);
  if (body.role !== undefined) set("role", body.role);
  if (body.password !== undefined) set("password_hash", await hashPassword(body.password));
  if (body.disabled !== undefined) set("disabled_at", body.disabled ? Date.now() : null);
  await c.env.DB.prepare(`UPDATE agents SET ${sets.join(", ")} WHERE id = ? AND workspace_id = ?`)
    .bind(...args, row.id, ws(c))
    .run();

  const roleChanged = body.role !== undefined && body.role !== row.role;
  const ends = roleChanged || body.password !== undefined || body.disabled === true;
  const ended = ends ? await endSessions(c.env, ws(c), row.id) : [];
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

/** Removes a person: their sessions and sockets end first; the last enabled owner stays. */
people.delete("/:id", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  if (row.id === c.get("agent").id) throw new ApiFailure(403, "forbidden", "another owner has to remove you");
  if (row.role === "owner" && !(await anotherOwner(c, row.id)))
    throw new ApiFailure(409, "last_owner", "the workspace needs another enabled owner first");
  const ended = await endSessions(c.env, ws(c), row.id);
  await c.env.DB.prepare("DELETE FROM agents WHERE id = ? AND workspace_id = ?").bind(row.id, ws(c)).run();
  await audit(c, {
    action: "agent.removed",
    target: { type: "agent", id: row.id },
    before: { email: row.email, name: row.name, role: row.role },
    after: { sessionsEnded: ended.length },
  });
  return c.body(null, 204);
});

people.get("/:id/sessions", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  return c.json({ sessions: await listSessions(c.env.DB, row.id, c.get("agent").sessionId) });
});

people.delete("/:id/sessions", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  const ended = await endSessions(c.env, ws(c), row.id);
  await audit(c, { action: "sessions.ended", target: { type: "agent", id: row.id }, after: { sessions: ended } });
  return c.json({ ended: ended.length });
});

people.delete("/:id/sessions/:sid", async (c) => {
  const row = await personIn(c, c.req.param("id"));
  const ended = await endSessions(c.env, ws(c), row.id, { only: [c.req.param("sid")] });
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
  await c.env.DB.batch([
    c.env.DB.prepare("UPDATE agents SET totp_secret = NULL, totp_pending = NULL WHERE id = ?").bind(row.id),
    c.env.DB.prepare("DELETE FROM recovery_codes WHERE agent_id = ?").bind(row.id),
  ]);
  const ended = await endSessions(c.env, ws(c), row.id);
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
  if (row.disabled_at !== null) throw new ApiFailure(409, "disabled", "enable the person first");
  const me = c.get("agent");
  if (!(await mailReset(c, ws(c), row.id, row.email, { id: me.id, email: me.email }))) throw mailFailed();
  return c.json({ ok: true }, 202);
});

/** How many open conversations routing gives the agent at most (null: the matrix's default). */
people.put("/:id/capacity", async (c) => {
  const { capacity } = parseOr400(capacitySchema, await jsonBody(c), "body");
  const row = await personIn(c, c.req.param("id"));
  await c.env.DB.prepare("UPDATE agents SET capacity = ? WHERE id = ? AND workspace_id = ?")
    .bind(capacity, row.id, ws(c))
    .run();
  await c.env.INBOX.get(c.env.INBOX.idFromName(ws(c))).setAgent({ id: row.id, name: row.name, capacity });
  await audit(c, {
    action: "agent.capacity",
    target: { type: "agent", id: row.id },
    before: { capacity: row.capacity },
    after: { capacity },
  });
  return c.json({ capacity, defaultCapacity: loadMatrix(c.env).agentCapacity });
});
