// Agent sessions: a random token in an HttpOnly cookie, only its SHA-256 in D1.
import type { SessionAgent } from "../env.ts";
import { randomToken, sha256 } from "./crypto.ts";

export const SESSION_COOKIE = "edgedesk_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export async function createSession(db: D1Database, agentId: string): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db
    .prepare("INSERT INTO sessions (token_hash, agent_id, expires_at, created_at) VALUES (?, ?, ?, ?)")
    .bind(await sha256(token), agentId, now + SESSION_TTL_MS, now)
    .run();
  return token;
}

export async function sessionAgent(db: D1Database, token: string): Promise<SessionAgent | null> {
  const row = await db
    .prepare(
      `SELECT a.id, a.email, a.name, a.role, a.workspace_id FROM sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    )
    .bind(await sha256(token), Date.now())
    .first<{ id: string; email: string; name: string; role: SessionAgent["role"]; workspace_id: string }>();
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role, workspaceId: row.workspace_id } : null;
}

export async function deleteSession(db: D1Database, token: string): Promise<void> {
  await db
    .prepare("DELETE FROM sessions WHERE token_hash = ?")
    .bind(await sha256(token))
    .run();
}
