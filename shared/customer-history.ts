// A verified customer's own past conversations, from every channel, as the widget shows them
// (`/v1/me`, worker/channels/history/). The widget trades its signed identify() payload for a short-lived
// history token, then lists and reads with it. The worker answers with these types; the widget checks
// each answer against these schemas (widget/app/wire.ts, through shapes generated from them).
import * as z from "zod/mini";
import { sourceSchema } from "./protocol.ts";

/** `POST /v1/me/session` takes the same body as identify(); see `identifySchema` in api.ts. */
export const historySessionSchema = z.object({
  /** Sent as `Authorization: Bearer <token>` on the other `/v1/me` requests. */
  token: z.string(),
  /** Epoch ms; after it the widget asks for a new one with a fresh identify() signature. */
  expiresAt: z.number(),
});
export type HistorySession = z.infer<typeof historySessionSchema>;

export const pastConversationIdSchema = z.object({
  id: z.string().check(z.regex(/^[\w-]{10,40}$/, "conversation id is malformed")),
});

/** What a customer is told about a conversation's state: agents' states are not their vocabulary. */
export const customerStatuses = ["open", "waiting", "closed"] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

/** A message as the customer sees it: never agents' notes, never taken-back replies, no agent-only links. */
export const pastMessageSchema = z.object({
  id: z.string(),
  author: z.enum(["customer", "bot", "agent"]),
  /** The agent's display name. */
  name: z.optional(z.string()),
  text: z.string(),
  at: z.number(),
  sources: z.optional(z.array(sourceSchema)),
  /** Files that came with the customer's email: names only (downloads are for agents). */
  attachments: z.optional(z.array(z.object({ name: z.string(), size: z.number() }))),
});
export type PastMessage = z.infer<typeof pastMessageSchema>;

export const pastConversationSchema = z.object({
  id: z.string(),
  /** `chat` (the widget, also on help-centre pages), `email`, `api` (the REST channel), `portal`. */
  channel: z.string(),
  status: z.enum(customerStatuses),
  createdAt: z.number(),
  /** When its last message the customer can see was written. */
  updatedAt: z.number(),
  /** The customer's first message: what the conversation was about. */
  title: z.string(),
  /** The last message the customer can see, shortened. */
  last: z.optional(z.object({ author: pastMessageSchema.shape.author, text: z.string() })),
  messages: z.number(),
  /** A widget chat that is still open can be picked up again in the widget. */
  continuable: z.boolean(),
});
export type PastConversation = z.infer<typeof pastConversationSchema>;

export const pastConversationsSchema = z.object({ conversations: z.array(pastConversationSchema) });
export type PastConversations = z.infer<typeof pastConversationsSchema>;

export const pastTranscriptSchema = z.object({
  conversation: pastConversationSchema,
  messages: z.array(pastMessageSchema),
  /** Only when `continuable`: the conversation token the widget resumes it with. */
  token: z.optional(z.string()),
});
export type PastTranscript = z.infer<typeof pastTranscriptSchema>;
