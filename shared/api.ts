// HTTP request and response shapes of the public chat API (`/v1`), the agent API (`/api`) and the admin
// KB API (`/admin/v1`). The worker validates with these; the widget, console and scripts build with them.
import * as z from "zod/mini";
import { articleSchema } from "./article.ts";
import { agentAlertSchema, reminderItemSchema, scheduleViewSchema, snoozedSchema, wokeSchema } from "./later.ts";
import { mentionItemSchema } from "./mentions.ts";
import {
  actions,
  attachmentRefSchema,
  conversationStates,
  eventSchema,
  identitySchema,
  MAX_MESSAGE_CHARS,
} from "./protocol.ts";

// Webhooks, Slack, deliveries: the owner's integrations API (`/admin/v1/notifications`).
export * from "./notifications.ts";
export * from "./surge.ts";
export * from "./later.ts";
export * from "./mentions.ts";

// ---- public chat API: /v1 (the public site key travels in the query; the conversation token never
// does: `Authorization: Bearer`, or a WebSocket subprotocol, shared/credentials.ts) ----------------

export const siteQuerySchema = z.object({ site: z.string().check(z.regex(/^[\w-]{3,64}$/, "site key is malformed")) });

export const conversationQuerySchema = z.object({
  site: siteQuerySchema.shape.site,
  after: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
});

export const createConversationSchema = z.object({
  locale: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, "locale like en or pt-BR")), "en"),
  pageUrl: z.optional(z.string().check(z.maxLength(2000))),
  pageTitle: z.optional(z.string().check(z.maxLength(300))),
  channel: z._default(z.enum(["chat", "portal", "api"]), "chat"),
  /** The help-centre article the customer was reading (the portal's `data-article`): agents see it in the packet. */
  article: z.optional(articleSchema.shape.id),
  /** The customer's IANA time zone as their browser reports it; kept only when the worker knows it. */
  timeZone: z.optional(z.string().check(z.maxLength(64))),
});
export type CreateConversation = z.input<typeof createConversationSchema>;
export const createdConversationSchema = z.object({
  id: z.string(),
  token: z.string(),
  state: z.enum(conversationStates),
});
export type CreatedConversation = z.infer<typeof createdConversationSchema>;

export const postMessageSchema = z.object({
  clientId: z.string().check(z.minLength(8, "clientId must be 8 to 64 characters"), z.maxLength(64)),
  text: z.string().check(z.trim(), z.minLength(1, "message is empty"), z.maxLength(MAX_MESSAGE_CHARS)),
  /** The answer to the bot's "Do you mean …?": an option's articleId, or "none". */
  choice: z.optional(z.string().check(z.maxLength(80))),
});
export type PostMessage = z.infer<typeof postMessageSchema>;
export const postedMessageSchema = z.object({ seq: z.number(), duplicate: z.boolean() });
export type PostedMessage = z.infer<typeof postedMessageSchema>;

export const handoffRequestSchema = z.object({ reason: z.optional(z.string().check(z.maxLength(500))) });

/** One line, no control characters: these end up in the signed canonical string, one field per line. */
const NO_CONTROL_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /^[^\u0000-\u001f\u007f]*$/;
const oneLine = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(NO_CONTROL_CHARS, "no control characters"));

/**
 * `EdgeDesk.identify(user, signature)`. With the site's identity secret, `hmac` is the hex
 * HMAC-SHA256 of `identityCanonicalV2(ts, user)` (every field signed) or of the older
 * `identityCanonical(ts, id, email)` (id and email only), and `ts` the signing time in Unix seconds;
 * see docs/identity.md "Sign the identity".
 */
export const identifySchema = z.object({
  user: z.object({
    id: oneLine(200),
    email: z.optional(z.string().check(z.trim(), z.maxLength(320), z.email("email is not valid"))),
    name: z.optional(oneLine(200)),
    attributes: z.optional(
      z
        .record(
          z.string().check(z.minLength(1), z.maxLength(40)),
          z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]),
        )
        .check(z.refine((r) => Object.keys(r).length <= 30, "at most 30 attributes")),
    ),
  }),
  hmac: z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, "hmac is 64 hex characters"))),
  ts: z.optional(z.number().check(z.int(), z.positive())),
});
export type IdentifyRequest = z.infer<typeof identifySchema>;

