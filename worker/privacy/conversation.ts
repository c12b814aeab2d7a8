// One conversation's data, wherever it lives: its Durable Object (meta and every event), its D1 rows
// (index, analytics, CSAT, bot turns, votes, mail log, KB training links, contact links), its R2
// attachments, the webhook deliveries and inbox item that carry its text. Erasing, anonymising and
// exporting all start from this one list, so a place added to it is covered by all three.
//
// Order makes both operations resumable: the Durable Object first (after it, nothing new is written),
// then the copies, and the D1 index row (`conversations`) last, in one batch with the other rows, so a
// conversation that is still listed has not been fully erased and a second run finishes it.
import type { ErasureCounts } from "../../shared/privacy.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Meta } from "../conversation/model.ts";
import { attachmentKey } from "../attachments/store.ts";
import type { Env } from "../env.ts";

export const noCounts = (): ErasureCounts => ({
  conversations: 0,
  events: 0,
  attachments: 0,
  rows: 0,
  deliveries: 0,
  trainingLinks: 0,
});

export function addCounts(a: ErasureCounts, b: ErasureCounts): ErasureCounts {
  return {
    conversations: a.conversations + b.conversations,
    events: a.events + b.events,
    attachments: a.attachments + b.attachments,
    rows: a.rows + b.rows,
    deliveries: a.deliveries + b.deliveries,
    trainingLinks: a.trainingLinks + b.trainingLinks,
  };
}

/**
 * D1 rows of one conversation: `?1` its id, `?2` its workspace. `anonymise` says what the retention
 * job's anonymising mode does with them: keep (aggregates without customer text), a statement that
 * strips the text, or delete like erasure does.
 */
