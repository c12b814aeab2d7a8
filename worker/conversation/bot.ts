// The bot's side of one conversation: questions wait in the log's `pending` table until answered (so a
// restart mid-turn loses none), one turn at a time; the answer streams in word chunks and is stored as
// one message; a handoff stores the packet, asks the inbox for an agent in one call, and says so.
import type { AgentRef } from "../../shared/api.ts";
import {
  AGENTS_ONLY,
  type Action,
  type ConversationEvent,
  type ConversationState,
  type MessageEvent,
  type ServerFrame,
  type Source,
} from "../../shared/protocol.ts";
import { ActionFlow, type AgentRun, type FlowPorts } from "../actions/flow.ts";
import { transcriptForSummary, type SummaryLine } from "../answer/ai/summary.ts";
import type { Desk } from "../hours/desk.ts";
import { underHours } from "../hours/desk.ts";
import { defaultMatrix, type Matrix } from "../inbox/routing/matrix.ts";
import { buildPacket, closedReply, handoffKey } from "./handoff.ts";
import type { Store } from "./log.ts";
import {
  type Agent,
  assigned,
  botAnswers,
  type BotTurn,
  type Brain,
  customerMessages,
  lastCustomer,
  lastCustomerText,
  type Meta,
  type NewEvent,
  type TurnRecord,
  unassigned,
} from "./model.ts";
import { reply } from "./replies.ts";

/** Turns that are neither an answer nor a miss: chit-chat and questions the help centre does not cover. */
const NOT_A_FAILURE = new Set(["small-talk", "out-of-scope", "language-not-covered", "clarify"]);

export type BotOptions = {
  /** Pacing of an extractive answer: ms per word (STREAM_DELAY_MS). */
  streamDelayMs: number;
  /** Words per `delta` frame; the pause after a frame is `streamDelayMs` per word in it. */
  wordsPerChunk: number;
  routing?: Matrix;
  /** How long a handoff may wait for the LLM summary, from its start, before queueing with the extractive one. */
  summaryWaitMs?: number;
  /** The language agents read the handoff summary in (AGENT_LOCALE; English by default). */
  agentLocale?: string;
};

/** What the bot needs of the runtime (the Durable Object gives it). */
export type BotOutside = {
  broadcast(frame: ServerFrame): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** The bot turn measured for the operator (first token, decisions); absent in plain tests. */
  measured?(t: TurnRecord): void;
  /** The LLM's handoff summary (null: keep the extractive one). Absent when summaries are extractive. Must not reject. */
  summarize?(lines: SummaryLine[], locale: string): Promise<string | null>;
  /** Keeps work alive after the caller's promise settled (the DO's waitUntil). */
  defer?(p: Promise<unknown>): void;
  /** The bot stopped thinking: its first word is out (or the turn ended without one). */
  thought?(): void;
  /** The bot has no question left to answer (timers.ts may relax the safety wake). */
  idle?(): void;
  /** The business hours of the desk a handoff to `team` lands on (worker/hours/desk.ts); absent: always open. */
  desk?(team: string): Promise<Desk>;
  /** Definitions and calls of the workspace's actions (worker/actions/); absent: articles naming one are quoted. */
  actions?: FlowPorts;
};

/** What the bot needs of the lifecycle (lifecycle.ts implements it). */
export type BotHost = {
  readonly meta: Meta;
  move(to: ConversationState, reason?: string, name?: string): void;
  emit(e: NewEvent): ConversationEvent;
  /** Hands the conversation to the inbox: the assignee it chose (null: it waits unassigned). */
  handover(team: string): Promise<AgentRef | null>;
  /** Runs the followers now (the console index, the inbox) and waits for them. */
  settle(): Promise<void>;
};

export class Bot {
  /** The answer being streamed, replayed to clients that (re)connect mid-stream. */
  streaming: { id: string; text: string } | null = null;
  /**
   * From a question taken until the first word of its answer: the outbox's followers wait meanwhile
   * (timers.ts), so the customer's first token never queues behind D1 writes and webhooks.
   */
  thinking = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** Pending questions (their `pending` row ids) already queued by this instance. */
  private readonly queued = new Set<number>();
  /** An action's call through its gates (worker/actions/flow.ts), when the deployment has actions wired. */
  private readonly flow: ActionFlow | null;