/**
 * v1, still accepted: a version tag, the Unix-seconds timestamp, the user id, the email (or ""). It
 * vouches for id and email only; name and attributes signed this way stay the page's claims.
 */
export const identityCanonical = (ts: number, id: string, email: string | undefined): string =>
  `edgedesk-identity-v1\n${ts}\n${id}\n${email ?? ""}`;

/**
 * Attributes as signed: a JSON object with its keys in code-unit order, no whitespace (RFC 8785 for
 * these flat values; `json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` in
 * Python), `{}` when there are none. Built by hand because JavaScript puts integer-like keys first.
 */
export function canonicalAttributes(attributes: Record<string, string | number | boolean> | undefined): string {
  const keys = Object.keys(attributes ?? {}).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(attributes?.[k])}`).join(",")}}`;
}

/**
 * v2: what the site's server signs so that every field counts: one field per line (no field can hold
 * a line break, attributes are JSON), absent ones empty. Name and attributes decide routing, tier and
 * VIP pages, so only they signed this way are trusted for that.
 */
export const identityCanonicalV2 = (ts: number, user: IdentifyRequest["user"]): string =>
  `edgedesk-identity-v2\n${ts}\n${user.id}\n${user.email ?? ""}\n${user.name ?? ""}\n${canonicalAttributes(user.attributes)}`;

export const csatSchema = z.object({
  score: z
    .number()
    .check(z.int("score is a whole number"), z.minimum(1, "score is 1 to 5"), z.maximum(5, "score is 1 to 5")),
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000, "keep the comment under 1000 characters"))),
});
export type CsatInput = z.infer<typeof csatSchema>;

/** The customer's address for replies while they are away from the chat (the widget asks once handed off). */
export const followUpSchema = z.object({
  email: z
    .string()
    .check(z.trim(), z.maxLength(254, "email is too long"), z.toLowerCase(), z.email("email is not valid")),
});
export type FollowUpInput = z.infer<typeof followUpSchema>;

/** The code the confirmation mail carried to a typed follow-up address (docs/email.md). */
export const followUpConfirmSchema = z.object({
  code: z.string().check(z.trim(), z.regex(/^\d{6}$/, "the code is 6 digits")),
});

/**
 * Where agents' replies are emailed while the customer is away. `verified`: it is their verified
 * identity's address. `confirmed`: mail goes there (verified, or a typed address whose owner entered
 * the code we mailed it); until then nothing but the confirmation mail is sent to it.
 */
export const followUpResultSchema = z.object({ email: z.string(), verified: z.boolean(), confirmed: z.boolean() });
export type FollowUpResult = z.infer<typeof followUpResultSchema>;
/** `GET /v1/conversations/:id/follow-up`: whether the workspace sends email at all, and the address on file. */
export const followUpInfoSchema = z.object({
  available: z.boolean(),
  email: z.optional(z.string()),
  verified: z.optional(z.boolean()),
  confirmed: z.optional(z.boolean()),
});
export type FollowUpInfo = z.infer<typeof followUpInfoSchema>;
export const csatResultSchema = z.object({ duplicate: z.boolean() });
export type CsatResult = z.infer<typeof csatResultSchema>;

export const eventsPageSchema = z.object({
  events: z.array(eventSchema),
  lastSeq: z.number(),
  state: z.enum(conversationStates),
});
export type EventsPage = z.infer<typeof eventsPageSchema>;

