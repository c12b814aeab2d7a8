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

/** "Alert when a contact has `threshold` <signal> conversations within `days` days." */
export const healthRuleInputSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, "name the rule"), z.maxLength(120)),
  signal: z.enum(healthRuleSignals),
  threshold: z.number().check(z.int(), z.gte(1), z.lte(100)),
  days: z.number().check(z.int(), z.gte(1), z.lte(365)),
  notify: z.enum(["slack", "email"]),
});
export const healthRuleSchema = z.extend(healthRuleInputSchema, { id: z.string(), createdAt: z.number() });
export type HealthRule = z.infer<typeof healthRuleSchema>;
export const healthRuleListSchema = z.object({ rules: z.array(healthRuleSchema) });

export const healthQuerySchema = z.object({
  atRisk: z.optional(z.enum(["1", "0"])),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
});