  constructor(
    private readonly store: Store,
    private readonly host: BotHost,
    private readonly brain: Brain,
    private readonly out: BotOutside,
    private readonly opts: BotOptions,
    private readonly newId: () => string,
  ) {
    this.flow = out.actions
      ? new ActionFlow(
          {
            meta: () => this.host.meta,
            saveMeta: (m) => this.store.saveMeta(m),
            emit: (e) => void this.host.emit(e),
            say: (text, extra, before) => this.say(text, { sources: [], ...extra }, undefined, before),
            record: (t) => this.record(t),
            now: () => this.out.now(),
            newId: this.newId,
          },
          out.actions,
        )
      : null;
  }

  /**
   * Whether a customer message with `choice` answers the action call waiting for them (a form's value,
   * a yes or no): it goes to the bot whoever holds the conversation, since an agent may have run it.
   */
  waitsFor(choice: string | undefined): boolean {
    const w = this.store.meta()?.actionWait;
    if (!w || !choice || w.stage === "approval") return false;
    return ["in", "form", "cancel", "yes", "no"].some((k) => choice === `${k}:${w.callId}`);
  }

  /** An agent runs an action from the console (one at a time with the bot's turns). */
  runAction(agent: Agent, name: string, given: Record<string, string>): Promise<AgentRun> {
    const flow = this.flow;
    if (!flow) return Promise.reject(new Error("actions are not wired"));
    return this.serial(async () => {
      const r = await flow.runByAgent(agent, name, given);
      await this.host.settle();
      return r;
    });
  }

