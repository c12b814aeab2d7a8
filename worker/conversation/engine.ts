// The logic of one conversation: store the customer's message once, let the bot decide, stream its
// answer, hand off with a packet, let agents join and resolve. The Durable Object gives it storage,
// a broadcast to connected clients and a clock; nothing here touches the runtime.
import type { AgentRef, FollowUpResult, HandoffPacket, InboxItem, TriedArticle } from "../../shared/api.ts";
import {
  AGENTS_ONLY,
  type Action,
  type ConversationEvent,
  type ConversationState,
  type Identity,
  isVerifiedField,
  type MessageEvent,
  type ServerFrame,
  type Source,
} from "../../shared/protocol.ts";
import { transcriptForSummary, type SummaryLine } from "../answer/ai/summary.ts";
import { defaultMatrix, route, type Matrix } from "../inbox/routing/matrix.ts";
import { botAnswers, canMove, IllegalTransition } from "./machine.ts";
import { reply, type ReplyKey } from "./replies.ts";
import { summarizeConversation } from "./summary.ts";
import type { Meta, NewEvent, Reader, Store } from "./store.ts";

export type { BotTurn, Brain } from "../answer/turn-types.ts";
import type { BotTurn, Brain } from "../answer/turn-types.ts";

/** Turns that are neither an answer nor a miss: chit-chat and questions the help centre does not cover. */
const NOT_A_FAILURE = new Set(["small-talk", "out-of-scope", "language-not-covered", "clarify"]);

export interface Outside {
  broadcast(frame: ServerFrame): void;
  /** Keep the console's index and the workspace inbox current. */
  publish(item: InboxItem, workspaceId: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Asks the workspace inbox which available agent of `team` takes the conversation (null: nobody). */
  pick(workspaceId: string, conversationId: string, team: string): Promise<AgentRef | null>;
  /** Each bot decision and customer handoff, for the content team's gaps and article figures. */
  recordTurn?(t: TurnRecord): void;
  /** The LLM's handoff summary (null: keep the extractive one). Absent when summaries are extractive. Must not reject. */
  summarize?(lines: SummaryLine[], locale: string): Promise<string | null>;
  /** Keeps work alive after the caller's promise settled (the DO's waitUntil). */
  defer?(p: Promise<unknown>): void;
}

/** A request the conversation's current state refuses (not a bug): answered as 409 with `code`. */
export class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type TurnRecord = {
  question: string;
  action: Action;
  reason: string;
  article?: string;
  confidence: number;
  messageId: string;
};

export type EngineOptions = {
  streamDelayMs: number;
  wordsPerChunk: number;
  routing?: Matrix;
  /** How long a handoff may wait for the LLM summary, from its start, before queueing with the extractive one. */
  summaryWaitMs?: number;
  /** The language agents read the handoff summary in (AGENT_LOCALE; English by default). */
  agentLocale?: string;
};

export type NewConversation = Omit<Meta, "state" | "lowConfidenceTurns" | "failures" | "tried" | "createdAt">;

export class Engine {
  /** The answer being streamed, replayed to clients that (re)connect mid-stream. */
  streaming: { id: string; text: string } | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  /** Pending questions (their `pending` row ids) already queued for the bot by this instance. */
  private readonly queued = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly brain: Brain,
    private readonly out: Outside,
    private readonly opts: EngineOptions,
    private readonly newId: () => string,
  ) {}

  get meta(): Meta {
    const m = this.store.meta();
    if (!m) throw new Error("conversation not initialised");
    return m;
  }

  exists(): boolean {
    return this.store.meta() !== null;
  }

  async init(c: NewConversation): Promise<void> {
    if (this.exists()) return;
    this.store.saveMeta({
      ...c,
      createdAt: this.out.now(),
      state: "bot",
      lowConfidenceTurns: 0,
      failures: 0,
      tried: [],
    });
    await this.publish("");
  }

