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
export const opsPointSchema = z.object({
  t: z.number(),
  n: z.number(),
  p50: z.nullable(z.number()),
  p95: z.nullable(z.number()),
});
export type OpsPoint = z.infer<typeof opsPointSchema>;
/** Counts by a label (route, decision, reason, outcome) over the whole window. */
export const opsCountSchema = z.object({ label: z.string(), n: z.number(), p95: z.optional(z.nullable(z.number())) });
export type OpsCount = z.infer<typeof opsCountSchema>;

export const opsReportSchema = z.object({
  window: opsQuerySchema.shape.window.def.innerType,
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  /** Where the figures come from: D1 locally, Analytics Engine in production, or nothing configured. */
  source: z.enum(["d1", "analytics-engine", "none"]),
  /** When source is none, or the store failed: what to set up. */
  note: z.optional(z.string()),
  firstToken: z.array(opsPointSchema),
  requests: z.array(opsPointSchema),
  answers: z.array(opsCountSchema),
  handoffs: z.array(opsCountSchema),
  webhooks: z.array(opsCountSchema),
  publishes: z.array(opsPointSchema),
  errorsByRoute: z.array(opsCountSchema),
  latencyByRoute: z.array(opsCountSchema),
  /** The workspace's webhook outbox now: what waits to be sent, and the dead letters. */
  backlog: z.object({ pending: z.number(), dead: z.number(), oldestPendingAt: z.nullable(z.number()) }),
});
export type OpsReport = z.infer<typeof opsReportSchema>;
