// The outbox: everything that follows from what a conversation stored (the console's index, the inbox,
// analytics, webhooks, mail, knowledge signals) is a follower that catches up with the conversation's
// own log. One cursor table holds how far each follower got; a follower runs again until it succeeds
// (backing off, woken by the object's alarm after a restart), and every follower is idempotent, so a
// runtime killed between an event's write and a follower's run still gets each effect exactly once.
//
// Two kinds of followers:
// - "events": fed the log's events past its cursor, in order, `batch` at a time; the cursor moves past
//   each batch only once it succeeded.
// - "state": mirrors the record elsewhere; runs whenever the record's version moved past its cursor.
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Meta, NewEvent, TurnRecord } from "./model.ts";

/** What followers may do inside the conversation: read it, and add to its own log and record. */
export type FollowerPorts = {
  meta(): Meta | null;
  /** The record changes a follower may make, each a named change of the lifecycle (never the record itself). */
  record: {
    emailSent(messageId: string): void;
    followUpSent(to: { email: string; verified: boolean }, references: string[], messageId: string): void;
  };
  /** Stores an event (a system line, an agents-only note) and broadcasts it. */
  emit(e: NewEvent): void;
  /** The latest customer or agent message's text (the console list's preview). */
  lastText(): string;
  /** Who wrote that message: the inbox item's `lastFrom`. */
  lastAuthor(): "customer" | "agent" | undefined;
  /** The whole log as agents see it (a merge copies it: merge.ts). */
  history(): ConversationEvent[];
  turn(messageId: string): TurnRecord | null;
  dropTurn(messageId: string): void;
  /** A customer socket or SSE stream is open: they see new messages in the chat. */
  customerConnected(): boolean;
  /** The request id of what the customer last sent, which webhooks are logged with (worker/ops/). */
  lastRid(): string | null;
  now(): number;
};

export type FollowerRun = {
  meta: Meta;
  /** events followers: the batch to handle, in seq order. */
  events: ConversationEvent[];
  /** True on the first run for this conversation (a new conversation's "created"). */
  first: boolean;
};

export type Follower = {
  name: string;
  kind: "events" | "state";
  /** Events per run (events followers); 1 for followers whose effect cannot be repeated cheaply (mail). */
  batch?: number;
  /**
   * An events follower added after conversations already exist starts at their first event, not at the
   * end of their log: its past is what it needs (the search index), not news (webhooks, mail).
   */
  backfill?: boolean;
  run(r: FollowerRun): Promise<void>;
};

/** What the outbox reads of the conversation: its log, its record and its version. */
export type OutboxLog = {
  meta(): Meta | null;
  erasedAt(): number | null;
  lastSeq(): number;
  version(): number;
  events(after: number, limit: number): ConversationEvent[];
};

type CursorSql = {
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): { toArray(): T[] };
};

type Row = { follower: string; cursor: number; runs: number; attempts: number; retry_at: number | null };

/** Retry delays after the 1st, 2nd… failure (the last repeats): quick for a blip, patient for an outage. */
export const RETRY_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;

export class Outbox {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;
  /**
   * The cursor rows as this instance last wrote or read them. Only this instance writes its table, so
   * the copy is exact; it spares a query per follower on every event (every kick asks each follower
   * whether it is behind), which was a tenth of a conversation's CPU under load (docs/performance.md).
   */
  private readonly rows = new Map<string, Row>();

  constructor(
    private readonly sql: CursorSql,
    private readonly log: OutboxLog,
    private readonly followers: readonly Follower[],
    /** Asks the object to wake at `at` (its one alarm is shared: the object takes the earliest). */
    private readonly wakeAt: (at: number) => void,
    private readonly now: () => number = Date.now,
    /** Earlier per-follower cursors, from before the outbox (analytics_cursor, notify_cursor). */
    private readonly legacy: (name: string) => number | null = () => null,
    /** Every follower has caught up with the log and none waits for a retry (timers.ts relaxes its safety wake). */
    private readonly caughtUp: () => void = () => undefined,
  ) {
    this.schema();
  }