  /** Frames a client needs to catch up from `after`: missed events, the draft in flight, then ready. */
  catchUp(after: number, reader: Reader = "agent"): ServerFrame[] {
    const frames: ServerFrame[] = this.store.events(after, 1000, reader).map((event) => ({ t: "event", event }));
    if (this.streaming) frames.push({ t: "delta", id: this.streaming.id, offset: 0, text: this.streaming.text });
    frames.push({
      t: "ready",
      lastSeq: this.store.lastSeq(reader),
      state: this.meta.state,
      ...(this.streaming ? { streaming: this.streaming.id } : {}),
    });
    return frames;
  }

  /**
   * Stores a customer message (once per clientId) and, when the bot holds the conversation, queues its
   * reply. `done` settles when that reply is complete, for callers that stream just this exchange.
   */
  customerMessage(
    clientId: string,
    text: string,
    extra: Pick<MessageEvent, "attachments" | "choice"> = {},
  ): { seq: number; duplicate: boolean; done: Promise<void> } {
    const { event, duplicate } = this.store.append(
      { type: "message", id: this.newId(), author: "customer", text, clientId, at: this.out.now(), ...extra },
      clientId,
    );
    if (duplicate) return { seq: event.seq, duplicate, done: Promise.resolve() };
    this.out.broadcast({ t: "event", event });
    const handled = botAnswers(this.meta.state);
    if (!handled) return { seq: event.seq, duplicate, done: this.publish(text).then(() => undefined) };
    const waiting = { id: this.store.addPending(text), text };
    this.queued.add(waiting.id);
    return { seq: event.seq, duplicate, done: this.enqueue(() => this.answerPending(waiting)) };
  }

  /**
   * Questions stored but never answered: the object restarted mid-turn (a deploy, an eviction). A
   * fresh instance calls this once; each is answered as if it had just arrived.
   */
  resumePending(): Promise<void> {
    // Those this instance queued itself are on their way already (an alarm can fire mid-burst).
    const waiting = this.exists() ? this.store.pending().filter((q) => !this.queued.has(q.id)) : [];
    for (const q of waiting) this.queued.add(q.id);
    return Promise.all(waiting.map((q) => this.enqueue(() => this.answerPending(q)))).then(() => undefined);
  }

  hasPending(): boolean {
    return this.exists() && this.store.pending().length > 0;
  }

  private async answerPending(q: { id: number; text: string }): Promise<void> {
    try {
      await this.botTurn(q.text);
    } finally {
      this.store.removePending(q.id);
      this.queued.delete(q.id);
    }
  }

  /** The customer pressed "talk to a person". */
  requestHandoff(reason = "customer-requested"): Promise<void> {
    return this.enqueue(async () => {
      if (this.meta.state === "queued" || this.meta.state === "agent") return;
      const messageId = await this.handoff(reason, undefined);
      this.out.recordTurn?.({
        question: lastCustomerText(this.store.events()),
        action: "handoff",
        reason,
        confidence: 0,
        messageId,
      });
    });
  }

  agentMessage(
    agent: { id: string; name: string },
    clientId: string,
    text: string,
    extra: Pick<MessageEvent, "original"> = {},
  ): { seq: number; duplicate: boolean } {
    const { event, duplicate } = this.store.append(
      {
        type: "message",
        id: this.newId(),
        author: "agent",
        name: agent.name,
        text,
        clientId,
        at: this.out.now(),
        ...extra,
      },
      clientId,
    );
    if (duplicate) return { seq: event.seq, duplicate };
    // An agent who writes has taken the conversation, whether or not they pressed claim.
    if (this.meta.state !== "agent") this.join(agent);
    this.out.broadcast({ t: "event", event });
    void this.publish(text);
    return { seq: event.seq, duplicate };
  }

  claim(agent: { id: string; name: string }): void {
    if (this.meta.state === "agent" && this.meta.assignedAgentId === agent.id) return;
    this.join(agent);
    void this.publish();
  }

