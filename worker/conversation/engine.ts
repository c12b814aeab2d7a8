// The logic of one conversation: store the customer's message once, let the bot decide, stream its
// answer, hand off with a packet, let agents join and resolve. The Durable Object gives it storage,
// a broadcast to connected clients and a clock; nothing here touches the runtime.
import type { HandoffPacket, InboxItem, TriedArticle } from "../../shared/api.ts";
import type { Action, ConversationEvent, ConversationState, MessageEvent, ServerFrame, Source } from "../../shared/protocol.ts";
import { botAnswers, canMove, IllegalTransition } from "./machine.ts";
import { reply, type ReplyKey } from "./replies.ts";
import type { Meta, NewEvent, Store } from "./store.ts";

/** What the bot decided for one customer message. `text` streams when it is an async iterable (LLM). */
export type BotTurn = {
  action: Action;
  reason: string;
  confidence: number;
  text: string | AsyncIterable<string>;
  sources: Source[];
  /** When set, the sources the streamed text actually cited, read once it has streamed to the end. */
  citedSources?: () => Source[];
  /** The article the decision rests on (answered, or the one that requires a person). */
  article?: { id: string; title: string; category: string; team: string; priority: string };
  /** Candidates considered, best first, for the handoff packet. */
  tried: TriedArticle[];
  /** The bot was unsure: counts toward "confidence stays low after a rephrase". */
  lowConfidence: boolean;
};

export interface Brain {
  /** `earlier`: the customer's previous messages, oldest first, for context a single message lacks. */
  turn(text: string, ctx: { locale: string; priorLowConfidence: number; priorFailures: number; earlier: string[] }): Promise<BotTurn>;
}

