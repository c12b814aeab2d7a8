// @mentions in private notes as the inbox keeps them for each mentioned agent (docs/alerts.md
// "Mentions"). The note is an event of its conversation; this follower of the conversation's outbox
// tells the workspace's Inbox DO, which keeps each agent's unread mentions and pushes one `alert` frame
// to that agent's consoles. One row per note and person, seen ones too (for a month), so a follower that
// runs twice (a restart before its cursor moved) finds the row and alerts nobody again.
import type { MentionItem } from "../../shared/mentions.ts";
import type { Follower } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";
import { inboxOf } from "./follower.ts";

/** The alert's body and the list's line: enough to know what it is about, not the whole note. */
const EXCERPT_CHARS = 200;
/** Seen mentions are kept this long, so a replayed note finds them and stays quiet. */
const KEEP_SEEN_MS = 30 * 86_400_000;

export type MentionUpdate = MentionItem & { agentId: string };

const clip = (s: string): string => (s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS - 1)}…` : s);

export const mentionsFollower = (env: Pick<Env, "INBOX">): Follower => ({
  name: "mentions",
  kind: "events",
  async run({ meta, events }) {
    const updates: MentionUpdate[] = events.flatMap((e) =>
      // A note copied in by a merge keeps its mentions for the record; its alerts went out where it was written.
      e.type === "note" && e.mentions && !e.origin
        ? e.mentions.map((m) => ({
            id: `${e.id}:${m.id}`,
            agentId: m.id,
            conversationId: meta.id,
            noteId: e.id,
            by: { id: e.agentId ?? "", name: e.name },
            excerpt: clip(e.text),
            at: e.at,
          }))
        : [],
    );
    if (updates.length) await inboxOf(env, meta.workspaceId).mentions(updates, meta.workspaceId);
  },
});

type Sql = DurableObjectStorage["sql"];
type Row = {
  id: string;
  conversation_id: string;
  note_id: string;
  agent_id: string;
  by_id: string;
  by_name: string;
  excerpt: string;
  at: number;
  seen_at: number | null;
};

export function mentionTables(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS mentions (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    note_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    by_id TEXT NOT NULL,
    by_name TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    at INTEGER NOT NULL,
    seen_at INTEGER
  )`);
  sql.exec("CREATE INDEX IF NOT EXISTS mentions_agent ON mentions (agent_id, at)");
}

const itemOf = (r: Row): MentionItem => ({
  id: r.id,
  conversationId: r.conversation_id,
  noteId: r.note_id,
  by: { id: r.by_id, name: r.by_name },
  excerpt: r.excerpt,
  at: r.at,
});

/** Stores a mention; returns it when it is new (alert its agent), null when it was known already. */
export function applyMention(sql: Sql, u: MentionUpdate): MentionItem | null {
  const inserted = sql
    .exec(
      `INSERT INTO mentions (id, conversation_id, note_id, agent_id, by_id, by_name, excerpt, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
      u.id,
      u.conversationId,
      u.noteId,
      u.agentId,
      u.by.id,
      u.by.name,
      u.excerpt,
      u.at,
    )
    .toArray();
  if (!inserted.length) return null;
  const { agentId: _, ...item } = u;
  return item;
}

/** An agent's unread mentions, newest first. */
export function mentionsOf(sql: Sql, agentId: string): MentionItem[] {
  return sql
    .exec<Row>("SELECT * FROM mentions WHERE agent_id = ? AND seen_at IS NULL ORDER BY at DESC, id LIMIT 200", agentId)
    .toArray()
    .map(itemOf);
}

/** The agent has seen a mention of theirs: it leaves their list. Only their own, only once. */
export function markMentionSeen(sql: Sql, agentId: string, id: string, now: number): boolean {
  sql.exec("DELETE FROM mentions WHERE seen_at IS NOT NULL AND seen_at < ?", now - KEEP_SEEN_MS);
  const r = sql.exec(
    "UPDATE mentions SET seen_at = ? WHERE id = ? AND agent_id = ? AND seen_at IS NULL RETURNING id",
    now,
    id,
    agentId,
  );
  return r.toArray().length > 0;
}

/** A conversation erased or expired (worker/privacy/): its mentions go. Returns the agents whose lists changed. */
export function forgetMentions(sql: Sql, conversationId: string): string[] {
  return sql
    .exec<{ agent_id: string }>("DELETE FROM mentions WHERE conversation_id = ? RETURNING agent_id", conversationId)
    .toArray()
    .map((r) => r.agent_id);
}