  /**
   * Routes the conversation to one agent, or to a team (round robin within it). Someone who already
   * joined hands it over: it goes back to the queue, assigned, until the new agent joins or claims.
   */
  async assign(to: { agent: AgentRef } | { team: string }): Promise<AgentRef | null> {
    const m = this.meta;
    if (m.state !== "queued" && m.state !== "agent") throw new IllegalTransition(m.state, "queued");
    const team = "team" in to ? to.team : (m.handoff?.team ?? "support");
    const agent = "agent" in to ? to.agent : await this.pickSafely(team);
    const now = this.meta;
    if (now.state === "agent" && now.assignedAgentId === agent?.id) return agent;
    this.store.saveMeta({
      ...unassigned(now),
      ...assigned(agent),
      ...(now.handoff ? { handoff: { ...now.handoff, team } } : {}),
    });
    if (now.state === "agent") this.move("queued", "reassigned");
    await this.publish();
    return agent;
  }

  resolve(by: string): void {
    this.move("resolved", by);
    void this.publish();
  }

  /** A private note: stored agents-only, never sent to the customer; it does not claim the conversation. */
  note(agent: { id: string; name: string }, clientId: string, text: string): { seq: number; duplicate: boolean } {
    const { event, duplicate } = this.store.append(
      { type: "note", audience: AGENTS_ONLY, id: this.newId(), name: agent.name, text, clientId, at: this.out.now() },
      // Own namespace: a customer reusing a note's clientId must not collide with it.
      `note:${clientId}`,
    );
    if (!duplicate) this.out.broadcast({ t: "event", event });
    return { seq: event.seq, duplicate };
  }

  /**
   * Takes back an agent's message: a customer-visible retract event, which every client honours by
   * dropping the message, and customer replays leave the message out (store.ts). Whether it may still
   * be taken back (an undo window) is the caller's rule; here only agents' own messages qualify.
   */
  retract(agent: { name: string }, messageId: string, reason?: string): { seq: number; duplicate: boolean } {
    const target = this.store.events().find((e) => e.type === "message" && e.id === messageId);
    if (target?.type !== "message" || target.author !== "agent")
      throw new Refused("not_retractable", "only an agent's message can be taken back");
    const { event, duplicate } = this.store.append(
      { type: "retract", messageId, by: agent.name, at: this.out.now(), ...(reason ? { reason } : {}) },
      `retract:${messageId}`,
    );
    if (!duplicate) {
      this.out.broadcast({ t: "event", event });
      void this.publish();
    }
    return { seq: event.seq, duplicate };
  }

  /** Labels and/or priority; records who changed them. Returns whether anything changed. */
  update(agent: { name: string }, patch: { labels?: string[]; priority?: string }): boolean {
    const m = this.meta;
    const labels = patch.labels && [...new Set(patch.labels)];
    const change = {
      ...(labels && labels.join("\n") !== (m.labels ?? []).join("\n") ? { labels } : {}),
      ...(patch.priority && patch.priority !== currentPriority(m) ? { priority: patch.priority } : {}),
    };
    if (!change.labels && !change.priority) return false;
    this.store.saveMeta({ ...m, ...change });
    this.emit({ type: "change", audience: AGENTS_ONLY, by: agent.name, at: this.out.now(), ...change });
    if (change.priority) void this.publish();
    return true;
  }

  /** Agent → bot: the bot answers the customer's next message again. */
  handBack(agent: { name: string }): void {
    const s = this.meta.state;
    if (s === "bot") return;
    if (s === "resolved") throw new IllegalTransition(s, "bot");
    const { assignedAgentId: _id, assignedAgentName: _name, ...rest } = this.meta;
    // A fresh start for the bot: old failures would send it straight back to a person.
    this.store.saveMeta({ ...rest, failures: 0 });
    this.move("bot", "handed-back", agent.name);
    void this.publish();
  }