  private schema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      follower TEXT PRIMARY KEY,
      cursor INTEGER NOT NULL,
      runs INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      retry_at INTEGER
    )`);
  }

  /** After the object's storage was deleted (erasure): the table again, empty, and nothing runs. */
  stop(): void {
    this.stopped = true;
    this.rows.clear();
  }

  /**
   * Forgets the in-memory copy of the cursor rows: the alarm, where retries fall due, reads them afresh,
   * so a row changed outside this instance (an operator's fix, a test) is seen there at the latest.
   */
  reload(): void {
    this.rows.clear();
  }

  /** Starts every follower that is behind and not waiting for a retry; returns without waiting. */
  kick(): void {
    if (this.stopped || !this.log.meta() || this.log.erasedAt() !== null) return;
    const now = this.now();
    for (const f of this.followers) {
      const row = this.row(f);
      if (row.retry_at !== null && row.retry_at > now) continue;
      if (this.behind(f, row)) this.start(f);
    }
  }

  /** Runs every follower that is behind (retries due included) and waits until they are done. */
  async flush(): Promise<void> {
    this.kick();
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** No follower running or behind, none waiting for a retry (from the rows in memory: no query). */
  settled(): boolean {
    if (this.running.size) return false;
    if (!this.log.meta() || this.log.erasedAt() !== null) return false;
    return this.followers.every((f) => {
      const row = this.row(f);
      return row.retry_at === null && !this.behind(f, row);
    });
  }

  /** Whether any follower is behind: a fresh instance wakes itself to catch up (see the DO's constructor). */
  pending(): boolean {
    if (!this.log.meta() || this.log.erasedAt() !== null) return false;
    return this.followers.some((f) => this.behind(f, this.row(f)));
  }

  /** The earliest retry still to come, or null. */
  nextRetry(): number | null {
    const r = this.sql.exec<{ t: number | null }>("SELECT MIN(retry_at) AS t FROM outbox").toArray()[0]?.t;
    return r ?? null;
  }

  /** A new conversation: every follower starts at its beginning (before its first event is stored). */
  begin(): void {
    for (const f of this.followers) {
      this.sql.exec("INSERT OR IGNORE INTO outbox (follower, cursor, runs) VALUES (?, 0, 0)", f.name);
      this.rows.delete(f.name);
    }
  }

  /**
   * Every follower past what is stored now (an import): nothing of it is news. Followers that backfill
   * (the search index) read it from the start: their past is what they need.
   */
  skipAll(): void {
    for (const f of this.followers)
      if (!f.backfill) this.skipTo(f.name, f.kind === "state" ? this.log.version() : this.log.lastSeq());
  }

  /** Sets a follower's cursor without running it: an imported log is history, not news. */
  skipTo(name: string, cursor: number): void {
    this.sql.exec(
      "INSERT INTO outbox (follower, cursor, runs) VALUES (?, ?, 1) ON CONFLICT (follower) DO UPDATE SET cursor = excluded.cursor, runs = MAX(runs, 1)",
      name,
      cursor,
    );
    this.rows.delete(name);
  }

  /** How far each follower got, for tests and the operator. */
  cursors(): Record<string, { cursor: number; attempts: number; retryAt: number | null }> {
    const out: Record<string, { cursor: number; attempts: number; retryAt: number | null }> = {};
    for (const f of this.followers) {
      const r = this.row(f);
      out[f.name] = { cursor: r.cursor, attempts: r.attempts, retryAt: r.retry_at };
    }
    return out;
  }

  private behind(f: Follower, row: Row): boolean {
    if (f.kind === "state") return this.log.version() > row.cursor;
    return row.runs === 0 || this.log.lastSeq() > row.cursor;
  }

  /**
   * A follower's row. New conversations have theirs from `begin()`; one from before the outbox (or a
   * follower added since) starts at its legacy cursor, or at the log's end: its past is not news for
   * webhooks or mail. State followers, and followers that backfill, start at 0 and see the whole log once.
   */
  private row(f: Follower): Row {
    const cached = this.rows.get(f.name);
    if (cached) return cached;
    const found = this.sql
      .exec<Row>("SELECT follower, cursor, runs, attempts, retry_at FROM outbox WHERE follower = ?", f.name)
      .toArray()[0];
    if (found) {
      this.rows.set(f.name, found);
      return found;
    }
    const last = this.log.lastSeq();
    const fromStart = f.kind === "state" || last === 0 || f.backfill === true;
    const start = fromStart ? 0 : (this.legacy(f.name) ?? last);
    const runs = f.kind === "events" && !fromStart ? 1 : 0;
    this.sql.exec("INSERT OR IGNORE INTO outbox (follower, cursor, runs) VALUES (?, ?, ?)", f.name, start, runs);
    const row = { follower: f.name, cursor: start, runs, attempts: 0, retry_at: null };
    this.rows.set(f.name, row);
    return row;
  }

  private start(f: Follower): void {
    if (this.running.has(f.name)) {
      this.again.add(f.name);
      return;
    }
    // Registered before the loop starts (a microtask later): a follower that stores an event of its
    // own (a note) kicks the outbox again, and must find itself running rather than start twice.
    const p = Promise.resolve()
      .then(() => this.loop(f))
      .finally(() => {
        this.running.delete(f.name);
        if (!this.stopped && this.settled()) this.caughtUp();
      });
    this.running.set(f.name, p);
  }

  /** One follower at a time per conversation (its effects keep the log's order); loops while behind. */
  private async loop(f: Follower): Promise<void> {
    for (;;) {
      this.again.delete(f.name);
      if (this.stopped || this.log.erasedAt() !== null) return;
      const m = this.log.meta();
      if (!m) return;
      const row = this.row(f);
      if (!this.behind(f, row)) {
        if (this.again.has(f.name)) continue;
        return;
      }
      // Read before the await: what this run covers is fixed now, whatever arrives meanwhile.
      const version = this.log.version();
      const events = f.kind === "events" ? this.log.events(row.cursor, f.batch ?? 100) : [];
      const next = f.kind === "state" ? version : (events[events.length - 1]?.seq ?? row.cursor);
      try {
        await f.run({ meta: m, events, first: row.runs === 0 });
      } catch (e) {
        if (this.stopped || this.log.erasedAt() !== null) return;
        const attempts = row.attempts + 1;
        const at = this.now() + (RETRY_MS[Math.min(attempts, RETRY_MS.length) - 1] ?? 600_000);
        this.sql.exec("UPDATE outbox SET attempts = ?, retry_at = ? WHERE follower = ?", attempts, at, f.name);
        const now = this.rows.get(f.name);
        if (now) this.rows.set(f.name, { ...now, attempts, retry_at: at });
        console.error(
          JSON.stringify({ at: "outbox", follower: f.name, conversation: m.id, attempts, error: String(e) }),
        );
        this.wakeAt(at);
        return;
      }
      if (this.stopped || this.log.erasedAt() !== null) return;
      this.sql.exec(
        "UPDATE outbox SET cursor = MAX(cursor, ?), runs = runs + 1, attempts = 0, retry_at = NULL WHERE follower = ?",
        next,
        f.name,
      );
      // The row as the statement left it; a copy dropped meanwhile (skipTo, begin) is read again when needed.
      const now = this.rows.get(f.name);
      if (now)
        this.rows.set(f.name, {
          ...now,
          cursor: Math.max(now.cursor, next),
          runs: now.runs + 1,
          attempts: 0,
          retry_at: null,
        });
    }
  }
}

/** Cursors kept per feature before the outbox (analytics, webhooks): an object from then carries on where it was. */
export function legacyCursor(sql: CursorSql, follower: string): number | null {
  const has = (t: string) =>
    (sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = ?", t).toArray()[0]?.n ?? 0) > 0;
  const table = follower === "analytics" ? "analytics_cursor" : follower === "notify" ? "notify_cursor" : null;
  if (!table || !has(table)) return null;
  const row = sql.exec<{ seq: number }>(`SELECT MAX(seq) AS seq FROM ${table}`).toArray()[0];
  return row?.seq ?? null;
}
