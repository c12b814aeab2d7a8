// The analytics API (`GET /api/analytics`, `GET /api/analytics/:chart.csv`): what each chart plots,
// the product's targets, and the date range. Definitions: docs/analytics.md.
import * as z from "zod/mini";

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-11-30"));
/** Whole UTC days, both inclusive; default the last 30 days. */
export const analyticsQuerySchema = z.object({ from: z.optional(day), to: z.optional(day) });

export const DAY_MS = 86_400_000;

/** The product's targets; the dashboard draws them as lines and says pass or fail. */
export const TARGETS = {
  autoResolution: 0.6,
  firstResponseMs: 60_000,
  csat: 4.5,
  escalationAccuracy: 0.9,
} as const;

const n = z.number();
const maybe = z.nullable(z.number());

export const summarySchema = z.object({
  conversations: n,
  resolved: n,
  autoResolved: n,
  /** autoResolved / conversations; null with no conversations. */
  autoResolutionRate: maybe,
  /**
   * Of autoResolved, those the bot itself resolved: it answered and nobody handed off. The rest closed
   * with no answer at all (a decline the customer left, closed idle) or were handed off and closed
   * without an agent's message; the definition counts them, this says how many they are.
   */
  autoResolvedAfterAnswer: n,
  /**
   * Of autoResolved, those an action resolved: the bot answered with what an action did or found
   * (docs/actions.md) and nobody handed off. Counted apart from autoResolvedAfterAnswer (an article's answer).
   */
  autoResolvedByAction: n,
  /** Median first reply by anyone (bot or agent), ms. */
  firstResponseP50: maybe,
  firstResponseBotP50: maybe,
  firstResponseHumanP50: maybe,
  ratings: n,
  csatAverage: maybe,
  decided: n,
  correct: n,
  awaitingVerdict: n,
  escalationAccuracy: maybe,
});
export type Summary = z.infer<typeof summarySchema>;

export const volumePointSchema = z.object({ day: z.string(), key: z.string(), conversations: n });
export type VolumePoint = z.infer<typeof volumePointSchema>;
export const bucketSchema = z.object({ label: z.string(), fromMs: n, toMs: maybe, count: n });
export type Bucket = z.infer<typeof bucketSchema>;
export const distributionSchema = z.object({
  kind: z.string(),
  n,
  p50: maybe,
  p90: maybe,
  buckets: z.array(bucketSchema),
});
export type Distribution = z.infer<typeof distributionSchema>;
export const csatRowSchema = z.object({ score: n, count: n });
export type CsatRow = z.infer<typeof csatRowSchema>;
export const handoffReasonRowSchema = z.object({
  reason: z.string(),
  handoffs: n,
  needed: n,
  notNeeded: n,
  unmarked: n,
});
export type HandoffReasonRow = z.infer<typeof handoffReasonRowSchema>;
export const topArticleRowSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  answers: n,
  helpful: n,
  notHelpful: n,
  handoffsAfter: n,
});
export type TopArticleRow = z.infer<typeof topArticleRowSchema>;
export const gapRowSchema = z.object({
  key: z.string(),
  questions: n,
  title: z.string(),
  example: z.string(),
  reasons: z.string(),
});
export type GapRow = z.infer<typeof gapRowSchema>;

export const analyticsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: n,
  targets: z.object({
    autoResolution: z.literal(TARGETS.autoResolution),
    firstResponseMs: z.literal(TARGETS.firstResponseMs),
    csat: z.literal(TARGETS.csat),
    escalationAccuracy: z.literal(TARGETS.escalationAccuracy),
  }),
  summary: summarySchema,
  volumeByChannel: z.array(volumePointSchema),
  volumeByCategory: z.array(volumePointSchema),
  firstResponse: z.array(distributionSchema),
  resolution: z.array(distributionSchema),
  csat: z.array(csatRowSchema),
  handoffReasons: z.array(handoffReasonRowSchema),
  topArticles: z.array(topArticleRowSchema),
  gaps: z.array(gapRowSchema),
  /** How long each chart's query took on the server, ms. */
  timings: z.record(z.string(), n),
});
export type AnalyticsReport = z.infer<typeof analyticsReportSchema>;

/** Chart ids for the CSV export, each the name of a report field. */
export const CHARTS = [
  "summary",
  "volumeByChannel",
  "volumeByCategory",
  "firstResponse",
  "resolution",
  "csat",
  "handoffReasons",
  "topArticles",
  "gaps",
] as const;
export type ChartId = (typeof CHARTS)[number];