  /** A customer message machine-translated for agents: agents-only, shown under the message in the console. */
  translation(messageId: string, text: string, from: string, to: string): void {
    this.emit({
      type: "change",
      audience: AGENTS_ONLY,
      by: "assistant",
      translation: { messageId, text, from, to },
      at: this.out.now(),
    });
  }

  /** The agent's verdict on whether this conversation needed a person (escalation accuracy). */
  markNeeded(agent: { name: string }, needed: boolean): { changed: boolean; reason?: string } {
    const m = this.meta;
    if (!m.handoff) throw new Refused("not_handed_off", "this conversation was never handed off");
    if (m.handoffNeeded?.needed === needed) return { changed: false, reason: m.handoff.reason };
    this.store.saveMeta({ ...m, handoffNeeded: { needed, by: agent.name, at: this.out.now() } });
    this.emit({ type: "change", audience: AGENTS_ONLY, by: agent.name, handoffNeeded: needed, at: this.out.now() });
    return { changed: true, reason: m.handoff.reason };
  }

  /**
   * The customer's rating. One per conversation: the same answer again (a retry) is a no-op, a
   * different one is refused, so a rating cannot be flipped later by whoever holds the token.
   */
  csat(score: number, comment: string | undefined): { duplicate: boolean; at: number } {
    const m = this.meta;
    const text = comment || undefined;
    if (m.csat) {
      if (m.csat.score === score && m.csat.comment === text) return { duplicate: true, at: m.csat.at };
      throw new Refused("already_rated", "this conversation has been rated already");
    }
    if (m.state !== "resolved") throw new Refused("not_resolved", "a conversation is rated after it is resolved");
    const at = this.out.now();
    this.store.saveMeta({ ...m, csat: { score, at, ...(text ? { comment: text } : {}) } });
    this.emit({ type: "csat", score, at, ...(text ? { comment: text } : {}) });
    return { duplicate: false, at };
  }

