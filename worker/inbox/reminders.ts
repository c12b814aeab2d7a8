// Reminders as the inbox keeps them for each agent (docs/conversations.md "Later"). A reminder is set
// and fired in its conversation (worker/conversation/later.ts, on the conversation's own alarm); this
// follower of the conversation's outbox tells the workspace's Inbox DO, which lists each agent's
// reminders and, when one comes due, pushes an `alert` frame to that agent's consoles only. The inbox
// keeps one row per reminder, dismissed ones too (for a month), so a follower that runs twice (a
// restart before its cursor moved) finds the row already due or dismissed and alerts nobody again:
// one alert per reminder.
import type { ReminderItem } from "../../shared/later.ts";
import type { Follower } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";
import { inboxOf } from "./follower.ts";

/** What the follower tells the inbox about one reminder. */
export type ReminderUpdate = {
  id: string;
  conversationId: string;
  agentId: string;
  dueAt: number;
  note?: string;
  status: "set" | "done" | "cancelled";
  at: number;
};

export const remindersFollower = (env: Pick<Env, "INBOX">): Follower => ({
  name: "reminders",
  kind: "events",
  async run({ meta, events }) {
    const updates: ReminderUpdate[] = events.flatMap((e) =>
      e.type === "schedule" && e.kind === "remind" && e.agent && e.dueAt !== undefined
        ? [
            {
              id: e.id,
              conversationId: meta.id,
              agentId: e.agent.id,
              dueAt: e.dueAt,
              ...(e.text ? { note: e.text } : {}),
              status: e.status,
              at: e.at,
            },
          ]
        : [],
    );
    if (updates.length) await inboxOf(env, meta.workspaceId).reminders(updates, meta.workspaceId);
  },
});

type Sql = DurableObjectStorage["sql"];
type Row = {
  id: string;
  conversation_id: string;
  agent_id: string;
  due_at: number;
  note: string | null;
  state: "pending" | "due" | "dismissed";
  fired_at: number | null;
};

/** Dismissed reminders are kept this long, so a replayed "done" finds them and stays quiet. */
const KEEP_DISMISSED_MS = 30 * 86_400_000;

export function reminderTables(sql: Sql): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS reminders (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    note TEXT,
    state TEXT NOT NULL,
    fired_at INTEGER
  )`);
  sql.exec("CREATE INDEX IF NOT EXISTS reminders_agent ON reminders (agent_id, due_at)");
}

const itemOf = (r: Row): ReminderItem => ({
  id: r.id,
  conversationId: r.conversation_id,
  dueAt: r.due_at,
  ...(r.note !== null ? { note: r.note } : {}),
  state: r.state === "pending" ? "pending" : "due",
  ...(r.fired_at !== null ? { firedAt: r.fired_at } : {}),
});

/**
 * Applies one update. Returns the reminder to alert its agent with when it has just come due (null
 * otherwise: already due, dismissed meanwhile, or not a firing), and whose list changed.
 */
export function applyReminder(sql: Sql, u: ReminderUpdate): { alert: ReminderItem | null; agentId: string | null } {
  const prior = sql.exec<Row>("SELECT * FROM reminders WHERE id = ?", u.id).toArray()[0];
  if (u.status === "cancelled") {
    if (!prior) return { alert: null, agentId: null };
    sql.exec("DELETE FROM reminders WHERE id = ?", u.id);
    return { alert: null, agentId: prior.agent_id };
  }
  if (u.status === "set") {
    // A replayed "set" after the reminder fired (or was dismissed: no row, and its "done" follows) changes nothing.
    if (prior) return { alert: null, agentId: null };
    sql.exec(
      "INSERT INTO reminders (id, conversation_id, agent_id, due_at, note, state) VALUES (?, ?, ?, ?, ?, 'pending')",
      u.id,
      u.conversationId,
      u.agentId,
      u.dueAt,
      u.note ?? null,
    );
    return { alert: null, agentId: u.agentId };
  }
  if (prior && prior.state !== "pending") return { alert: null, agentId: null };
  if (!prior) {
    // Its "set" never reached this inbox (a conversation from another deployment): shown now all the same.
    sql.exec(
      "INSERT INTO reminders (id, conversation_id, agent_id, due_at, note, state, fired_at) VALUES (?, ?, ?, ?, ?, 'due', ?)",
      u.id,
      u.conversationId,
      u.agentId,
      u.dueAt,
      u.note ?? null,
      u.at,
    );
  } else sql.exec("UPDATE reminders SET state = 'due', fired_at = ? WHERE id = ?", u.at, u.id);
  const row = sql.exec<Row>("SELECT * FROM reminders WHERE id = ?", u.id).toArray()[0];
  return { alert: row ? itemOf(row) : null, agentId: u.agentId };
}

/** An agent's reminders: due ones first (oldest first), then pending ones, soonest first. */
export function remindersOf(sql: Sql, agentId: string): ReminderItem[] {
  return sql
    .exec<Row>(
      "SELECT * FROM reminders WHERE agent_id = ? AND state != 'dismissed' ORDER BY state = 'pending', COALESCE(fired_at, due_at), id LIMIT 200",
      agentId,
    )
    .toArray()
    .map(itemOf);
}

/** A due reminder the agent has seen to: it leaves their list. Only their own, only once due. */
export function dismissReminder(sql: Sql, agentId: string, id: string, now: number): boolean {
  sql.exec("DELETE FROM reminders WHERE state = 'dismissed' AND fired_at < ?", now - KEEP_DISMISSED_MS);
  const r = sql.exec(
    "UPDATE reminders SET state = 'dismissed' WHERE id = ? AND agent_id = ? AND state = 'due' RETURNING id",
    id,
    agentId,
  );
  return r.toArray().length > 0;
}

/** A conversation erased or expired (worker/privacy/): its reminders go with it. Returns the agents whose lists changed. */
export function forgetReminders(sql: Sql, conversationId: string): string[] {
  return sql
    .exec<{ agent_id: string }>("DELETE FROM reminders WHERE conversation_id = ? RETURNING agent_id", conversationId)
    .toArray()
    .map((r) => r.agent_id);
}
