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

export type Citation = { articleId: string; title: string; url: string };

export type ContextPack = {
  summary: string;
  clusterId: string;
  clusterSize: number;
  related: string[];
  priority?: string;
  category?: string;
  vip: boolean;
  slaDueAt?: number;
  triedArticle?: { id: string; title: string; confidence: number };
  reason: string;
};

export type PlanStep = {
  conversationId: string;
  clusterId: string;
  /** 1-based position in the run: most urgent first. */
  order: number;
  action: SurgeAction;
  reason: string;
  confidence: number;
  slaDueAt?: number;
  priority?: string;
  category?: string;
  /** The customer's words, clipped, so a reviewer sees what is being answered. */
  preview: string;
  team?: string;
  draft?: { text: string; citations: Citation[]; complaint: boolean };
  context?: ContextPack;
  effortMinutes: number;
};

export type PlanCluster = {
  id: string;
  label: string;
  size: number;
  conversationIds: string[];
  duplicates: string[];
  earliestDueAt?: number;
};

export type PlanAlternative = { id: string; label: string; detail: string; risky: boolean; why?: string };

export type SurgePlan = {
  steps: PlanStep[];
  clusters: PlanCluster[];
  totals: { conversations: number; draft: number; escalate: number; leave: number; effortMinutes: number };
  batchSize: number;
  undoMinutes: number;
  thresholds: { draftMinConfidence: number; escalateBelow: number; clusterThreshold: number };
  alternatives: PlanAlternative[];
  /** SHA-256 of the decisions (order, action, team, draft text): equal hashes, equal plans. */
  hash: string;
};

// The plan as stored with its sweep (surge_sweeps.plan), read back through this schema. The checks are
// of shape only: the plan was built by the worker, not typed by a person.
const citationSchema = z.object({ articleId: z.string(), title: z.string(), url: z.string() });
const contextPackSchema = z.object({
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
const planStepSchema = z.object({
  conversationId: z.string(),
  clusterId: z.string(),
  order: z.number(),
  action: z.enum(surgeActions),
  reason: z.string(),
  confidence: z.number(),
  slaDueAt: z.optional(z.number()),
  priority: z.optional(z.string()),
  category: z.optional(z.string()),
  preview: z.string(),
  team: z.optional(z.string()),
  draft: z.optional(z.object({ text: z.string(), citations: z.array(citationSchema), complaint: z.boolean() })),
  context: z.optional(contextPackSchema),
  effortMinutes: z.number(),
});
export const surgePlanSchema = z.object({
  steps: z.array(planStepSchema),
  clusters: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      size: z.number(),
      conversationIds: z.array(z.string()),
      duplicates: z.array(z.string()),
      earliestDueAt: z.optional(z.number()),
    }),
  ),
  totals: z.object({
    conversations: z.number(),
    draft: z.number(),
    escalate: z.number(),
    leave: z.number(),
    effortMinutes: z.number(),
  }),
  batchSize: z.number(),
  undoMinutes: z.number(),
  thresholds: z.object({ draftMinConfidence: z.number(), escalateBelow: z.number(), clusterThreshold: z.number() }),
  alternatives: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      detail: z.string(),
      risky: z.boolean(),
      why: z.optional(z.string()),
    }),
  ),
  hash: z.string(),
});
const _isPlan: z.ZodMiniType<SurgePlan> = surgePlanSchema;
void _isPlan;

export const sweepStates = ["draft", "locked", "planned", "approved", "refused", "running", "done"] as const;
export type SweepState = (typeof sweepStates)[number];

export type StepStatus = "pending" | "sent" | "held" | "escalated" | "left" | "undone" | "failed";

export type SweepStep = {
  conversationId: string;
  order: number;
  action: SurgeAction;
  status: StepStatus;
  reason?: string;
  messageId?: string;
  undoUntil?: number;
  at?: number;
};

export type Sweep = {
  id: string;
  state: SweepState;
  brief: SurgeBrief;
  createdBy: { id: string; name: string };
  createdAt: number;
  lockedAt?: number;
  plan?: SurgePlan;
  approval?: { by: string; decision: "approve" | "refuse"; comment: string; at: number };
  /** Present for the lead (to share) and owners; the link opens the read-only summary. */
  approvalToken?: string;
  steps: SweepStep[];
  startedAt?: number;
  finishedAt?: number;
};

export type AuditEntry = {
  seq: number;
  sweepId: string;
  actor: string;
  action: string;
  at: number;
  inputs: unknown;
  outputs: unknown;
};

export type SurgeSnapshot = {
  triaged: number;
  draftsSent: number;
  draftsUndone: number;
  held: number;
  escalated: number;
  left: number;
  slaBreaches: number;
  minutesSaved: number;
  /** "47 triaged · 12 drafts sent · 3 escalated · 0 SLA breaches · about 2 h saved" */
  line: string;
};

export type SurgeAlert = {
  surge: boolean;
  reasons: string[];
  arrivals: number;
  windowMinutes: number;
  nearSla: number;
  levels: { arrivalsPerWindow: number; nearSla: number };
  urgent: { id: string; preview: string; slaDueAt: number; team?: string }[];
  integrations: { target: string; kind: string; status: string; at: number; detail?: string }[];
};

export type ApprovalSummary = {
  sweepId: string;
  title: string;
  state: SweepState;
  lead: string;
  affectedCustomers: number;
  conversations: { id: string; action: SurgeAction; preview: string }[];
  safeguards: SurgeSafeguards;
  filters: SurgeFilters;
  undoPlan: string;
  totals: SurgePlan["totals"];
  batchSize: number;
  approval?: Sweep["approval"];
};

export type FollowUpTask = {
  id: string;
  sweepId: string;
  text: string;
  createdBy: string;
  createdAt: number;
  status: "open" | "done";
};
