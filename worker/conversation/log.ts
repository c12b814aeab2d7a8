// The conversation's event log and record over the Durable Object's SQLite, behind a narrow `Sql`
// function so the logic above it runs against any SQLite (the DO in production and in workerd tests).
// The log is also the outbox's source (outbox.ts): every event, and every change of the record (its
// `version`), is what the followers catch up with.
import { type AttachmentRef, attachmentRefSchema, type ConversationEvent, eventSchema } from "../../shared/protocol.ts";
import {
  ConversationErased,
  type Meta,
  type NewEvent,
  type Reader,
  storedMetaSchema,
  type TurnRecord,
  turnRecordSchema,
} from "./model.ts";

/** A stored event, parsed with the wire protocol's schema: what the log gives out is what clients accept. */
const eventOf = (data: string, seq: number): ConversationEvent => eventSchema.parse({ ...JSON.parse(data), seq });

export type { Meta, NewEvent, Reader } from "./model.ts";

export type SqlValue = string | number | null;
export type Sql = <Row extends Record<string, SqlValue>>(query: string, ...params: SqlValue[]) => Row[];

export function migrate(sql: Sql): void {
  sql(`CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    client_id TEXT UNIQUE,
    data TEXT NOT NULL
  )`);
  sql(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
  // The record's version (see Store.version), one row.
  sql(`CREATE TABLE IF NOT EXISTS version (k INTEGER PRIMARY KEY CHECK (k = 1), v INTEGER NOT NULL)`);
  // What the bot decided for each of its messages (reason, confidence): agents-only facts that never
  // ride in the event itself, read by the knowledge follower (followers.ts) and then dropped.
  sql(`CREATE TABLE IF NOT EXISTS turns (message_id TEXT PRIMARY KEY, data TEXT NOT NULL)`);
  // Customer questions the bot has yet to answer, oldest first: they survive a restart mid-turn. A row
  // each, so a question costs one insert and one delete however many wait.
  sql(`CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)`);
  // Objects created before events had an audience get the column; NULL means everyone sees the event.
  if (!sql<{ name: string }>("PRAGMA table_info(events)").some((c) => c.name === "audience"))
    sql("ALTER TABLE events ADD COLUMN audience TEXT");
}

export class Store {
  private metaCache: Meta | null = null;
  private erasedCache: number | null | undefined;
  private versionCache: number | null = null;
  /**
   * The log's end, kept in memory: the outbox asks for it for every follower on every event, and the
   * alarm for the last event's time. Only `append` and `replaceLog` write events; erasure resets it.
   */
  private seqCache: { agent: number | null; customer: number | null; lastAt: number | null } = {
    agent: null,
    customer: null,
    lastAt: null,
  };
  constructor(private readonly sql: Sql) {
    migrate(sql);
  }

  /**
   * When the conversation was erased (worker/privacy/), or null. An erased object keeps only this
   * mark, so that a late write (a bot turn in flight, a customer still holding the token) stores nothing.
   */
  erasedAt(): number | null {
    if (this.erasedCache === undefined)
      this.erasedCache = Number(this.sql<{ v: string }>("SELECT v FROM meta WHERE k = 'erased'")[0]?.v ?? 0) || null;
    return this.erasedCache;
  }

  /** Erasure has begun: from now on nothing is stored (the mark itself is written once storage is gone). */
  refuseWrites(at: number): void {
    this.erasedCache = at;
  }

  /** Called once the object's storage was deleted: the tables again, empty, and the mark. */
  markErased(at: number): void {
    migrate(this.sql);
    this.sql("INSERT OR REPLACE INTO meta (k, v) VALUES ('erased', ?)", String(at));
    this.metaCache = null;
    this.versionCache = null;
    this.seqCache = { agent: null, customer: null, lastAt: null };
    this.erasedCache = at;
  }

  meta(): Meta | null {
    if (this.metaCache) return this.metaCache;
    const row = this.sql<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'")[0];
    // The checked fields are parsed; the rest is the record as this conversation's own code wrote it.
    const m = row ? (storedMetaSchema.parse(JSON.parse(row.v)) as Meta) : null;
    if (m?.pending) {
      // An object from before the pending table: its waiting questions move there, once.
      const { pending, ...rest } = m;
      for (const text of pending) this.sql("INSERT INTO pending (text) VALUES (?)", text);
      this.saveMeta(rest);
      return rest;
    }
    this.metaCache = m;
    return this.metaCache;
  }

  /** Questions waiting for the bot, oldest first. */
  pending(): { id: number; text: string }[] {
    return this.sql<{ id: number; text: string }>("SELECT id, text FROM pending ORDER BY id");
  }

  addPending(text: string): number {
    const row = this.sql<{ id: number }>("INSERT INTO pending (text) VALUES (?) RETURNING id", text)[0];
    if (!row) throw new Error("insert returned no id");
    return row.id;
  }

  removePending(id: number): void {
    this.sql("DELETE FROM pending WHERE id = ?", id);
  }

  /** The stored event of a clientId, if any: a resend, which costs nothing (worker/conversation/budget.ts). */
  hasClientId(clientId: string): boolean {
    return this.sql<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE client_id = ?", clientId)[0]?.n === 1;
  }

  /** The event stored under a clientId, if any. */
  byClientId(clientId: string): ConversationEvent | null {
    const row = this.sql<{ seq: number; data: string }>(
      "SELECT seq, data FROM events WHERE client_id = ?",
      clientId,
    )[0];
    return row ? eventOf(row.data, row.seq) : null;
  }

  saveMeta(meta: Meta): void {
    if (this.erasedAt() !== null) throw new ConversationErased();
    this.sql("INSERT OR REPLACE INTO meta (k, v) VALUES ('meta', ?)", JSON.stringify(meta));
    this.bump();
    this.metaCache = meta;
  }

  /**
   * The record's version: raised by every change of the record and every event, so that followers
   * that mirror the conversation's state elsewhere (the console index, the inbox) know they are behind.
   */
  version(): number {
    if (this.versionCache === null)
      this.versionCache = this.sql<{ v: number }>("SELECT v FROM version WHERE k = 1")[0]?.v ?? 0;
    return this.versionCache;
  }

  private bump(): void {
    this.versionCache = this.version() + 1;
    this.sql("INSERT OR REPLACE INTO version (k, v) VALUES (1, ?)", this.versionCache);
  }

  /** Keeps a bot decision beside the message it produced, for the knowledge follower. */
  saveTurn(t: TurnRecord): void {
    if (this.erasedAt() !== null) throw new ConversationErased();
    this.sql("INSERT OR REPLACE INTO turns (message_id, data) VALUES (?, ?)", t.messageId, JSON.stringify(t));
  }

  turn(messageId: string): TurnRecord | null {
    const row = this.sql<{ data: string }>("SELECT data FROM turns WHERE message_id = ?", messageId)[0];
    return row ? (turnRecordSchema.parse(JSON.parse(row.data)) as TurnRecord) : null;
  }

  dropTurn(messageId: string): void {
    this.sql("DELETE FROM turns WHERE message_id = ?", messageId);
  }

  /** Appends an event; with a clientId already stored, returns that event instead (idempotent send). */
  append(event: NewEvent, clientId?: string): { event: ConversationEvent; duplicate: boolean } {
    if (this.erasedAt() !== null) throw new ConversationErased();
    if (clientId) {
      const prior = this.sql<{ seq: number; data: string }>(
        "SELECT seq, data FROM events WHERE client_id = ?",
        clientId,
      )[0];
      if (prior)
        return {
          event: eventOf(prior.data, prior.seq),
          duplicate: true,
        };
    }
    const row = this.sql<{ seq: number }>(
      "INSERT INTO events (type, client_id, data, audience) VALUES (?, ?, ?, ?) RETURNING seq",
      event.type,
      clientId ?? null,
      JSON.stringify(event),
      "audience" in event ? event.audience : null,
    )[0];
    if (!row) throw new Error("insert returned no seq");
    this.bump();
    // The newest event is the log's end (seqs only grow), and the customer's end when they may see it.
    this.seqCache.agent = row.seq;
    if (!("audience" in event && event.audience)) this.seqCache.customer = row.seq;
    this.seqCache.lastAt = event.at;
    return { event: { ...event, seq: row.seq } as ConversationEvent, duplicate: false };
  }

  /**
   * A workspace import (worker/workspace/): the log as another deployment kept it, seqs included,
   * replacing whatever an earlier attempt of the same import left.
   */
  replaceLog(events: ConversationEvent[]): void {
    if (this.erasedAt() !== null) throw new ConversationErased();
    this.seqCache = { agent: null, customer: null, lastAt: null };
    this.sql("DELETE FROM events");
    for (const e of events) {
      const { seq, ...rest } = e;
      const clientId = "clientId" in rest && typeof rest.clientId === "string" ? rest.clientId : null;
      this.sql(
        "INSERT INTO events (seq, type, client_id, data, audience) VALUES (?, ?, ?, ?, ?)",
        seq,
        rest.type,
        clientId,
        JSON.stringify(rest),
        "audience" in rest && typeof rest.audience === "string" ? rest.audience : null,
      );
    }
  }

  events(after = 0, limit = 1000, reader: Reader = "agent"): ConversationEvent[] {
    // A customer's replay leaves out messages that were taken back (retract events), wherever the
    // retract falls relative to `after`: a client that reconnects never sees the message again.
    const customer = `AND audience IS NULL AND NOT (type = 'message' AND json_extract(data, '$.id') IN
      (SELECT json_extract(data, '$.messageId') FROM events WHERE type = 'retract'))`;
    return this.sql<{ seq: number; data: string }>(
      `SELECT seq, data FROM events WHERE seq > ? ${reader === "customer" ? customer : ""} ORDER BY seq LIMIT ?`,
      after,
      limit,
    ).map((r) => eventOf(r.data, r.seq));
  }

  /** The whole log, read a page at a time. */
  all(reader: Reader = "agent"): ConversationEvent[] {
    const out: ConversationEvent[] = [];
    for (;;) {
      const page = this.events(out[out.length - 1]?.seq ?? 0, 1000, reader);
      out.push(...page);
      if (page.length < 1000) return out;
    }
  }

  /** The text of the latest message from the customer or an agent: the console list's preview (a file: its name). */
  lastText(): string {
    const row = this.sql<{ t: string | null }>(
      `SELECT CASE WHEN json_extract(data, '$.text') = '' AND json_extract(data, '$.attachments[0].name') IS NOT NULL
          THEN '📎 ' || json_extract(data, '$.attachments[0].name') ELSE json_extract(data, '$.text') END AS t
         FROM events WHERE type = 'message'
         AND json_extract(data, '$.author') IN ('customer', 'agent') ORDER BY seq DESC LIMIT 1`,
    )[0];
    return row?.t ?? "";
  }

  /** Who wrote the latest customer or agent message (the preview's author), if any. */
  lastAuthor(): "customer" | "agent" | undefined {
    const row = this.sql<{ a: string | null }>(
      `SELECT json_extract(data, '$.author') AS a FROM events WHERE type = 'message'
         AND json_extract(data, '$.author') IN ('customer', 'agent') ORDER BY seq DESC LIMIT 1`,
    )[0];
    return row?.a === "customer" || row?.a === "agent" ? row.a : undefined;
  }

  /**
   * A file listed by a message `reader` can see, by its id: a customer's reader leaves out agents-only
   * events and messages taken back, as their replay does.
   */
  file(fileId: string, reader: Reader): AttachmentRef | null {
    const hidden =
      reader === "customer"
        ? `AND e.audience IS NULL AND json_extract(e.data, '$.id') NOT IN
            (SELECT json_extract(data, '$.messageId') FROM events WHERE type = 'retract')`
        : "";
    const row = this.sql<{ v: string }>(
      `SELECT j.value AS v FROM events e, json_each(e.data, '$.attachments') j
        WHERE e.type = 'message' AND json_extract(j.value, '$.id') = ? ${hidden} LIMIT 1`,
      fileId,
    )[0];
    return row ? attachmentRefSchema.parse(JSON.parse(row.v)) : null;
  }

  /** Files the customer sent here and their bytes: what a conversation's file caps count (budget.ts). */
  customerFiles(): { files: number; bytes: number } {
    const row = this.sql<{ n: number; b: number | null }>(
      `SELECT COUNT(*) AS n, SUM(json_extract(j.value, '$.size')) AS b FROM events e, json_each(e.data, '$.attachments') j
        WHERE e.type = 'message' AND json_extract(e.data, '$.author') = 'customer'`,
    )[0];
    return { files: row?.n ?? 0, bytes: row?.b ?? 0 };
  }

  /** A customer's last seq is that of the last event they can see. */
  lastSeq(reader: Reader = "agent"): number {
    const key = reader === "customer" ? "customer" : "agent";
    const cached = this.seqCache[key];
    if (cached !== null) return cached;
    const seq =
      this.sql<{ s: number | null }>(
        `SELECT MAX(seq) AS s FROM events ${reader === "customer" ? "WHERE audience IS NULL" : ""}`,
      )[0]?.s ?? 0;
    this.seqCache[key] = seq;
    return seq;
  }

  /** When the newest event happened (epoch ms), or 0 for an empty log: how long the conversation has been quiet. */
  lastEventAt(): number {
    if (this.seqCache.lastAt === null) this.seqCache.lastAt = this.events(this.lastSeq() - 1, 1)[0]?.at ?? 0;
    return this.seqCache.lastAt;
  }
}
