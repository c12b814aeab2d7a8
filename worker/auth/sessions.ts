// Agent sessions: a random token in an HttpOnly cookie, only its SHA-256 in D1, plus a public id by
// which owners and the agent list and end sessions. A session stops working the moment its row is
// gone or its agent is disabled; ending sessions also closes their live sockets (worker/people/revoke.ts).
// A session acts in one workspace (`workspace_id`, NULL: the person's home one): its role and the
// two-factor rule are that workspace's, and a disabled membership there ends its use at once.
import type { SessionInfo } from "../../shared/security.ts";
import type { SessionAgent } from "../env.ts";
import { randomToken, sha256 } from "./crypto.ts";

export const SESSION_COOKIE = "edgedesk_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type SessionOrigin = { ip: string | null; userAgent: string | null };

/** A new session of `agentId` acting in `workspaceId` (null: their home workspace, members/sessionWorkspace). */
export async function createSession(
  db: D1Database,
  agentId: string,
  from: SessionOrigin,
  workspaceId: string | null = null,
): Promise<{ token: string; id: string }> {
  const token = randomToken();
  const id = randomToken(12);
  const now = Date.now();
  await db
    .prepare(
      "INSERT INTO sessions (token_hash, id, agent_id, workspace_id, ip, user_agent, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      await sha256(token),
      id,
      agentId,
      workspaceId,
      from.ip,
      from.userAgent?.slice(0, 300) ?? null,
      now + SESSION_TTL_MS,
      now,
    )
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
  home_workspace_id: string;
  has_totp: number;
  require_two_factor: number;
};

/**
 * The person behind a session cookie, in the session's workspace: their role there (the agents row at
 * home, the membership elsewhere), and nothing when they are disabled there or the membership is gone.
 */
export async function sessionAgent(db: D1Database, token: string): Promise<SessionAgent | null> {
  const row = await db
    .prepare(
      `SELECT s.id AS session_id, a.id, a.email, a.name, a.workspace_id AS home_workspace_id,
              CASE WHEN s.workspace_id IS NULL THEN a.role ELSE m.role END AS role,
              COALESCE(s.workspace_id, a.workspace_id) AS workspace_id,
              a.totp_secret IS NOT NULL AS has_totp, w.require_two_factor
       FROM sessions s JOIN agents a ON a.id = s.agent_id
       LEFT JOIN memberships m ON m.agent_id = s.agent_id AND m.workspace_id = s.workspace_id
       JOIN workspaces w ON w.id = COALESCE(s.workspace_id, a.workspace_id)
       WHERE s.token_hash = ? AND s.expires_at > ?
         AND CASE WHEN s.workspace_id IS NULL THEN a.disabled_at IS NULL
                  ELSE m.agent_id IS NOT NULL AND m.disabled_at IS NULL END`,
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
    homeWorkspaceId: row.home_workspace_id,
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

/**
 * The agent's open sessions: in one workspace (`in`, what its owners see) or in all of them (the
 * person's own list), each with the workspace it acts in; `current` marks the caller's own.
 */
export async function listSessions(
  db: D1Database,
  agentId: string,
  opts: { current?: string; in?: string } = {},
): Promise<SessionInfo[]> {
  const rows = await db
    .prepare(
      `SELECT s.id, s.ip, s.user_agent, s.created_at, s.expires_at, w.id AS ws, w.name AS workspace
       FROM sessions s JOIN agents a ON a.id = s.agent_id JOIN workspaces w ON w.id = COALESCE(s.workspace_id, a.workspace_id)
       WHERE s.agent_id = ?1 AND s.expires_at > ?2 AND (?3 IS NULL OR w.id = ?3) ORDER BY s.created_at DESC`,
    )
    .bind(agentId, Date.now(), opts.in ?? null)
    .all<{
      id: string;
      ip: string | null;
      user_agent: string | null;
      created_at: number;
      expires_at: number;
      workspace: string;
    }>();
  return rows.results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
    workspace: r.workspace,
    ...(opts.current && r.id === opts.current ? { current: true } : {}),
  }));
}
