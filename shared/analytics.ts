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

export type Summary = {
  conversations: number;
  resolved: number;
  autoResolved: number;
  /** autoResolved / conversations; null with no conversations. */
  autoResolutionRate: number | null;
  /**
   * Of autoResolved, those the bot itself resolved: it answered and nobody handed off. The rest closed
   * with no answer at all (a decline the customer left, closed idle) or were handed off and closed
   * without an agent's message; the definition counts them, this says how many they are.
   */
  autoResolvedAfterAnswer: number;
  /** Median first reply by anyone (bot or agent), ms. */
  firstResponseP50: number | null;
  firstResponseBotP50: number | null;
  firstResponseHumanP50: number | null;
  ratings: number;
  csatAverage: number | null;
  decided: number;
  correct: number;
  awaitingVerdict: number;
  escalationAccuracy: number | null;
};

export type VolumePoint = { day: string; key: string; conversations: number };
export type Bucket = { label: string; fromMs: number; toMs: number | null; count: number };
export type Distribution = { kind: string; n: number; p50: number | null; p90: number | null; buckets: Bucket[] };
export type CsatRow = { score: number; count: number };
export type HandoffReasonRow = {
  reason: string;
  handoffs: number;
  needed: number;
  notNeeded: number;
  unmarked: number;
};
export type TopArticleRow = {
  articleId: string;
  title: string;
  answers: number;
  helpful: number;
  notHelpful: number;
  handoffsAfter: number;
};
export type GapRow = { key: string; questions: number; title: string; example: string; reasons: string };

export type AnalyticsReport = {
  from: string;
  to: string;
  generatedAt: number;
  targets: typeof TARGETS;
  summary: Summary;
  volumeByChannel: VolumePoint[];
  volumeByCategory: VolumePoint[];
  firstResponse: Distribution[];
  resolution: Distribution[];
  csat: CsatRow[];
  handoffReasons: HandoffReasonRow[];
  topArticles: TopArticleRow[];
  gaps: GapRow[];
  /** How long each chart's query took on the server, ms. */
  timings: Record<string, number>;
};

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
