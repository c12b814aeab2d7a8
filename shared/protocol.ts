// The wire protocol between a Conversation Durable Object and its clients (the customer's widget and
// the agent console), over WebSocket, SSE or polling alike.
//
// Every stored event carries a sequence number, dense and increasing per conversation. A client keeps
// the highest seq it has applied and reconnects with `after=<seq>`: the server replays what it missed,
// then goes live. A bot answer is streamed as transient `delta` frames that carry the character
// offset of their text within the message, so a client that reconnects mid-answer gets one delta with
// everything so far (offset 0) and applies only the part it has not seen; the final stored `message`
// event with the same id replaces the draft. Nothing is lost and nothing is shown twice.
import * as z from "zod/mini";
import { mentionedSchema } from "./mentions.ts";

export const MAX_MESSAGE_CHARS = 4000;

export const conversationStates = ["bot", "queued", "agent", "resolved"] as const;
export type ConversationState = (typeof conversationStates)[number];

/**
 * What the bot did with a message; "clarify" asked "Do you mean …?" with options to choose from. For an
 * action (docs/actions.md): "ask" asks the customer for a value (`field`), "confirm" shows what a
 * write will do with yes/no `options`, "act" answers with what the action did or found.
 */
export const actions = ["answer", "handoff", "decline", "clarify", "ask", "confirm", "act"] as const;
export type Action = (typeof actions)[number];

export const sourceSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  url: z.string(),
});
export type Source = z.infer<typeof sourceSchema>;

const base = { seq: z.number(), at: z.number() };

/**
 * Where a message or note came from when it was not written in this conversation (docs/search.md,
 * "Merge and split"): "merged" copied from a conversation merged into this one, "forwarded" written
 * there by the customer after that merge, "moved" split off from it. `at` stays the original time.
 */
export const originSchema = z.object({
  kind: z.enum(["merged", "forwarded", "moved"]),
  conversationId: z.string(),
  channel: z.string(),
  /** The message's id in that conversation. */
  messageId: z.string(),
});
export type Origin = z.infer<typeof originSchema>;

/**
 * A system line about another conversation of the same customer: this one went there, or came from
 * there. (Its channel is on the messages' `origin`; the widget's budget counts every field it checks.)
 */
export const linkSchema = z.object({
  kind: z.enum(["merged-into", "merged-from", "split-to", "split-from"]),
  conversationId: z.string(),
});
export type ConversationLink = z.infer<typeof linkSchema>;

/**
 * A file in the conversation (docs/attachments.md): one that came with an email, or one a customer or
 * an agent attached in the chat. Stored in R2. `type`: for files attached in the chat the type sniffed
 * from their bytes (shared/files.ts), for email files what the mail declared (served as a download
 * whatever it says). `url`: the console's address (an agent's session); the widget reads its
 * conversation's files at `/v1/attachments/:conversation/:id` with the conversation token.
 */
export const attachmentRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number(),
  url: z.string(),
});
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

/** Why a value asked of the customer was refused (worker/actions/inputs.ts `checkGiven`): the form says it. */
export const askErrors = ["empty", "long", "number", "email", "pattern"] as const;
export type AskError = (typeof askErrors)[number];

/**
 * The one value a bot message asks of the customer (action "ask"): the widget shows a small form for it
 * (the `widget-form.js` chunk; the composer, labelled `label`, when that did not load) and sends it with
 * choice `form:<id>` (from the form) or `in:<id>` (typed into the composer), or `cancel:<id>` to drop
 * it (`id`: the action's call). `type`, `pattern` and `maxLength` are the action's input definition,
 * for the form's input; the worker checks the value again (worker/actions/inputs.ts) and, when it does
 * not fit, asks again with `error` saying why.
 */
export const askFieldSchema = z.object({
  id: z.string().check(z.maxLength(40)),
  label: z.string().check(z.maxLength(80)),
  type: z.optional(z.enum(["text", "number", "email"])),
  pattern: z.optional(z.string().check(z.maxLength(200))),
  maxLength: z.optional(z.number()),
  error: z.optional(z.enum(askErrors)),
});
export type AskField = z.infer<typeof askFieldSchema>;

