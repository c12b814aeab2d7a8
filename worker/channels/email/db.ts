// The email channel's D1 tables (migration 0006): support addresses → workspaces, the Message-ID map
// that threads replies, the outbound log, and contacts.
import { nanoid } from "nanoid";
import { normaliseEmail, splitPlus } from "./address.ts";
import type { Contact } from "../../../shared/api.ts";

/** The workspace a support address (any plus tag) belongs to: the mailbox first, then its domain. */
export async function workspaceFor(
  db: D1Database,
  to: string,
): Promise<{ workspaceId: string; supportAddress: string } | null> {
  const { base } = splitPlus(to.trim());
  const domain = base.slice(base.lastIndexOf("@"));
  const row = await db
    .prepare(
      "SELECT address, workspace_id FROM email_addresses WHERE address IN (?1, ?2) ORDER BY address = ?1 DESC LIMIT 1",
    )
    .bind(base, domain)
    .first<{ address: string; workspace_id: string }>();
  return row ? { workspaceId: row.workspace_id, supportAddress: base } : null;
}

/** The workspace's support mailbox that follow-ups are sent from: its first full address (not a domain entry). */
export async function supportAddressOf(db: D1Database, workspaceId: string): Promise<string | null> {
  const row = await db
    .prepare(
      "SELECT address FROM email_addresses WHERE workspace_id = ? AND address NOT LIKE '@%' ORDER BY created_at, address LIMIT 1",
    )
    .bind(workspaceId)
    .first<{ address: string }>();
  return row?.address ?? null;
}

export type ThreadHit = { conversationId: string; messageId: string };

/** The conversation of the newest known Message-ID among `ids` (In-Reply-To first, then References). */
export async function findThread(db: D1Database, workspaceId: string, ids: string[]): Promise<ThreadHit | null> {
  const unique = [...new Set(ids)].slice(0, 50);
  if (!unique.length) return null;
  const rows = await db
    .prepare(
      `SELECT message_id, conversation_id FROM email_messages WHERE workspace_id = ? AND message_id IN (${unique.map(() => "?").join(",")})`,
    )
    .bind(workspaceId, ...unique)
    .all<{ message_id: string; conversation_id: string }>();
  const byId = new Map(rows.results.map((r) => [r.message_id, r.conversation_id]));
  for (const id of unique) {
    const conversationId = byId.get(id);
    if (conversationId) return { conversationId, messageId: id };
  }
  return null;
}

/** Claims an inbound Message-ID for a conversation; false when it was already stored (a redelivery). */
export async function claimInbound(
  db: D1Database,
  workspaceId: string,
  messageId: string,
  conversationId: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .prepare(
      "INSERT OR IGNORE INTO email_messages (workspace_id, message_id, conversation_id, direction, author, status, created_at) VALUES (?, ?, ?, 'in', 'customer', 'stored', ?)",
    )
    .bind(workspaceId, messageId, conversationId, now)
    .run();
  return r.meta.changes === 1;
}

export async function releaseInbound(db: D1Database, workspaceId: string, messageId: string): Promise<void> {
  await db
    .prepare("DELETE FROM email_messages WHERE workspace_id = ? AND message_id = ? AND direction = 'in'")
    .bind(workspaceId, messageId)
    .run();
}

export type OutboundRecord = {
  workspaceId: string;
  messageId: string;
  conversationId: string;
  /** confirm: the code mailed to a typed follow-up address (detail: that address, for the per-address cap). */
  author: "bot" | "agent" | "confirm";
  /** alias: the Message-ID the platform gave a sent message (detail names ours); it threads too. */
  status: "sent" | "failed" | "suppressed" | "alias";
  detail?: string;
  raw: string | null;
  at: number;
};

export async function recordOutbound(db: D1Database, r: OutboundRecord): Promise<void> {
  await db
    .prepare(
      "INSERT OR REPLACE INTO email_messages (workspace_id, message_id, conversation_id, direction, author, status, detail, raw, created_at) VALUES (?, ?, ?, 'out', ?, ?, ?, ?, ?)",
    )
    .bind(r.workspaceId, r.messageId, r.conversationId, r.author, r.status, r.detail ?? null, r.raw, r.at)
    .run();
}

/** Bot emails sent in a conversation since `since`: the cap that stops a loop with a silent auto-responder. */
export async function botMailsSince(db: D1Database, conversationId: string, since: number): Promise<number> {
  const row = await db
    .prepare(
      "SELECT COUNT(*) AS n FROM email_messages WHERE conversation_id = ? AND direction = 'out' AND author = 'bot' AND status = 'sent' AND created_at >= ?",
    )
    .bind(conversationId, since)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * The contact for a workspace and email address (created on first sight), linked to a conversation.
 * Also what the widget's verified identity should call, so both channels meet in one contact.
 */
export async function linkContact(
  db: D1Database,
  c: { workspaceId: string; email: string; name?: string; conversationId: string; channel: string; now: number },
): Promise<string> {
  const email = normaliseEmail(c.email);
  const row = await db
    .prepare(
      `INSERT INTO contacts (id, workspace_id, email, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
       ON CONFLICT (workspace_id, email) DO UPDATE SET updated_at = ?5, name = COALESCE(contacts.name, ?4)
       RETURNING id`,
    )
    .bind(`ct_${nanoid(16)}`, c.workspaceId, email, c.name ?? null, c.now)
    .first<{ id: string }>();
  if (!row) throw new Error("contact upsert returned no id");
  await db
    .prepare(
      "INSERT OR IGNORE INTO contact_conversations (contact_id, conversation_id, channel, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(row.id, c.conversationId, c.channel, c.now)
    .run();
  return row.id;
}

export async function unlinkContact(db: D1Database, contactId: string, conversationId: string): Promise<void> {
  await db
    .prepare("DELETE FROM contact_conversations WHERE contact_id = ? AND conversation_id = ?")
    .bind(contactId, conversationId)
    .run();
}

export type ContactView = Contact;

export async function contactView(db: D1Database, workspaceId: string, contactId: string): Promise<ContactView | null> {
  const c = await db
    .prepare("SELECT id, email, name FROM contacts WHERE id = ? AND workspace_id = ?")
    .bind(contactId, workspaceId)
    .first<{ id: string; email: string; name: string | null }>();
  if (!c) return null;
  const rows = await db
    .prepare(
      `SELECT cc.conversation_id AS id, cc.channel AS channel, cv.state AS state, cv.preview AS preview, cc.created_at AS created_at
       FROM contact_conversations cc LEFT JOIN conversations cv ON cv.id = cc.conversation_id
       WHERE cc.contact_id = ? ORDER BY cc.created_at DESC LIMIT 200`,
    )
    .bind(contactId)
    .all<{ id: string; channel: string; state: string | null; preview: string | null; created_at: number }>();
  return {
    ...c,
    conversations: rows.results.map((r) => ({
      id: r.id,
      channel: r.channel,
      state: r.state,
      preview: r.preview,
      createdAt: r.created_at,
    })),
  };
}

/** Confirmation mails sent to `address` by a workspace since `since`: the cap that stops mail-bombing a stranger. */
export async function confirmationsSince(
  db: D1Database,
  workspaceId: string,
  address: string,
  since: number,
): Promise<number> {
  const row = await db
    .prepare(
      "SELECT COUNT(*) AS n FROM email_messages WHERE workspace_id = ? AND direction = 'out' AND author = 'confirm' AND detail = ? AND created_at >= ?",
    )
    .bind(workspaceId, address, since)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
