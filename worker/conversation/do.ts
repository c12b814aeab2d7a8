// One Durable Object per conversation. It only wires the runtime to the conversation: its SQLite (the
// log, log.ts), its sockets and streams (transport.ts), its one alarm (bot questions a restart left
// unanswered, the outbox's retries, auto-resolve). The logic is in lifecycle.ts and bot.ts; what
// follows elsewhere is the outbox's (outbox.ts, followers.ts).
import { DurableObject } from "cloudflare:workers";
import { nanoid } from "nanoid";
import {
  type AgentRef,
  type ConversationDetail,
  type CsatResult,
  type FollowUpResult,
  type HandoffPacket,
  postMessageSchema,
} from "../../shared/api.ts";
import {
  isVerifiedField,
  PING,
  PONG,
  type ConversationEvent,
  type Identity,
  type ServerFrame,
} from "../../shared/protocol.ts";
import { handoffSummarizer } from "../answer/ai/summary.ts";
import { translator } from "../answer/ai/translate.ts";
import { makeBrain } from "../answer/brain.ts";
import { type EmailArrival, receiveEmail } from "../channels/email/conversation.ts";
import { linkContact } from "../channels/email/db.ts";
import { FollowUp, followUpShown } from "../channels/email/follow-up.ts";
import type { Env } from "../env.ts";
import { inboxOf } from "../inbox/follower.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { readCursor } from "../insights/analytics/record.ts";
import { acceptRid } from "../ops/log.ts";
import { TurnMeter } from "../ops/turns.ts";
import { SubjectIndex } from "../privacy/subjects.ts";
import { Bucket, frameLimits, messageLimits, slowDown } from "./budget.ts";
import { followersOf } from "./followers.ts";
import { Engine, type NewConversation } from "./lifecycle.ts";
import { type Sql, Store } from "./log.ts";
import { type Agent, botAnswers, type Meta, type Outcome, outcome, outcomeOf, refusal } from "./model.ts";
import { Outbox } from "./outbox.ts";
import { quietIfErased, Sends } from "./sends.ts";
import { Transport } from "./transport.ts";
import { detailOf, type PastView, pastViewOf } from "./view.ts";

export type { Outcome } from "./model.ts";
/** A customer message taken (`seq`) or refused for now (the conversation's budget: budget.ts). */
export type Sent = { ok: true; seq: number; duplicate: boolean } | { ok: false; retryAfterMs: number };

/** The HTTP answer to a refused message: 429 in the API's error shape, with Retry-After in seconds. */
function tooMany(retryAfterMs: number): Response {
  const { code, message } = slowDown(retryAfterMs);
  const headers = { "retry-after": String(Math.ceil(retryAfterMs / 1000)) };
  return Response.json({ error: code, message, retryAfterMs }, { status: 429, headers });
}

const autoResolveMs = (env: Env): number => Number(env.AUTO_RESOLVE_MS ?? 1_800_000) || 0;
/** After a write, the alarm wakes the object this soon at the latest, should it die before its followers ran. */
const SAFETY_WAKE_MS = 10_000;