const TABLES: { table: string; where: string; anonymise: "keep" | "delete" | string }[] = [
  { table: "analytics_events", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  { table: "analytics_conversations", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  {
    table: "csat",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise:
      "UPDATE csat SET comment = NULL WHERE conversation_id = ?1 AND workspace_id = ?2 AND comment IS NOT NULL",
  },
  { table: "handoff_marks", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  { table: "sla_events", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  // The question text goes; the decision stays for the knowledge figures.
  {
    table: "bot_turns",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise: "UPDATE bot_turns SET question = '' WHERE conversation_id = ?1 AND workspace_id = ?2 AND question != ''",
  },
  { table: "answer_votes", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  // Customer health (worker/insights/customers/): counts only; anonymised, the row no longer says whose.
  {
    table: "conversation_health",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise:
      "UPDATE conversation_health SET contact_id = NULL, company = NULL WHERE conversation_id = ?1 AND workspace_id = ?2",
  },
  // Scores hold no customer text (worker/quality/); a lead's comment might quote the customer.
  { table: "quality_scores", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "keep" },
  {
    table: "quality_overrides",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise: "UPDATE quality_overrides SET comment = '' WHERE conversation_id = ?1 AND workspace_id = ?2",
  },
  { table: "email_messages", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  { table: "resolved_questions", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  {
    table: "surge_steps",
    where: "conversation_id = ?1 AND sweep_id IN (SELECT id FROM surge_sweeps WHERE workspace_id = ?2)",
    anonymise: "keep",
  },
  {
    table: "contact_conversations",
    where: "conversation_id = ?1 AND contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?2)",
    anonymise: "delete",
  },
  { table: "privacy_subjects", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  // A sent outreach (worker/insights/customers/outreach.ts) keeps the message the agent wrote to the customer.
  { table: "outreach", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  // The search index (worker/search/): its FTS5 rows go with these by trigger, and leave no trace (0040).
  { table: "search_docs", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  { table: "search_conversations", where: "conversation_id = ?1 AND workspace_id = ?2", anonymise: "delete" },
  // Actions (worker/actions/): the call log keeps what happened without the (redacted) inputs; an
  // approval's summary is the confirmation the customer read, with their data in it.
  {
    table: "action_calls",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise:
      "UPDATE action_calls SET inputs = '{}' WHERE conversation_id = ?1 AND workspace_id = ?2 AND inputs != '{}'",
  },
  {
    table: "action_approvals",
    where: "conversation_id = ?1 AND workspace_id = ?2",
    anonymise:
      "UPDATE action_approvals SET summary = '', reason = NULL WHERE conversation_id = ?1 AND workspace_id = ?2 AND (summary != '' OR reason IS NOT NULL)",
  },
  // Last: while this row exists the conversation is listed, and a later run finishes the job.
  { table: "conversations", where: "id = ?1 AND workspace_id = ?2", anonymise: "delete" },
];

/** Names of every D1 table that holds rows of a conversation (the export reads them all). */
export const conversationTables = TABLES.map((t) => t.table);

const stubOf = (env: Env, id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

/** The conversation's R2 objects (email attachments), by key. */
async function attachmentKeys(env: Env, id: string): Promise<string[]> {
  if (!env.ATTACHMENTS) return [];
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ATTACHMENTS.list({ prefix: attachmentKey(id, ""), ...(cursor ? { cursor } : {}) });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

async function removeAttachments(env: Env, id: string): Promise<number> {
  const keys = await attachmentKeys(env, id);
  for (let i = 0; i < keys.length; i += 1000) await env.ATTACHMENTS?.delete(keys.slice(i, i + 1000));
  return keys.length;
}

/** Copies of the conversation's text outside its object: webhook deliveries (dead letters too) and the inbox. */
async function forgetCopies(env: Env, workspaceId: string, id: string): Promise<number> {
  const deliveries = await env.NOTIFIER.get(env.NOTIFIER.idFromName(workspaceId)).forgetConversations([id]);
  await env.INBOX.get(env.INBOX.idFromName(workspaceId)).forget(id);
  return deliveries;
}

/**
 * Erases one conversation everywhere. Idempotent: a second call finds nothing and counts nothing.
 * Refuses (returns null) a conversation whose object belongs to another workspace.
 */
export async function eraseConversation(env: Env, workspaceId: string, id: string): Promise<ErasureCounts | null> {
  const object = await stubOf(env, id).erase(workspaceId);
  if (!object.erased) return null;
  const attachments = await removeAttachments(env, id);
  const deliveries = await forgetCopies(env, workspaceId, id);
  const results = await env.DB.batch(
    TABLES.map((t) => env.DB.prepare(`DELETE FROM ${t.table} WHERE ${t.where}`).bind(id, workspaceId)),
  );
  const changes = results.map((r) => r.meta.changes ?? 0);
  const trainingLinks = changes[TABLES.findIndex((t) => t.table === "resolved_questions")] ?? 0;
  const listed = changes[changes.length - 1] ?? 0;
  return {
    conversations: listed || object.events ? 1 : 0,
    events: object.events,
    attachments,
    rows: changes.reduce((a, b) => a + b, 0),
    deliveries,
    trainingLinks,
  };
}

/**
 * Retention's anonymising mode: the conversation's content goes (object, attachments, mail, training
 * links, text in copies) and so does its index row; what aggregates count stays (analytics rows, CSAT
 * scores, handoff marks, SLA events, bot decisions without their question).
 */
export async function anonymiseConversation(env: Env, workspaceId: string, id: string): Promise<ErasureCounts | null> {
  const object = await stubOf(env, id).erase(workspaceId);
  if (!object.erased) return null;
  const attachments = await removeAttachments(env, id);
  const deliveries = await forgetCopies(env, workspaceId, id);
  const work = TABLES.filter((t) => t.anonymise !== "keep");
  const results = await env.DB.batch(
    work.map((t) =>
      env.DB.prepare(t.anonymise === "delete" ? `DELETE FROM ${t.table} WHERE ${t.where}` : t.anonymise).bind(
        id,
        workspaceId,
      ),
    ),
  );
  const changes = results.map((r) => r.meta.changes ?? 0);
  const trainingLinks = changes[work.findIndex((t) => t.table === "resolved_questions")] ?? 0;
  return {
    conversations: (changes[changes.length - 1] ?? 0) || object.events ? 1 : 0,
    events: object.events,
    attachments,
    rows: changes.reduce((a, b) => a + b, 0),
    deliveries,
    trainingLinks,
  };
}

export type ConversationExport = {
  id: string;
  /** The conversation's own record: meta (channel, page, identity, handoff packet, rating…) and every event. */
  object: { meta: Meta; events: ConversationEvent[] } | null;
  /** Its D1 rows, by table. */
  records: Record<string, Record<string, unknown>[]>;
  attachments: { key: string; name: string; type: string; bytes: Uint8Array }[];
};

export async function exportConversation(env: Env, workspaceId: string, id: string): Promise<ConversationExport> {
  const object = await stubOf(env, id).exportData(workspaceId);
  const results = await env.DB.batch(
    TABLES.map((t) => env.DB.prepare(`SELECT * FROM ${t.table} WHERE ${t.where}`).bind(id, workspaceId)),
  );
  const records: ConversationExport["records"] = {};
  TABLES.forEach((t, i) => {
    const rows = (results[i]?.results ?? []) as Record<string, unknown>[];
    if (rows.length) records[t.table] = rows;
  });
  const attachments: ConversationExport["attachments"] = [];
  for (const key of await attachmentKeys(env, id)) {
    const obj = await env.ATTACHMENTS?.get(key);
    if (!obj) continue;
    attachments.push({
      key,
      name: obj.customMetadata?.filename ?? "attachment",
      type: obj.httpMetadata?.contentType ?? "application/octet-stream",
      bytes: new Uint8Array(await obj.arrayBuffer()),
    });
  }
  return { id, object, records, attachments };
}
