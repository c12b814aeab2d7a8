// The contact model (worker/channels/email/db.ts: one contact per workspace and normalised email, linked to
// conversations of every channel) read from the customer's side. The contact is always looked up by
// workspace *and* email, so a token of one workspace never reaches another's rows.
//
// A link is not ownership: a colleague who replies through an email's reply address is linked to that
// conversation too. What a customer may read is decided by the conversation's own contact (its meta
// `contactId`: the sender who opened an email thread, the first verified email of a chat, the REST
// customer), which the Durable Object checks (ConversationDO.pastView).

/** Most conversations a history list shows: each row costs a Durable Object call. */
export const HISTORY_LIST_MAX = 20;

export async function contactIdOf(db: D1Database, workspaceId: string, email: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT id FROM contacts WHERE workspace_id = ? AND email = ?")
    .bind(workspaceId, email)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/** Conversations linked to the contact, most recently active first. */
export async function linkedConversationIds(
  db: D1Database,
  contactId: string,
  limit = HISTORY_LIST_MAX,
): Promise<string[]> {
  const rows = await db
    .prepare(
      `SELECT cc.conversation_id AS id FROM contact_conversations cc
       LEFT JOIN conversations cv ON cv.id = cc.conversation_id
       WHERE cc.contact_id = ? ORDER BY COALESCE(cv.updated_at, cc.created_at) DESC LIMIT ?`,
    )
    .bind(contactId, limit)
    .all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

export async function isLinked(db: D1Database, contactId: string, conversationId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS ok FROM contact_conversations WHERE contact_id = ? AND conversation_id = ?")
    .bind(contactId, conversationId)
    .first<{ ok: number }>();
  return row !== null;
}