export const messageEventSchema = z.object({
  ...base,
  type: z.literal("message"),
  id: z.string(),
  author: z.enum(["customer", "bot", "agent", "system"]),
  text: z.string(),
  clientId: z.optional(z.string()),
  /** Display name of the agent who wrote it. */
  name: z.optional(z.string()),
  /** Articles the bot's answer rests on. */
  sources: z.optional(z.array(sourceSchema)),
  /** What the bot decided for the customer message this answers. */
  action: z.optional(z.enum(actions)),
  /** Files: those of the customer's email, or the one file a chat upload is (its `text` is then empty). */
  attachments: z.optional(z.array(attachmentRefSchema)),
  /** A clarifying question's options (action "clarify"): the customer answers with one's `articleId` as `choice`. */
  options: z.optional(z.array(z.object({ articleId: z.string(), title: z.string() }))),
  /** A customer's answer to a clarifying question: the chosen option's article, or "none". */
  choice: z.optional(z.string().check(z.maxLength(80))),
  /** Bot answers machine-translated from an article in this language (the text says so too). */
  translatedFrom: z.optional(z.string().check(z.maxLength(16))),
  /** Agent replies sent translated: what the agent wrote, in their language. */
  original: z.optional(z.object({ text: z.string(), locale: z.string() })),
  /** Bot messages: the customer's language as the bot understood it (the widget speaks it too). */
  locale: z.optional(z.string().check(z.maxLength(16))),
  /** Written in another conversation of the same customer, and merged or moved here. */
  origin: z.optional(originSchema),
  /** System lines of a merge or split: the other conversation. */
  link: z.optional(linkSchema),
  /** Action "ask": the value asked for; the customer answers with choice `form:<field.id>` or `in:<field.id>` (docs/actions.md). */
  field: z.optional(askFieldSchema),
});

export const stateEventSchema = z.object({
  ...base,
  type: z.literal("state"),
  state: z.enum(conversationStates),
  reason: z.optional(z.string()),
  /** Agent who joined, for state `agent`. */
  name: z.optional(z.string()),
});

/**
 * Who may see an event. Absent: everyone. "agents": the console only; the Durable Object never sends
 * such an event to a customer socket, SSE stream or page, live or in a replay.
 */
export const AGENTS_ONLY = "agents";
const agentsOnly = { audience: z.literal(AGENTS_ONLY) };

/** A private note between agents. */
export const noteEventSchema = z.object({
  ...base,
  ...agentsOnly,
  type: z.literal("note"),
  id: z.string(),
  text: z.string(),
  name: z.string(),
  clientId: z.optional(z.string()),
  /** The writer's agent id (notes written before mentions existed have only the name). */
  agentId: z.optional(z.string()),
  /** Teammates @mentioned (checked against the workspace when the note was written); each gets an alert. */
  mentions: z.optional(z.array(mentionedSchema)),
  origin: z.optional(originSchema),
});

export const identityFields = ["id", "email", "name", "attributes"] as const;
export type IdentityField = (typeof identityFields)[number];

export const identitySchema = z.object({
  id: z.string(),
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  attributes: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  /** The site's HMAC over id, email and timestamp checked out; otherwise these are the page's unverified claims. */
  verified: z.boolean(),
  /**
   * The fields the signature covered: all four for a v2 signature (and the REST channel, whose API key
   * vouches), `id` and `email` for v1. Absent on identities stored before v2: read as v1.
   */
  verifiedFields: z.optional(z.array(z.enum(identityFields))),
  at: z.number(),
});
export type Identity = z.infer<typeof identitySchema>;

/** Whether `field` of this identity was signed by the site's server (not just claimed by the page). */
export function isVerifiedField(identity: Identity | undefined, field: IdentityField): boolean {
  if (!identity?.verified) return false;
  return (identity.verifiedFields ?? ["id", "email"]).includes(field);
}

/** The identity's fields that are present, split into the signed and the merely claimed. */
export function identityTrust(identity: Identity): { verified: IdentityField[]; claimed: IdentityField[] } {
  const present = identityFields.filter((f) =>
    f === "attributes" ? Object.keys(identity.attributes ?? {}).length > 0 : identity[f] !== undefined,
  );
  return {
    verified: present.filter((f) => isVerifiedField(identity, f)),
    claimed: present.filter((f) => !isVerifiedField(identity, f)),
  };
}