/** Error body of every 4xx/5xx: `error` is a stable code, `issues` the field-level problems. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// ---- admin KB API: /admin/v1 -------------------------------------------------------------------

export const publishSchema = z.object({
  articles: z.array(articleSchema).check(z.minLength(1, "no articles"), z.maxLength(5000)),
  /** Replace the whole KB (articles not listed are unpublished); otherwise upsert. */
  replace: z._default(z.boolean(), false),
});
export const publishResultSchema = z.object({
  version: z.number(),
  articles: z.number(),
  chunks: z.number(),
  ms: z.number(),
  /** Nothing differed from the published KB: no new version was built. */
  unchanged: z.optional(z.boolean()),
  /** Hybrid retrieval only: passages embedded into Vectorize, deleted, left as they were; or why that failed. */
  semantic: z.optional(
    z.union([
      z.object({ embedded: z.number(), deleted: z.number(), unchanged: z.number() }),
      z.object({ error: z.string() }),
    ]),
  ),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

export const historySchema = z.object({
  items: z
    .array(
      z.object({
        text: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_MESSAGE_CHARS)),
        article: z.string().check(z.maxLength(80)),
      }),
    )
    .check(z.minLength(1), z.maxLength(20_000)),
});
export type HistoryResult = { recorded: number; version: number };

export const roles = ["agent", "editor", "owner"] as const;
export type Role = (typeof roles)[number];

export const newAgentSchema = z.object({
  email: z.string().check(z.trim(), z.toLowerCase(), z.email("email is not valid")),
  name: z.string().check(z.trim(), z.minLength(1, "name is required"), z.maxLength(100)),
  password: z.string().check(z.minLength(10, "password needs 10 characters or more"), z.maxLength(200)),
  role: z._default(z.enum(roles), "agent"),
  teams: z._default(z.array(z.string().check(z.maxLength(60))), []),
});

/** Whether `v` is exactly what a browser sends as Origin for its pages (`https://shop.example`, `http://localhost:8080`). */
export function isBrowserOrigin(v: string): boolean {
  try {
    return new URL(v).origin === v;
  } catch {
    return false;
  }
}

export const siteSchema = z.object({
  name: z._default(z.string().check(z.maxLength(100)), "site"),
  /** HMAC key for identify(); write-only (never returned), kept when omitted. */
  identitySecret: z.optional(
    z.string().check(z.minLength(16, "identity secret needs 16 characters or more"), z.maxLength(200)),
  ),
  allowedOrigins: z
    .array(
      z.string().check(
        z.maxLength(200),
        z.regex(/^https?:\/\/[^/\s]+$/, "an origin is scheme://host[:port], no path"),
        // The guard compares strings with the browser's Origin header, which is always in this form.
        z.refine(isBrowserOrigin, "write the origin as a browser sends it: lower case, no default port"),
      ),
    )
    .check(z.maxLength(50)),
  /** The help centre's widget site: also allowed on the worker's own origin (docs/portal.md); kept when omitted. */
  portal: z.optional(z.boolean()),
});

// ---- agent API: /api ---------------------------------------------------------------------------

export const loginSchema = z.object({
  email: z.string().check(z.trim(), z.toLowerCase(), z.email("email is not valid")),
  password: z.string().check(z.minLength(1, "password is required"), z.maxLength(200)),
});

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  workspaceId: z.string(),
});
export type Me = z.infer<typeof meSchema>;

export const agentMessageSchema = postMessageSchema;

export const afterQuerySchema = z.object({ after: conversationQuerySchema.shape.after });

// ---- routing: tiers, assignment, presence ----------------------------------------------------------

export const tiers = ["self-service", "tier-1", "tier-2", "tier-3", "executive"] as const;
export type Tier = (typeof tiers)[number];
export const slaStateSchema = z.enum(["ok", "near", "breached"]);
export type SlaState = z.infer<typeof slaStateSchema>;
export const agentRefSchema = z.object({ id: z.string(), name: z.string() });
export type AgentRef = z.infer<typeof agentRefSchema>;

export const agentPresenceSchema = z.extend(agentRefSchema, {
  teams: z.array(z.string()),
  online: z.boolean(),
  away: z.boolean(),
  /** Conversations assigned to them and not resolved. */
  load: z.number(),
});
export type AgentPresence = z.infer<typeof agentPresenceSchema>;

const stateSchema = z.enum(conversationStates);

export const triedArticleSchema = z.object({ articleId: z.string(), title: z.string(), score: z.number() });
export type TriedArticle = z.infer<typeof triedArticleSchema>;

