// Customer health (docs/customer-health.md): a score per contact and per company from their recent
// conversations, each with its reasons, an at-risk list, and rules that alert a person.
import * as z from "zod/mini";

export const healthLevels = ["healthy", "watch", "at-risk"] as const;
export type HealthLevel = (typeof healthLevels)[number];

export const healthSignalsSchema = z.object({
  /** Conversations started in the last 30 days, and the usual 30 days' count before that. */
  recent: z.number(),
  usual: z.number(),
  open: z.number(),
  negativeRecent: z.number(),
  negativeShareRecent: z.nullable(z.number()),
  negativeShareBefore: z.nullable(z.number()),
  csat: z.nullable(z.number()),
  handoffsRecent: z.number(),
  breaches: z.number(),
});
export type HealthSignals = z.infer<typeof healthSignalsSchema>;

export const customerHealthSchema = z.object({
  /** A contact's id, or a company's name. */
  key: z.string(),
  kind: z.enum(["contact", "company"]),
  name: z.string(),
  email: z.optional(z.string()),
  company: z.optional(z.string()),
  score: z.number(),
  level: z.enum(healthLevels),
  reasons: z.array(z.string()),
  signals: healthSignalsSchema,
  lastAt: z.number(),
});
export type CustomerHealth = z.infer<typeof customerHealthSchema>;

export const healthListSchema = z.object({ customers: z.array(customerHealthSchema) });

export const healthRuleSignals = ["negative", "handoff", "breach", "low_csat", "unresolved"] as const;
export type HealthRuleSignal = (typeof healthRuleSignals)[number];

/** How an outreach reaches the contact: an email thread, or the widget's "Your conversations" on their next visit. */
export const outreachChannels = ["email", "widget"] as const;
export type OutreachChannel = (typeof outreachChannels)[number];

const outreachText = z.string().check(z.trim(), z.minLength(1, "write the message"), z.maxLength(4000));
const outreachSubject = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

/** The message a rule drafts for the contact it fires for; an agent approves it before it goes. */
export const outreachDraftSchema = z.object({
  channel: z.enum(outreachChannels),
  subject: z.optional(outreachSubject),
  text: outreachText,
});
export type OutreachDraft = z.infer<typeof outreachDraftSchema>;

/**
 * "Alert when a contact has `threshold` <signal> conversations within `days` days": to `notify` unless
 * `alert` is false, and, with `outreach`, a drafted message to the contact that waits for an agent.
 */
export const healthRuleInputSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, "name the rule"), z.maxLength(120)),
  signal: z.enum(healthRuleSignals),
  threshold: z.number().check(z.int(), z.gte(1), z.lte(100)),
  days: z.number().check(z.int(), z.gte(1), z.lte(365)),
  notify: z.enum(["slack", "email"]),
  alert: z.optional(z.boolean()),
  outreach: z.optional(outreachDraftSchema),
});
export const healthRuleSchema = z.extend(healthRuleInputSchema, { id: z.string(), createdAt: z.number() });
export type HealthRule = z.infer<typeof healthRuleSchema>;
export const healthRuleListSchema = z.object({ rules: z.array(healthRuleSchema) });

export const healthQuerySchema = z.object({
  atRisk: z.optional(z.enum(["1", "0"])),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
});

/** An agent's message to a contact (`POST /api/outreach`): `site` picks the widget's site (default: the first that verifies identities). */
export const outreachInputSchema = z.object({
  contactId: z.string().check(z.minLength(1), z.maxLength(64)),
  channel: z.enum(outreachChannels),
  subject: z.optional(outreachSubject),
  text: outreachText,
  site: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export type OutreachInput = z.infer<typeof outreachInputSchema>;

/** Approving a rule's draft: the agent may reword it first. */
export const outreachApproveSchema = z.object({
  text: z.optional(outreachText),
  subject: z.optional(outreachSubject),
  site: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

export const outreachSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  channel: z.enum(outreachChannels),
  subject: z.optional(z.string()),
  text: z.string(),
  status: z.enum(["proposed", "sent", "denied"]),
  /** The rule that drafted it, and why it fired. */
  ruleId: z.optional(z.string()),
  reason: z.optional(z.string()),
  conversationId: z.optional(z.string()),
  createdAt: z.number(),
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.number()),
});
export type Outreach = z.infer<typeof outreachSchema>;
export const outreachListSchema = z.object({ outreach: z.array(outreachSchema) });
export const outreachQuerySchema = z.object({
  status: z.optional(z.enum(["proposed", "sent", "denied"])),
  contact: z.optional(z.string().check(z.maxLength(64))),
});
