// The lifecycle of one conversation: store the customer's message once and give it to the bot (bot.ts)
// when the bot holds the conversation; let agents join, reply, note, reassign and resolve; keep the
// customer's identity, rating and follow-up address. Every change is stored in the log and the record
// (log.ts) and broadcast; what follows elsewhere (index, inbox, webhooks, mail, analytics) is the
// outbox's (outbox.ts). Nothing here touches the runtime.
import type { AgentRef, FollowUpResult, InboxItem, Mentioned } from "../../shared/api.ts";
import {
  AGENTS_ONLY,
  type ConversationEvent,
  type ConversationState,
  type Identity,
  isVerifiedField,
  type MessageEvent,
  type ServerFrame,
} from "../../shared/protocol.ts";
import { withReference } from "../channels/email/compose.ts";
import { Bot, type BotHost, type BotOptions, type BotOutside } from "./bot.ts";
import type { Later } from "./later.ts";
import type { Reader, Store } from "./log.ts";
import {
  type Agent,
  assigned,
  botAnswers,
  type Brain,
  canMove,
  currentPriority,
  IllegalTransition,
  inboxItemOf,
  lastCustomerText,
  type Meta,
  type NewConversation,
  type NewEvent,
  Refused,
  unassigned,
} from "./model.ts";

export type { BotTurn, Brain, NewConversation, TurnRecord } from "./model.ts";
export { Refused } from "./model.ts";
export { currentPriority } from "./model.ts";

export type Outside = BotOutside & {
  /** The record or the log changed: the outbox's followers catch up, without the caller waiting. */
  changed(): void;
  /** The same, waited for: callers that answer only once the console's index and the inbox are current. */
  settle(): Promise<void>;
  /** Hands the conversation to its workspace's inbox in one call: the agent it assigned, or null. */
  handover(item: InboxItem): Promise<AgentRef | null>;
  /** A new conversation: the outbox's followers start at its beginning. */
  begin(): void;
};

export type EngineOptions = BotOptions;

export class Engine implements BotHost {
  readonly bot: Bot;
  /** Snoozes, scheduled replies and reminders (later.ts); set by wiring.ts once the parts exist. */
  later: Later | null = null;

  constructor(
    private readonly store: Store,
    brain: Brain,
    private readonly out: Outside,
    opts: EngineOptions,
    private readonly newId: () => string,
  ) {
    this.bot = new Bot(store, this, brain, out, opts, newId);
  }

  get meta(): Meta {
    const m = this.store.meta();
    if (!m) throw new Error("conversation not initialised");
    return m;
  }

  /** The answer being streamed, replayed to clients that (re)connect mid-stream. */
  get streaming(): { id: string; text: string } | null {
    return this.bot.streaming;
  }

  exists(): boolean {
    return this.store.meta() !== null;
  }

  async init(c: NewConversation): Promise<void> {
    if (this.exists()) return;
    this.out.begin();
    this.store.saveMeta({
      ...c,
      createdAt: this.out.now(),
      state: "bot",
      lowConfidenceTurns: 0,
      failures: 0,
      tried: [],
    });
    await this.out.settle();
  }