/** A handoff that came while the desk was closed (docs/hours.md). */
export const afterHoursSchema = z.object({ timeZone: z.string(), opensAt: z.optional(z.number()) });

/** An action the bot tried for the customer before the handoff (docs/actions.md): what happened, when. */
export const triedActionSchema = z.object({
  name: z.string(),
  step: z.string(),
  at: z.number(),
  error: z.optional(z.string()),
});
export type TriedAction = z.infer<typeof triedActionSchema>;

export const handoffPacketSchema = z.object({
  reason: z.string(),
  summary: z.string(),
  /** Who wrote `summary`: the extractive default, or the Workers AI model when configured; absent on older packets. */
  summarySource: z.optional(z.enum(["extractive", "llm"])),
  pageUrl: z.optional(z.string()),
  pageTitle: z.optional(z.string()),
  locale: z.string(),
  userAgent: z.optional(z.string()),
  tried: z.array(triedArticleSchema),
  /** The article the handoff rests on: the one that requires a person, or the bot's best guess. */
  article: z.optional(z.string()),
  category: z.optional(z.string()),
  priority: z.string(),
  team: z.string(),
  at: z.number(),
  /** Who the customer is, from the widget's identify() call (`verified` only with a valid site HMAC). */
  identity: z.optional(identitySchema),
  /** Escalation tier the routing matrix chose (worker/inbox/routing/matrix.ts); absent on older packets. */
  tier: z.optional(z.enum(tiers)),
  /**
   * When a person should have answered by (epoch ms): `at` plus the tier's response target, counted in
   * the desk's open time when the team has business hours (docs/hours.md).
   */
  slaDueAt: z.optional(z.number()),
  /** Under business hours: when the conversation counts as near due, in open time too. */
  slaNearAt: z.optional(z.number()),
  /** Handed off while the team's desk was closed: its zone, and when it opens (absent: not within years). */
  afterHours: z.optional(afterHoursSchema),
  /** The help-centre article the customer opened the chat from (portal pages), if any. */
  contextArticle: z.optional(z.string()),
  /** Files the customer sent before the handoff (screenshots, PDFs), oldest first. */
  attachments: z.optional(z.array(attachmentRefSchema)),
  /** Actions tried for the customer, oldest first: the agent sees what ran, failed or waits (docs/actions.md). */
  actions: z.optional(z.array(triedActionSchema)),
});
/** What an agent needs to carry on without asking the customer again. */
export type HandoffPacket = z.infer<typeof handoffPacketSchema>;

export const inboxItemSchema = z.object({
  id: z.string(),
  state: stateSchema,
  channel: z.string(),
  preview: z.string(),
  reason: z.optional(z.string()),
  team: z.optional(z.string()),
  priority: z.optional(z.string()),
  updatedAt: z.number(),
  createdAt: z.number(),
  /** The agent the conversation is assigned to (routing, reassign) or who joined it. */
  assignee: z.optional(agentRefSchema),
  tier: z.optional(z.enum(tiers)),
  slaDueAt: z.optional(z.number()),
  slaNearAt: z.optional(z.number()),
  /** Response SLA while queued; set by the Inbox DO's alarm. */
  slaState: z.optional(slaStateSchema),
  /** Arrived while the desk was closed: the inbox lists these first once it opens (docs/hours.md). */
  afterHours: z.optional(afterHoursSchema),
  /** Put aside by an agent: out of the active list until then (or until the customer replies). */
  snoozed: z.optional(snoozedSchema),
  /** Back from a snooze, marked until an agent writes again. */
  woke: z.optional(wokeSchema),
  /** Who wrote the latest message (the preview): a customer's reply alerts the assigned agent. */
  lastFrom: z.optional(z.enum(["customer", "agent"])),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

/** Frames of the live inbox socket (`/api/inbox/ws`), server → console. */
export const inboxFrameSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("snapshot"), items: z.array(inboxItemSchema) }),
  z.object({ t: z.literal("upsert"), item: inboxItemSchema }),
  z.object({ t: z.literal("remove"), id: z.string() }),
  /** Who is online, away and how loaded: sent on connect and on every change. */
  z.object({ t: z.literal("presence"), agents: z.array(agentPresenceSchema) }),
  /** This agent's reminders, pending and due: sent to them alone, on connect and on every change. */
  z.object({ t: z.literal("reminders"), reminders: z.array(reminderItemSchema) }),
  /** This agent's unread @mentions in private notes: to them alone, on connect and on every change. */
  z.object({ t: z.literal("mentions"), mentions: z.array(mentionItemSchema) }),
  /** Something for this agent now (a reminder came due, a teammate mentioned them): to their consoles alone. */
  z.object({ t: z.literal("alert"), alert: agentAlertSchema }),
]);
export type InboxFrame = z.infer<typeof inboxFrameSchema>;

