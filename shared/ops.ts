// The operator's view (worker/ops/, docs/operations.md): the health report of `/health`, and the
// metrics report behind the console's Operations page (`/api/ops/metrics`, owner) and
// `/admin/v1/ops/metrics` (the ADMIN_TOKEN, for operators' scripts).
import * as z from "zod/mini";

export type HealthCheck = { name: string; required: boolean; ok: boolean; detail: string };
export type HealthReport = { ok: boolean; checks: HealthCheck[] };

/** What the worker measures; each is a data point in Workers Analytics Engine (blob1). */
export const metricNames = ["http", "first_token", "answer", "handoff", "webhook", "publish", "error"] as const;
export type MetricName = (typeof metricNames)[number];

export const opsQuerySchema = z.object({
  window: z._default(z.enum(["hour", "day"]), "hour"),
});
export type OpsWindow = z.output<typeof opsQuerySchema>["window"];

/** One time bucket of one series: how many, and the value's p50/p95 (ms for timings). */
export type OpsPoint = { t: number; n: number; p50: number | null; p95: number | null };
/** Counts by a label (route, decision, reason, outcome) over the whole window. */
export type OpsCount = { label: string; n: number; p95?: number | null };

export type OpsReport = {
  window: OpsWindow;
  from: number;
  to: number;
  bucketMs: number;
  /** Where the figures come from: D1 locally, Analytics Engine in production, or nothing configured. */
  source: "d1" | "analytics-engine" | "none";
  /** When source is none, or the store failed: what to set up. */
  note?: string;
  firstToken: OpsPoint[];
  requests: OpsPoint[];
  answers: OpsCount[];
  handoffs: OpsCount[];
  webhooks: OpsCount[];
  publishes: OpsPoint[];
  errorsByRoute: OpsCount[];
  latencyByRoute: OpsCount[];
  /** The workspace's webhook outbox now: what waits to be sent, and the dead letters. */
  backlog: { pending: number; dead: number; oldestPendingAt: number | null };
};