/** "verified", "unverified", or "id, email verified; name, attributes unverified": for agents' eyes. */
export function describeTrust(identity: Identity): string {
  const { verified, claimed } = identityTrust(identity);
  if (!claimed.length) return "verified";
  if (!verified.length) return "unverified";
  return `${verified.join(", ")} verified; ${claimed.join(", ")} unverified`;
}

/** Who changed what (labels, priority, the "handoff needed" mark, the customer's identity): agents only. */
export const changeEventSchema = z.object({
  ...base,
  ...agentsOnly,
  type: z.literal("change"),
  /** An agent's name, or "customer" for an identify() call. */
  by: z.string(),
  labels: z.optional(z.array(z.string())),
  priority: z.optional(z.string()),
  handoffNeeded: z.optional(z.boolean()),
  identity: z.optional(identitySchema),
  /** The handoff packet's summary, rewritten by the LLM after the handoff (by: "assistant"). */
  summary: z.optional(z.string()),
  /** A customer message machine-translated into the agents' language (by: "assistant"). */
  translation: z.optional(z.object({ messageId: z.string(), text: z.string(), from: z.string(), to: z.string() })),
  /** Where agents' replies are emailed when the customer has left the chat (by: "customer"). */
  followUp: z.optional(z.object({ email: z.string(), verified: z.boolean(), confirmed: z.optional(z.boolean()) })),
});

/** The customer's satisfaction rating after a resolve: visible to both sides. */
export const csatEventSchema = z.object({
  ...base,
  type: z.literal("csat"),
  score: z.number(),
  comment: z.optional(z.string()),
});

/**
 * An agent's message taken back (surge triage's undo, within its window), or any message an agent split
 * off into a conversation of its own (reason "moved"; the "split-to" line after it names that one).
 * Visible to both sides: every
 * client drops the message it names from the transcript, and customer replays leave that message out.
 */
export const retractEventSchema = z.object({
  ...base,
  type: z.literal("retract"),
  messageId: z.string(),
  by: z.string(),
  reason: z.optional(z.string()),
});

/** Work set for later on a conversation (docs/conversations.md "Snooze, scheduled replies, reminders"). */
export const scheduleKinds = ["snooze", "reply", "remind"] as const;
export type ScheduleKind = (typeof scheduleKinds)[number];

/**
 * A snooze, a scheduled reply or a reminder was set, came due ("done": the snooze ended, the reply went
 * out, the reminder was given) or was called off. Agents only: the customer sees a scheduled reply
 * only as the message it becomes.
 */
export const scheduleEventSchema = z.object({
  ...base,
  ...agentsOnly,
  type: z.literal("schedule"),
  /** The schedule's id, the same on its set, done and cancelled events. */
  id: z.string(),
  kind: z.enum(scheduleKinds),
  status: z.enum(["set", "done", "cancelled"]),
  /** Who: the agent who set or called it off; "customer" when their reply ended a snooze; "system" when it came due. */
  by: z.string(),
  /** When it falls due (epoch ms); absent on a snooze until the customer replies. */
  dueAt: z.optional(z.number()),
  /** The scheduled reply's text, or the reminder's note. */
  text: z.optional(z.string()),
  /** The agent a reminder is for, or who wrote a scheduled reply. */
  agent: z.optional(z.object({ id: z.string(), name: z.string() })),
  /**
   * Why it ended: a snooze on "time", on the customer's "reply" or because the conversation "left" the
   * agent; a scheduled reply not sent because the conversation was "closed".
   */
  reason: z.optional(z.string()),
  /** The message a scheduled reply became. */
  messageId: z.optional(z.string()),
});

/** The steps of an action's call in a conversation (docs/actions.md "What is recorded"). */
export const actionSteps = [
  "asked",
  "confirming",
  "declined",
  "awaiting-approval",
  "approved",
  "denied",
  "refused",
  "abandoned",
  "ok",
  "failed",
  "timeout",
] as const;
export type ActionStep = (typeof actionSteps)[number];

