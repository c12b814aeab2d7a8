// The operations page's arithmetic, free of any Cloudflare type (unit-tested in Node): the window's
// buckets, percentiles, counts by label, and the Analytics Engine SQL API query and answer. Both
// sources (D1 locally, Analytics Engine in production; worker/ops/report.ts) give the same rows.
import type { OpsCount, OpsPoint, OpsReport, OpsWindow } from "../../shared/ops.ts";
import { parseValue } from "../../shared/json.ts";
import * as z from "zod/mini";

const MIN = 60_000;
export const WINDOWS: Record<OpsWindow, { span: number; bucket: number }> = {
  hour: { span: 60 * MIN, bucket: 5 * MIN },
  day: { span: 24 * 60 * MIN, bucket: 60 * MIN },
};

/** One data point, or `n` points of a label with their values (AE rows are pre-aggregated per bucket). */
export type MetricRow = { t: number; name: string; label: string; label2: string; n: number; values: number[] };

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

/** The window's first bucket: the last span/bucket buckets, the current (partial) one included. */
export function windowStart(window: OpsWindow, now: number): number {
  const { span, bucket } = WINDOWS[window];
  return now - (now % bucket) - (span - bucket);
}

function series(rows: MetricRow[], name: string, from: number, to: number, bucket: number): OpsPoint[] {
  const buckets = new Map<number, { n: number; values: number[] }>();
  for (let t = from; t <= to; t += bucket) buckets.set(t, { n: 0, values: [] });
  for (const r of rows) {
    if (r.name !== name) continue;
    const b = buckets.get(r.t - (r.t % bucket));
    if (!b) continue;
    b.n += r.n;
    b.values.push(...r.values);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, b]) => {
      const v = b.values.sort((x, y) => x - y);
      return { t, n: b.n, p50: pct(v, 0.5), p95: pct(v, 0.95) };
    });
}

function counts(rows: MetricRow[], name: string, key: (r: MetricRow) => string | null, withP95 = false): OpsCount[] {
  const by = new Map<string, { n: number; values: number[] }>();
  for (const r of rows) {
    if (r.name !== name) continue;
    const k = key(r);
    if (k === null) continue;
    const c = by.get(k) ?? { n: 0, values: [] };
    c.n += r.n;
    c.values.push(...r.values);
    by.set(k, c);
  }
  return [...by.entries()]
    .map(([label, c]) => ({
      label,
      n: c.n,
      ...(withP95
        ? {
            p95: pct(
              c.values.sort((a, b) => a - b),
              0.95,
            ),
          }
        : {}),
    }))
    .sort((a, b) => b.n - a.n || (a.label < b.label ? -1 : 1));
}

export function summarise(
  all: MetricRow[],
  window: OpsWindow,
  now: number,
  source: OpsReport["source"],
  backlog: OpsReport["backlog"],
  note?: string,
): OpsReport {
  const { bucket } = WINDOWS[window];
  const from = windowStart(window, now);
  const rows = all.filter((r) => r.t >= from);
  return {
    window,
    from,
    to: now,
    bucketMs: bucket,
    source,
    ...(note ? { note } : {}),
    firstToken: series(rows, "first_token", from, now, bucket),
    requests: series(rows, "http", from, now, bucket),
    publishes: series(rows, "publish", from, now, bucket),
    answers: counts(rows, "answer", (r) => r.label),
    handoffs: counts(rows, "handoff", (r) => r.label),
    webhooks: counts(rows, "webhook", (r) => r.label),
    errorsByRoute: counts(rows, "http", (r) => (Number(r.label2) >= 500 ? `${r.label} → ${r.label2}` : null)),
    latencyByRoute: counts(rows, "http", (r) => r.label, true).slice(0, 12),
    backlog,
  };
}

const sqlString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Production: Analytics Engine's SQL API, per bucket, metric and labels: the sampled count and the
 * p50 and p95 of the value (weighted by `_sample_interval`, as the docs ask). Each bucket's two
 * percentiles stand in for its values, which is what the page draws.
 */
export function aeQuery(dataset: string, window: OpsWindow, workspaceId: string | null): string {
  const { span, bucket } = WINDOWS[window];
  const s = bucket / 1000;
  const ws = workspaceId === null ? "" : ` AND blob4 IN (${sqlString(workspaceId)}, '')`;
  return `SELECT intDiv(toUInt32(timestamp), ${s}) * ${s} AS t, blob1 AS name, blob2 AS label, blob3 AS label2,
  SUM(_sample_interval) AS n,
  quantileExactWeighted(0.5)(double1, _sample_interval) AS p50,
  quantileExactWeighted(0.95)(double1, _sample_interval) AS p95
FROM ${dataset}
WHERE timestamp > NOW() - INTERVAL '${span / 60_000}' MINUTE${ws}
GROUP BY t, name, label, label2
ORDER BY t
FORMAT JSON`;
}

/** The rows aeQuery asks for, as the Analytics Engine SQL API returns them (FORMAT JSON). */
const aeAnswer = z.object({
  data: z.array(
    z.object({
      t: z.union([z.number(), z.string()]),
      name: z.string(),
      label: z.string(),
      label2: z.string(),
      n: z.union([z.number(), z.string()]),
      p50: z.number(),
      p95: z.number(),
    }),
  ),
});

export type AeAccess = { accountId: string; token: string; dataset: string };

export async function aeRows(
  ae: AeAccess,
  window: OpsWindow,
  workspaceId: string | null,
  fetcher: typeof fetch = fetch,
): Promise<MetricRow[]> {
  const res = await fetcher(`https://api.cloudflare.com/client/v4/accounts/${ae.accountId}/analytics_engine/sql`, {
    method: "POST",
    headers: { authorization: `Bearer ${ae.token}` },
    body: aeQuery(ae.dataset, window, workspaceId),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`Analytics Engine answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = parseValue(aeAnswer, await res.json(), "the Analytics Engine SQL answer");
  return body.data.map((d) => {
    const n = Number(d.n);
    // Stand-in values, at most 20 per row: 90% at p50 and 10% at p95 keep both percentiles of the row,
    // and rows merged into a bucket or a route weigh about as much as their counts.
    const k = Math.max(1, Math.min(20, Math.round(n)));
    const high = Math.max(1, Math.round(k / 10));
    return {
      t: Number(d.t) * 1000,
      name: d.name,
      label: d.label,
      label2: d.label2,
      n,
      values: [...Array(k - high).fill(Number(d.p50)), ...Array(high).fill(Number(d.p95))],
    };
  });
}
