// The bottom of the conversation context: the record one conversation keeps (`Meta`), its states and
// moves, the bot-turn contract, and the small rules read in many places (the customer's messages, the
// VIP rule, the inbox row), each written once. Everything else in the worker that needs to know what a
// conversation is depends on this file, never on the Durable Object.
import type { AgentRef, HandoffPacket, InboxItem, TriedAction, TriedArticle } from "../../shared/api.ts";
import {
  type Action,
  actions,
  type ConversationEvent,
  conversationStates,
  type ConversationState,
  type Identity,
  type MessageEvent,
  type Source,
} from "../../shared/protocol.ts";
import * as z from "zod/mini";
import type { EmailThread } from "../channels/email/compose.ts";

/** The code a typed follow-up address must send back; only its HMAC is kept. */
export type PendingCode = { email: string; hash: string; expiresAt: number; tries: number };

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
  /**
   * Set from the packet's creation until the conversation is queued (the bot is still saying
   * "connecting you"): the inbox shows it only once it is queued, when an agent may join.
   */
  handingOff?: boolean;
  /** Articles the bot tried, newest last, for the handoff packet. */
  tried: { articleId: string; title: string; score: number; category?: string }[];
  labels?: string[];
  /** Set by an agent; overrides the handoff packet's priority. */
  priority?: string;
  identity?: Identity;
  csat?: { score: number; comment?: string; at: number };
  handoffNeeded?: { needed: boolean; by: string; at: number };
  /** The id of the agent who gave that verdict (kept in D1 with it; never shown). */
  handoffNeededBy?: string;
  /** The customer's contact, when their email address is known. */
  contactId?: string;
  /** Email conversations: where replies go and how they thread (worker/channels/email/). */
  email?: EmailThread;
  /**
   * Chat conversations: the address the customer left for replies while they are away from the chat,
   * and the Message-IDs mailed to it so far (worker/channels/email/follow-up.ts).
   */
  followUp?: { email: string; verified: boolean; confirmed?: boolean; references: string[] };
  /** A typed follow-up address waiting for its confirmation code (worker/channels/email/confirm.ts). */
  followUpCode?: PendingCode;
  /** When confirmation mails went out from this conversation (epoch ms): the per-conversation cap. */
  followUpMails?: number[];
  /** The customer's IANA time zone, from their browser (for "9:00 their time"). */
  timeZone?: string;
  /** Put aside by an agent until `until` or the customer's reply (schedule `id`; later.ts). */
  snoozed?: { id: string; until?: number };
  /** Back from a snooze: when and why; cleared when an agent writes again. */
  woke?: { at: number; reason: "time" | "reply" };
  /**
   * Merged into this conversation of the same customer (merge.ts): closed, its history copied there from
   * the line at `mergeSeq`, and the customer's later messages forwarded there.
   */
  mergedInto?: string;
  mergeSeq?: number;
  /** Split off from this conversation (merge.ts). */
  splitFrom?: string;
  /** Opened by an agent's proactive outreach (worker/insights/customers/outreach.ts): in the inbox from the start. */
  outreach?: { id: string; by: string };
  /** Messages split off from here: the new conversation and the agent who moved it, by message id. */
  splits?: Record<string, { to: string; by: Agent }>;
  /** An action's call waiting for the customer (a value, a yes) or an agent's approval (worker/actions/flow.ts). */
  actionWait?: ActionWait;
  /** Actions tried for the customer, newest last (at most 5), for the handoff packet. */
  actionsTried?: TriedAction[];
};

/** One action call in progress in this conversation (docs/actions.md). */
export type ActionWait = {
  callId: string;
  name: string;
  stage: "ask" | "confirm" | "approval";
  /** Values the customer gave so far, by input name. */
  given: Record<string, string>;
  /** The input being asked for (stage "ask"), and whether the customer's last value for it did not fit. */
  asking?: string;
  retried?: boolean;
  /** "bot" (an article named the action, or the LLM chose it) or the agent who ran it. */
  by: string;
  /** The customer's question that started it (the bot's turn record). */
  question: string;
  /** The article that named the action. */
  articleId?: string;
  /** What the customer confirmed (stage confirm, approval): the call runs with exactly these. */
  inputs?: Record<string, string>;
  summary?: string;
  at: number;
};

