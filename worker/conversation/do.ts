// One Durable Object per conversation: its SQLite, its sockets (hibernatable) and SSE streams. The
// conversation's logic lives in engine.ts; this class only connects it to the runtime.
import { DurableObject } from "cloudflare:workers";
import { nanoid } from "nanoid";
import type {
  AgentRef,
  ConversationDetail,
  CsatResult,
  FollowUpResult,
  HandoffPacket,
  InboxItem,
} from "../../shared/api.ts";
import {
  clientFrameSchema,
  forCustomer,
  isVerifiedField,
  PING,
  PONG,
  type ConversationEvent,
  type Identity,
  type ServerFrame,
} from "../../shared/protocol.ts";
import { handoffSummarizer } from "../answer/ai/summary.ts";
import { translator, type Translate } from "../answer/ai/translate.ts";
import { makeBrain } from "../answer/brain.ts";
import { EmailSide, type EmailArrival } from "../channels/email/conversation.ts";
import { FollowUp, followUpShown } from "../channels/email/follow-up.ts";
import type { Env } from "../env.ts";
import { closeBack } from "../http/sockets.ts";
import { linkContact } from "../channels/email/db.ts";
import { customerView } from "../channels/history/view.ts";
import type { PastConversation, PastMessage } from "../../shared/customer-history.ts";
import { notifyConversation } from "../insights/notify/index.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { Bucket, frameLimits, messageLimits, slowDown } from "./budget.ts";
import { currentPriority, Engine, Refused, type NewConversation } from "./engine.ts";
import { botAnswers, IllegalTransition } from "./machine.ts";
import { acceptRid } from "../ops/log.ts";
import { TurnMeter } from "../ops/turns.ts";
import { ConversationErased, Store, type Meta, type Sql } from "./store.ts";
import { SubjectIndex } from "../privacy/subjects.ts";
import { recordTurn } from "../knowledge/signals.ts";
import { categories, readCursor, rowsFor, saveCursor, writeRows } from "../insights/analytics/record.ts";

/** RPC results: an illegal move is an answer for the caller, not an exception inside the object. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; message: string };

function outcome<T>(work: () => T): Outcome<T> {
  try {
    return { ok: true, value: work() };
  } catch (e) {
    return refusal(e);
  }
}

async function outcomeOf<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return refusal(e);
  }
}

/** Who a socket belongs to, and the request id it was opened with (its messages' ids derive from it). */
type Attachment =
  | { role: "customer"; rid?: string }
  | { role: "agent"; id: string; name: string; sessionId?: string; rid?: string };
/** A customer message taken (`seq`) or refused for now (the conversation's budget: worker/conversation/budget.ts). */
export type Sent = { ok: true; seq: number; duplicate: boolean } | { ok: false; retryAfterMs: number };

/** The HTTP answer to a refused message: 429 in the API's error shape, with Retry-After in seconds. */
function tooMany(retryAfterMs: number): Response {
  const { code, message } = slowDown(retryAfterMs);
  return Response.json(
    { error: code, message, retryAfterMs },
    { status: 429, headers: { "retry-after": String(Math.ceil(retryAfterMs / 1000)) } },
  );
}

/** A refusal the caller answers with (409 and its code); anything else is a bug and propagates. */
function refusal(e: unknown): { ok: false; error: string; message: string } {
  if (e instanceof IllegalTransition) return { ok: false, error: "illegal_transition", message: e.message };
  if (e instanceof Refused) return { ok: false, error: e.code, message: e.message };
  throw e;
}

type Agent = { id: string; name: string };

/** A bot turn cut short by erasure (worker/privacy/) is not an error: the conversation is gone. */
const quietIfErased = (e: unknown): void => {
  if (!(e instanceof ConversationErased)) throw e;
};

const encoder = new TextEncoder();
const autoResolveMs = (env: Env): number => Number(env.AUTO_RESOLVE_MS ?? 1_800_000) || 0;
const sseFrame = (f: ServerFrame) => encoder.encode(`data: ${JSON.stringify(f)}\n\n`);