export class ConversationDO extends DurableObject<Env> {
  private readonly store: Store;
  private readonly engine: Engine;
  private readonly outbox: Outbox;
  private readonly transport: Transport;
  private readonly sends: Sends;
  private readonly followUp: FollowUp;
  private readonly subjects: SubjectIndex;
  /** Bot turns measured for the operator (first token, decisions), logged with their request ids. */
  private readonly turns: TurnMeter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql: Sql = (query, ...params) => ctx.storage.sql.exec(query, ...params).toArray() as never;
    this.store = new Store(sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.turns = new TurnMeter(
      env,
      (p) => ctx.waitUntil(p),
      () => {
        const m = this.store.meta();
        return m ? { conversation: m.id, workspaceId: m.workspaceId, channel: m.channel } : null;
      },
    );
    this.transport = new Transport(
      ctx,
      (after, reader) => this.engine.catchUp(after, reader),
      new Bucket(frameLimits(env), Date.now()),
    );
    this.subjects = new SubjectIndex(ctx.storage.sql, env.DB);
    const summarizer = handoffSummarizer(env);
    this.engine = new Engine(
      this.store,
      makeBrain(
        env,
        () => this.store.meta(),
        (p) => ctx.waitUntil(p),
      ),
      {
        broadcast: (f) => this.broadcast(f),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: () => Date.now(),
        measured: (t) => this.turns.turn(t),
        ...(summarizer ? { summarize: summarizer.summarize } : {}),
        defer: (p) => ctx.waitUntil(p.catch(quietIfErased)),
        changed: () => this.changed(),
        settle: () => this.outbox.flush(),
        handover: (item) => inboxOf(env, this.meta().workspaceId).handover(item, this.meta().workspaceId),
        begin: () => this.outbox.begin(),
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
    const ports = {
      meta: () => this.store.meta(),
      saveMeta: (m: Meta) => this.store.saveMeta(m),
      emit: (e: Parameters<Engine["emit"]>[0]) => void this.engine.emit(e),
      lastText: () => this.store.lastText(),
      turn: (id: string) => this.store.turn(id),
      dropTurn: (id: string) => this.store.dropTurn(id),
      customerConnected: () => this.transport.customerConnected(),
      lastRid: () => this.turns.lastRid,
      now: () => Date.now(),
    };
    this.outbox = new Outbox(
      ctx.storage.sql,
      this.store,
      followersOf(env, ports, this.subjects),
      (at) => this.wake(at),
      Date.now,
      (name) => legacyCursor(ctx.storage.sql, name),
    );
    const agentLocale = (env.AGENT_LOCALE ?? "en").slice(0, 2).toLowerCase();
    this.sends = new Sends(
      this.store,
      this.engine,
      new Bucket(messageLimits(env), Date.now()),
      translator(env),
      agentLocale,
      (p) => ctx.waitUntil(p),
    );
    this.followUp = new FollowUp(env, (m) => this.store.saveMeta(m), this.engine);
    // A fresh instance that finds unanswered questions or followers behind replaces one that died
    // mid-turn: catch up from an alarm (retried by the runtime if it fails), now.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.engine.hasPending() || this.outbox.pending()) await ctx.storage.setAlarm(Date.now());
    });
  }

  private meta(): Meta {
    return this.engine.meta;
  }

  // ---- RPC, called by the worker after it checked the site, token or agent session --------------