  /** The widget's identify(): kept on the conversation and in its handoff packet, verified or not. */
  identify(identity: Identity): void {
    const m = this.meta;
    // Every page view calls identify() again; only a different identity is news for the agents.
    const same = (a: Identity | undefined) =>
      JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...identity, at: 0 });
    if (same(m.identity)) return;
    this.store.saveMeta({ ...m, identity, ...(m.handoff ? { handoff: { ...m.handoff, identity } } : {}) });
    this.emit({ type: "change", audience: AGENTS_ONLY, by: "customer", identity, at: this.out.now() });
  }

  /**
   * The address the customer left for replies while they are away from the chat (mailed by
   * worker/channels/email/follow-up.ts). Verified when it is their verified identity's own email, and then
   * confirmed at once; a typed one is confirmed only by the code mailed to it (confirmFollowUp).
   */
  setFollowUp(email: string): FollowUpResult {
    const m = this.meta;
    if (m.email) throw new Refused("email_conversation", "this conversation already continues by email");
    const verified = isVerifiedField(m.identity, "email") && m.identity?.email?.toLowerCase() === email;
    const same = m.followUp?.email === email;
    const confirmed = verified || (same && !!m.followUp?.confirmed);
    if (same && m.followUp?.verified === verified && !!m.followUp?.confirmed === confirmed)
      return { email, verified, confirmed };
    const { followUpCode: _code, ...rest } = m;
    this.store.saveMeta({
      ...(same ? m : rest),
      followUp: { email, verified, confirmed, references: same ? (m.followUp?.references ?? []) : [] },
    });
    this.emit({
      type: "change",
      audience: AGENTS_ONLY,
      by: "customer",
      followUp: { email, verified, confirmed },
      at: this.out.now(),
    });
    return { email, verified, confirmed };
  }

  /** The customer entered the code mailed to their typed address: replies may go there now. */
  confirmFollowUp(): FollowUpResult {
    const { followUpCode: _code, ...m } = this.meta;
    const f = m.followUp;
    if (!f) throw new Refused("no_code", "no email address is waiting for confirmation");
    this.store.saveMeta({ ...m, followUp: { ...f, confirmed: true } });
    this.emit({
      type: "change",
      audience: AGENTS_ONLY,
      by: "customer",
      followUp: { email: f.email, verified: f.verified, confirmed: true },
      at: this.out.now(),
    });
    return { email: f.email, verified: f.verified, confirmed: true };
  }

  private join(agent: { id: string; name: string }): void {
    this.store.saveMeta({ ...this.meta, assignedAgentId: agent.id, assignedAgentName: agent.name });
    this.move("agent", "agent-joined", agent.name);
  }

  private move(to: ConversationState, reason?: string, name?: string): void {
    const from = this.meta.state;
    if (from === to) return;
    if (!canMove(from, to)) throw new IllegalTransition(from, to);
    this.store.saveMeta({ ...this.meta, state: to, ...(to === "bot" ? { lowConfidenceTurns: 0 } : {}) });
    this.emit({
      type: "state",
      state: to,
      at: this.out.now(),
      ...(reason ? { reason } : {}),
      ...(name ? { name } : {}),
    });
  }

  private emit(e: NewEvent): ConversationEvent {
    const { event } = this.store.append(e);
    this.out.broadcast({ t: "event", event });
    return event;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async botTurn(text: string): Promise<void> {
    const m = this.meta;
    if (m.state === "resolved") this.move("bot", "reopened");
    const earlier = this.store
      .events()
      .filter((e): e is MessageEvent => e.type === "message" && e.author === "customer")
      .map((e) => e.text)
      .slice(0, -1);
    // The answer to a "Do you mean …?" is the customer message being answered, if it carries a choice.
    const asked = lastCustomer(this.store.events());
    const choice = m.clarify && asked?.text === text ? asked.choice : undefined;
    const turn = await this.brain.turn(text, {
      locale: m.locale,
      priorLowConfidence: m.lowConfidenceTurns,
      priorFailures: m.failures,
      earlier,
      channel: m.channel,
      ...(m.clarify ? { clarify: m.clarify } : {}),
      ...(choice ? { choice } : {}),
    });
    const tried = mergeTried(this.meta.tried, turn.tried);
    const { clarify: _asked, ...rest } = this.meta;
    this.store.saveMeta({
      ...rest,
      ...(turn.clarify ? { clarify: turn.clarify } : {}),
      tried,
      ...(turn.locale ? { locale: turn.locale } : {}),
      lowConfidenceTurns: turn.lowConfidence ? this.meta.lowConfidenceTurns + 1 : 0,
      failures:
        turn.action === "answer" || NOT_A_FAILURE.has(turn.reason) ? this.meta.failures : this.meta.failures + 1,
    });
    const record = (messageId: string, action: Action = turn.action) =>
      this.out.recordTurn?.({
        question: turn.question ?? text,
        action,
        reason: turn.reason,
        confidence: turn.confidence,
        messageId,
        ...(turn.article ? { article: turn.article.id } : {}),
      });
    // By email a decline would be a dead end ("ask for a person" is not a button there): a person replies.
    if (turn.action === "handoff" || (turn.action === "decline" && m.channel === "email")) {
      record(await this.handoff(turn.reason, turn), "handoff");
      return;
    }
    record(
      await this.say(
        turn.text,
        {
          action: turn.action,
          sources: turn.sources,
          ...(turn.locale ? { locale: turn.locale } : {}),
          ...(turn.options ? { options: turn.options } : {}),
          ...(turn.translatedFrom ? { translatedFrom: turn.translatedFrom } : {}),
        },
        turn.citedSources,
      ),
    );
    await this.publish(text);
  }

  /** Streams text to every client in word chunks, then stores it as one message. */
  private async say(
    text: string | AsyncIterable<string>,
    extra: Pick<MessageEvent, "action" | "sources" | "locale" | "options" | "translatedFrom">,
    citedSources?: () => Source[],
  ): Promise<string> {
    const id = this.newId();
    this.streaming = { id, text: "" };
    try {
      for await (const piece of typeof text === "string" ? chunks(text, this.opts.wordsPerChunk) : text) {
        const offset = this.streaming.text.length;
        this.streaming.text += piece;
        this.out.broadcast({ t: "delta", id, offset, text: piece });
        if (typeof text === "string" && this.opts.streamDelayMs > 0) await this.out.sleep(this.opts.streamDelayMs);
      }
      const sources = citedSources ? citedSources() : extra.sources;
      this.emit({
        type: "message",
        id,
        author: "bot",
        text: this.streaming.text,
        at: this.out.now(),
        ...extra,
        sources,
      });
      return id;
    } finally {
      this.streaming = null;
    }
  }

  /**
   * The packet is stored with the extractive summary at once. The LLM summary (when configured) runs
   * alongside routing and the bot's "connecting you" reply; if it is back within `summaryWaitMs` of
   * the start the conversation is queued with it, otherwise it is queued with the extractive one and
   * the packet is upgraded when the model answers (within its own hard timeout), so a slow model
   * never holds a customer away from a person.
   */
  private async handoff(reason: string, turn: BotTurn | undefined): Promise<string> {
    const started = this.out.now();
    const packet = this.packet(reason, turn);
    // undefined while the model is still writing; null when it gave nothing usable.
    let llm: string | null | undefined;
    const answered = (): string | null | undefined => llm;
    const pending = this.out.summarize
      ?.call(this.out, transcriptForSummary(this.store.events()), this.meta.locale)
      .catch(() => null)
      .then((summary) => (llm = summary));
    const agent = await this.pickSafely(packet.team);
    this.store.saveMeta({ ...unassigned(this.meta), ...assigned(agent), handoff: packet });
    const m = this.meta;
    const id = await this.say(reply(m.locale, handoffKey(reason)), {
      action: "handoff",
      sources: turn?.sources ?? [],
      locale: m.locale,
    });
    if (pending && answered() === undefined) {
      const left = (this.opts.summaryWaitMs ?? 0) - (this.out.now() - started);
      if (left > 0) await Promise.race([pending, this.out.sleep(left)]);
    }
    const early = answered();
    const current = this.meta.handoff ?? packet;
    if (early) this.store.saveMeta({ ...this.meta, handoff: { ...current, summary: early, summarySource: "llm" } });
    this.move("queued", reason);
    await this.publish();
    if (pending && early === undefined)
      this.out.defer?.(pending.then((late) => late && this.upgradeSummary(packet.at, late)));
    return id;
  }

  /** A late LLM summary replaces the extractive one, if the packet it was written for is still current. */
  private upgradeSummary(packetAt: number, summary: string): void {
    const m = this.meta;
    if (!m.handoff || m.handoff.at !== packetAt || m.handoff.summarySource === "llm") return;
    this.store.saveMeta({ ...m, handoff: { ...m.handoff, summary, summarySource: "llm" } });
    // Agents-only, so an open console re-reads the packet; the customer never sees it.
    this.emit({ type: "change", audience: AGENTS_ONLY, by: "assistant", summary, at: this.out.now() });
  }

  private packet(reason: string, turn: BotTurn | undefined): HandoffPacket {
    const m = this.meta;
    const best = turn?.article;
    const top = m.tried[m.tried.length - 1];
    const category = best?.category ?? top?.category;
    const at = this.out.now();
    const routed = route(this.opts.routing ?? defaultMatrix, {
      reason,
      at,
      ...(best ? { article: best } : category ? { article: { category } } : {}),
      // Only signed attributes may raise the tier: an unverified claim of VIP status is just text, and
      // so is one next to a v1 signature, which covers id and email only.
      customer: { vip: isVerifiedField(m.identity, "attributes") && isVip(m.identity?.attributes?.vip) },
    });
    return {
      reason,
      summary: summarizeConversation(this.store.events(), m.locale, this.opts.agentLocale),
      summarySource: "extractive",
      ...(m.pageUrl ? { pageUrl: m.pageUrl } : {}),
      ...(m.pageTitle ? { pageTitle: m.pageTitle } : {}),
      ...(m.contextArticle ? { contextArticle: m.contextArticle } : {}),
      ...(m.userAgent ? { userAgent: m.userAgent } : {}),
      locale: m.locale,
      tried: m.tried.map(({ articleId, title, score }) => ({ articleId, title, score })),
      ...(best ? { article: best.id } : {}),
      ...((best?.category ?? top?.category) ? { category: best?.category ?? top?.category } : {}),
      priority: best?.priority ?? "normal",
      team: routed.team,
      at,
      tier: routed.tier,
      slaDueAt: routed.dueAt,
      ...(m.identity ? { identity: m.identity } : {}),
    };
  }

  private async publish(preview?: string): Promise<void> {
    const m = this.meta;
    const item: InboxItem = {
      id: m.id,
      state: m.state,
      channel: m.channel,
      preview: (preview ?? lastCustomerText(this.store.events())).slice(0, 200),
      createdAt: m.createdAt,
      updatedAt: this.out.now(),
      ...(m.handoff ? { reason: m.handoff.reason, team: m.handoff.team } : {}),
      ...(currentPriority(m) ? { priority: currentPriority(m) } : {}),
      ...(m.handoff?.tier ? { tier: m.handoff.tier } : {}),
      ...(m.handoff?.slaDueAt ? { slaDueAt: m.handoff.slaDueAt } : {}),
      ...(m.assignedAgentId ? { assignee: { id: m.assignedAgentId, name: m.assignedAgentName ?? "Agent" } } : {}),
    };
    await this.out.publish(item, m.workspaceId);
  }

  /** Routing is best effort: an inbox that cannot answer leaves the conversation unassigned, still queued. */
  private async pickSafely(team: string): Promise<AgentRef | null> {
    const m = this.meta;
    try {
      return await this.out.pick(m.workspaceId, m.id, team);
    } catch (e) {
      console.error(`[edgedesk] routing ${m.id} to ${team} failed, left unassigned: ${String(e)}`);
      return null;
    }
  }
}

