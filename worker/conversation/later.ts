// Work set for later on one conversation: a snooze (out of the active inbox until a time or the
// customer's reply, whichever comes first), a scheduled reply (written now, sent once at its time,
// cancellable until then) and a reminder (an alert to the agent who asked, at its time). Each is a row
// of the conversation's own SQLite, `schedules`, not a timer in memory: the object's one alarm
// (timers.ts) fires what is due, also after a restart or when the runtime retries the alarm.
//
// Exactly once: a row leaves "pending" in the same synchronous step that stores its effect (the
// event, the record), so an alarm run twice finds it done. A scheduled reply is the one effect with an
// await before it (translation): its row is "sending" meanwhile (a cancel is refused), and the message
// is stored under the clientId `schedule:<id>`, so a run that dies after the message and before the
// row moved sends nothing the second time. Everything the customer and others see then follows from
// the stored events through the outbox (the inbox, the reminder's alert, email, webhooks).
import type { ScheduleView } from "../../shared/later.ts";
import { AGENTS_ONLY, type ConversationEvent, type ScheduleKind } from "../../shared/protocol.ts";
import type { Sql } from "./log.ts";
import { type Agent, ConversationErased, IllegalTransition, type Meta, type NewEvent, Refused } from "./model.ts";

/** Snoozes, scheduled replies and reminders one conversation may have waiting at once. */
export const MAX_PENDING = 20;
/** How far ahead anything may be set. */
export const MAX_AHEAD_MS = 366 * 86_400_000;
/** A reply that could not go out for another reason than the conversation's state is tried again this much later. */
export const RETRY_MS = 30_000;

type Row = {
  id: string;
  kind: ScheduleKind;
  due_at: number | null;
  agent_id: string;
  agent_name: string;
  text: string | null;
  state: "pending" | "sending" | "done" | "cancelled";
  client_id: string | null;
};

/** What this part needs of the conversation (lifecycle.ts implements it). */
export type LaterHost = {
  readonly meta: Meta;
  save(m: Meta): void;
  emit(e: NewEvent): ConversationEvent;
  /** Sends an agent's message (translated as any reply is), once per clientId. */
  reply(agent: Agent, clientId: string, text: string): Promise<{ seq: number; id: string }>;
  now(): number;
  /** Something is due at `at`: the alarm should wake by then. */
  wake(at: number): void;
};

export function migrateSchedules(sql: Sql): void {
  sql(`CREATE TABLE IF NOT EXISTS schedules (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    due_at INTEGER,
    agent_id TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    text TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    client_id TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    retry_at INTEGER
  )`);
}