  init(c: NewConversation): Promise<void> {
    return this.engine.init(c);
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
      state: this.meta().state,
    };
  }

  detail(): ConversationDetail {
    return detailOf(this.meta(), this.store.events(0), this.store.lastSeq());
  }

  /** The customer's own view for their history in the widget (worker/channels/history/). */
  pastView(contactId: string, withMessages = false): PastView | null {
    return pastViewOf(this.store.meta(), contactId, () => this.store.events(0, 1000, "customer"), withMessages);
  }

  /** The handoff packet alone (SLA alerts); null when never handed off or not created. */
  packet(): HandoffPacket | null {
    return this.store.meta()?.handoff ?? null;
  }

  receiveEmail(r: EmailArrival): Promise<{ seq: number; duplicate: boolean }> {
    return receiveEmail(
      this.engine,
      (m) => this.store.saveMeta(m),
      r,
      (p) => this.ctx.waitUntil(p),
    );
  }

  /** A customer message over HTTP; `rid`: the request id its bot turn and webhooks are logged with. */
  postCustomer(clientId: string, text: string, choice?: string, rid?: string): Sent {
    const r = this.sends.customer(clientId, text, choice, rid);
    return "retryAfterMs" in r
      ? { ok: false, retryAfterMs: r.retryAfterMs }
      : { ok: true, seq: r.seq, duplicate: r.duplicate };
  }

  requestHandoff(reason?: string): Promise<void> {
    return this.engine.requestHandoff(reason);
  }

  postAgent(agent: Agent, clientId: string, text: string): Promise<Outcome<{ seq: number; duplicate: boolean }>> {
    return outcomeOf(() => this.sends.agent(agent, clientId, text));
  }

  /** Surge triage's undo: the message leaves the customer's view everywhere (lifecycle.ts retract). */
  retract(agent: Agent, messageId: string, reason?: string): Outcome<{ seq: number; duplicate: boolean }> {
    return outcome(() => this.engine.retract(agent, messageId, reason));
  }

  claim(agent: Agent): Outcome<null> {
    return outcome(() => (this.engine.claim(agent), null));
  }

  /** Assign or reassign: to one agent, or to a team (the inbox picks within it). */
  assign(to: { agent: AgentRef } | { team: string }): Promise<Outcome<AgentRef | null>> {
    return outcomeOf(() => this.engine.assign(to));
  }

  /** The inbox assigned this waiting conversation (an agent came free, or the assignee is gone). */
  assigned(agent: AgentRef | null): Outcome<null> {
    return outcome(() => (this.engine.assigned(agent), null));
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

  /** Answers once the verdict is in D1 too, where escalation accuracy is computed (followers.ts). */
  async markNeeded(agent: Agent, needed: boolean): Promise<Outcome<{ needed: boolean }>> {
    const r = outcome(() => this.engine.markNeeded(agent, needed));
    if (!r.ok) return r;
    await this.outbox.flush();
    return { ok: true, value: { needed } };
  }

  /** Answers once the rating is in D1 too (followers.ts). */
  async csat(score: number, comment: string | undefined): Promise<Outcome<CsatResult>> {
    const r = outcome(() => this.engine.csat(score, comment));
    if (!r.ok) return r;
    await this.outbox.flush();
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
    // unverified claim could be anyone's address. The contact's name is shown across channels: only a
    // signed one (v2) is taken.
    if (!m || !identity.verified || !identity.email || m.contactId) return;
    const name = identity.name && isVerifiedField(identity, "name") ? { name: identity.name } : {};
    const contactId = await linkContact(this.env.DB, {
      workspaceId: m.workspaceId,
      email: identity.email,
      ...name,
      conversationId: m.id,
      channel: m.channel,
      now: Date.now(),
    });
    this.engine.linkContact(contactId);
  }

  // ---- privacy (worker/privacy/) and workspace moves (worker/workspace/) ---------------------------

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
   * Erasure: stops the outbox and waits for the followers under way (index, analytics, webhooks,
   * mail), closes every socket and stream, and deletes the object's whole storage. What stays is a
   * mark that refuses any later write. Idempotent; refused for another workspace's conversation.
   */
  async erase(workspaceId: string): Promise<{ erased: boolean; events: number }> {
    const m = this.store.meta();
    if (this.store.erasedAt() !== null) return { erased: true, events: 0 };
    if (m && m.workspaceId !== workspaceId) return { erased: false, events: 0 };
    const events = m ? this.store.lastSeq() : 0;
    this.store.refuseWrites(Date.now());
    this.outbox.stop();
    await this.outbox.flush();
    this.transport.closeAll(4404, "conversation erased");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.subjects.forget();
    this.store.markErased(Date.now());
    return { erased: true, events };
  }

  /** Whether importData would take this conversation (asked for every one before an import writes anything). */
  importable(workspaceId: string): "ok" | "erased" | "other_workspace" {
    const m = this.store.meta();
    if (this.store.erasedAt() !== null) return "erased";
    return m && m.workspaceId !== workspaceId ? "other_workspace" : "ok";
  }

  /**
   * The record another deployment exported, under the same id. The log's events are history, not
   * news: every follower starts after them (no webhook or mail for them; their analytics rows and
   * index row come with the archive). A question left unanswered there stays so: no bot reply.
   */
  importData(
    workspaceId: string,
    meta: Meta,
    events: ConversationEvent[],
  ): { imported: true } | { imported: false; reason: "erased" | "other_workspace" } {
    const verdict = this.importable(workspaceId);
    if (verdict !== "ok") return { imported: false, reason: verdict };
    this.store.replaceLog(events);
    const { pending: _pending, ...rest } = meta;
    this.store.saveMeta({ ...rest, workspaceId });
    this.outbox.skipAll();
    return { imported: true };
  }

  // ---- sockets, streams, alarm ---------------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    // Never created, or erased (worker/privacy/): nothing to connect to.
    if (!this.engine.exists())
      return Response.json({ error: "not_found", message: "no such conversation" }, { status: 404 });
    const url = new URL(request.url);
    const after = Number(url.searchParams.get("after") ?? 0);
    if (url.pathname === "/ws") return this.transport.accept(request, after);
    if (url.pathname === "/sse") return this.transport.sse(after, null);
    if (url.pathname === "/send-stream") {
      // One exchange over SSE: ack, then the bot's reply streamed, then the stream ends. The route
      // checked the body already; it is parsed again here, where it crosses into the object.
      const { clientId, text, choice } = postMessageSchema.parse(await request.json());
      const last = this.store.lastSeq();
      const sent = this.sends.customer(clientId, text, choice, acceptRid(request.headers.get("x-request-id")));
      if ("retryAfterMs" in sent) return tooMany(sent.retryAfterMs);
      return this.transport.sse(last, { ...sent, clientId });
    }
    return new Response("not found", { status: 404 });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.transport.receive(ws, message, async (att, f) => {
      try {
        if (f.t === "send") {
          const r =
            att.role === "agent"
              ? await this.sends.agent(att, f.clientId, f.text)
              : this.sends.customer(f.clientId, f.text, f.choice, `${att.rid ?? "ws"}/${f.clientId}`);
          if ("retryAfterMs" in r) {
            ws.send(
              JSON.stringify({ t: "error", ...slowDown(r.retryAfterMs), clientId: f.clientId } satisfies ServerFrame),
            );
            return;
          }
          ws.send(
            JSON.stringify({
              t: "ack",
              clientId: f.clientId,
              seq: r.seq,
              duplicate: r.duplicate,
            } satisfies ServerFrame),
          );
        } else if (f.t === "handoff") {
          if (att.role === "customer") this.ctx.waitUntil(this.engine.requestHandoff(f.reason));
        } else if (f.t === "typing") {
          this.transport.typing(att.role, f.on);
        }
      } catch (e) {
        const r = refusal(e);
        ws.send(JSON.stringify({ t: "error", code: r.error, message: r.message } satisfies ServerFrame));
      }
    });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.transport.closed(ws, code);
  }

  /** Closes the agent sockets of ended sessions (worker/people/revoke.ts). */
  closeSessions(ids: string[]): number {
    return this.transport.closeSessions(ids);
  }

  /**
   * One alarm, three jobs: answer questions a restart left unanswered, run the followers that are
   * behind or due a retry, and close a bot-held conversation that has gone quiet (AUTO_RESOLVE_MS,
   * default 30 min, "0" turns it off, as Chatwoot's auto-resolve: otherwise a conversation the bot
   * answered would never count as resolved, since agents never see it).
   */
  override async alarm(): Promise<void> {
    if (this.engine.hasPending()) await this.engine.resumePending();
    await this.outbox.flush();
    const quiet = this.autoResolveAt();
    if (quiet !== null && quiet <= Date.now() && !this.engine.streaming) this.engine.resolve("idle");
    await this.outbox.flush();
    const next = [this.outbox.nextRetry(), this.autoResolveAt()].filter((t): t is number => t !== null);
    if (next.length) await this.ctx.storage.setAlarm(Math.max(Math.min(...next), Date.now() + 1000));
  }

  /** When a bot-held conversation will have been quiet long enough to resolve, or null. */
  private autoResolveAt(): number | null {
    const ms = autoResolveMs(this.env);
    const m = this.store.meta();
    if (!ms || m?.state !== "bot") return null;
    const lastAt = this.store.events(this.store.lastSeq() - 1, 1)[0]?.at ?? 0;
    return lastAt + ms;
  }

  /** Something was stored: the followers catch up now, and the alarm stands by in case this instance dies first. */
  private changed(): void {
    this.outbox.kick();
    this.wake(Math.min(Date.now() + SAFETY_WAKE_MS, this.autoResolveAt() ?? Number.POSITIVE_INFINITY));
  }

  /** The object's one alarm at `at`, unless it is set earlier already. */
  private wake(at: number): void {
    const set = async () => {
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > at) await this.ctx.storage.setAlarm(at);
    };
    this.ctx.waitUntil(set());
  }

  private broadcast(f: ServerFrame): void {
    if (f.t === "event" && f.event.type === "message" && f.event.author === "customer") {
      const m = this.store.meta();
      // A message without a request id (email) is known by its conversation and seq, as webhooks know it.
      this.turns.customerMessage(
        this.sends?.incomingRid ?? `${m?.id}.${f.event.seq}`,
        f.event.text,
        !!m && botAnswers(m.state),
      );
    }
    this.turns.frame(f);
    if (f.t === "event") this.changed();
    this.transport.broadcast(f);
  }
}

/** Cursors kept per feature before the outbox: an object from then carries on where it was. */
function legacyCursor(sql: SqlStorage, follower: string): number | null {
  const has = (t: string) =>
    sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = ?", t).one().n > 0;
  if (follower === "analytics") return has("analytics_cursor") ? readCursor(sql) : null;
  if (follower === "notify" && has("notify_cursor"))
    return sql.exec<{ seq: number }>("SELECT seq FROM notify_cursor WHERE id = 1").toArray()[0]?.seq ?? null;
  return null;
}
