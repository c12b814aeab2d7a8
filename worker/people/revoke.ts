// Ending sessions: the rows go (the cookie stops working at once) and so do the session's live
// sockets, in the workspace's inbox and in every conversation it had open (session_sockets), so an
// offboarded agent neither reads nor writes another message.
import type { Env } from "../env.ts";

type Which = {
  /** Only these sessions (by public id); otherwise every session of the agent. */
  only?: string[];
  /** Keep this one (the agent's own session when they change their password). */
  keep?: string;
};

/** Ends sessions of one agent; answers the ids it ended. */
export async function endSessions(
  env: Env,
  workspaceId: string,
  agentId: string,
  which: Which = {},
): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT id FROM sessions WHERE agent_id = ?").bind(agentId).all<{ id: string }>();
  const ids = rows.results
    .map((r) => r.id)
    .filter((id) => (!which.only || which.only.includes(id)) && id !== which.keep);
  if (!ids.length) return [];
  const list = JSON.stringify(ids);
  const sockets = await env.DB.prepare(
    "SELECT DISTINCT conversation_id FROM session_sockets WHERE session_id IN (SELECT value FROM json_each(?))",
  )
    .bind(list)
    .all<{ conversation_id: string }>();
  await env.DB.batch([
    env.DB.prepare("DELETE FROM sessions WHERE agent_id = ? AND id IN (SELECT value FROM json_each(?))").bind(
      agentId,
      list,
    ),
    env.DB.prepare("DELETE FROM session_sockets WHERE session_id IN (SELECT value FROM json_each(?))").bind(list),
  ]);
  await Promise.all([
    env.INBOX.get(env.INBOX.idFromName(workspaceId)).closeSessions(ids),
    ...sockets.results.map((s) =>
      env.CONVERSATION.get(env.CONVERSATION.idFromName(s.conversation_id)).closeSessions(ids),
    ),
  ]);
  return ids;
}

/** Remembers that a session opened a socket to a conversation, so ending the session can close it. */
export async function trackSocket(db: D1Database, sessionId: string, conversationId: string): Promise<void> {
  await db
    .prepare("INSERT OR IGNORE INTO session_sockets (session_id, conversation_id) VALUES (?, ?)")
    .bind(sessionId, conversationId)
    .run();
}