const teamName = z.string().check(z.trim(), z.regex(/^[\w-]{1,60}$/, "a team is 1-60 letters, digits, _ or -"));

/** Assign or reassign a conversation: to one agent, or to a team (round robin within it). */
export const assignSchema = z
  .object({ agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))), team: z.optional(teamName) })
  .check(z.refine((v) => (v.agentId === undefined) !== (v.team === undefined), "give exactly one of agentId or team"));
export type AssignRequest = z.infer<typeof assignSchema>;

export const availabilitySchema = z.object({ away: z.boolean() });

/** Owner-only: an agent's teams and availability. */
export const agentRoutingSchema = z
  .object({ teams: z.optional(z.array(teamName).check(z.maxLength(20))), away: z.optional(z.boolean()) })
  .check(z.refine((v) => v.teams !== undefined || v.away !== undefined, "give teams or away"));

export const agentSummarySchema = z.extend(agentRefSchema, {
  email: z.string(),
  role: z.enum(roles),
  teams: z.array(z.string()),
  away: z.boolean(),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;

export const conversationDetailSchema = z.object({
  id: z.string(),
  state: stateSchema,
  channel: z.string(),
  events: z.array(eventSchema),
  lastSeq: z.number(),
  handoff: z.optional(handoffPacketSchema),
  labels: z.optional(z.array(z.string())),
  /** Current priority: an agent's choice, else the handoff packet's. */
  priority: z.optional(z.string()),
  identity: z.optional(identitySchema),
  csat: z.optional(z.object({ score: z.number(), comment: z.optional(z.string()), at: z.number() })),
  /** The agent's answer to "was this handoff needed?". */
  handoffNeeded: z.optional(z.object({ needed: z.boolean(), by: z.string(), at: z.number() })),
  /** Who the conversation is assigned to (routing) or who joined it. */
  assignee: z.optional(agentRefSchema),
  /** The customer's contact (one per workspace and email address): `GET /api/contacts/:id`. */
  contactId: z.optional(z.string()),
  /** Email conversations: who writes and about what. */
  email: z.optional(z.object({ customer: z.string(), subject: z.string(), unverified: z.optional(z.literal(true)) })),
  /** Chat conversations: where agents' replies are emailed while the customer is away (docs/email.md). */
  followUp: z.optional(followUpResultSchema),
  /** Put aside until a time or the customer's reply (docs/conversations.md "Later"). */
  snoozed: z.optional(snoozedSchema),
  woke: z.optional(wokeSchema),
  /** Snoozes, scheduled replies and reminders still to come. */
  schedules: z.optional(z.array(scheduleViewSchema)),
  /** The customer's time zone, as their browser reported it (for "9:00 their time"). */
  timeZone: z.optional(z.string()),
  /** Closed by a merge into this conversation (docs/search.md). */
  mergedInto: z.optional(z.string()),
  /** Started from a message split off this conversation. */
  splitFrom: z.optional(z.string()),
});
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

// ---- agent tools: notes, labels, priority, hand back, "handoff needed", canned replies -------------

export const priorities = ["low", "normal", "high", "urgent"] as const;

/** Most teammates one note may @mention: a note that pings the whole desk is a broadcast, not a mention. */
export const MAX_MENTIONS = 10;

/** A private note; `mentions` are the agent ids picked in the composer (the server checks each is a teammate). */
export const noteSchema = z.object({
  clientId: postMessageSchema.shape.clientId,
  text: postMessageSchema.shape.text,
  mentions: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(MAX_MENTIONS))),
});
export type NoteRequest = z.infer<typeof noteSchema>;