export class Later {
  /** Rows this instance is firing now: an alarm that overlaps another leaves them to it. */
  private readonly firing = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly host: LaterHost,
    private readonly newId: () => string,
  ) {
    migrateSchedules(sql);
  }

  // ---- setting ----------------------------------------------------------------------------------------

  /** Puts a conversation a person holds aside; a second snooze replaces the first. */
  snooze(agent: Agent, until?: number): { id: string; dueAt?: number } {
    const m = this.host.meta;
    if (m.state !== "agent")
      throw new Refused("not_with_agent", "only a conversation a person has joined can be snoozed");
    if (until !== undefined) this.checkDue(until);
    if (m.snoozed) this.end(m.snoozed.id, "cancelled", agent.name, "replaced");
    this.checkRoom();
    const id = this.newId();
    this.insert(id, "snooze", until ?? null, agent, null, null);
    const { woke: _w, ...rest } = this.host.meta;
    this.host.save({ ...rest, snoozed: { id, ...(until !== undefined ? { until } : {}) } });
    this.setEvent(id, "snooze", agent, until);
    return { id, ...(until !== undefined ? { dueAt: until } : {}) };
  }

  /** Back into the active inbox by hand. */
  unsnooze(agent: Agent): void {
    const s = this.host.meta.snoozed;
    if (!s) return;
    this.end(s.id, "cancelled", agent.name);
  }

  /** An agent's reply, sent once at `at`. The same clientId again is the same schedule. */
  scheduleReply(agent: Agent, clientId: string, text: string, at: number): { id: string; dueAt: number } {
    const prior = this.byClient(clientId);
    if (prior) return { id: prior.id, dueAt: prior.due_at ?? at };
    const s = this.host.meta.state;
    if (s !== "queued" && s !== "agent")
      throw new Refused("not_with_agent", "replies are scheduled on conversations handed to people, not resolved");
    this.checkDue(at);
    this.checkRoom();
    const id = this.newId();
    this.insert(id, "reply", at, agent, text, clientId);
    this.setEvent(id, "reply", agent, at, text);
    return { id, dueAt: at };
  }

  /** "Remind me about this at `at`": for the agent who asks, whatever the conversation's state. */
  remind(agent: Agent, clientId: string, at: number, note?: string): { id: string; dueAt: number } {
    const prior = this.byClient(clientId);
    if (prior) return { id: prior.id, dueAt: prior.due_at ?? at };
    this.checkDue(at);
    this.checkRoom();
    const id = this.newId();
    this.insert(id, "remind", at, agent, note || null, clientId);
    this.setEvent(id, "remind", agent, at, note || undefined);
    return { id, dueAt: at };
  }

  /** Calls off a scheduled reply or reminder (a reminder only by its own agent) before it is due. */
  cancel(agent: Agent, id: string): void {
    const r = this.row(id);
    if (!r || r.kind === "snooze") throw new Refused("no_schedule", "no such scheduled reply or reminder");
    if (r.state === "cancelled") return;
    if (r.state === "done")
      throw new Refused(
        "already_done",
        r.kind === "reply" ? "this reply was sent already" : "this reminder was given already",
      );
    if (r.state === "sending") throw new Refused("already_sending", "this reply is being sent");
    if (r.kind === "remind" && r.agent_id !== agent.id)
      throw new Refused("not_yours", "only the agent a reminder is for can cancel it");
    this.end(id, "cancelled", agent.name);
  }

  // ---- what the conversation tells this part ----------------------------------------------------------

  /** The customer wrote: a snooze ends now, whatever its time. */
  customerReplied(): void {
    const s = this.host.meta.snoozed;
    if (s) this.wakeUp(s.id, "reply");
  }

  /** An agent wrote: the "back from snooze" mark has done its job. */
  agentWrote(): void {
    const m = this.host.meta;
    if (!m.woke) return;
    const { woke: _w, ...rest } = m;
    this.host.save(rest);
  }

  /** The conversation left the person who held it (resolved, handed back, reassigned): no snooze, no mark. */
  leftAgent(): void {
    const m = this.host.meta;
    if (m.snoozed) this.end(m.snoozed.id, "cancelled", "system", "left");
    else if (m.woke) this.agentWrote();
  }

  // ---- reading ------------------------------------------------------------------------------------------

  /** Everything still to come, soonest first (a snooze until reply last). */
  pending(): ScheduleView[] {
    migrateSchedules(this.sql); // again after an erasure emptied the storage
    return this.sql<Row>(
      "SELECT * FROM schedules WHERE state IN ('pending', 'sending') ORDER BY due_at IS NULL, due_at, id",
    ).map((r) => ({
      id: r.id,
      kind: r.kind,
      ...(r.due_at !== null ? { dueAt: r.due_at } : {}),
      ...(r.text !== null ? { text: r.text } : {}),
      agent: { id: r.agent_id, name: r.agent_name },
      state: r.state === "sending" ? "sending" : "pending",
    }));
  }

  /** When the next schedule falls due (or is tried again), or null. */
  nextDue(): number | null {
    migrateSchedules(this.sql);
    const r = this.sql<{ t: number | null }>(
      "SELECT MIN(COALESCE(retry_at, due_at)) AS t FROM schedules WHERE state IN ('pending', 'sending') AND due_at IS NOT NULL",
    )[0];
    return r?.t ?? null;
  }

  // ---- firing ---------------------------------------------------------------------------------------

  /** Fires every schedule due by `now`, oldest first. Safe to run twice, or in two overlapping alarms. */
  async fireDue(now: number): Promise<void> {
    migrateSchedules(this.sql);
    const due = this.sql<Row>(
      "SELECT * FROM schedules WHERE state IN ('pending', 'sending') AND due_at IS NOT NULL AND COALESCE(retry_at, due_at) <= ? ORDER BY due_at, id",
      now,
    );
    for (const r of due) {
      if (this.firing.has(r.id)) continue;
      this.firing.add(r.id);
      try {
        await this.fire(r);
      } catch (e) {
        if (e instanceof ConversationErased) return;
        // Left as it was, tried again a little later by the alarm.
        console.error(`[edgedesk] schedule ${r.id} (${r.kind}) could not fire yet: ${String(e)}`);
        this.sql("UPDATE schedules SET retry_at = ? WHERE id = ?", now + RETRY_MS, r.id);
      } finally {
        this.firing.delete(r.id);
      }
    }
  }

  private async fire(r: Row): Promise<void> {
    if (r.kind === "snooze") {
      this.wakeUp(r.id, "time");
      return;
    }
    if (r.kind === "remind") {
      this.end(r.id, "done", "system");
      return;
    }
    const s = this.host.meta.state;
    if (r.state === "pending" && s !== "queued" && s !== "agent") {
      this.end(r.id, "cancelled", "system", "closed");
      return;
    }
    this.sql("UPDATE schedules SET state = 'sending' WHERE id = ? AND state = 'pending'", r.id);
    let sent: { seq: number; id: string };
    try {
      sent = await this.host.reply({ id: r.agent_id, name: r.agent_name }, `schedule:${r.id}`, r.text ?? "");
    } catch (e) {
      if (!(e instanceof Refused) && !(e instanceof IllegalTransition)) throw e;
      // The conversation moved on meanwhile (resolved, back with the bot): not sent, and said so.
      this.end(r.id, "cancelled", "system", "closed");
      return;
    }
    this.end(r.id, "done", "system", undefined, sent.id);
  }

  // ---- internals ------------------------------------------------------------------------------------

  private wakeUp(id: string, reason: "time" | "reply"): void {
    const r = this.row(id);
    if (!r || (r.state !== "pending" && r.state !== "sending")) return;
    this.sql("UPDATE schedules SET state = 'done' WHERE id = ?", id);
    const { snoozed: _s, ...rest } = this.host.meta;
    this.host.save({ ...rest, woke: { at: this.host.now(), reason } });
    this.event(r, "done", reason === "reply" ? "customer" : "system", reason);
  }

  /** A schedule's end: the row and (for a snooze) the record move in the same step as its event. */
  private end(id: string, status: "done" | "cancelled", by: string, reason?: string, messageId?: string): void {
    const r = this.row(id);
    if (!r || r.state === "done" || r.state === "cancelled") return;
    this.sql("UPDATE schedules SET state = ? WHERE id = ?", status, id);
    if (r.kind === "snooze" && this.host.meta.snoozed?.id === id) {
      const { snoozed: _s, ...rest } = this.host.meta;
      this.host.save(rest);
    }
    this.event(r, status, by, reason, messageId);
  }

  private event(r: Row, status: "done" | "cancelled", by: string, reason?: string, messageId?: string): void {
    this.host.emit({
      type: "schedule",
      audience: AGENTS_ONLY,
      id: r.id,
      kind: r.kind,
      status,
      by,
      at: this.host.now(),
      agent: { id: r.agent_id, name: r.agent_name },
      ...(r.due_at !== null ? { dueAt: r.due_at } : {}),
      ...(r.kind === "remind" && r.text !== null ? { text: r.text } : {}),
      ...(reason ? { reason } : {}),
      ...(messageId ? { messageId } : {}),
    });
  }

  private setEvent(id: string, kind: ScheduleKind, agent: Agent, dueAt?: number, text?: string): void {
    this.host.emit({
      type: "schedule",
      audience: AGENTS_ONLY,
      id,
      kind,
      status: "set",
      by: agent.name,
      at: this.host.now(),
      agent: { id: agent.id, name: agent.name },
      ...(dueAt !== undefined ? { dueAt } : {}),
      ...(text !== undefined ? { text } : {}),
    });
    if (dueAt !== undefined) this.host.wake(dueAt);
  }

  private insert(
    id: string,
    kind: ScheduleKind,
    dueAt: number | null,
    agent: Agent,
    text: string | null,
    clientId: string | null,
  ): void {
    this.sql(
      "INSERT INTO schedules (id, kind, due_at, agent_id, agent_name, text, state, client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
      id,
      kind,
      dueAt,
      agent.id,
      agent.name,
      text,
      clientId,
      this.host.now(),
    );
  }

  private checkDue(at: number): void {
    const now = this.host.now();
    if (at <= now) throw new Refused("not_ahead", "choose a time that has not passed yet");
    if (at > now + MAX_AHEAD_MS) throw new Refused("too_far", "choose a time within a year");
  }

  private checkRoom(): void {
    const n = this.sql<{ n: number }>("SELECT COUNT(*) AS n FROM schedules WHERE state IN ('pending', 'sending')")[0]
      ?.n;
    if ((n ?? 0) >= MAX_PENDING)
      throw new Refused(
        "too_many_schedules",
        `at most ${MAX_PENDING} snoozes, scheduled replies and reminders at once`,
      );
  }

  private row(id: string): Row | undefined {
    return this.sql<Row>("SELECT * FROM schedules WHERE id = ?", id)[0];
  }

  private byClient(clientId: string): Row | undefined {
    return this.sql<Row>("SELECT * FROM schedules WHERE client_id = ?", clientId)[0];
  }
}
