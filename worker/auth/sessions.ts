// Agent sessions: a random token in an HttpOnly cookie, only its SHA-256 in D1, plus a public id by
// which owners and the agent list and end sessions. A session stops working the moment its row is
// gone or its agent is disabled; ending sessions also closes their live sockets (worker/people/revoke.ts).
import type { SessionInfo } from "../../shared/security.ts";
import type { SessionAgent } from "../env.ts";
import { randomToken, sha256 } from "./crypto.ts";

export const SESSION_COOKIE = "edgedesk_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type SessionOrigin = { ip: string | null; userAgent: string | null };

export async function createSession(
  db: D1Database,
  agentId: string,
  from: SessionOrigin,
): Promise<{ token: string; id: string }> {
  const token = randomToken();
  const id = randomToken(12);
  const now = Date.now();
  await db
    .prepare(
      "INSERT INTO sessions (token_hash, id, agent_id, ip, user_agent, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(await sha256(token), id, agentId, from.ip, from.userAgent?.slice(0, 300) ?? null, now + SESSION_TTL_MS, now)
    .run();
  return { token, id };
}

type Row = {
  session_id: string;
  id: string;
  email: string;
  name: string;
  role: SessionAgent["role"];
  workspace_id: string;
  has_totp: number;
  require_two_factor: number;
};

export async function sessionAgent(db: D1Database, token: string): Promise<SessionAgent | null> {
  const row = await db
    .prepare(
      `SELECT s.id AS session_id, a.id, a.email, a.name, a.role, a.workspace_id,
              a.totp_secret IS NOT NULL AS has_totp, w.require_two_factor
       FROM sessions s JOIN agents a ON a.id = s.agent_id JOIN workspaces w ON w.id = a.workspace_id
       WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled_at IS NULL`,
    )
    .bind(await sha256(token), Date.now())
    .first<Row>();
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    workspaceId: row.workspace_id,
    sessionId: row.session_id,
    ...(row.require_two_factor && !row.has_totp ? { twoFactorMissing: true } : {}),
  };
}

export async function deleteSession(db: D1Database, token: string): Promise<void> {
  await db
    .prepare("DELETE FROM sessions WHERE token_hash = ?")
    .bind(await sha256(token))
    .run();
}

export async function listSessions(db: D1Database, agentId: string, currentId?: string): Promise<SessionInfo[]> {
  const rows = await db
    .prepare(
      "SELECT id, ip, user_agent, created_at, expires_at FROM sessions WHERE agent_id = ? AND expires_at > ? ORDER BY created_at DESC",
    )
    .bind(agentId, Date.now())
    .all<{ id: string; ip: string | null; user_agent: string | null; created_at: number; expires_at: number }>();
  return rows.results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
    ...(currentId && r.id === currentId ? { current: true } : {}),
  }));
}