/**
 * The record as storage gives it back (log.ts): the fields every reader relies on are checked; the
 * optional parts each feature adds (packet, identity, email thread…) are kept as stored, and are
 * written only by this conversation's own code.
 */
export const storedMetaSchema = z.looseObject({
  id: z.string(),
  workspaceId: z.string(),
  siteKey: z.string(),
  channel: z.string(),
  locale: z.string(),
  baseUrl: z.string(),
  createdAt: z.number(),
  state: z.enum(conversationStates),
  lowConfidenceTurns: z.number(),
  failures: z.number(),
  tried: z.array(
    z.object({ articleId: z.string(), title: z.string(), score: z.number(), category: z.optional(z.string()) }),
  ),
});

/** What a channel knows when it opens a conversation; the rest of the record starts at its defaults. */
export type NewConversation = Omit<Meta, "state" | "lowConfidenceTurns" | "failures" | "tried" | "createdAt">;

/** What opening an outreach conversation needs (ConversationDO.openOutreach; worker/insights/customers/outreach.ts). */
export type OutreachOpening = {
  outreachId: string;
  conversation: NewConversation & { contactId: string };
  contactId: string;
  agent: Agent;
  clientId: string;
  text: string;
  note: string;
};

/** An event before storage gives it a seq (Omit distributed over the union). */
export type NewEvent = ConversationEvent extends infer E
  ? E extends ConversationEvent
    ? Omit<E, "seq">
    : never
  : never;

/** Which events a reader may get: a customer never receives agents-only events. */
export type Reader = "customer" | "agent";

export type Agent = { id: string; name: string };

// ---- states and moves ------------------------------------------------------------------------------

// bot → queued → agent → resolved, back to bot on hand-back; a resolved conversation reopens when the
// customer writes again.
const allowed: Record<ConversationState, readonly ConversationState[]> = {
  bot: ["queued", "resolved"],
  queued: ["agent", "bot", "resolved"],
  agent: ["queued", "bot", "resolved"],
  resolved: ["bot", "queued"],
};

export function canMove(from: ConversationState, to: ConversationState): boolean {
  return allowed[from].includes(to);
}

/** Who answers a customer message in each state. */
export const botAnswers = (s: ConversationState): boolean => s === "bot" || s === "resolved";

export class IllegalTransition extends Error {
  constructor(
    readonly from: ConversationState,
    readonly to: ConversationState,
  ) {
    super(`a conversation in state ${from} cannot move to ${to}`);
  }
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

/** Thrown when something tries to store into an erased conversation (worker/privacy/). */
export class ConversationErased extends Error {
  constructor() {
    super("conversation erased");
  }
}

/** RPC results: an illegal move is an answer for the caller, not an exception inside the object. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; message: string };

/** A refusal the caller answers with (409 and its code); anything else is a bug and propagates. */
export function refusal(e: unknown): { ok: false; error: string; message: string } {
  if (e instanceof IllegalTransition) return { ok: false, error: "illegal_transition", message: e.message };
  if (e instanceof Refused) return { ok: false, error: e.code, message: e.message };
  throw e;
}

export async function outcomeOf<T>(work: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return refusal(e);
  }
}

export function outcome<T>(work: () => T): Outcome<T> {
  try {
    return { ok: true, value: work() };
  } catch (e) {
    return refusal(e);
  }
}

// ---- the bot-turn contract (implemented by worker/answer/) -------------------------------------------

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
  /** The customer's language as this message showed it: becomes the conversation's language. */
  locale?: string;
  /** The language `text` is written in, when it differs (a sentence the bot has no table for is English). */
  textLocale?: string;
  /** The answer was machine-translated from an article in this language. */
  translatedFrom?: string;
  /** The question this turn was about, when not the message itself (the answer to "Do you mean …?"). */
  question?: string;
  /** Action "clarify": the options shown, and what the conversation keeps to read the answer. */
  options?: { articleId: string; title: string }[];
  clarify?: Clarify;
  /**
   * The article (or the model) named an action: the bot runs it through its gates (worker/actions/flow.ts)
   * instead of saying `text`, which stays the answer when the action cannot run at all.
   */
  runAction?: string;
  /** Values for the action's customer inputs the model found in the message (checked like typed ones). */
  actionInputs?: Record<string, string>;
};