const label = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(1, "a label is empty"),
    z.maxLength(40, "a label has at most 40 characters"),
  );

export const conversationPatchSchema = z
  .object({
    labels: z.optional(z.array(label).check(z.maxLength(20, "at most 20 labels"))),
    priority: z.optional(z.enum(priorities)),
  })
  .check(z.refine((p) => p.labels !== undefined || p.priority !== undefined, "send labels or priority"));
export type ConversationPatch = z.input<typeof conversationPatchSchema>;

export const handoffNeededSchema = z.object({ needed: z.boolean() });

export const cannedReplySchema = z.object({
  title: z.string().check(z.trim(), z.minLength(1, "title is required"), z.maxLength(80)),
  /** Typed after "/" in the composer to find it. */
  shortcut: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.toLowerCase(),
        z.regex(/^[a-z0-9][a-z0-9_-]{0,29}$/, "shortcut is 1-30 letters, digits, - or _"),
      ),
  ),
  text: z.string().check(z.trim(), z.minLength(1, "text is required"), z.maxLength(MAX_MESSAGE_CHARS)),
});
export type CannedReplyInput = z.input<typeof cannedReplySchema>;
export const cannedReplyItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  shortcut: z.optional(z.string()),
  text: z.string(),
  updatedAt: z.number(),
});
export type CannedReply = z.infer<typeof cannedReplyItemSchema>;

// ---- knowledge management: /api/kb (console) and /admin/v1/kb (CLI) -----------------------------

const articleIdSchema = articleSchema.shape.id;

/** Create or save a draft. The console sends the form fields; errors come back at `article.<field>`. */
export const draftSchema = z.object({ article: articleSchema });
/** Bulk drafts from `kb push --draft`. */
export const draftsSchema = z.object({ articles: publishSchema.shape.articles });

/** Publish these drafts (all drafts when `ids` is absent). */
export const publishDraftsSchema = z.object({
  ids: z.optional(z.array(articleIdSchema).check(z.minLength(1, "pick at least one draft"), z.maxLength(5000))),
});
export const rollbackSchema = z.object({
  version: z.number().check(z.int("version is a KB version number"), z.minimum(1)),
});

export const tryQuestionSchema = z.object({
  text: z.string().check(z.trim(), z.minLength(1, "type a question"), z.maxLength(MAX_MESSAGE_CHARS)),
  locale: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, "locale like en or pt-BR")), "en"),
  /** "draft": the published KB with every draft applied, as it would be after publishing them all. */
  target: z._default(z.enum(["published", "draft"]), "published"),
});

/** An agent links the article that answered a handed-off conversation, or drafts one from their reply. */
export const knowledgeLinkSchema = z.object({
  conversationId: z.string().check(z.regex(/^[\w-]{10,40}$/, "conversation id is malformed")),
  question: z
    .string()
    .check(z.trim(), z.minLength(1, "the customer's question is required"), z.maxLength(MAX_MESSAGE_CHARS)),
  article: z.optional(articleIdSchema),
  draft: z.optional(
    z.object({
      id: articleIdSchema,
      title: articleSchema.shape.title,
      body: z.string().check(z.trim(), z.minLength(1, "body is required"), z.maxLength(100_000)),
    }),
  ),
});

/** Widget thumbs up/down on one bot answer. */
export const feedbackSchema = z.object({
  messageId: z.string().check(z.minLength(4), z.maxLength(64)),
  helpful: z.boolean(),
});

