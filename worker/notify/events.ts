// Turns what happened in a conversation into webhook events. The Conversation DO's log is the source:
// on every publish we read the log past a cursor kept in the conversation's own SQLite and move the
// cursor in the same synchronous step, so each stored event is turned into notifications exactly
// once, however many publishes run concurrently, and a publish never has to say what changed.
import type { EventConversation, HandoffPacket, InboxItem, WebhookEvent } from "../../shared/api.ts";
import { forCustomer, type ConversationEvent } from "../../shared/protocol.ts";
import type { Meta } from "../conversation/store.ts";

/** Fields other features may add to items and packets (identity tiers); read when present. */
const extra = (o: object | undefined, key: string): string | undefined => {
  const v = o ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" && v ? v : undefined;
};

export function consoleUrl(base: string | undefined, conversationId: string): string | undefined {
  return base ? `${base.replace(/\/+$/, "")}/console/#/c/${encodeURIComponent(conversationId)}` : undefined;
}

export function conversationOf(item: InboxItem, packet?: HandoffPacket, base?: string): EventConversation {
  const tier = extra(item, "tier") ?? extra(packet, "tier");
  const url = consoleUrl(base, item.id);
  return {
    id: item.id,
    state: item.state,
    channel: item.channel,
    preview: item.preview,
    ...(item.reason ? { reason: item.reason } : {}),
    ...(item.team ? { team: item.team } : {}),
    ...(item.priority ? { priority: item.priority } : {}),
    ...(tier ? { tier } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(url ? { consoleUrl: url } : {}),
  };
}

/** Private agent-side entries (internal notes and the like) never leave the desk. */
const isInternal = (e: ConversationEvent): boolean => !forCustomer(e);

/**
 * The events for log entries `log` (those past the cursor), `created` when this is the conversation's
 * first publish. Event ids derive from the conversation id and seq: re-emitting is harmless, the
 * notifier enqueues each (event, endpoint) once.
 */
export function eventsFor(meta: Meta, item: InboxItem, log: ConversationEvent[], created: boolean, publicUrl?: string): WebhookEvent[] {
  const base = publicUrl || meta.baseUrl;
  const conversation = conversationOf(item, meta.handoff, base);
  const mk = (id: string, type: WebhookEvent["type"], at: number, data: Omit<WebhookEvent["data"], "conversation"> = {}): WebhookEvent => ({
    id: `${meta.id}.${id}`,
    type,
    createdAt: at,
    workspaceId: meta.workspaceId,
    data: { conversation, ...data },
  });
  const out: WebhookEvent[] = [];
  if (created) out.push(mk("created", "conversation.created", meta.createdAt));
  for (const e of log) {
    if (isInternal(e)) continue;
    if (e.type === "message" && (e.author === "customer" || e.author === "agent")) {
      const message = { id: e.id, seq: e.seq, author: e.author, text: e.text, at: e.at, ...(e.name ? { name: e.name } : {}) };
      out.push(mk(String(e.seq), "message.created", e.at, { message }));
    } else if (e.type === "retract") {
      out.push(mk(String(e.seq), "message.retracted", e.at, { retraction: { messageId: e.messageId, by: e.by, at: e.at, ...(e.reason ? { reason: e.reason } : {}) } }));
    } else if (e.type === "state") {
      if (e.state === "queued") {
        const h = meta.handoff;
        const handoff = h
          ? { reason: h.reason, summary: h.summary, priority: h.priority, team: h.team, locale: h.locale, ...(h.category ? { category: h.category } : {}), ...(h.pageUrl ? { pageUrl: h.pageUrl } : {}) }
          : undefined;
        out.push(mk(String(e.seq), "conversation.handed_off", e.at, handoff ? { handoff } : {}));
      } else if (e.state === "agent") out.push(mk(String(e.seq), "conversation.assigned", e.at, e.name ? { agent: { name: e.name } } : {}));
      else if (e.state === "resolved") out.push(mk(String(e.seq), "conversation.resolved", e.at));
      else if (e.state === "bot" && e.reason === "reopened") out.push(mk(String(e.seq), "conversation.reopened", e.at));
    }
  }
  return out;
}

type CursorSql = Pick<SqlStorage, "exec">;

/**
 * Reads and advances the conversation's notification cursor in one synchronous step (no await in
 * between: the Durable Object runs it atomically). `created` is true on a new conversation's first call.
 */
export function takeSinceCursor(sql: CursorSql, events: (after: number) => ConversationEvent[]): { log: ConversationEvent[]; created: boolean } {
  sql.exec("CREATE TABLE IF NOT EXISTS notify_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)");
  const row = sql.exec<{ seq: number }>("SELECT seq FROM notify_cursor WHERE id = 1").toArray()[0];
  const log = events(row?.seq ?? 0);
  const last = log.length ? (log[log.length - 1] as ConversationEvent).seq : (row?.seq ?? 0);
  sql.exec("INSERT INTO notify_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", last);
  // A new conversation publishes once before anything is in its log. No cursor but a log means it
  // predates notifications: its history is not news, so it starts from here.
  if (!row) return { log: [], created: log.length === 0 };
  return { log, created: false };
}
