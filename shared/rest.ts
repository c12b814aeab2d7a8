// The REST channel (`/rest/v1`): conversations from other surfaces (a mobile app, a form, a backend),
// authenticated with a workspace's API key. These schemas validate requests in the worker and are the
// source of its OpenAPI document (worker/channels/rest/openapi.ts), so the document cannot drift from the code.
import * as z from "zod/mini";
import { apiErrorSchema, createConversationSchema, handoffRequestSchema, identifySchema } from "./api.ts";
import { conversationStates, eventSchema, messageEventSchema, MAX_MESSAGE_CHARS } from "./protocol.ts";

export const REST_PREFIX = "/rest/v1";

export const restCreateConversationSchema = z.object({
  locale: createConversationSchema.shape.locale,
  /** Where the customer is writing from (an app screen, a form's page). */
  pageUrl: createConversationSchema.shape.pageUrl,
  pageTitle: createConversationSchema.shape.pageTitle,
  /** A help-centre article the customer was reading; agents see it in the handoff packet. */
  article: createConversationSchema.shape.article,
  /** Who the customer is. Your server holds the API key, so this identity counts as verified. */
  customer: z.optional(identifySchema.shape.user),
});
export type RestCreateConversation = z.input<typeof restCreateConversationSchema>;

export const restPostMessageSchema = z.object({
  text: z.string().check(z.trim(), z.minLength(1, "message is empty"), z.maxLength(MAX_MESSAGE_CHARS)),
  /** Idempotency key: a retried request with the same clientId is stored once. Generated when absent. */
  clientId: z.optional(z.string().check(z.regex(/^[\w-]{8,64}$/, "clientId is 8-64 letters, digits, _ or -"))),
});
export type RestPostMessage = z.input<typeof restPostMessageSchema>;

export const restHandoffSchema = handoffRequestSchema;

export const restEventsQuerySchema = z.object({
  after: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
});

export const restConversationIdSchema = z.object({
  id: z.string().check(z.regex(/^[\w-]{10,40}$/, "conversation id is malformed")),
});

const stateSchema = z.enum(conversationStates);

export const restConversationSchema = z.object({
  id: z.string(),
  channel: z.literal("api"),
  state: stateSchema,
  createdAt: z.number(),
});
export type RestConversation = z.infer<typeof restConversationSchema>;

export const restPostedSchema = z.object({
  /** Sequence number of the customer's message. */
  seq: z.number(),
  duplicate: z.boolean(),
  state: stateSchema,
  /** Messages to the customer that this exchange produced (the bot's answer, or its handoff notice). */
  replies: z.array(messageEventSchema),
});
export type RestPosted = z.infer<typeof restPostedSchema>;

export const restEventsSchema = z.object({
  events: z.array(eventSchema),
  lastSeq: z.number(),
  state: stateSchema,
});

export const restOkSchema = z.object({ ok: z.boolean() });

/** The one error body (defined in api.ts, where `/v1` and `/api` answer with it too). */
export { apiErrorSchema };

// ---- API keys: the owner's console (`/api/api-keys`) and the admin API (`/admin/v1/api-keys`) -----

export const newApiKeySchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, "name the key (what uses it)"), z.maxLength(80)),
});
export const apiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  lastUsedAt: z.optional(z.number()),
  revokedAt: z.optional(z.number()),
});
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;
/** The only time the key itself is shown. */
export const createdApiKeySchema = z.extend(apiKeySummarySchema, { key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
