// Surge triage: the shapes the console and the worker share (brief, plan, sweep, audit, snapshot).
// Re-exported from api.ts. The plan is data, not code: it is stored with the sweep so an approver
// reads exactly what will run, and a replay can compare decisions byte for byte.
import * as z from "zod/mini";

export const surgeActions = ["draft", "escalate", "leave"] as const;
export type SurgeAction = (typeof surgeActions)[number];

const short = z.string().check(z.trim(), z.maxLength(200));

/** Which conversations a sweep may touch. Every filter is optional; all given ones must match. */
export const surgeFiltersSchema = z.object({
  categories: z.optional(z.array(short).check(z.maxLength(50))),
  priorities: z.optional(z.array(short).check(z.maxLength(10))),
  channels: z.optional(z.array(short).check(z.maxLength(10))),
  /** Only conversations waiting at least / at most this long (minutes since created). */
  minAgeMinutes: z.optional(z.number().check(z.minimum(0), z.maximum(60 * 24 * 90))),
  maxAgeMinutes: z.optional(z.number().check(z.minimum(0), z.maximum(60 * 24 * 90))),
  /** Case-insensitive substring of the customer's words. */
  text: z.optional(short),
  vipOnly: z.optional(z.boolean()),
});
export type SurgeFilters = z.infer<typeof surgeFiltersSchema>;

export const surgeSafeguardsSchema = z.object({
  publishedOnly: z.boolean(),
  plainLanguage: z.boolean(),
  empathetic: z.boolean(),
});
export type SurgeSafeguards = z.infer<typeof surgeSafeguardsSchema>;

export const surgeBriefSchema = z.object({
  title: z.string().check(z.trim(), z.minLength(1, "give the sweep a name"), z.maxLength(120)),
  filters: surgeFiltersSchema,
  safeguards: surgeSafeguardsSchema,
});
export type SurgeBrief = z.infer<typeof surgeBriefSchema>;

/** What the lead may tune before asking for approval. */
export const surgeTuningSchema = z.object({
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100))),
  /** Retrieval confidence at or above which a reply is drafted from the article. */
  draftMinConfidence: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  /** Below this confidence the conversation goes to the routed team with a context pack. */
  escalateBelow: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});
export type SurgeTuning = z.infer<typeof surgeTuningSchema>;

export const surgeDecisionSchema = z.object({
  decision: z.enum(["approve", "refuse"]),
  comment: z.string().check(z.trim(), z.maxLength(2000)),
});

export const surgeFeedbackSchema = z.object({
  text: z.string().check(z.trim(), z.minLength(1, "feedback is empty"), z.maxLength(2000)),
});

/** Marking a follow-up task done, or open again. */
export const surgeTaskUpdateSchema = z.object({ status: z.enum(["open", "done"]) });

// Answers of the surge API, parsed by the console (never asserted).

export const citationSchema = z.object({ articleId: z.string(), title: z.string(), url: z.string() });
export type Citation = z.infer<typeof citationSchema>;

export const contextPackSchema = z.object({
  summary: z.string(),
  clusterId: z.string(),
  clusterSize: z.number(),
  related: z.array(z.string()),
  priority: z.optional(z.string()),
  category: z.optional(z.string()),
  vip: z.boolean(),
  slaDueAt: z.optional(z.number()),
  triedArticle: z.optional(z.object({ id: z.string(), title: z.string(), confidence: z.number() })),
  reason: z.string(),
});
export type ContextPack = z.infer<typeof contextPackSchema>;

export const planStepSchema = z.object({
  conversationId: z.string(),
  clusterId: z.string(),
  /** 1-based position in the run: most urgent first. */
  order: z.number(),
  action: z.enum(surgeActions),
  reason: z.string(),
  confidence: z.number(),
  slaDueAt: z.optional(z.number()),
  priority: z.optional(z.string()),
  category: z.optional(z.string()),
  /** The customer's words, clipped, so a reviewer sees what is being answered. */
  preview: z.string(),
  team: z.optional(z.string()),
  draft: z.optional(z.object({ text: z.string(), citations: z.array(citationSchema), complaint: z.boolean() })),
  context: z.optional(contextPackSchema),
  effortMinutes: z.number(),
});
export type PlanStep = z.infer<typeof planStepSchema>;

export const planClusterSchema = z.object({
  id: z.string(),
  label: z.string(),
  size: z.number(),
  conversationIds: z.array(z.string()),
  duplicates: z.array(z.string()),
  earliestDueAt: z.optional(z.number()),
});
export type PlanCluster = z.infer<typeof planClusterSchema>;

