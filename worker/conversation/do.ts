// One Durable Object per conversation. It only connects the runtime to the conversation's parts
// (wiring.ts): its RPC methods, its sockets and streams (transport.ts), its one alarm (timers.ts). The
// logic is in lifecycle.ts and bot.ts; what follows elsewhere is the outbox's (outbox.ts, followers.ts).
import { DurableObject } from "cloudflare:workers";
import { nanoid } from "nanoid";
import {
  type AgentRef,
  type ConversationDetail,
  type CsatResult,
  type FollowUpResult,
  type HandoffPacket,
  type Mentioned,
  postMessageSchema,
} from "../../shared/api.ts";
import {
  type AttachmentRef,
  type ConversationEvent,
  type Identity,
  isVerifiedField,
  PING,
  PONG,
} from "../../shared/protocol.ts";
import { type EmailArrival, receiveEmail } from "../channels/email/conversation.ts";
import { linkContact } from "../channels/email/db.ts";
import { type FollowUp, followUpShown } from "../channels/email/follow-up.ts";
import type { Env } from "../env.ts";
import { acceptRid } from "../ops/log.ts";
import { tooMany } from "./budget.ts";
import type { Later } from "./later.ts";
import type { Attached, FileGate, Files, Uploader } from "./files.ts";
import type { Engine, NewConversation } from "./lifecycle.ts";
import type { Store } from "./log.ts";
import type { AgentRun } from "../actions/flow.ts";
import type { Incoming, MergeSplit, MergeTarget, Source, SplitSeed } from "./merge.ts";
import type { Rubric, Scorecard } from "../../shared/quality.ts";
import { scoreNow } from "../quality/job.ts";
import { type Agent, type Meta, type Outcome, type OutreachOpening, outcome, outcomeOf, Refused } from "./model.ts";
import { eraseAll, exportData, type ImportResult, importable, importData, type MoveParts } from "./moves.ts";
import type { Outbox } from "./outbox.ts";
import type { Sends } from "./sends.ts";
import type { Timers } from "./timers.ts";
import type { Transport } from "./transport.ts";
import { detailOf, type PastView, pastViewOf } from "./view.ts";
import { wire } from "./wiring.ts";

export type { Outcome } from "./model.ts";

/** A customer message taken (`seq`) or refused for now (the conversation's budget: budget.ts). */
export type Sent = { ok: true; seq: number; duplicate: boolean } | { ok: false; retryAfterMs: number };

