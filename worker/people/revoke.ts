// Ending sessions: the rows go (the cookie stops working at once) and so do the session's live
// sockets, in the workspace's inbox and in every conversation it had open (session_sockets), so an
// offboarded agent neither reads nor writes another message.
import type { Env } from "../env.ts";

type Which = {
  /** Only the sessions acting in this workspace (an owner's reach); otherwise in every workspace. */
  in?: string;
  /** Only these sessions (by public id); otherwise every session of the agent. */
  only?: string[];
  /** Keep this one (the agent's own session when they change their password). */
  keep?: string;
};

/**
 * Ends sessions of one agent; answers the ids it ended. An owner ends sessions in their own workspace
 * only (`in`): a person who belongs to several workspaces stays signed in to the others. A change of
 * the account itself (password, two-factor) ends them everywhere.
 */
export async function endSessions(env: Env, agentId: string, which: Which): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT s.id, COALESCE(s.workspace_id, a.workspace_id) AS ws FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.agent_id = ?",
  )
    .bind(agentId)
    .all<{ id: string; ws: string }>();
  const ended = rows.results.filter(
    (r) => (!which.in || r.ws === which.in) && (!which.only || which.only.includes(r.id)) && r.id !== which.keep,
  );
  if (!ended.length) return [];
  const ids = ended.map((r) => r.id);
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
  // Each workspace's inbox holds the presence sockets of the sessions that acted in it.
  const workspaces = [...new Set(ended.map((r) => r.ws))];
  await Promise.all([
    ...workspaces.map((ws) => env.INBOX.get(env.INBOX.idFromName(ws)).closeSessions(ids)),
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
