// HTTP request and response shapes of the public chat API (`/v1`), the agent API (`/api`) and the admin
// KB API (`/admin/v1`). The worker validates with these; the widget, console and scripts build with them.
import * as z from "zod/mini";
import { articleSchema } from "./article.ts";
import { MAX_MESSAGE_CHARS, type ConversationEvent, type ConversationState } from "./protocol.ts";

// ---- public chat API: /v1 (site key and conversation token travel in the query: WebSockets and
// EventSource cannot set headers) -----------------------------------------------------------------

export const siteQuerySchema = z.object({ site: z.string().check(z.regex(/^[\w-]{3,64}$/, "site key is malformed")) });

export const conversationQuerySchema = z.object({
  site: siteQuerySchema.shape.site,
  token: z.string().check(z.minLength(20, "token is malformed"), z.maxLength(200)),
  after: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
});

export const createConversationSchema = z.object({
  locale: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, "locale like en or pt-BR")), "en"),
  pageUrl: z.optional(z.string().check(z.maxLength(2000))),
  pageTitle: z.optional(z.string().check(z.maxLength(300))),
  channel: z._default(z.enum(["chat", "portal", "api"]), "chat"),
});
export type CreateConversation = z.input<typeof createConversationSchema>;
export type CreatedConversation = { id: string; token: string; state: ConversationState };

export const postMessageSchema = z.object({
  clientId: z.string().check(z.minLength(8, "clientId must be 8 to 64 characters"), z.maxLength(64)),
  text: z.string().check(z.trim(), z.minLength(1, "message is empty"), z.maxLength(MAX_MESSAGE_CHARS)),
});
export type PostMessage = z.infer<typeof postMessageSchema>;
export type PostedMessage = { seq: number; duplicate: boolean };

export const handoffRequestSchema = z.object({ reason: z.optional(z.string().check(z.maxLength(500))) });

export type EventsPage = { events: ConversationEvent[]; lastSeq: number; state: ConversationState };

/** Error body of every 4xx/5xx: `error` is a stable code, `issues` the field-level problems. */
export type ApiError = { error: string; message: string; issues?: { path: string; message: string }[] };

// ---- admin KB API: /admin/v1 -------------------------------------------------------------------

export const publishSchema = z.object({
  articles: z.array(articleSchema).check(z.minLength(1, "no articles"), z.maxLength(5000)),
  /** Replace the whole KB (articles not listed are unpublished); otherwise upsert. */
  replace: z._default(z.boolean(), false),
});
export type PublishResult = {
  version: number;
  articles: number;
  chunks: number;
  ms: number;
  /** Hybrid retrieval only: passages embedded into Vectorize, deleted, left as they were; or why that failed. */
  semantic?: { embedded: number; deleted: number; unchanged: number } | { error: string };
};

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

export const siteSchema = z.object({
  name: z._default(z.string().check(z.maxLength(100)), "site"),
  allowedOrigins: z.array(z.string().check(z.regex(/^https?:\/\/[^/\s]+$/, "an origin is scheme://host[:port], no path"))).check(z.maxLength(50)),
});

// ---- agent API: /api ---------------------------------------------------------------------------

export const loginSchema = z.object({
  email: z.string().check(z.trim(), z.toLowerCase(), z.email("email is not valid")),
  password: z.string().check(z.minLength(1, "password is required"), z.maxLength(200)),
});

export type Me = { id: string; email: string; name: string; role: Role; workspaceId: string };

export const agentMessageSchema = postMessageSchema;

export const afterQuerySchema = z.object({ after: conversationQuerySchema.shape.after });

export type TriedArticle = { articleId: string; title: string; score: number };

/** What an agent needs to carry on without asking the customer again. */
export type HandoffPacket = {
  reason: string;
  summary: string;
  pageUrl?: string;
  pageTitle?: string;
  locale: string;
  userAgent?: string;
  tried: TriedArticle[];
  /** The article the handoff rests on: the one that requires a person, or the bot's best guess. */
  article?: string;
  category?: string;
  priority: string;
  team: string;
  at: number;
};

export type InboxItem = {
  id: string;
  state: ConversationState;
  channel: string;
  preview: string;
  reason?: string;
  team?: string;
  priority?: string;
  updatedAt: number;
  createdAt: number;
};

/** Frames of the live inbox socket (`/api/inbox/ws`), server → console. */
export type InboxFrame = { t: "snapshot"; items: InboxItem[] } | { t: "upsert"; item: InboxItem } | { t: "remove"; id: string };

export type ConversationDetail = {
  id: string;
  state: ConversationState;
  channel: string;
  events: ConversationEvent[];
  lastSeq: number;
  handoff?: HandoffPacket;
  /** The customer's contact (one per workspace and email address): `GET /api/contacts/:id`. */
  contactId?: string;
  /** Email conversations: who writes and about what. */
  email?: { customer: string; subject: string };
};