  /** Frames a client needs to catch up from `after`: missed events, the draft in flight, then ready. */
  catchUp(after: number, reader: Reader = "agent"): ServerFrame[] {
    const frames: ServerFrame[] = this.store.events(after, 1000, reader).map((event) => ({ t: "event", event }));
    const streaming = this.bot.streaming;
    if (streaming) frames.push({ t: "delta", id: streaming.id, offset: 0, text: streaming.text });
    frames.push({
      t: "ready",
      lastSeq: this.store.lastSeq(reader),
      state: this.meta.state,
      ...(streaming ? { streaming: streaming.id } : {}),
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
    extra: Pick<MessageEvent, "attachments" | "choice" | "origin"> = {},
  ): { seq: number; duplicate: boolean; done: Promise<void> } {
    const { event, duplicate } = this.store.append(
      { type: "message", id: this.newId(), author: "customer", text, clientId, at: this.out.now(), ...extra },
      clientId,
    );
    if (duplicate) return { seq: event.seq, duplicate, done: Promise.resolve() };
    // A merged conversation stays closed: the message is forwarded to the one it was merged into (merge.ts).
    // A file on its own (empty text, docs/attachments.md) asks the bot nothing: it waits for a person.
    // A reply to an action call waiting on the customer goes to the bot whoever holds the conversation.
    const answers =
      (botAnswers(this.meta.state) || this.bot.waitsFor(extra.choice)) && !this.meta.mergedInto && text.trim() !== "";
    // Thinking from here, before the message's own followers would start (timers.ts holds them).
    if (answers) this.bot.thinking = true;
    this.out.broadcast({ t: "event", event });
    // A snoozed conversation comes back when the customer writes, whatever its time (after the message
    // went out: clients apply events in seq order and would drop one that arrives after a later one).
    this.later?.customerReplied();
    // A file on its own after a resolve reopens the conversation as words would (the bot's turn does
    // that for words), so it is not left unseen in a closed conversation.
    if (!answers && this.meta.state === "resolved" && !this.meta.mergedInto) this.move("bot", "reopened");
    if (!answers) return { seq: event.seq, duplicate, done: this.out.settle() };
    return { seq: event.seq, duplicate, done: this.bot.answer(text) };
  }

  resumePending(): Promise<void> {
    return this.bot.resumePending();
  }

  hasPending(): boolean {
    return this.bot.hasPending();
  }

  /** The bot is answering something right now (bot.ts `busy`). */
  botBusy(): boolean {
    return this.bot.busy();
  }

  /** The customer pressed "talk to a person". */
  requestHandoff(reason = "customer-requested"): Promise<void> {
    return this.bot.requestHandoff(reason);
  }

  agentMessage(
    agent: Agent,
    clientId: string,
    text: string,
    extra: Pick<MessageEvent, "original" | "attachments"> = {},
  ): { seq: number; duplicate: boolean } {
    const into = this.meta.mergedInto;
    if (into && !this.store.hasClientId(clientId))
      throw new Refused("merged", `this conversation was merged into ${into}: reply there`);
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
    // Out first: the join below stores a later event, and clients drop an event below one they applied.
    this.out.broadcast({ t: "event", event });
    // An agent who writes has taken the conversation, whether or not they pressed claim.
    if (this.meta.state !== "agent") this.join(agent);
    this.later?.agentWrote();
    this.out.changed();
    return { seq: event.seq, duplicate };
  }

  claim(agent: Agent): void {
    if (this.meta.state === "agent" && this.meta.assignedAgentId === agent.id) return;
    this.join(agent);
    this.out.changed();
  }

  /**
   * Routes the conversation to one agent, or to a team (the inbox picks within it). Someone who already
   * joined hands it over: it goes back to the queue, assigned, until the new agent joins or claims.
   */
  async assign(to: { agent: AgentRef } | { team: string }): Promise<AgentRef | null> {
    const m = this.meta;
    if (m.state !== "queued" && m.state !== "agent") throw new IllegalTransition(m.state, "queued");
    const team = "team" in to ? to.team : (m.handoff?.team ?? "support");
    const agent = "agent" in to ? to.agent : await this.handover(team);
    const now = this.meta;
    if (now.state === "agent" && now.assignedAgentId === agent?.id) {
      // The inbox holds a handed-over item for it now: the followers put the conversation's own state back.
      this.out.changed();
      return agent;
    }
    this.store.saveMeta({
      ...unassigned(now),
      ...assigned(agent),
      ...(now.handoff ? { handoff: { ...now.handoff, team } } : {}),
    });
    if (now.state === "agent") this.move("queued", "reassigned");
    await this.out.settle();
    return agent;
  }

  /**
   * The inbox gave this conversation to an agent (or took it back to wait unassigned): an agent who
   * came free, or one who has been away too long. Refused once the conversation has left the queue.
   */
  assigned(agent: AgentRef | null): void {
    const m = this.meta;
    if (m.state !== "queued") throw new IllegalTransition(m.state, "queued");
    if ((m.assignedAgentId ?? null) === (agent?.id ?? null)) return;
    this.store.saveMeta({ ...unassigned(m), ...assigned(agent) });
    this.out.changed();
  }

  resolve(by: string): void {
    this.move("resolved", by);
    this.out.changed();
  }

  /** A private note: stored agents-only, never sent to the customer; it does not claim the conversation. */
  note(agent: Agent, clientId: string, text: string, mentions: Mentioned[] = []): { seq: number; duplicate: boolean } {
    const { event, duplicate } = this.store.append(
      {
        type: "note",
        audience: AGENTS_ONLY,
        id: this.newId(),
        name: agent.name,
        agentId: agent.id,
        text,
        clientId,
        ...(mentions.length ? { mentions } : {}),
        at: this.out.now(),
      },
      // Own namespace: a customer reusing a note's clientId must not collide with it.
      `note:${clientId}`,
    );
    if (!duplicate) {
      this.out.broadcast({ t: "event", event });
      this.out.changed();
    }
    return { seq: event.seq, duplicate };
  }

  /**
   * Takes back an agent's message: a customer-visible retract event, which every client honours by
   * dropping the message, and customer replays leave the message out (log.ts). Whether it may still
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
      this.out.changed();
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
    return true;
  }

  /** Agent → bot: the bot answers the customer's next message again. */
  handBack(agent: { name: string }): void {
    const s = this.meta.state;
    if (s === "bot") return;
    if (s === "resolved") throw new IllegalTransition(s, "bot");
    // A fresh start for the bot: old failures would send it straight back to a person.
    this.store.saveMeta({ ...unassigned(this.meta), failures: 0 });
    this.move("bot", "handed-back", agent.name);
    this.out.changed();
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
  markNeeded(agent: Agent, needed: boolean): { changed: boolean } {
    const m = this.meta;
    if (!m.handoff) throw new Refused("not_handed_off", "this conversation was never handed off");
    if (m.handoffNeeded?.needed === needed) return { changed: false };
    this.store.saveMeta({
      ...m,
      handoffNeeded: { needed, by: agent.name, at: this.out.now() },
      handoffNeededBy: agent.id,
    });
    this.emit({ type: "change", audience: AGENTS_ONLY, by: agent.name, handoffNeeded: needed, at: this.out.now() });
    return { changed: true };
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

  /** An email from the customer arrived in this email conversation: the thread and the contact follow it. */
  emailArrived(messageId: string, contactId?: string): void {
    const m = this.meta;
    if (!m.email) return;
    this.store.saveMeta({
      ...m,
      ...(contactId && !m.contactId ? { contactId } : {}),
      email: { ...m.email, lastInbound: messageId, references: withReference(m.email.references, messageId) },
    });
  }

  /** A reply went out by email (worker/channels/email/): later ones thread under it. */
  emailSent(messageId: string): void {
    const m = this.meta;
    if (m.email)
      this.store.saveMeta({ ...m, email: { ...m.email, references: withReference(m.email.references, messageId) } });
  }

  /** An agent's reply was mailed to the follow-up address (worker/channels/email/follow-up.ts). */
  followUpSent(to: { email: string; verified: boolean }, references: string[], messageId: string): void {
    const m = this.meta;
    this.store.saveMeta({
      ...m,
      followUp: {
        email: to.email,
        verified: to.verified,
        confirmed: true,
        references: withReference(references, messageId),
      },
    });
  }

  /** A confirmation code went to a typed follow-up address; only its HMAC is kept. */
  followUpCodeMailed(email: string, hash: string, expiresAt: number, now: number): void {
    const m = this.meta;
    if (m.followUp?.email !== email) return;
    this.store.saveMeta({
      ...m,
      followUpCode: { email, hash, expiresAt, tries: 0 },
      followUpMails: [...(m.followUpMails ?? []).filter((t) => t > now - 86_400_000), now],
    });
  }

  /** A wrong code was typed: one try fewer. Returns the tries made so far. */
  followUpCodeTried(): number {
    const m = this.meta;
    if (!m.followUpCode) return 0;
    const tries = m.followUpCode.tries + 1;
    this.store.saveMeta({ ...m, followUpCode: { ...m.followUpCode, tries } });
    return tries;
  }

  /** The customer's contact (worker/channels/email/db.ts linkContact), once known. */
  linkContact(contactId: string): void {
    if (this.meta.contactId) return;
    this.store.saveMeta({ ...this.meta, contactId });
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

  /** The inbox item as it is now, with the state a handover gives it. Routing is best effort: an inbox
   * that cannot answer leaves the conversation unassigned, still queued. */
  async handover(team: string): Promise<AgentRef | null> {
    const m = this.meta;
    const item = inboxItemOf(
      { ...unassigned(m), state: "queued" },
      lastCustomerText(this.store.events()),
      this.out.now(),
    );
    try {
      return await this.out.handover({ ...item, team });
    } catch (e) {
      console.error(`[edgedesk] routing ${m.id} to ${team} failed, left unassigned: ${String(e)}`);
      return null;
    }
  }

  settle(): Promise<void> {
    return this.out.settle();
  }

  move(to: ConversationState, reason?: string, name?: string): void {
    const from = this.meta.state;
    if (from === to) return;
    if (!canMove(from, to)) throw new IllegalTransition(from, to);
    const { handingOff: _done, ...m } = this.meta;
    this.store.saveMeta({ ...m, state: to, ...(to === "bot" ? { lowConfidenceTurns: 0 } : {}) });
    this.emit({
      type: "state",
      state: to,
      at: this.out.now(),
      ...(reason ? { reason } : {}),
      ...(name ? { name } : {}),
    });
    // Resolved, handed back or passed on: a snooze (and the "back" mark) was that person's.
    if (from === "agent") this.later?.leftAgent();
  }

  /** Stores and broadcasts an event; with a `clientId` already stored, returns that event and changes nothing. */
  emit(e: NewEvent, clientId?: string): ConversationEvent {
    const { event, duplicate } = this.store.append(e, clientId);
    if (duplicate) return event;
    this.out.broadcast({ t: "event", event });
    this.out.changed();
    return event;
  }

  private join(agent: Agent): void {
    this.store.saveMeta({ ...this.meta, assignedAgentId: agent.id, assignedAgentName: agent.name });
    this.move("agent", "agent-joined", agent.name);
  }
}
