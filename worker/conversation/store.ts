// Conversation storage over the Durable Object's SQLite, behind a narrow `Sql` function so the logic
// above it runs against any SQLite (the DO in production and in workerd tests).
import type { HandoffPacket } from "../../shared/api.ts";
import type { ConversationEvent, ConversationState, Identity } from "../../shared/protocol.ts";
import type { EmailThread } from "../channels/email/compose.ts";

/** The code a typed follow-up address must send back; only its HMAC is kept. Defined here, with the record it sits in. */
export type PendingCode = { email: string; hash: string; expiresAt: number; tries: number };

export type SqlValue = string | number | null;
export type Sql = <Row extends Record<string, SqlValue>>(query: string, ...params: SqlValue[]) => Row[];

export type Clarify = { question: string; options: string[] };

export type Meta = {
  id: string;
  workspaceId: string;
  siteKey: string;
  channel: string;
  locale: string;
  /** Origin that article links point at. */
  baseUrl: string;
  pageUrl?: string;
  pageTitle?: string;
  /** The help-centre article the chat was opened from (portal pages). */
  contextArticle?: string;
  userAgent?: string;
  createdAt: number;
  state: ConversationState;
  /** Bot turns in a row that ended in low confidence: a second one hands off. */
  lowConfidenceTurns: number;
  /**
   * Only in objects stored before the `pending` table: moved there on first read. Keeping the waiting
   * questions in meta rewrote all of them with every change, quadratic in a burst of messages.
   */
  pending?: string[];
  failures: number;
  /** The bot's open "Do you mean …?": the question it was about and the articles it offered. */
  clarify?: Clarify;
  assignedAgentId?: string;
  assignedAgentName?: string;
  handoff?: HandoffPacket;
  /** Articles the bot tried, newest last, for the handoff packet. */
  tried: { articleId: string; title: string; score: number; category?: string }[];
  labels?: string[];
  /** Set by an agent; overrides the handoff packet's priority. */
  priority?: string;
  identity?: Identity;
  csat?: { score: number; comment?: string; at: number };
  handoffNeeded?: { needed: boolean; by: string; at: number };
  /** The customer's contact, when their email address is known. */
  contactId?: string;
  /** Email conversations: where replies go and how they thread (worker/channels/email/). */
  email?: EmailThread;
  /**
   * Chat conversations: the address the customer left for replies while they are away from the chat,
   * and the Message-IDs mailed to it so far (worker/channels/email/follow-up.ts).
   */
  followUp?: { email: string; verified: boolean; confirmed?: boolean; references: string[] };
  /** The code mailed to a typed follow-up address, until it is entered (worker/channels/email/confirm.ts). */
  /** A typed follow-up address waiting for its confirmation code (worker/channels/email/confirm.ts). */
  followUpCode?: PendingCode;
  /** When confirmation mails went out from this conversation (epoch ms): the per-conversation cap. */
  followUpMails?: number[];
};

/** An event before storage gives it a seq (Omit distributed over the union). */
export type NewEvent = ConversationEvent extends infer E
  ? E extends ConversationEvent
    ? Omit<E, "seq">
    : never
  : never;

export function migrate(sql: Sql): void {
  sql(`CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    client_id TEXT UNIQUE,
    data TEXT NOT NULL
  )`);
  sql(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
  // Customer questions the bot has yet to answer, oldest first: they survive a restart mid-turn. A row
  // each, so a question costs one insert and one delete however many wait.
  sql(`CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)`);
  // Objects created before events had an audience get the column; NULL means everyone sees the event.
  if (!sql<{ name: string }>("PRAGMA table_info(events)").some((c) => c.name === "audience"))
    sql("ALTER TABLE events ADD COLUMN audience TEXT");
}

/** Which events a reader may get: a customer never receives agents-only events. */
export type Reader = "customer" | "agent";

/** Thrown when something tries to store into an erased conversation (worker/privacy/). */
export class ConversationErased extends Error {
  constructor() {
    super("conversation erased");
  }
}

export class Store {
  private metaCache: Meta | null = null;
  private erasedCache: number | null | undefined;
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
    this.erasedCache = at;
  }

  meta(): Meta | null {
    if (this.metaCache) return this.metaCache;
    const row = this.sql<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'")[0];
    const m = row ? (JSON.parse(row.v) as Meta) : null;
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

  saveMeta(meta: Meta): void {
    if (this.erasedAt() !== null) throw new ConversationErased();
    this.sql("INSERT OR REPLACE INTO meta (k, v) VALUES ('meta', ?)", JSON.stringify(meta));
    this.metaCache = meta;
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
          event: { ...(JSON.parse(prior.data) as NewEvent), seq: prior.seq } as ConversationEvent,
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
    return { event: { ...event, seq: row.seq } as ConversationEvent, duplicate: false };
  }

  /**
   * A workspace import (worker/workspace/): the log as another deployment kept it, seqs included,
   * replacing whatever an earlier attempt of the same import left.
   */
  replaceLog(events: ConversationEvent[]): void {
    if (this.erasedAt() !== null) throw new ConversationErased();
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
    ).map((r) => ({ ...(JSON.parse(r.data) as NewEvent), seq: r.seq }) as ConversationEvent);
  }

  /** A customer's last seq is that of the last event they can see. */
  lastSeq(reader: Reader = "agent"): number {
    return (
      this.sql<{ s: number | null }>(
        `SELECT MAX(seq) AS s FROM events ${reader === "customer" ? "WHERE audience IS NULL" : ""}`,
      )[0]?.s ?? 0
    );
  }
}
