// Conversation quality (docs/quality-review.md): every ended conversation gets a scorecard for the bot's
// part and one for each agent who wrote in it. A score is a pure function of the conversation's
// recorded inputs and a versioned rubric, so re-scoring with the same rubric gives the same score.
import * as z from "zod/mini";

export const criteria = ["resolution", "speed", "accuracy", "tone", "csat"] as const;
export type Criterion = (typeof criteria)[number];

const weight = z.number().check(z.int(), z.gte(0), z.lte(10));
/** How much each criterion counts (0: not at all); the score is the weighted mean of the criteria that apply. */
export const rubricWeightsSchema = z.object({
  resolution: weight,
  speed: weight,
  accuracy: weight,
  tone: weight,
  csat: weight,
});
export type RubricWeights = z.infer<typeof rubricWeightsSchema>;

export const rubricSchema = z.object({
  /** 0: the built-in rubric; a workspace's own start at 1 and only ever go up. */
  version: z.number().check(z.int(), z.gte(0)),
  weights: rubricWeightsSchema,
  createdAt: z.number(),
  createdBy: z.optional(z.string()),
});
export type Rubric = z.infer<typeof rubricSchema>;

export const defaultRubric: Rubric = {
  version: 0,
  weights: { resolution: 3, speed: 2, accuracy: 2, tone: 1, csat: 2 },
  createdAt: 0,
};

/** An owner's new weights (they become the next version). */
export const rubricUpdateSchema = z
  .object({ weights: rubricWeightsSchema })
  .check(
    z.refine((v) => Object.values(v.weights).some((w) => w > 0), "at least one criterion must count (weight above 0)"),
  );

/** One agent's part of a conversation, as read from its log. */
export const agentPartInputsSchema = z.object({
  /** Absent for replies written before agent ids were recorded: matched by name alone. */
  id: z.optional(z.string()),
  name: z.string(),
  replies: z.number(),
  /** From the handoff (joining the queue) to this agent's first reply. */
  firstResponseMs: z.optional(z.number()),
  /** From this agent's first reply to the conversation's resolve (absent while it is not resolved). */
  handleMs: z.optional(z.number()),
  /** Tone checks per reply (plain language, no blame, empathy when the customer complained). */
  toneIssues: z.array(z.string()),
  repliesWithToneIssues: z.number(),
});
export type AgentPartInputs = z.infer<typeof agentPartInputsSchema>;

/** What a conversation's scorecards rest on: read from its log and its D1 rows when it ended. */
export const qualityInputsSchema = z.object({
  resolved: z.boolean(),
  /** Reopened (the customer wrote again, or an agent took it back) within 7 days of being resolved. */
  reopened: z.boolean(),
  handedOff: z.boolean(),
  /** The agents' mark on the handoff: needed, not needed (the bot could have), or not marked. */
  handoffNeeded: z.optional(z.boolean()),
  botAnswers: z.number(),
  /** From the customer's first message to the bot's first answer. */
  botFirstAnswerMs: z.optional(z.number()),
  helpfulVotes: z.number(),
  unhelpfulVotes: z.number(),
  /** An editor linked the customer's question to an article the bot had not given. */
  botCorrected: z.boolean(),
  csat: z.optional(z.number()),
  /** The workspace's first-response target while queued (the response SLA). */
  slaTargetMs: z.number(),
  agents: z.array(agentPartInputsSchema),
});
export type QualityInputs = z.infer<typeof qualityInputsSchema>;

export const criterionResultSchema = z.object({
  /** 0..1, or null: does not apply to this part (its weight then counts for nothing). */
  value: z.nullable(z.number()),
  weight: z.number(),
  reason: z.string(),
});
export type CriterionResult = z.infer<typeof criterionResultSchema>;

export const scoreOverrideSchema = z.object({
  score: z.number(),
  comment: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  at: z.number(),
});

export const scorecardSchema = z.object({
  conversationId: z.string(),
  /** "bot", or "agent:<id or name>". */
  part: z.string(),
  kind: z.enum(["bot", "agent"]),
  agent: z.optional(z.object({ id: z.optional(z.string()), name: z.string() })),
  /** 0..100, or null when no criterion applies. */
  score: z.nullable(z.number()),
  rubricVersion: z.number(),
  criteria: z.record(z.enum(criteria), criterionResultSchema),
  inputs: qualityInputsSchema,
  scoredAt: z.number(),
  override: z.optional(scoreOverrideSchema),
});
export type Scorecard = z.infer<typeof scorecardSchema>;

export const scorecardListSchema = z.object({ scorecards: z.array(scorecardSchema) });

/** A lead's own score for a part, with why. */
export const overrideRequestSchema = z.object({
  score: z.number().check(z.int(), z.gte(0), z.lte(100)),
  comment: z.string().check(z.trim(), z.minLength(1, "say why"), z.maxLength(1000)),
});

/** How often leads' overrides disagree with the automatic score (by more than `DISAGREE_POINTS`). */
export const overrideStatsSchema = z.object({
  overrides: z.number(),
  disagreements: z.number(),
  /** disagreements / overrides, or null with no overrides yet. */
  rate: z.nullable(z.number()),
  meanDifference: z.nullable(z.number()),
});
export const DISAGREE_POINTS = 10;

const epoch = z.optional(z.coerce.number().check(z.int(), z.gte(0)));
/** `GET /api/quality/scorecards`: a period (scored at, epoch ms) and, for owners, one agent. */
export const scorecardQuerySchema = z.object({
  from: epoch,
  to: epoch,
  agent: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
});

export const rescoreRequestSchema = z.object({
  /** Score with this rubric version instead of the current one (0: the built-in rubric). */
  rubricVersion: z.optional(z.number().check(z.int(), z.gte(0))),
});

export const reviewQuerySchema = z.object({ n: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(50))) });

export const rubricListSchema = z.object({ rubrics: z.array(rubricSchema) });

/** One agent's (or team's) figures for a period, from the scorecards of that period. */
export const performanceRowSchema = z.object({
  /** An agent's id, or a team's name. */
  key: z.string(),
  name: z.string(),
  teams: z.optional(z.array(z.string())),
  handled: z.number(),
  firstResponseP50: z.nullable(z.number()),
  firstResponseP90: z.nullable(z.number()),
  handleP50: z.nullable(z.number()),
  handleP90: z.nullable(z.number()),
  /** Resolved and not reopened within 7 days, over handled. */
  resolutionRate: z.nullable(z.number()),
  reopenRate: z.nullable(z.number()),
  csat: z.nullable(z.number()),
  csatCount: z.number(),
  /** Mean score, a lead's override counting instead of the automatic one. */
  quality: z.nullable(z.number()),
  /** Now, not over the period: open conversations assigned, and how many the agent may hold. */
  load: z.optional(z.number()),
  capacity: z.optional(z.number()),
  /** Over the period: time online in the inbox and not away (a team's: its agents' summed). */
  availableMs: z.optional(z.number()),
  /**
   * Load against capacity over the period: handle time of the conversations handled, over time available
   * times capacity (1: every slot busy all the time available). Null without time available.
   */
  occupancy: z.optional(z.nullable(z.number())),
});
export type PerformanceRow = z.infer<typeof performanceRowSchema>;

export const performanceSchema = z.object({
  from: z.number(),
  to: z.number(),
  agents: z.array(performanceRowSchema),
  teams: z.array(performanceRowSchema),
});
export type PerformanceReport = z.infer<typeof performanceSchema>;