export const planAlternativeSchema = z.object({
  id: z.string(),
  label: z.string(),
  detail: z.string(),
  risky: z.boolean(),
  why: z.optional(z.string()),
});
export type PlanAlternative = z.infer<typeof planAlternativeSchema>;

const planTotalsSchema = z.object({
  conversations: z.number(),
  draft: z.number(),
  escalate: z.number(),
  leave: z.number(),
  effortMinutes: z.number(),
});

export const surgePlanSchema = z.object({
  steps: z.array(planStepSchema),
  clusters: z.array(planClusterSchema),
  totals: planTotalsSchema,
  batchSize: z.number(),
  undoMinutes: z.number(),
  thresholds: z.object({ draftMinConfidence: z.number(), escalateBelow: z.number(), clusterThreshold: z.number() }),
  alternatives: z.array(planAlternativeSchema),
  /** SHA-256 of the decisions (order, action, team, draft text): equal hashes, equal plans. */
  hash: z.string(),
});
export type SurgePlan = z.infer<typeof surgePlanSchema>;

export const sweepStates = ["draft", "locked", "planned", "approved", "refused", "running", "done"] as const;
export type SweepState = (typeof sweepStates)[number];

export const stepStatusSchema = z.enum(["pending", "sent", "held", "escalated", "left", "undone", "failed"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const sweepStepSchema = z.object({
  conversationId: z.string(),
  order: z.number(),
  action: z.enum(surgeActions),
  status: stepStatusSchema,
  reason: z.optional(z.string()),
  messageId: z.optional(z.string()),
  undoUntil: z.optional(z.number()),
  at: z.optional(z.number()),
});
export type SweepStep = z.infer<typeof sweepStepSchema>;

const approvalSchema = z.object({
  by: z.string(),
  decision: z.enum(["approve", "refuse"]),
  comment: z.string(),
  at: z.number(),
});

export const sweepSchema = z.object({
  id: z.string(),
  state: z.enum(sweepStates),
  brief: surgeBriefSchema,
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.number(),
  lockedAt: z.optional(z.number()),
  plan: z.optional(surgePlanSchema),
  approval: z.optional(approvalSchema),
  /** Present for the lead (to share) and owners; the link opens the read-only summary. */
  approvalToken: z.optional(z.string()),
  steps: z.array(sweepStepSchema),
  startedAt: z.optional(z.number()),
  finishedAt: z.optional(z.number()),
});
export type Sweep = z.infer<typeof sweepSchema>;

export const auditEntrySchema = z.object({
  seq: z.number(),
  sweepId: z.string(),
  actor: z.string(),
  action: z.string(),
  at: z.number(),
  inputs: z.unknown(),
  outputs: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const surgeSnapshotSchema = z.object({
  triaged: z.number(),
  draftsSent: z.number(),
  draftsUndone: z.number(),
  held: z.number(),
  escalated: z.number(),
  left: z.number(),
  slaBreaches: z.number(),
  minutesSaved: z.number(),
  /** "47 triaged · 12 drafts sent · 3 escalated · 0 SLA breaches · about 2 h saved" */
  line: z.string(),
});
export type SurgeSnapshot = z.infer<typeof surgeSnapshotSchema>;

export const surgeAlertSchema = z.object({
  surge: z.boolean(),
  reasons: z.array(z.string()),
  arrivals: z.number(),
  windowMinutes: z.number(),
  nearSla: z.number(),
  levels: z.object({ arrivalsPerWindow: z.number(), nearSla: z.number() }),
  urgent: z.array(
    z.object({ id: z.string(), preview: z.string(), slaDueAt: z.number(), team: z.optional(z.string()) }),
  ),
  integrations: z.array(
    z.object({
      target: z.string(),
      kind: z.string(),
      status: z.string(),
      at: z.number(),
      detail: z.optional(z.string()),
    }),
  ),
});
export type SurgeAlert = z.infer<typeof surgeAlertSchema>;

export const approvalSummarySchema = z.object({
  sweepId: z.string(),
  title: z.string(),
  state: z.enum(sweepStates),
  lead: z.string(),
  affectedCustomers: z.number(),
  conversations: z.array(z.object({ id: z.string(), action: z.enum(surgeActions), preview: z.string() })),
  safeguards: surgeSafeguardsSchema,
  filters: surgeFiltersSchema,
  undoPlan: z.string(),
  totals: planTotalsSchema,
  batchSize: z.number(),
  approval: z.optional(approvalSchema),
});
export type ApprovalSummary = z.infer<typeof approvalSummarySchema>;

export const followUpTaskSchema = z.object({
  id: z.string(),
  sweepId: z.string(),
  text: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  status: z.enum(["open", "done"]),
});
export type FollowUpTask = z.infer<typeof followUpTaskSchema>;