export class ConversationDO extends DurableObject<Env> {
  private readonly store: Store;
  private readonly engine: Engine;
  private readonly streams = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private readonly email: EmailSide;
  private readonly followUp: FollowUp;
  /** What the customer side may spend (worker/conversation/budget.ts): stored messages, and socket frames. */
  private readonly messageBudget: Bucket;
  private readonly frameBudget: Bucket;
  private lastFloodNotice = 0;
  /** Machine translation for customers in another language than the agents' (null without AI). */
  private readonly translate: Translate | null;
  /** The analytics write in flight, and whether events arrived while it ran (worker/insights/analytics/record.ts). */
  private analyticsRun: Promise<void> | null = null;
  private analyticsAgain = false;
  /** Side effects in flight that write outside the object (D1, other objects): erasure waits for them. */
  private readonly sideEffects = new Set<Promise<unknown>>();
  private readonly subjects: SubjectIndex;
  /** Bot turns measured for the operator (first token, decisions), logged with their request ids. */
  private readonly turns: TurnMeter;
  /** The request id of the customer message being stored right now (see postCustomer). */
  private incomingRid: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.messageBudget = new Bucket(messageLimits(env), Date.now());
    this.frameBudget = new Bucket(frameLimits(env), Date.now());
    const sql: Sql = (query, ...params) => ctx.storage.sql.exec(query, ...params).toArray() as never;
    this.store = new Store(sql);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.subjects = new SubjectIndex(ctx.storage.sql, env.DB, (p) => this.track(p));
    this.turns = new TurnMeter(
      env,
      (p) => this.ctx.waitUntil(p),
      () => {
        const m = this.store.meta();
        return m ? { conversation: m.id, workspaceId: m.workspaceId, channel: m.channel } : null;
      },
    );
    const summarizer = handoffSummarizer(env);
    this.translate = translator(env);
    this.engine = new Engine(
      this.store,
      makeBrain(
        env,
        () => this.store.meta(),
        (p) => this.ctx.waitUntil(p),
      ),
      {
        broadcast: (f) => this.broadcast(f),
        publish: (item, ws) => this.publish(item, ws),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: () => Date.now(),
        pick: (workspaceId, conversationId, team) =>
          env.INBOX.get(env.INBOX.idFromName(workspaceId)).pick(conversationId, team),
        recordTurn: (t) => {
          this.turns.turn(t);
          this.track(recordTurn(env.DB, this.store.meta(), t));
        },
        ...(summarizer ? { summarize: summarizer.summarize } : {}),
        defer: (p) => this.track(p),
      },
      {
        streamDelayMs: Number(env.STREAM_DELAY_MS ?? 12),
        wordsPerChunk: 1,
        routing: loadMatrix(env),
        ...(summarizer ? { summaryWaitMs: summarizer.settings.waitMs } : {}),
        ...(env.AGENT_LOCALE ? { agentLocale: env.AGENT_LOCALE } : {}),
      },
      () => nanoid(12),
    );
    // A fresh instance that finds unanswered questions replaces one that died mid-turn: answer them
    // from an alarm (retried by the runtime if it fails) rather than leave the customer waiting.
    void ctx.blockConcurrencyWhile(async () => {
      // Now, even if the idle-close alarm is set for later: the customer is waiting for this answer.
      if (this.engine.hasPending()) await ctx.storage.setAlarm(Date.now());
    });
    this.email = new EmailSide(
      env,
      this.store,
      this.engine,
      (f) => this.broadcast(f),
      (p) => this.track(p),
    );
    this.followUp = new FollowUp(env, this.store, this.engine, {
      broadcast: (f) => this.broadcast(f),
      waitUntil: (p) => this.track(p),
      customerConnected: () => this.ctx.getWebSockets("customer").length > 0 || this.streams.size > 0,
    });
  }

  // ---- RPC, called by the worker after it checked the site, token or agent session --------------

  async init(c: NewConversation): Promise<void> {
    await this.engine.init(c);
  }

  exists(): boolean {
    return this.engine.exists();
  }

  /** Which site (and so workspace) opened this conversation; null before it exists. The public routes' fence. */
  owner(): { siteKey: string; workspaceId: string } | null {
    const m = this.store.meta();
    return m ? { siteKey: m.siteKey, workspaceId: m.workspaceId } : null;
  }

  page(after: number): { events: ConversationDetail["events"]; lastSeq: number; state: ConversationDetail["state"] } {
    return {
      events: this.store.events(after, 1000, "customer"),
      lastSeq: this.store.lastSeq("customer"),
      state: this.engine.meta.state,
    };
  }

  detail(): ConversationDetail {
    const m = this.engine.meta;
    const followUp = followUpShown(m);
    return {
      id: m.id,
      state: m.state,
      channel: m.channel,
      events: this.store.events(0),
      lastSeq: this.store.lastSeq(),
      ...(m.handoff ? { handoff: m.handoff } : {}),
      ...(m.labels ? { labels: m.labels } : {}),
      ...(currentPriority(m) ? { priority: currentPriority(m) } : {}),
      ...(m.identity ? { identity: m.identity } : {}),
      ...(m.csat ? { csat: m.csat } : {}),
      ...(m.handoffNeeded ? { handoffNeeded: m.handoffNeeded } : {}),
      ...(m.assignedAgentId ? { assignee: { id: m.assignedAgentId, name: m.assignedAgentName ?? "Agent" } } : {}),
      ...(m.contactId ? { contactId: m.contactId } : {}),
      ...(m.email
        ? {
            email: {
              customer: m.email.customer,
              subject: m.email.subject,
              ...(m.email.verified === false ? { unverified: true as const } : {}),
            },
          }
        : {}),
      ...(followUp ? { followUp } : {}),
    };
  }

  /**
   * The customer's own view for their history in the widget (worker/channels/history/): the list row, and the
   * messages when asked. Null unless `contactId` is this conversation's own contact (a linked
   * colleague is not its owner), before it exists, or while it has nothing to read.
   */
  pastView(
    contactId: string,
    withMessages = false,
  ): { workspaceId: string; siteKey: string; conversation: PastConversation; messages: PastMessage[] } | null {
    const m = this.store.meta();
    if (!m || !contactId || m.contactId !== contactId) return null;
    const v = customerView(m, this.store.events(0, 1000, "customer"));
    return v
      ? {
          workspaceId: m.workspaceId,
          siteKey: m.siteKey,
          conversation: v.conversation,
          messages: withMessages ? v.messages : [],
        }
      : null;
  }

  /** The handoff packet alone (SLA alerts); null when never handed off or not created. */
  packet(): HandoffPacket | null {
    return this.store.meta()?.handoff ?? null;
  }

  receiveEmail(r: EmailArrival): Promise<{ seq: number; duplicate: boolean }> {
    return this.email.receive(r);
  }

  /**
   * A customer message over HTTP; refused with a retry time when the conversation's budget is spent.
   * `rid`: the request id it came with (worker/ops/), which its bot turn and webhooks are logged with.
   */
  postCustomer(clientId: string, text: string, choice?: string, rid?: string): Sent {
    const r = this.customerSend(clientId, text, choice, rid);
    if ("retryAfterMs" in r) return { ok: false, retryAfterMs: r.retryAfterMs };
    return { ok: true, seq: r.seq, duplicate: r.duplicate };
  }

  /**
   * Every customer message on every transport goes through here: a resend is free, a new one costs a
   * token. Once the bot's turn has settled the customer's language, agents get the message in theirs.
   */
  private customerSend(
    clientId: string,
    text: string,
    choice?: string,
    rid?: string | null,
  ): { seq: number; duplicate: boolean; done: Promise<void> } | { retryAfterMs: number } {
    if (!this.store.hasClientId(clientId)) {
      const wait = this.messageBudget.take(Date.now());
      if (wait) return { retryAfterMs: wait };
    }
    this.incomingRid = rid ?? null;
    let sent: ReturnType<Engine["customerMessage"]>;
    try {
      sent = this.engine.customerMessage(clientId, text, choice ? { choice } : {});
    } finally {
      this.incomingRid = null;
    }
    const { seq } = sent;
    const done = (sent.duplicate ? sent.done : sent.done.then(() => this.translateForAgents(seq))).catch(quietIfErased);
    this.ctx.waitUntil(done);
    return { ...sent, done };
  }

  /** The language agents work in. */
  private get agentLocale(): string {
    return (this.env.AGENT_LOCALE ?? "en").slice(0, 2).toLowerCase();
  }

  private async translateForAgents(seq: number): Promise<void> {
    const m = this.store.meta();
    const e = this.store.events(seq - 1, 1).find((x) => x.seq === seq);
    const from = m?.locale.slice(0, 2).toLowerCase();
    if (!this.translate || !m || !from || from === this.agentLocale || e?.type !== "message") return;
    const text = await this.translate.translate(e.text, from, this.agentLocale);
    if (text && text !== e.text) this.engine.translation(e.id, text, from, this.agentLocale);
  }

  /** An agent's reply, sent in the customer's language when it differs from the agents' (the original is kept). */
  private async agentSays(agent: Agent, clientId: string, text: string): Promise<{ seq: number; duplicate: boolean }> {
    const to = this.store.meta()?.locale.slice(0, 2).toLowerCase();
    const translated =
      this.translate && to && to !== this.agentLocale
        ? await this.translate.translate(text, this.agentLocale, to)
        : null;
    return translated && translated !== text
      ? this.engine.agentMessage(agent, clientId, translated, { original: { text, locale: this.agentLocale } })
      : this.engine.agentMessage(agent, clientId, text);
  }

  async requestHandoff(reason?: string): Promise<void> {
    await this.engine.requestHandoff(reason);
  }

  async postAgent(agent: Agent, clientId: string, text: string): Promise<Outcome<{ seq: number; duplicate: boolean }>> {
    try {
      return { ok: true, value: await this.agentSays(agent, clientId, text) };
    } catch (e) {
      return refusal(e);
    }
  }

  /** Surge triage's undo: the message leaves the customer's view everywhere (engine.retract). */
  retract(agent: Agent, messageId: string, reason?: string): Outcome<{ seq: number; duplicate: boolean }> {
    return outcome(() => this.engine.retract(agent, messageId, reason));
  }

  claim(agent: Agent): Outcome<null> {
    return outcome(() => (this.engine.claim(agent), null));
  }

  /** Assign or reassign: to one agent, or to a team (the inbox picks within it). */
  async assign(to: { agent: AgentRef } | { team: string }): Promise<Outcome<AgentRef | null>> {
    try {
      return { ok: true, value: await this.engine.assign(to) };
    } catch (e) {
      if (e instanceof IllegalTransition) return { ok: false, error: "illegal_transition", message: e.message };
      throw e;
    }
  }

  resolve(agent: Agent): Outcome<null> {
    return outcome(() => (this.engine.resolve(agent.name), null));
  }

  postNote(agent: Agent, clientId: string, text: string): { seq: number; duplicate: boolean } {
    return this.engine.note(agent, clientId, text);
  }

  update(agent: Agent, patch: { labels?: string[]; priority?: string }): { changed: boolean } {
    return { changed: this.engine.update(agent, patch) };
  }

  handBack(agent: Agent): Outcome<null> {
    return outcome(() => (this.engine.handBack(agent), null));
  }

  /** Kept in D1 too, where escalation accuracy is computed across conversations. */
  async markNeeded(agent: Agent, needed: boolean): Promise<Outcome<{ needed: boolean }>> {
    const r = outcome(() => this.engine.markNeeded(agent, needed));
    if (!r.ok) return r;
    const m = this.engine.meta;
    const now = Date.now();
    if (r.value.changed) {
      await this.env.DB.prepare(
        `INSERT INTO handoff_marks (conversation_id, workspace_id, needed, reason, agent_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (conversation_id) DO UPDATE SET needed = ?3, reason = ?4, agent_id = ?5, updated_at = ?6`,
      )
        .bind(m.id, m.workspaceId, needed ? 1 : 0, r.value.reason ?? null, agent.id, now)
        .run();
    }
    return { ok: true, value: { needed } };
  }

  async csat(score: number, comment: string | undefined): Promise<Outcome<CsatResult>> {
    const r = outcome(() => this.engine.csat(score, comment));
    if (!r.ok) return r;
    if (!r.value.duplicate) {
      const m = this.engine.meta;
      // ON CONFLICT DO NOTHING: a retry that raced past the object's own check changes nothing.
      await this.env.DB.prepare(
        `INSERT INTO csat (conversation_id, workspace_id, score, comment, agent_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING`,
      )
        .bind(m.id, m.workspaceId, score, comment || null, m.assignedAgentId ?? null, r.value.at)
        .run();
    }
    return { ok: true, value: { duplicate: r.value.duplicate } };
  }

  /** Where agents' replies are emailed while the customer is away from the chat, or the address awaiting its code. */
  followUpInfo(): FollowUpResult | null {
    const m = this.store.meta();
    return m ? followUpShown(m) : null;
  }

  /** A typed address is mailed a code first (worker/channels/email/confirm.ts); a verified identity's is used at once. */
  setFollowUp(email: string): Promise<Outcome<FollowUpResult>> {
    return outcomeOf(() => this.followUp.leave(email));
  }

  confirmFollowUp(code: string): Promise<Outcome<FollowUpResult>> {
    return outcomeOf(() => this.followUp.confirm(code));
  }

  async identify(identity: Identity): Promise<void> {
    this.engine.identify(identity);
    const m = this.store.meta();
    // Only a verified address joins the customer's conversations from other channels (email): an
    // unverified claim could be anyone's address.
    if (m && identity.verified && identity.email && !m.contactId) {
      const contactId = await linkContact(this.env.DB, {
        workspaceId: m.workspaceId,
        email: identity.email,
        // The contact's name is shown across channels: only a signed one (v2) is taken.
        ...(identity.name && isVerifiedField(identity, "name") ? { name: identity.name } : {}),
        conversationId: m.id,
        channel: m.channel,
        now: Date.now(),
      });
      this.store.saveMeta({ ...this.engine.meta, contactId });
    }
  }

  // ---- privacy (worker/privacy/) -------------------------------------------------------------

  /** Everything stored here, for a contact's export; null unless this is a conversation of `workspaceId`. */
  exportData(workspaceId: string): { meta: Meta; events: ConversationEvent[] } | null {
    const m = this.store.meta();
    if (!m || m.workspaceId !== workspaceId) return null;
    const events: ConversationEvent[] = [];
    for (;;) {
      const page = this.store.events(events[events.length - 1]?.seq ?? 0, 1000);
      events.push(...page);
      if (page.length < 1000) return { meta: m, events };
    }
  }

  /**
   * Erasure: waits for the writes already under way (index, analytics, webhooks, mail), closes every
   * socket and stream, and deletes the object's whole storage. What stays is a mark that refuses any
   * later write. Idempotent; refused (erased: false) for another workspace's conversation.
   */
  async erase(workspaceId: string): Promise<{ erased: boolean; events: number }> {
    const m = this.store.meta();
    if (this.store.erasedAt() !== null) return { erased: true, events: 0 };
    if (m && m.workspaceId !== workspaceId) return { erased: false, events: 0 };
    const events = m ? this.store.lastSeq() : 0;
    this.store.refuseWrites(Date.now());
    while (this.sideEffects.size || this.analyticsRun) {
      await Promise.allSettled([...this.sideEffects, this.analyticsRun, this.subjects.drain()]);
    }
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(4404, "conversation erased");
      } catch {
        // already closing
      }
    }
    for (const w of this.streams) void w.close().catch(() => undefined);
    this.streams.clear();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.subjects.forget();
    this.store.markErased(Date.now());
    return { erased: true, events };
  }

  /**
   * Workspace import (worker/workspace/): the record another deployment exported, under the same id.
   * Refused for a conversation of another workspace or an erased one. The log's events are history,
   * not news: no webhook fires for them (no notify cursor yet means "start from here"), and analytics
   * start after them (their rows come with the archive).
   */
  /** Whether importData would take this conversation (asked for every one before an import writes anything). */
  importable(workspaceId: string): "ok" | "erased" | "other_workspace" {
    const m = this.store.meta();
    if (this.store.erasedAt() !== null) return "erased";
    return m && m.workspaceId !== workspaceId ? "other_workspace" : "ok";
  }

  importData(
    workspaceId: string,
    meta: Meta,
    events: ConversationEvent[],
  ): { imported: true } | { imported: false; reason: "erased" | "other_workspace" } {
    // An erased conversation never holds data again, not even from an archive.
    const verdict = this.importable(workspaceId);
    if (verdict !== "ok") return { imported: false, reason: verdict };
    this.store.replaceLog(events);
    // A question the old deployment had not answered yet stays unanswered: no bot reply on import.
    const { pending: _pending, ...rest } = meta;
    this.store.saveMeta({ ...rest, workspaceId });
    readCursor(this.ctx.storage.sql); // makes the cursor's table
    saveCursor(this.ctx.storage.sql, events[events.length - 1]?.seq ?? 0);
    return { imported: true };
  }

  // ---- sockets and streams -------------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    // Never created, or erased (worker/privacy/): nothing to connect to.
    if (!this.engine.exists())
      return Response.json({ error: "not_found", message: "no such conversation" }, { status: 404 });
    const url = new URL(request.url);
    const after = Number(url.searchParams.get("after") ?? 0);
    if (url.pathname === "/ws") {
      const pair = new WebSocketPair();
      const agentId = request.headers.get("x-agent-id");
      const sessionId = request.headers.get("x-session-id");
      const rid = acceptRid(request.headers.get("x-request-id")) ?? undefined;
      const att: Attachment = agentId
        ? {
            role: "agent",
            id: agentId,
            name: request.headers.get("x-agent-name") ?? "Agent",
            ...(sessionId ? { sessionId } : {}),
            ...(rid ? { rid } : {}),
          }
        : { role: "customer", ...(rid ? { rid } : {}) };
      this.ctx.acceptWebSocket(pair[1], [att.role]);
      pair[1].serializeAttachment(att);
      for (const f of this.engine.catchUp(after, att.role)) pair[1].send(JSON.stringify(f));
      // The subprotocol the worker selected (the customer's token came as another one it offered).
      const protocol = request.headers.get("sec-websocket-protocol");
      return new Response(null, {
        status: 101,
        webSocket: pair[0],
        ...(protocol ? { headers: { "sec-websocket-protocol": protocol } } : {}),
      });
    }
    if (url.pathname === "/sse") return this.sse(after, null);
    if (url.pathname === "/send-stream") {
      // One exchange over SSE: ack, then the bot's reply streamed, then the stream ends.
      // Parsed by the route (postMessageSchema) before it reached this object.
      const { clientId, text, choice } = (await request.json()) as { clientId: string; text: string; choice?: string };
      const after = this.store.lastSeq();
      const sent = this.customerSend(clientId, text, choice, acceptRid(request.headers.get("x-request-id")));
      if ("retryAfterMs" in sent) return tooMany(sent.retryAfterMs);
      return this.sse(after, { ...sent, clientId });
    }
    return new Response("not found", { status: 404 });
  }

  private sse(
    after: number,
    exchange: { clientId: string; seq: number; duplicate: boolean; done: Promise<void> } | null,
  ): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    // A client that goes away at once (closes the stream) rejects these writes: that is not an error.
    const write = (f: ServerFrame) => void writer.write(sseFrame(f)).catch(() => this.streams.delete(writer));
    if (exchange) write({ t: "ack", clientId: exchange.clientId, seq: exchange.seq, duplicate: exchange.duplicate });
    // SSE streams are customers' only (agents use the socket).
    for (const f of this.engine.catchUp(after, "customer")) write(f);
    this.streams.add(writer);
    const close = () => {
      this.streams.delete(writer);
      void writer.close().catch(() => undefined);
    };
    if (exchange) void exchange.done.finally(close);
    writer.closed.catch(() => this.streams.delete(writer));
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment;
    if (att.role === "customer") {
      const wait = this.frameBudget.take(Date.now());
      if (wait) {
        // Dropped unread. One notice a second at most: a flood must not be answered frame for frame.
        if (Date.now() - this.lastFloodNotice >= 1000) {
          this.lastFloodNotice = Date.now();
          ws.send(JSON.stringify({ t: "error", ...slowDown(wait) } satisfies ServerFrame));
        }
        return;
      }
    }
    let data: unknown;
    try {
      data = JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message));
    } catch {
      return this.reject(ws, "invalid_frame", "frame is not JSON");
    }
    const parsed = clientFrameSchema.safeParse(data);
    if (!parsed.success)
      return this.reject(
        ws,
        "invalid_frame",
        parsed.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; "),
      );
    const f = parsed.data;
    try {
      if (f.t === "send") {
        let r: { seq: number; duplicate: boolean };
        if (att.role === "agent") r = await this.agentSays(att, f.clientId, f.text);
        else {
          const sent = this.customerSend(f.clientId, f.text, f.choice, `${att.rid ?? "ws"}/${f.clientId}`);
          if ("retryAfterMs" in sent) {
            const refused: ServerFrame = { t: "error", ...slowDown(sent.retryAfterMs), clientId: f.clientId };
            ws.send(JSON.stringify(refused));
            return;
          }
          r = sent;
        }
        ws.send(
          JSON.stringify({ t: "ack", clientId: f.clientId, seq: r.seq, duplicate: r.duplicate } satisfies ServerFrame),
        );
      } else if (f.t === "handoff") {
        if (att.role === "customer") this.ctx.waitUntil(this.engine.requestHandoff(f.reason));
      } else if (f.t === "typing") {
        // Typing goes to the other side only.
        const to = att.role === "agent" ? "customer" : "agent";
        const frame = JSON.stringify({ t: "typing", author: att.role, on: f.on } satisfies ServerFrame);
        for (const s of this.ctx.getWebSockets(to)) s.send(frame);
        // A customer on the SSE fallback sees the agent typing too.
        if (to === "customer")
          for (const w of this.streams)
            void w.write(encoder.encode(`data: ${frame}\n\n`)).catch(() => this.streams.delete(w));
      }
    } catch (e) {
      if (e instanceof IllegalTransition) return this.reject(ws, "illegal_transition", e.message);
      throw e;
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeBack(ws, code);
  }

  /** Closes the agent sockets of ended sessions (worker/people/revoke.ts): they stop reading and writing. */
  closeSessions(ids: string[]): number {
    let n = 0;
    for (const ws of this.ctx.getWebSockets("agent")) {
      const att = ws.deserializeAttachment() as Attachment;
      if (att.role !== "agent" || !att.sessionId || !ids.includes(att.sessionId)) continue;
      try {
        ws.close(4401, "session ended");
      } catch {
        // already closing
      }
      n++;
    }
    return n;
  }

  private reject(ws: WebSocket, code: string, message: string): void {
    ws.send(JSON.stringify({ t: "error", code, message } satisfies ServerFrame));
  }

  /** waitUntil, remembered until it settles (see erase). */
  private track(p: Promise<unknown>): void {
    this.sideEffects.add(p);
    void p.finally(() => this.sideEffects.delete(p)).catch(() => undefined);
    this.ctx.waitUntil(p.catch(quietIfErased));
  }

  private broadcast(f: ServerFrame): void {
    if (f.t === "event" && f.event.type === "message" && f.event.author === "customer") {
      const m = this.store.meta();
      // A message without a request id (email) is known by its conversation and seq, as webhooks know it.
      this.turns.customerMessage(
        this.incomingRid ?? `${m?.id}.${f.event.seq}`,
        f.event.text,
        !!m && botAnswers(m.state),
      );
    }
    this.turns.frame(f);
    // Every stored event is broadcast once, so this is where analytics learn of it, as it happens.
    if (f.t === "event") {
      this.track(this.recordAnalytics());
      this.subjects.sync(this.store.meta());
      this.armAutoResolve();
    }
    this.email.onFrame(f);
    this.followUp.onFrame(f);
    const text = JSON.stringify(f);
    // The one place live frames leave the object: agents-only events go to agent sockets, nowhere else.
    const agentsOnly = f.t === "event" && !forCustomer(f.event);
    for (const ws of agentsOnly ? this.ctx.getWebSockets("agent") : this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket closing as we write: it will resume from its last seq.
      }
    }
    if (agentsOnly) return;
    const bytes = sseFrame(f);
    for (const w of this.streams) void w.write(bytes).catch(() => this.streams.delete(w));
  }

  /** Writes the log's events past the cursor to D1 `analytics_events`; one run at a time, rerun if more came. */
  private recordAnalytics(): Promise<void> {
    if (this.analyticsRun) {
      this.analyticsAgain = true;
      return this.analyticsRun;
    }
    const run = async () => {
      do {
        this.analyticsAgain = false;
        const m = this.store.meta();
        if (!m) return;
        const after = readCursor(this.ctx.storage.sql);
        const events = this.store.events(after, 500);
        const last = events[events.length - 1];
        if (!last) return;
        try {
          const cats = await categories(this.env.DB, m.workspaceId, events);
          await writeRows(
            this.env.DB,
            rowsFor(m, events, (id) => cats.get(id) ?? null),
          );
          saveCursor(this.ctx.storage.sql, last.seq);
        } catch (e) {
          // The cursor stays put: the next event retries these rows. A lost figure never costs the customer.
          console.error(`[edgedesk] analytics for ${m.id} not written yet: ${String(e)}`);
          return;
        }
        if (events.length === 500) this.analyticsAgain = true;
      } while (this.analyticsAgain);
    };
    this.analyticsRun = run().finally(() => {
      this.analyticsRun = null;
    });
    return this.analyticsRun;
  }

  /**
   * A conversation the bot holds that goes quiet is resolved after AUTO_RESOLVE_MS (default 30 min, "0"
   * turns it off), as Chatwoot's auto-resolve does: without it a conversation the bot answered would
   * never count as resolved, since agents never see it.
   */
  private armAutoResolve(): void {
    const ms = autoResolveMs(this.env);
    const m = this.store.meta();
    if (!ms || m?.state !== "bot") return;
    void this.ctx.storage.setAlarm(Date.now() + ms);
  }

  /**
   * One alarm, two jobs: first answer questions a restart left unanswered, then close a bot-held
   * conversation that has gone quiet (which re-arms itself while the customer is still active).
   */
  override async alarm(): Promise<void> {
    if (this.engine.hasPending()) await this.engine.resumePending();
    const ms = autoResolveMs(this.env);
    const m = this.store.meta();
    if (!ms || m?.state !== "bot") return;
    const lastAt = this.store.events(this.store.lastSeq() - 1, 1)[0]?.at ?? 0;
    const quietFor = Date.now() - lastAt;
    if (this.engine.streaming || quietFor < ms) {
      await this.ctx.storage.setAlarm(Date.now() + Math.max(ms - quietFor, 1000));
      return;
    }
    this.engine.resolve("idle");
  }

  private publish(item: InboxItem, workspaceId: string): Promise<void> {
    const p = this.publishNow(item, workspaceId);
    this.sideEffects.add(p);
    void p.finally(() => this.sideEffects.delete(p)).catch(() => undefined);
    return p;
  }

  private async publishNow(item: InboxItem, workspaceId: string): Promise<void> {
    const m = this.store.meta();
    if (!m || this.store.erasedAt() !== null) return;
    // Webhooks and Slack: what is new is taken now; delivery happens off the customer's path.
    this.track(notifyConversation(this.env, this.ctx.storage.sql, this.store, m, item, this.turns.lastRid));
    await this.env.DB.prepare(
      `INSERT INTO conversations (id, workspace_id, site_key, channel, state, locale, page_url, preview, reason, team, priority, assigned_agent_id, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
       ON CONFLICT (id) DO UPDATE SET state = ?5, preview = CASE WHEN ?8 = '' THEN preview ELSE ?8 END, reason = ?9, team = ?10,
         priority = ?11, assigned_agent_id = ?12, updated_at = ?14`,
    )
      .bind(
        m.id,
        workspaceId,
        m.siteKey,
        m.channel,
        item.state,
        m.locale,
        m.pageUrl ?? null,
        item.preview,
        item.reason ?? null,
        item.team ?? null,
        item.priority ?? null,
        m.assignedAgentId ?? null,
        item.createdAt,
        item.updatedAt,
      )
      .run();
    // The inbox holds what people work on: conversations that left the bot.
    if (m.handoff) {
      const inbox = this.env.INBOX.get(this.env.INBOX.idFromName(workspaceId));
      await inbox.upsert(item, workspaceId);
    }
  }
}
