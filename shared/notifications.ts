// Notifications: the conversation events outgoing webhooks carry, and the shapes of the owner's
// integrations API (`/admin/v1/notifications`). Re-exported from api.ts; kept in its own file so the
// event model can be read (and versioned) in one place.
import * as z from "zod/mini";

/** Event types a webhook can subscribe to. Adding one is backward compatible; renaming one is not. */
export const eventTypes = [
  "conversation.created",
  "conversation.handed_off",
  "conversation.assigned",
  "conversation.resolved",
  "conversation.reopened",
  "message.created",
  "message.retracted",
  "sla.breached",
] as const;
export type EventType = (typeof eventTypes)[number];

/** The conversation as of the moment the event was published (not necessarily as of `createdAt`). */
export type EventConversation = {
  id: string;
  state: string;
  channel: string;
  preview: string;
  reason?: string;
  team?: string;
  priority?: string;
  tier?: string;
  createdAt: number;
  updatedAt: number;
  /** The conversation in the agent console, when the worker knows its public origin. */
  consoleUrl?: string;
};

export type EventMessage = {
  id: string;
  seq: number;
  author: "customer" | "agent";
  text: string;
  name?: string;
  at: number;
  /**
   * A file attached in the chat (the message's text is then empty) or an email's files: name, sniffed
   * type and size only; the bytes stay behind a session or the conversation's token (docs/attachments.md).
   */
  attachments?: { name: string; type: string; size: number }[];
};

/**
 * The handoff packet as notifications carry it (handed_off, assigned, resolved, sla.breached): why the
 * bot handed off, the summary, where the customer was, who they are (and whether the site vouched for
 * it), what the bot tried, and how it was routed.
 */
export type EventHandoff = {
  reason: string;
  summary: string;
  /** "llm" when the Workers AI model wrote the summary; absent on older packets. */
  summarySource?: "extractive" | "llm";
  priority: string;
  team: string;
  tier?: string;
  /** Epoch ms a person should have answered by. */
  slaDueAt?: number;
  category?: string;
  /** The article the handoff rests on. */
  article?: string;
  pageUrl?: string;
  pageTitle?: string;
  locale: string;
  /** When the bot handed off (epoch ms); absent on events from before this field existed. */
  at?: number;
  identity?: {
    id: string;
    email?: string;
    name?: string;
    verified: boolean;
    /** Which fields the site's signature covered (v2: all; v1: id and email); absent when unverified. */
    verifiedFields?: ("id" | "email" | "name" | "attributes")[];
    attributes?: Record<string, string | number | boolean>;
  };
  tried: { articleId: string; title: string; score: number }[];
};

export type SlaBreach = { metric: string; dueAt?: number; breachedAt: number; policy?: string };

/**
 * One webhook body. `id` is stable per event (so is `createdAt`); the delivery id in the headers is
 * stable per event *and* endpoint, across every retry: receivers dedup on that.
 */
export type WebhookEvent = {
  id: string;
  type: EventType | "ping";
  createdAt: number;
  workspaceId: string;
  data: {
    conversation?: EventConversation;
    message?: EventMessage;
    agent?: { name: string };
    handoff?: EventHandoff;
    sla?: SlaBreach;
    /** message.retracted: the message (from an earlier message.created) to remove. */
    retraction?: { messageId: string; by: string; reason?: string; at: number };
  };
};

// ---- owner API --------------------------------------------------------------------------------