  /** An agent approves or denies a call waiting for approval. */
  decideAction(agent: Agent, callId: string, approve: boolean, reason?: string): Promise<AgentRun> {
    const flow = this.flow;
    if (!flow) return Promise.reject(new Error("actions are not wired"));
    return this.serial(async () => {
      const r = await flow.decide(agent, callId, approve, reason);
      await this.host.settle();
      return r;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    let out: T;
    return this.enqueue(async () => {
      out = await work();
    }).then(() => out);
  }

  /** Queues the bot's answer to a stored customer message; settles when the answer is complete. */
  answer(text: string): Promise<void> {
    const waiting = { id: this.store.addPending(text), text };
    this.queued.add(waiting.id);
    return this.enqueue(() => this.answerPending(waiting));
  }

  /**
   * Questions stored but never answered: the object restarted mid-turn (a deploy, an eviction). A
   * fresh instance calls this once; each is answered as if it had just arrived.
   */
  resumePending(): Promise<void> {
    // Those this instance queued itself are on their way already (an alarm can fire mid-burst).
    const waiting = this.store.meta() ? this.store.pending().filter((q) => !this.queued.has(q.id)) : [];
    for (const q of waiting) this.queued.add(q.id);
    return Promise.all(waiting.map((q) => this.enqueue(() => this.answerPending(q)))).then(() => undefined);
  }

  hasPending(): boolean {
    return this.store.meta() !== null && this.store.pending().length > 0;
  }

  /** A question of this instance's is still being answered (in memory: no query). */
  busy(): boolean {
    return this.thinking || this.streaming !== null || this.queued.size > 0;
  }

  /** The customer asked for a person (a button, a frame, the REST channel). */
  requestHandoff(reason = "customer-requested"): Promise<void> {
    return this.enqueue(async () => {
      const s = this.host.meta.state;
      if (s === "queued" || s === "agent") return;
      const question = lastCustomerText(this.store.events());
      await this.handoff(reason, undefined, (messageId) =>
        this.record({ question, action: "handoff", reason, confidence: 0, messageId }),
      );
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async answerPending(q: { id: number; text: string }): Promise<void> {
    this.thinking = true;
    try {
      // The question leaves `pending` in the same synchronous step that stores its reply: a runtime
      // killed after that (its followers still running) must not answer it again when it comes back.
      await this.turn(q.text, () => this.store.removePending(q.id));
    } finally {
      // A turn that failed before replying: the question is not retried forever.
      this.store.removePending(q.id);
      this.queued.delete(q.id);
      this.doneThinking();
      if (!this.busy()) this.out.idle?.();
    }
  }

  private doneThinking(): void {
    if (!this.thinking) return;
    this.thinking = false;
    this.out.thought?.();
  }

  /** Kept beside the message for the knowledge follower, and measured for the operator. */
  private record(t: TurnRecord): void {
    this.store.saveTurn(t);
    this.out.measured?.(t);
  }

  /** `answered`: called in the step that stores the reply (the handoff's, once the conversation is queued). */
  private async turn(text: string, answered: () => void): Promise<void> {
    const m = this.host.meta;
    if (m.actionWait && this.flow) {
      // The customer's value, yes or no for an action waiting on them (worker/actions/flow.ts).
      const sent = lastCustomer(this.store.events());
      if (await this.flow.reply(text, sent?.text === text ? sent.choice : undefined)) {
        await this.host.settle();
        return;
      }
    }
    // Only an action's reply reaches the bot while a person holds the conversation (lifecycle.ts).
    if (!botAnswers(this.host.meta.state)) return;
    if (m.state === "resolved") this.host.move("bot", "reopened");
    const events = this.store.events();
    const earlier = customerMessages(events)
      .map((e) => e.text)
      .slice(0, -1);
    // The answer to a "Do you mean …?" is the customer message being answered, if it carries a choice.
    const asked = lastCustomer(events);
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
    const now = this.host.meta;
    const { clarify: _asked, ...rest } = now;
    this.store.saveMeta({
      ...rest,
      ...(turn.clarify ? { clarify: turn.clarify } : {}),
      tried: mergeTried(now.tried, turn.tried),
      ...(turn.locale ? { locale: turn.locale } : {}),
      lowConfidenceTurns: turn.lowConfidence ? now.lowConfidenceTurns + 1 : 0,
      failures: turn.action === "answer" || NOT_A_FAILURE.has(turn.reason) ? now.failures : now.failures + 1,
    });
    const record = (messageId: string, action: Action = turn.action) => {
      this.record({
        question: turn.question ?? text,
        action,
        reason: turn.reason,
        confidence: turn.confidence,
        messageId,
        ...(turn.article ? { article: turn.article.id } : {}),
      });
    };
    if (turn.runAction && this.flow && m.channel !== "email") {
      // The article (or the model) names an action: it runs through its gates instead of being quoted.
      await this.flow.start(turn.runAction, {
        question: turn.question ?? text,
        ...(turn.article ? { articleId: turn.article.id } : {}),
        ...(typeof turn.text === "string" && turn.text ? { fallback: { text: turn.text, sources: turn.sources } } : {}),
        ...(turn.actionInputs ? { given: turn.actionInputs } : {}),
      });
      await this.host.settle();
      return;
    }
    // By email a decline would be a dead end ("ask for a person" is not a button there): a person replies.
    if (turn.action === "handoff" || (turn.action === "decline" && m.channel === "email")) {
      await this.handoff(turn.reason, turn, (messageId) => record(messageId, "handoff"), answered);
      return;
    }
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
      (messageId) => {
        record(messageId);
        answered();
      },
    );
    await this.host.settle();
  }

  /**
   * Streams text to every client in word chunks, then stores it as one message. `before` runs just
   * before the message is stored, so whatever it keeps beside the message is there when followers run.
   */
  private async say(
    text: string | AsyncIterable<string>,
    extra: Pick<MessageEvent, "action" | "sources" | "locale" | "options" | "translatedFrom" | "field">,
    citedSources?: () => Source[],
    before?: (id: string) => void,
  ): Promise<string> {
    const id = this.newId();
    this.streaming = { id, text: "" };
    try {
      for await (const piece of typeof text === "string" ? chunks(text, this.opts.wordsPerChunk) : text) {
        const offset = this.streaming.text.length;
        this.streaming.text += piece;
        this.out.broadcast({ t: "delta", id, offset, text: piece });
        this.doneThinking();
        if (typeof text === "string" && this.opts.streamDelayMs > 0)
          await this.out.sleep(this.opts.streamDelayMs * this.opts.wordsPerChunk);
      }
      const sources = citedSources ? citedSources() : extra.sources;
      before?.(id);
      this.host.emit({
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
  private async handoff(
    reason: string,
    turn: BotTurn | undefined,
    before: (messageId: string) => void,
    /** The question handed off is answered once the conversation is queued (see answerPending). */
    answered?: () => void,
  ): Promise<void> {
    const started = this.out.now();
    const routed = buildPacket(this.host.meta, this.store.events(), reason, turn, started, this.opts);
    // undefined while the model is still writing; null when it gave nothing usable.
    let llm: string | null | undefined;
    const pending = this.out.summarize
      ?.call(this.out, transcriptForSummary(this.store.events()), this.host.meta.locale)
      .catch(() => null)
      .then((summary) => (llm = summary));
    // Outside the team's hours the SLA counts open time only and the customer hears when a person is back.
    const desk = await this.deskOf(routed.team);
    const packet = desk.hours ? underHours(routed, desk.hours, this.opts.routing ?? defaultMatrix) : routed;
    this.store.saveMeta({ ...unassigned(this.host.meta), handoff: packet, handingOff: true });
    const agent = await this.host.handover(packet.team);
    this.store.saveMeta({ ...unassigned(this.host.meta), ...assigned(agent) });
    const m = this.host.meta;
    const words = packet.afterHours
      ? closedReply(m.locale, packet.afterHours, desk.offerEmail, this.out.now())
      : reply(m.locale, handoffKey(reason));
    await this.say(words, { action: "handoff", sources: turn?.sources ?? [], locale: m.locale }, undefined, before);
    if (pending && llm === undefined) {
      const left = (this.opts.summaryWaitMs ?? 0) - (this.out.now() - started);
      if (left > 0) await Promise.race([pending, this.out.sleep(left)]);
    }
    const early = llm as string | null | undefined;
    const current = this.host.meta.handoff ?? packet;
    if (early)
      this.store.saveMeta({ ...this.host.meta, handoff: { ...current, summary: early, summarySource: "llm" } });
    this.host.move("queued", reason);
    answered?.();
    await this.host.settle();
    if (pending && early === undefined)
      this.out.defer?.(pending.then((late) => late && this.upgradeSummary(packet.at, late)));
  }

  /** The desk's hours; a lookup that fails is logged and treated as always open, as before hours existed. */
  private async deskOf(team: string): Promise<Desk> {
    if (!this.out.desk) return { hours: null, offerEmail: false };
    try {
      return await this.out.desk(team);
    } catch (e) {
      console.error(`[edgedesk] business hours of team ${team} unreadable, treated as open: ${String(e)}`);
      return { hours: null, offerEmail: false };
    }
  }

  /** A late LLM summary replaces the extractive one, if the packet it was written for is still current. */
  private upgradeSummary(packetAt: number, summary: string): void {
    const m = this.host.meta;
    if (!m.handoff || m.handoff.at !== packetAt || m.handoff.summarySource === "llm") return;
    this.store.saveMeta({ ...m, handoff: { ...m.handoff, summary, summarySource: "llm" } });
    // Agents-only, so an open console re-reads the packet; the customer never sees it.
    this.host.emit({ type: "change", audience: AGENTS_ONLY, by: "assistant", summary, at: this.out.now() });
  }
}

function* chunks(text: string, words: number): Generator<string> {
  // Split after whitespace so every chunk carries its own trailing space and the pieces re-join exactly.
  const parts = text.match(/\S+\s*/g) ?? [text];
  for (let i = 0; i < parts.length; i += words) yield parts.slice(i, i + words).join("");
}

function mergeTried(prev: Meta["tried"], next: BotTurn["tried"]): Meta["tried"] {
  const byId = new Map(prev.map((t) => [t.articleId, t]));
  for (const t of next) byId.set(t.articleId, { ...t, score: Math.max(t.score, byId.get(t.articleId)?.score ?? 0) });
  return [...byId.values()].sort((a, b) => b.score - a.score).slice(0, 5);
}