export class ConversationDO extends DurableObject<Env> {
  private readonly store: Store;
  private readonly engine: Engine;
  private readonly outbox: Outbox;
  private readonly transport: Transport;
  private readonly sends: Sends;
  private readonly followUp: FollowUp;
  private readonly timers: Timers;
  private readonly later: Later;
  private readonly moves: MoveParts;
  private readonly merges: MergeSplit;
  private readonly files: Files;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    const p = wire(ctx, env);
    ({ store: this.store, engine: this.engine, outbox: this.outbox, transport: this.transport } = p);
    ({ sends: this.sends, followUp: this.followUp, timers: this.timers, later: this.later, merges: this.merges } = p);
    this.files = p.files;
    this.moves = p;
    // A fresh instance that finds unanswered questions or followers behind replaces one that died
    // mid-turn: catch up from an alarm (retried by the runtime if it fails), now.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.engine.hasPending() || this.outbox.pending()) await ctx.storage.setAlarm(Date.now());
      else if (this.engine.exists()) {
        // Something set for later with no alarm standing for it (an object from before schedules, a lost alarm).
        const due = this.later.nextDue();
        const alarm = due === null ? null : await ctx.storage.getAlarm();
        if (due !== null && (alarm === null || alarm > due)) await ctx.storage.setAlarm(Math.max(due, Date.now()));
      }
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
    return detailOf(this.meta(), this.store.events(0), this.store.lastSeq(), this.later.pending());
  }

  /**
   * Scores this conversation now (worker/quality/), with the workspace's current rubric or `rubric`:
   * an owner's re-score. Null while it has never ended (an open conversation has no verdict yet).
   */
  async rescoreQuality(rubric?: Rubric): Promise<Scorecard[] | null> {
    const m = this.store.meta();
    const history = this.store.all();
    if (!m || !history.some((e) => e.type === "state" && e.state === "resolved")) return null;
    return scoreNow(this.env, m, history, rubric);
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
    return receiveEmail(this.engine, r, (p) => this.ctx.waitUntil(p));
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

  // ---- actions (worker/actions/flow.ts): an agent's run and decisions; answered once logged in D1 ----

  /** What an action's inputs read from this conversation (worker/actions/inputs.ts); null before it exists. */
  actionContext(): { identity?: Identity; locale: string; page?: string; conversationId: string } | null {
    const m = this.store.meta();
    if (!m) return null;
    return {
      ...(m.identity ? { identity: m.identity } : {}),
      locale: m.locale,
      ...(m.pageUrl ? { page: m.pageUrl } : {}),
      conversationId: m.id,
    };
  }

  async runAction(agent: Agent, name: string, given: Record<string, string>): Promise<Outcome<AgentRun>> {
    const r = await outcomeOf(() => this.engine.bot.runAction(agent, name, given));
    await this.outbox.flush();
    return r;
  }

  async decideAction(agent: Agent, callId: string, approve: boolean, reason?: string): Promise<Outcome<AgentRun>> {
    const r = await outcomeOf(() => this.engine.bot.decideAction(agent, callId, approve, reason));
    await this.outbox.flush();
    return r;
  }

  /**
   * A conversation an agent opens towards a contact (proactive outreach, worker/insights/customers/outreach.ts):
   * created with the contact, an agents-only note saying how it came about, then the agent's message, which
   * joins them. Idempotent per `clientId`; answers once the index and followers (the email) have run.
   */
  async openOutreach(o: OutreachOpening): Promise<Outcome<{ seq: number; duplicate: boolean }>> {
    const r = outcome(() => {
      if (!this.engine.exists()) {
        // Born with the agent holding it (as a split is): never the bot's, never queued.
        this.outbox.begin();
        this.store.saveMeta({
          ...o.conversation,
          createdAt: Date.now(),
          state: "agent",
          assignedAgentId: o.agent.id,
          assignedAgentName: o.agent.name,
          outreach: { id: o.outreachId, by: o.agent.name },
          lowConfidenceTurns: 0,
          failures: 0,
          tried: [],
        });
        this.engine.emit(
          { type: "state", state: "agent", reason: "outreach", name: o.agent.name, at: Date.now() },
          `${o.clientId}:state`,
        );
      }
      if (this.meta().workspaceId !== o.conversation.workspaceId || this.meta().contactId !== o.contactId)
        throw new Refused("conflict", "this conversation exists for someone else");
      this.engine.note(o.agent, `${o.clientId}:note`, o.note);
      return this.engine.agentMessage(o.agent, o.clientId, o.text);
    });
    await this.outbox.flush();
    return r;
  }

  postAgent(agent: Agent, clientId: string, text: string): Promise<Outcome<{ seq: number; duplicate: boolean }>> {
    return outcomeOf(() => this.sends.agent(agent, clientId, text));
  }

  // ---- files (files.ts; the bytes and their checks: worker/attachments/) ----------------------------

  /** Before an upload's body is read: a retry's answer, or whether this uploader may spend a file now. */
  fileGate(u: Uploader, clientId: string): FileGate {
    return this.files.gate(u, clientId, Date.now());
  }

  /** The checked, stored file as a message of its own (empty text), once per client id. */
  attachFile(u: Uploader, clientId: string, ref: AttachmentRef): Outcome<Attached> {
    return outcome(() => this.files.attach(u, clientId, ref));
  }

  /** A file a message here lists, if `reader` may see that message. */
  findFile(fileId: string, reader: "customer" | "agent"): AttachmentRef | null {
    return this.files.find(fileId, reader);
  }

  // ---- later: snooze, scheduled replies, reminders (later.ts) ---------------------------------------

  /** Out of the active inbox until `until`, or (absent) until the customer replies. */
  snooze(agent: Agent, until?: number): Outcome<{ id: string; dueAt?: number }> {
    return outcome(() => this.later.snooze(agent, until));
  }

  unsnooze(agent: Agent): Outcome<null> {
    return outcome(() => (this.later.unsnooze(agent), null));
  }

  scheduleReply(agent: Agent, clientId: string, text: string, at: number): Outcome<{ id: string; dueAt: number }> {
    return outcome(() => this.later.scheduleReply(agent, clientId, text, at));
  }

  remind(agent: Agent, clientId: string, at: number, note?: string): Outcome<{ id: string; dueAt: number }> {
    return outcome(() => this.later.remind(agent, clientId, at, note));
  }

  cancelSchedule(agent: Agent, id: string): Outcome<null> {
    return outcome(() => (this.later.cancel(agent, id), null));
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

  postNote(agent: Agent, clientId: string, text: string, mentions?: Mentioned[]): { seq: number; duplicate: boolean } {
    return this.engine.note(agent, clientId, text, mentions);
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

  // ---- merge and split (merge.ts) -------------------------------------------------------------------

  /** What a merge into this conversation needs to know; null before it exists or once erased. */
  mergeTarget(): MergeTarget | null {
    return this.merges.target();
  }

  /** Closes this conversation into `kept`; answers once its history is there too (the merge follower). */
  async mergeInto(kept: MergeTarget, agent: Agent): Promise<Outcome<{ duplicate: boolean }>> {
    const r = outcome(() => this.merges.mergeInto(kept, agent));
    if (r.ok) await this.outbox.flush();
    return r;
  }

  /** Events of a conversation merged into this one (its merge follower calls). */
  absorb(from: Source, items: Incoming[], opening: boolean): Outcome<{ stored: number }> {
    return outcome(() => this.merges.absorb(from, items, opening));
  }

  /** Moves a message into a new conversation; answers once that conversation is open (the merge follower). */
  async split(agent: Agent, messageId: string): Promise<Outcome<{ conversationId: string; duplicate: boolean }>> {
    const r = outcome(() => this.merges.split(agent, messageId, () => nanoid(21)));
    if (r.ok) await this.outbox.flush();
    return r;
  }

  /** Opens this conversation from a split (the source's merge follower calls). */
  openSplit(seed: SplitSeed): Outcome<null> {
    return outcome(() => (this.merges.openSplit(seed, () => this.outbox.begin()), null));
  }

  /** Where this conversation went, when it was merged into another. */
  successor(): string | null {
    return this.merges.successor();
  }

  // ---- privacy (worker/privacy/) and workspace moves (worker/workspace/) ---------------------------

  /** Everything stored here, for a contact's export; null unless this is a conversation of `workspaceId`. */
  exportData(workspaceId: string): { meta: Meta; events: ConversationEvent[] } | null {
    return exportData(this.store, workspaceId);
  }

  /** Erasure (worker/privacy/): everything stored here goes; a mark refuses any later write (moves.ts). */
  erase(workspaceId: string): Promise<{ erased: boolean; events: number }> {
    return eraseAll(this.moves, workspaceId);
  }

  /** Whether importData would take this conversation (asked for every one before an import writes anything). */
  importable(workspaceId: string): "ok" | "erased" | "other_workspace" {
    return importable(this.store, workspaceId);
  }

  /** The record another deployment exported, under the same id (worker/workspace/; moves.ts). */
  importData(workspaceId: string, meta: Meta, events: ConversationEvent[]): ImportResult {
    return importData(this.moves, workspaceId, meta, events);
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
    await this.transport.receive(ws, message, (att, f) => this.sends.frame(att, f, ws));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.transport.closed(ws, code);
  }

  /** Closes the agent sockets of ended sessions (worker/people/revoke.ts). */
  closeSessions(ids: string[]): number {
    return this.transport.closeSessions(ids);
  }

  /** Questions a restart left unanswered, followers behind or due a retry, a quiet conversation to close (timers.ts). */
  override async alarm(): Promise<void> {
    await this.timers.alarm();
  }
}