export const articleStatusSchema = z.enum(["published", "draft", "changed"]);
export type ArticleStatus = z.infer<typeof articleStatusSchema>;
export const libraryItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  locale: z.string(),
  tags: z.array(z.string()),
  /** published: no draft; draft: never published; changed: published with unpublished edits. */
  status: articleStatusSchema,
  /** KB version that last changed the published article. */
  version: z.optional(z.number()),
  draftUpdatedAt: z.optional(z.number()),
});
export type LibraryItem = z.infer<typeof libraryItemSchema>;
export const librarySchema = z.object({
  items: z.array(libraryItemSchema),
  categories: z.array(z.string()),
  current: z.optional(z.number()),
});
export type Library = z.infer<typeof librarySchema>;

export const articleVersionSchema = z.object({
  version: z.number(),
  createdAt: z.number(),
  article: z.optional(articleSchema),
  deleted: z.optional(z.boolean()),
});
export type ArticleVersion = z.infer<typeof articleVersionSchema>;
export const articleDetailSchema = z.object({
  id: z.string(),
  published: z.optional(z.extend(articleSchema, { version: z.number() })),
  draft: z.optional(
    z.object({
      article: articleSchema,
      updatedAt: z.number(),
      updatedBy: z.string(),
      baseVersion: z.nullable(z.number()),
    }),
  ),
  versions: z.array(articleVersionSchema),
});
export type ArticleDetail = z.infer<typeof articleDetailSchema>;

export const jobStatusSchema = z.enum(["staging", "queued", "running", "done", "failed"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const kbJobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: jobStatusSchema,
  stage: z.string(),
  /** 0..1 over all stages, for a progress bar. */
  progress: z.number(),
  done: z.number(),
  total: z.number(),
  version: z.optional(z.number()),
  result: z.optional(publishResultSchema),
  error: z.optional(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type KbJob = z.infer<typeof kbJobSchema>;

export const triedCandidateSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  score: z.number(),
  passage: z.string(),
});
export type TriedCandidate = z.infer<typeof triedCandidateSchema>;
export const tryResultSchema = z.object({
  target: z.enum(["published", "draft"]),
  version: z.nullable(z.number()),
  action: z.enum(actions),
  reason: z.string(),
  confidence: z.number(),
  article: z.optional(z.string()),
  answer: z.string(),
  ranking: z.array(triedCandidateSchema),
  ms: z.number(),
});
export type TryResult = z.infer<typeof tryResultSchema>;

export const gapGroupSchema = z.object({
  key: z.string(),
  count: z.number(),
  examples: z.array(z.string()),
  reasons: z.record(z.string(), z.number()),
  lastAt: z.number(),
  suggestedTitle: z.string(),
  /** The published article the bot came closest to for these questions, if any. */
  suggestedArticle: z.optional(z.object({ id: z.string(), title: z.string() })),
});
export type GapGroup = z.infer<typeof gapGroupSchema>;
/** The workspace's synonym groups (`GET`/`PUT /api/kb/synonyms`): words or phrases a question may use for one another. */
export const synonymsSchema = z.object({
  groups: z
    .array(
      z
        .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(60)))
        .check(z.minLength(2, "a group needs at least two words or phrases"), z.maxLength(12)),
    )
    .check(z.maxLength(300)),
});
export type Synonyms = z.infer<typeof synonymsSchema>;

export const gapsReportSchema = z.object({ days: z.number(), questions: z.number(), groups: z.array(gapGroupSchema) });
export type GapsReport = z.infer<typeof gapsReportSchema>;

export const articleFiguresSchema = z.object({
  id: z.string(),
  title: z.string(),
  answered: z.number(),
  helpful: z.number(),
  notHelpful: z.number(),
  handoffsAfter: z.number(),
});
export type ArticleFigures = z.infer<typeof articleFiguresSchema>;
export const figuresReportSchema = z.object({ days: z.number(), articles: z.array(articleFiguresSchema) });
export type FiguresReport = z.infer<typeof figuresReportSchema>;

/** A customer known by their email address across channels (`GET /api/contacts/:id`). */
export const contactSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  conversations: z.array(
    z.object({
      id: z.string(),
      channel: z.string(),
      state: z.nullable(z.string()),
      preview: z.nullable(z.string()),
      createdAt: z.number(),
    }),
  ),
});
export type Contact = z.infer<typeof contactSchema>;
