// The operations page's wording and arithmetic (pure, unit-tested): bucket labels, the headline tiles
// (first token p95, requests, server errors, webhook outbox), and where the figures come from.
import type { OpsPoint, OpsReport } from "../../../../shared/ops.ts";

/** "14:05" for a 5-minute bucket, "14:00" for an hourly one, in the viewer's time zone. */
export function bucketLabel(t: number): string {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * The highest bucket p95 of the window. Percentiles of buckets do not combine into the window's own
 * p95, so the tile says what it is: the worst 5-minute (or hourly) p95.
 */
export function worst(points: OpsPoint[]): number | null {
  const v = points.map((p) => p.p95).filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}

export const total = (points: OpsPoint[]): number => points.reduce((n, p) => n + p.n, 0);

export type OpsTile = { id: string; label: string; value: string; note: string; state: "ok" | "warn" | "bad" | "none" };

/** First token budget of the product (README: p95 30 ms measured); above 1 s customers notice. */
const FIRST_TOKEN_WARN_MS = 1000;

export function opsTiles(r: OpsReport): OpsTile[] {
  const ft = worst(r.firstToken);
  const requests = total(r.requests);
  const errors = r.errorsByRoute.reduce((n, e) => n + e.n, 0);
  const windowWord = r.window === "hour" ? "5-minute" : "hourly";
  return [
    {
      id: "first-token",
      label: "First token, worst p95",
      value: duration(ft),
      note: `${total(r.firstToken)} bot answers; highest ${windowWord} p95`,
      state: ft === null ? "none" : ft > FIRST_TOKEN_WARN_MS ? "warn" : "ok",
    },
    {
      id: "requests",
      label: "Requests",
      value: String(requests),
      note: `p95 ${duration(worst(r.requests))} at worst`,
      state: requests ? "ok" : "none",
    },
    {
      id: "errors",
      label: "Server errors",
      value: String(errors),
      note: requests ? `${((errors / requests) * 100).toFixed(2)}% of requests` : "no requests",
      state: errors ? "bad" : requests ? "ok" : "none",
    },
    {
      id: "backlog",
      label: "Webhook outbox",
      value: `${r.backlog.pending} waiting`,
      note: `${r.backlog.dead} dead letter${r.backlog.dead === 1 ? "" : "s"}`,
      state: r.backlog.dead ? "bad" : r.backlog.pending > 50 ? "warn" : "ok",
    },
  ];
}

export function sourceText(r: OpsReport): string {
  if (r.source === "d1") return "Local metrics (D1): npm run dev keeps them here";
  if (r.source === "analytics-engine") return "Workers Analytics Engine (sampled)";
  return "No metrics store configured";
}