/**
 * A step of an action's call: asked for a value, confirming, approved or denied, refused (an unverified
 * customer, an action that cannot run), done or failed. Agents only: the customer sees the bot's words.
 * Inputs are redacted; a call is followed across its steps by `callId`.
 */
export const actionEventSchema = z.object({
  ...base,
  ...agentsOnly,
  type: z.literal("action"),
  callId: z.string(),
  name: z.string(),
  kind: z.enum(["read", "write"]),
  step: z.enum(actionSteps),
  /** "bot", "customer", or the agent who ran, approved or denied it. */
  by: z.string(),
  inputs: z.optional(z.record(z.string(), z.string())),
  durationMs: z.optional(z.number()),
  httpStatus: z.optional(z.number()),
  /** What went wrong, or why it was refused or denied. */
  error: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** An agent's read run: the answer, shown to agents only. */
  answer: z.optional(z.string()),
  /** What the customer confirmed (a write's confirmation, for the approvals queue). */
  summary: z.optional(z.string()),
});
export type ActionEvent = z.infer<typeof actionEventSchema>;

export const eventSchema = z.discriminatedUnion("type", [
  messageEventSchema,
  stateEventSchema,
  noteEventSchema,
  changeEventSchema,
  csatEventSchema,
  retractEventSchema,
  scheduleEventSchema,
  actionEventSchema,
]);
export type ConversationEvent = z.infer<typeof eventSchema>;
export type MessageEvent = z.infer<typeof messageEventSchema>;
export type StateEvent = z.infer<typeof stateEventSchema>;
export type NoteEvent = z.infer<typeof noteEventSchema>;
export type ChangeEvent = z.infer<typeof changeEventSchema>;
export type CsatEvent = z.infer<typeof csatEventSchema>;
export type RetractEvent = z.infer<typeof retractEventSchema>;
export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;

export const forCustomer = (e: ConversationEvent): boolean => !("audience" in e && e.audience === AGENTS_ONLY);

// ---- server → client -------------------------------------------------------------------------------

export const serverFrameSchema = z.discriminatedUnion("t", [
  /** A stored event, in seq order. */
  z.object({ t: z.literal("event"), event: eventSchema }),
  /** Part of a message being streamed: `text` starts at character `offset` of the message. */
  z.object({ t: z.literal("delta"), id: z.string(), offset: z.number(), text: z.string() }),
  /**
   * Replay is complete: the client is live from here. `streaming`: the answer still in flight, if any;
   * a client drops drafts of any other (they died with a restart).
   */
  z.object({
    t: z.literal("ready"),
    lastSeq: z.number(),
    state: z.enum(conversationStates),
    streaming: z.optional(z.string()),
  }),
  /** The server took a customer message; `duplicate` when that clientId was stored before. */
  z.object({ t: z.literal("ack"), clientId: z.string(), seq: z.number(), duplicate: z.boolean() }),
  z.object({ t: z.literal("typing"), author: z.enum(["agent", "customer"]), on: z.boolean() }),
  /**
   * A frame the server did not take. `rate_limited`: the conversation's message budget is spent
   * (worker/conversation/budget.ts); `clientId` names the message that was not stored (absent when
   * frames of any kind came too fast) and `retryAfterMs` says when sending works again.
   */
  z.object({
    t: z.literal("error"),
    code: z.string(),
    message: z.string(),
    clientId: z.optional(z.string()),
    retryAfterMs: z.optional(z.number()),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

// ---- client → server -------------------------------------------------------------------------------

export const clientFrameSchema = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("send"),
    clientId: z.string().check(z.minLength(8), z.maxLength(64)),
    text: z.string().check(z.trim(), z.minLength(1, "message is empty"), z.maxLength(MAX_MESSAGE_CHARS)),
    choice: z.optional(z.string().check(z.maxLength(80))),
  }),
  z.object({ t: z.literal("handoff"), reason: z.optional(z.string().check(z.maxLength(500))) }),
  z.object({ t: z.literal("typing"), on: z.boolean() }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** The WebSocket ping the server answers without waking the Durable Object. */
export const PING = "ping";
export const PONG = "pong";