const httpUrl = z
  .string()
  .check(z.trim(), z.maxLength(2000), z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL"));

/** Bytes of key a `whsec_` secret holds; NaN when it is not `whsec_` + padded base64. */
export function secretBytes(secret: string): number {
  const m = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/.exec(secret);
  if (!m?.[1]) return Number.NaN;
  const b64 = m[1];
  return (b64.length / 4) * 3 - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
}

/**
 * A Standard Webhooks secret (docs/webhooks.md): `whsec_` + base64 of 24 to 64 random bytes, the form
 * every Standard Webhooks library takes.
 */
const standardSecret = z.string().check(
  z.trim(),
  z.refine((s) => {
    const n = secretBytes(s);
    return n >= 24 && n <= 64;
  }, "a secret is whsec_ followed by the base64 of 24 to 64 random bytes"),
);

export const webhookCreateSchema = z.object({
  url: httpUrl,
  events: z
    .array(z.enum(eventTypes))
    .check(z.minLength(1, "subscribe to at least one event"), z.maxLength(eventTypes.length)),
  enabled: z._default(z.boolean(), true),
  description: z._default(z.string().check(z.trim(), z.maxLength(200)), ""),
  /** Omit to have one generated; shown once, in the create response. */
  secret: z.optional(standardSecret),
});
export type WebhookCreate = z.input<typeof webhookCreateSchema>;

export const webhookUpdateSchema = z.object({
  url: z.optional(httpUrl),
  events: z.optional(webhookCreateSchema.shape.events),
  enabled: z.optional(z.boolean()),
  description: z.optional(webhookCreateSchema.shape.description),
  /**
   * Replace the secret with a new generated one (returned once). The previous one keeps signing
   * alongside it for 24 hours, so the receiver can be updated without dropping deliveries.
   */
  rotateSecret: z.optional(z.boolean()),
});
export type WebhookUpdate = z.input<typeof webhookUpdateSchema>;

export const slackSettingsSchema = z.object({ url: z.nullable(httpUrl) });

export const deliveryStatuses = ["pending", "delivered", "dead", "cancelled"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliveriesQuerySchema = z.object({
  status: z.optional(z.enum(deliveryStatuses)),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  /** The previous page's `next`: the deliveries after it in the same order (newest change first). */
  after: z.optional(z.string().check(z.regex(/^\d{1,15}\.\d{1,15}\.[\w-]{1,64}$/, "not a page cursor"))),
});

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(eventTypes)),
  enabled: z.boolean(),
  description: z.string(),
  /** The secret's last characters, to tell secrets apart without showing them. */
  secretHint: z.string(),
  /** After a rotation: until when (epoch ms) the previous secret signs deliveries too. */
  previousSecretUntil: z.optional(z.number()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Webhook = z.infer<typeof webhookSchema>;
export const webhookWithSecretSchema = z.extend(webhookSchema, { secret: z.string() });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const attemptSchema = z.object({
  n: z.number(),
  at: z.number(),
  ms: z.number(),
  /** The receiver's HTTP status, absent when no response came (network error, timeout). */
  status: z.optional(z.number()),
  error: z.optional(z.string()),
  /** The first characters of the receiver's response body. */
  response: z.optional(z.string()),
  /** When another attempt follows: how long after this one. */
  retryInMs: z.optional(z.number()),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** A delivery's attempt log (the Notifier's deliveries.log column), read back through this. */
export const attemptLogSchema = z.array(attemptSchema);

export const deliverySchema = z.object({
  id: z.string(),
  kind: z.enum(["webhook", "slack"]),
  /** Webhook id, or "slack". */
  target: z.string(),
  url: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.number(),
  maxAttempts: z.number(),
  nextAt: z.nullable(z.number()),
  createdAt: z.number(),
  updatedAt: z.number(),
  log: z.array(attemptSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** The Slack URL is a credential (anyone holding it can post): only its end is ever shown back. */
export const slackStatusSchema = z.object({ configured: z.boolean(), hint: z.nullable(z.string()) });
export type SlackSettings = z.infer<typeof slackStatusSchema>;

export const integrationsSchema = z.object({
  webhooks: z.array(webhookSchema),
  slack: slackStatusSchema,
  eventTypes: z.array(z.enum(eventTypes)),
  maxAttempts: z.number(),
});
export type Integrations = z.infer<typeof integrationsSchema>;