const isVip = (v: string | number | boolean | undefined): boolean =>
  v === true || v === "true" || v === 1 || v === "yes";

export const currentPriority = (m: Meta): string | undefined => m.priority ?? m.handoff?.priority;

function unassigned(m: Meta): Meta {
  const { assignedAgentId: _id, assignedAgentName: _name, ...rest } = m;
  return rest;
}

const assigned = (a: AgentRef | null): Partial<Meta> => (a ? { assignedAgentId: a.id, assignedAgentName: a.name } : {});

function handoffKey(reason: string): ReplyKey {
  if (reason === "customer-requested" || reason === "asked-for-person") return "handoffRequested";
  if (reason === "article-requires-person") return "handoffArticle";
  return "handoffUnsure";
}

function* chunks(text: string, words: number): Generator<string> {
  // Split after whitespace so every chunk carries its own trailing space and the pieces re-join exactly.
  const parts = text.match(/\S+\s*/g) ?? [text];
  for (let i = 0; i < parts.length; i += words) yield parts.slice(i, i + words).join("");
}

function mergeTried(prev: Meta["tried"], next: TriedArticle[]): Meta["tried"] {
  const byId = new Map(prev.map((t) => [t.articleId, t]));
  for (const t of next) byId.set(t.articleId, { ...t, score: Math.max(t.score, byId.get(t.articleId)?.score ?? 0) });
  return [...byId.values()].sort((a, b) => b.score - a.score).slice(0, 5);
}

function lastCustomer(events: ConversationEvent[]): MessageEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === "message" && e.author === "customer") return e;
  }
  return undefined;
}

function lastCustomerText(events: ConversationEvent[]): string {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === "message" && e.author === "customer") return e.text;
  }
  return "";
}