export interface Outside {
  broadcast(frame: ServerFrame): void;
  /** Keep the console's index and the workspace inbox current. */
  publish(item: InboxItem, workspaceId: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export type EngineOptions = { streamDelayMs: number; wordsPerChunk: number };

export type NewConversation = Omit<Meta, "state" | "lowConfidenceTurns" | "failures" | "tried" | "createdAt">;

export class Engine {
  /** The answer being streamed, replayed to clients that (re)connect mid-stream. */
  streaming: { id: string; text: string } | null = null;
  private chain: Promise<unknown> = Promise.resolve();

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
    this.store.saveMeta({ ...c, createdAt: this.out.now(), state: "bot", lowConfidenceTurns: 0, failures: 0, tried: [] });
    await this.publish("");
  }

  /** Frames a client needs to catch up from `after`: missed events, the draft in flight, then ready. */
  catchUp(after: number): ServerFrame[] {
    const frames: ServerFrame[] = this.store.events(after).map((event) => ({ t: "event", event }));
    if (this.streaming) frames.push({ t: "delta", id: this.streaming.id, offset: 0, text: this.streaming.text });
    frames.push({ t: "ready", lastSeq: this.store.lastSeq(), state: this.meta.state });
    return frames;
  }

  /**
   * Stores a customer message (once per clientId) and, when the bot holds the conversation, queues its
   * reply. `done` settles when that reply is complete, for callers that stream just this exchange.
   */
  customerMessage(clientId: string, text: string, extra: Pick<MessageEvent, "attachments"> = {}): { seq: number; duplicate: boolean; done: Promise<void> } {
    const { event, duplicate } = this.store.append(
      { type: "message", id: this.newId(), author: "customer", text, clientId, at: this.out.now(), ...extra },
      clientId,
    );
    if (duplicate) return { seq: event.seq, duplicate, done: Promise.resolve() };
    this.out.broadcast({ t: "event", event });
    const handled = botAnswers(this.meta.state);
    const done = handled ? this.enqueue(() => this.botTurn(text)) : this.publish(text).then(() => undefined);
    return { seq: event.seq, duplicate, done };
  }

  /** The customer pressed "talk to a person". */
  requestHandoff(reason = "customer-requested"): Promise<void> {
    return this.enqueue(async () => {
      if (this.meta.state === "queued" || this.meta.state === "agent") return;
      await this.handoff(reason, undefined);
    });
  }

  agentMessage(agent: { id: string; name: string }, clientId: string, text: string): { seq: number; duplicate: boolean } {
    const { event, duplicate } = this.store.append(
      { type: "message", id: this.newId(), author: "agent", name: agent.name, text, clientId, at: this.out.now() },
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

  resolve(by: string): void {
    this.move("resolved", by);
    void this.publish();
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
    this.emit({ type: "state", state: to, at: this.out.now(), ...(reason ? { reason } : {}), ...(name ? { name } : {}) });
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
    const turn = await this.brain.turn(text, { locale: m.locale, priorLowConfidence: m.lowConfidenceTurns, priorFailures: m.failures, earlier });
    const tried = mergeTried(this.meta.tried, turn.tried);
    this.store.saveMeta({
      ...this.meta,
      tried,
      lowConfidenceTurns: turn.lowConfidence ? this.meta.lowConfidenceTurns + 1 : 0,
      failures: turn.action === "answer" ? this.meta.failures : this.meta.failures + 1,
    });
    // By email a decline would be a dead end ("ask for a person" is not a button there): a person replies.
    if (turn.action === "handoff" || (turn.action === "decline" && m.channel === "email")) {
      await this.handoff(turn.reason, turn);
      return;
    }
    await this.say(turn.text, { action: turn.action, sources: turn.sources }, turn.citedSources);
    await this.publish(text);
  }

  /** Streams text to every client in word chunks, then stores it as one message. */
  private async say(
    text: string | AsyncIterable<string>,
    extra: Pick<MessageEvent, "action" | "sources">,
    citedSources?: () => Source[],
  ): Promise<void> {
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
      this.emit({ type: "message", id, author: "bot", text: this.streaming.text, at: this.out.now(), ...extra, sources });
    } finally {
      this.streaming = null;
    }
  }

  private async handoff(reason: string, turn: BotTurn | undefined): Promise<void> {
    const m = this.meta;
    const packet = this.packet(reason, turn);
    this.store.saveMeta({ ...m, handoff: packet });
    await this.say(reply(m.locale, handoffKey(reason)), { action: "handoff", sources: turn?.sources ?? [] });
    this.move("queued", reason);
    await this.publish();
  }

  private packet(reason: string, turn: BotTurn | undefined): HandoffPacket {
    const m = this.meta;
    const customer = this.store
      .events()
      .filter((e): e is MessageEvent => e.type === "message" && e.author === "customer")
      .map((e) => e.text);
    const best = turn?.article;
    const top = m.tried[m.tried.length - 1];
    return {
      reason,
      summary: summarize(customer),
      ...(m.pageUrl ? { pageUrl: m.pageUrl } : {}),
      ...(m.pageTitle ? { pageTitle: m.pageTitle } : {}),
      ...(m.userAgent ? { userAgent: m.userAgent } : {}),
      locale: m.locale,
      tried: m.tried.map(({ articleId, title, score }) => ({ articleId, title, score })),
      ...(best ? { article: best.id } : {}),
      ...(best?.category ?? top?.category ? { category: best?.category ?? top?.category } : {}),
      priority: best?.priority ?? "normal",
      team: best?.team ?? "support",
      at: this.out.now(),
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
      ...(m.handoff ? { reason: m.handoff.reason, team: m.handoff.team, priority: m.handoff.priority } : {}),
    };
    await this.out.publish(item, m.workspaceId);
  }
}

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

/** Extractive summary: the customer's first question and their latest words, trimmed. */
export function summarize(customer: string[]): string {
  if (!customer.length) return "The customer asked for a person before writing anything.";
  const clip = (s: string) => (s.length > 240 ? s.slice(0, 237) + "…" : s);
  const first = customer[0] as string;
  const last = customer[customer.length - 1] as string;
  const n = customer.length;
  return n === 1 ? `Customer asked: "${clip(first)}"` : `Customer asked: "${clip(first)}"; latest (${n} messages): "${clip(last)}"`;
}

function lastCustomerText(events: ConversationEvent[]): string {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === "message" && e.author === "customer") return e.text;
  }
  return "";
}