export type TurnContext = {
  locale: string;
  priorLowConfidence: number;
  priorFailures: number;
  /** The customer's previous messages, oldest first, for context a single message lacks. */
  earlier: string[];
  channel?: string;
  /** The bot's open "Do you mean …?", if its last message asked one. */
  clarify?: Clarify;
  /** The customer's answer to it: an offered article id, or "none". */
  choice?: string;
};

export interface Brain {
  turn(text: string, ctx: TurnContext): Promise<BotTurn>;
}

/** One bot decision or customer handoff, for the content team's gaps and article figures. */
export const turnRecordSchema = z.object({
  question: z.string(),
  action: z.enum(actions),
  reason: z.string(),
  article: z.optional(z.string()),
  confidence: z.number(),
  messageId: z.string(),
});
export type TurnRecord = z.infer<typeof turnRecordSchema>;

// ---- rules read in many places -----------------------------------------------------------------------

/** Only a signed attribute may raise the tier: the widget's claim of VIP status is just text. */
export const isVip = (v: string | number | boolean | undefined): boolean =>
  v === true || v === "true" || v === 1 || v === "yes";

/** Current priority: an agent's choice, else the handoff packet's. */
export const currentPriority = (m: Meta): string | undefined => m.priority ?? m.handoff?.priority;

/**
 * An event copied or moved in from another conversation (a merge, a split): history already told there,
 * not news, for the followers whose effects leave the desk (webhooks, mail, analytics, gaps). A message
 * the customer wrote into a merged conversation afterwards ("forwarded") is news.
 */
export const isHistory = (e: ConversationEvent): boolean =>
  (e.type === "message" || e.type === "note") && e.origin !== undefined && e.origin.kind !== "forwarded";

/** The events of a batch that happened in this conversation (see isHistory). */
export const news = (events: ConversationEvent[]): ConversationEvent[] => events.filter((e) => !isHistory(e));

/** What the customer wrote: their messages with words (a file on its own has none, docs/attachments.md). */
const said = (e: ConversationEvent | undefined): e is MessageEvent =>
  e?.type === "message" && e.author === "customer" && e.text.trim() !== "";

export const customerMessages = (events: ConversationEvent[]): MessageEvent[] => events.filter(said);

export function lastCustomer(events: ConversationEvent[]): MessageEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (said(e)) return e;
  }
  return undefined;
}

/** The files the customer sent, oldest first: the handoff packet lists them (handoff.ts). */
export const customerFiles = (events: ConversationEvent[]) =>
  events.flatMap((e) => (e.type === "message" && e.author === "customer" ? (e.attachments ?? []) : []));

export const lastCustomerText = (events: ConversationEvent[]): string => lastCustomer(events)?.text ?? "";

export function unassigned(m: Meta): Meta {
  const { assignedAgentId: _id, assignedAgentName: _name, ...rest } = m;
  return rest;
}

export const assigned = (a: AgentRef | null): Partial<Meta> =>
  a ? { assignedAgentId: a.id, assignedAgentName: a.name } : {};

export const assigneeOf = (m: Meta): AgentRef | undefined =>
  m.assignedAgentId ? { id: m.assignedAgentId, name: m.assignedAgentName ?? "Agent" } : undefined;

/** The conversation as the console's list and the workspace inbox show it. */
export function inboxItemOf(m: Meta, preview: string, updatedAt: number, lastFrom?: "customer" | "agent"): InboxItem {
  const assignee = assigneeOf(m);
  return {
    id: m.id,
    state: m.state,
    channel: m.channel,
    preview: preview.slice(0, 200),
    createdAt: m.createdAt,
    updatedAt,
    ...(m.handoff ? { reason: m.handoff.reason, team: m.handoff.team } : {}),
    ...(currentPriority(m) ? { priority: currentPriority(m) } : {}),
    ...(m.handoff?.tier ? { tier: m.handoff.tier } : {}),
    ...(m.handoff?.slaDueAt ? { slaDueAt: m.handoff.slaDueAt } : {}),
    ...(m.handoff?.slaNearAt ? { slaNearAt: m.handoff.slaNearAt } : {}),
    ...(m.handoff?.afterHours ? { afterHours: m.handoff.afterHours } : {}),
    ...(m.snoozed ? { snoozed: m.snoozed.until !== undefined ? { until: m.snoozed.until } : {} } : {}),
    ...(m.woke ? { woke: m.woke } : {}),
    ...(assignee ? { assignee } : {}),
    ...(lastFrom ? { lastFrom } : {}),
  };
}
