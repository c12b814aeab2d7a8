// The operator's metrics. Every data point goes to Workers Analytics Engine (binding METRICS: blob1
// the metric, blob2/blob3 its labels, blob4 the workspace, double1 the value, index the metric) when
// the binding is there; with METRICS_D1=on (`npm run dev`, tests) it is also a row of D1 `ops_metrics`,
// written in small batches off the request's path, so the operations page works locally.
//
// Labels are bounded vocabularies (route patterns, decisions, reasons, outcomes): never an id, an
// address or customer text, so a metric can be shown to any operator and kept as long as wanted.
import type { MetricName } from "../../shared/ops.ts";
import type { Env } from "../env.ts";

export type MetricPoint = { name: MetricName; label?: string; label2?: string; workspaceId?: string; value: number };
type Row = MetricPoint & { at: number };

/** How long a D1 batch gathers points before it is written. */
const FLUSH_AFTER_MS = 250;
const FLUSH_MAX = 100;

const buffer: Row[] = [];
/** Points this isolate holds for D1 at most (local runs only): past it the oldest go, as a failing D1 or a caller without waitUntil would otherwise let them pile up. */
export const METRICS_BUFFER_MAX = 1000;
/** How many points wait for D1 (tests). */
export const pendingMetrics = (): number => buffer.length;
let flushing: Promise<void> | null = null;

export function metric(env: Env, waitUntil: ((p: Promise<unknown>) => void) | null, p: MetricPoint): void {
  const label = (p.label ?? "").slice(0, 120);
  const label2 = (p.label2 ?? "").slice(0, 120);
  try {
    env.METRICS?.writeDataPoint({
      blobs: [p.name, label, label2, p.workspaceId ?? ""],
      doubles: [Number.isFinite(p.value) ? p.value : 0],
      indexes: [p.name],
    });
  } catch (e) {
    // A metric is never worth a failed request.
    console.error(JSON.stringify({ level: "error", msg: "metric not written", error: String(e) }));
  }
  if (env.METRICS_D1 !== "on") return;
  if (buffer.length >= METRICS_BUFFER_MAX) buffer.splice(0, buffer.length - METRICS_BUFFER_MAX + 1);
  buffer.push({ ...p, label, label2, at: Date.now() });
  if (buffer.length >= FLUSH_MAX && !flushing) waitUntil?.(flush(env, 0));
  else if (!flushing) waitUntil?.(flush(env, FLUSH_AFTER_MS));
}

function flush(env: Env, delayMs: number): Promise<void> {
  const run = async () => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    while (buffer.length) {
      const rows = buffer.splice(0, FLUSH_MAX);
      try {
        await env.DB.batch(
          rows.map((r) =>
            env.DB.prepare(
              "INSERT INTO ops_metrics (at, name, label, label2, workspace_id, value) VALUES (?, ?, ?, ?, ?, ?)",
            ).bind(r.at, r.name, r.label ?? "", r.label2 ?? "", r.workspaceId ?? "", r.value),
          ),
        );
      } catch (e) {
        console.error(JSON.stringify({ level: "error", msg: "local metrics not written", error: String(e) }));
        return;
      }
    }
  };
  flushing = run().finally(() => {
    flushing = null;
  });
  return flushing;
}

/** Local metrics older than two days go (the scheduled job). */
export async function pruneLocalMetrics(env: Env, now = Date.now()): Promise<void> {
  if (env.METRICS_D1 !== "on") return;
  await env.DB.prepare("DELETE FROM ops_metrics WHERE at < ?")
    .bind(now - 2 * 86_400_000)
    .run();
}
