// Writing analytics as things happen: the analytics follower of each conversation's outbox
// (follower.ts) turns the events past its cursor into `analytics_events` rows (one per event, keyed by
// the event's seq) and writes them to D1. The cursor moves only after D1 took them, so an event is
// written once even if the object is evicted mid-write, and INSERT OR IGNORE makes a repeat a no-op.
//
// The dashboard reads one row per conversation, `analytics_conversations`, which a trigger on
// `analytics_events` (migration 0011) recomputes from the conversation's rows inside the same INSERT,
// so inside the same D1 batch: nothing to do here, and a replayed row (ignored) fires nothing.
import type { ConversationEvent } from "../../../shared/protocol.ts";
import type { Meta } from "../../conversation/model.ts";

export type AnalyticsType =
  | "started"
  | "customer_message"
  | "bot_message"
  | "agent_message"
  | "system_message"
  | "handoff"
  | "agent_joined"
  | "reassigned"
  | "handed_back"
  | "reopened"
  | "resolved"
  | "csat"
  | "handoff_marked"
  | "note"
  | "change"
  /** An agent's reply taken back inside the undo window (surge triage). */
  | "retract"
  /** A snooze, scheduled reply or reminder set, done or cancelled (reason: "snooze.set", "reply.done", …). */
  | "schedule"
  /** A step of an action's call (reason: "ok", "failed", "confirming", …; docs/actions.md). */
  | "action";

export type AnalyticsRow = {
  workspaceId: string;
  conversationId: string;
  seq: number;
  type: AnalyticsType;
  channel: string;
  category: string | null;
  articleId: string | null;
  actor: string | null;
  reason: string | null;
  value: number | null;
  at: number;
};

/**
 * Rows for a run of a conversation's events, in seq order. `categoryOf` gives an article's category
 * as it is now (at the time of the event). The first customer message also yields the `started` row
 * (seq 0); a later batch's `started` row is ignored by the table's key, so the first one stands.
 */
export function rowsFor(
  meta: Meta,
  events: ConversationEvent[],
  categoryOf: (articleId: string) => string | null,
): AnalyticsRow[] {
  const rows: AnalyticsRow[] = [];
  const row = (e: ConversationEvent, type: AnalyticsType, extra: Partial<AnalyticsRow> = {}): AnalyticsRow => ({
    workspaceId: meta.workspaceId,
    conversationId: meta.id,
    seq: e.seq,
    type,
    channel: meta.channel,
    category: null,
    articleId: null,
    actor: null,
    reason: null,
    value: null,
    at: e.at,
    ...extra,
  });
  let started = false;
  for (const e of events) {
    if (e.type === "message") {
      if (e.author === "customer") {
        // value: the first customer message's seq, where first responses are measured from.
        if (!started) rows.push(row(e, "started", { seq: 0, actor: "customer", value: e.seq }));
        started = true;
        rows.push(row(e, "customer_message", { actor: "customer" }));
      } else if (e.author === "bot") {
        // A handoff message rests on the packet's article; an answer on its first source.
        const handoff = e.action === "handoff" ? meta.handoff : undefined;
        const articleId = handoff ? (handoff.article ?? null) : (e.sources?.[0]?.articleId ?? null);
        const category = handoff?.category ?? (articleId ? categoryOf(articleId) : null);
        rows.push(row(e, "bot_message", { actor: "bot", reason: e.action ?? null, articleId, category }));
      } else if (e.author === "agent") rows.push(row(e, "agent_message", { actor: e.name ?? "agent" }));
      else rows.push(row(e, "system_message", { actor: "system" }));
    } else if (e.type === "state") {
      if (e.state === "queued") {
        if (e.reason === "reassigned") rows.push(row(e, "reassigned", { reason: e.reason }));
        else {
          const h = meta.handoff;
          rows.push(
            row(e, "handoff", {
              reason: e.reason ?? h?.reason ?? null,
              articleId: h?.article ?? null,
              category: h?.category ?? null,
            }),
          );
        }
      } else if (e.state === "agent") rows.push(row(e, "agent_joined", { actor: e.name ?? null }));
      else if (e.state === "resolved")
        rows.push(row(e, "resolved", { actor: e.reason ?? null, reason: e.reason ?? null }));
      else
        rows.push(
          row(e, e.reason === "reopened" ? "reopened" : "handed_back", {
            actor: e.name ?? null,
            reason: e.reason ?? null,
          }),
        );
    } else if (e.type === "csat") rows.push(row(e, "csat", { actor: "customer", value: e.score }));
    else if (e.type === "change") {
      if (e.handoffNeeded !== undefined)
        rows.push(
          row(e, "handoff_marked", {
            actor: e.by,
            value: e.handoffNeeded ? 1 : 0,
            reason: meta.handoff?.reason ?? null,
          }),
        );
      else
        rows.push(
          row(e, "change", {
            actor: e.by,
            reason: e.labels ? "labels" : e.priority ? "priority" : e.identity ? "identity" : null,
          }),
        );
    } else if (e.type === "retract") rows.push(row(e, "retract", { actor: e.by, reason: e.reason ?? null }));
    else if (e.type === "schedule") rows.push(row(e, "schedule", { actor: e.by, reason: `${e.kind}.${e.status}` }));
    else if (e.type === "action")
      rows.push(row(e, "action", { actor: e.by, reason: e.step, value: e.durationMs ?? null }));
    else rows.push(row(e, "note", { actor: e.name }));
  }
  return rows;
}

const INSERT = `INSERT OR IGNORE INTO analytics_events (workspace_id, conversation_id, seq, type, channel, category, article_id, actor, reason, value, at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export async function writeRows(db: D1Database, rows: AnalyticsRow[]): Promise<void> {
  if (!rows.length) return;
  const stmt = db.prepare(INSERT);
  await db.batch(
    rows.map((r) =>
      stmt.bind(
        r.workspaceId,
        r.conversationId,
        r.seq,
        r.type,
        r.channel,
        r.category,
        r.articleId,
        r.actor,
        r.reason,
        r.value,
        r.at,
      ),
    ),
  );
}

/** Categories of the articles these events cite, read once per flush. */
export async function categories(
  db: D1Database,
  workspaceId: string,
  events: ConversationEvent[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      events.flatMap((e) =>
        e.type === "message" && e.author === "bot" && e.sources?.[0] ? [e.sources[0].articleId] : [],
      ),
    ),
  ];
  if (!ids.length) return new Map();
  const r = await db
    .prepare("SELECT id, category FROM articles WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))")
    .bind(workspaceId, JSON.stringify(ids))
    .all<{ id: string; category: string }>();
  return new Map(r.results.map((x) => [x.id, x.category]));
}
