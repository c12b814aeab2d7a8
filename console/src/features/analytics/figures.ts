// Pure helpers of the analytics page (unit-tested): the headline tiles' values, pass/fail against the
// targets, number formats, the date range presets, and volume rows pivoted into line series.
import { DAY_MS, type AnalyticsReport, type VolumePoint } from "../../../../shared/analytics.ts";

export type TileId = "autoResolution" | "firstResponse" | "csat" | "escalationAccuracy";

export type Tile = {
  id: TileId;
  title: string;
  /** The raw figure (a ratio, ms or a score); null when there is nothing to measure yet. */
  value: number | null;
  shown: string;
  target: number;
  targetText: string;
  /** Where value and target sit on the tile's meter, 0–1. */
  scale: { value: number; target: number };
  met: boolean | null;
  detail: string;
};

export const pct = (v: number | null, digits = 1): string => (v === null ? "—" : `${(v * 100).toFixed(digits)}%`);

export function ms(v: number | null): string {
  if (v === null) return "—";
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 1 : 0)} s`;
  if (v < 3_600_000) return `${(v / 60_000).toFixed(1)} min`;
  return `${(v / 3_600_000).toFixed(1)} h`;
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));

export function tiles(r: AnalyticsReport): Tile[] {
  const s = r.summary;
  const t = r.targets;
  // First response on a log scale up to 10 min, so both "0.3 s" and "60 s" are visible on one meter.
  const logScale = (v: number) => clamp(Math.log10(Math.max(v, 100) / 100) / Math.log10(600_000 / 100));
  return [
    {
      id: "autoResolution",
      title: "Auto-resolution",
      value: s.autoResolutionRate,
      shown: pct(s.autoResolutionRate),
      target: t.autoResolution,
      targetText: `target ≥ ${pct(t.autoResolution, 0)}`,
      scale: { value: clamp(s.autoResolutionRate ?? 0), target: t.autoResolution },
      met: s.autoResolutionRate === null ? null : s.autoResolutionRate >= t.autoResolution,
      detail: `${s.autoResolved} of ${s.conversations} conversations resolved with no agent message; ${s.autoResolvedAfterAnswer} of them after a bot answer, ${s.autoResolvedByAction ? `${s.autoResolvedByAction} by an action, ` : ""}${s.autoResolved - s.autoResolvedAfterAnswer - s.autoResolvedByAction} closed without one`,
    },
    {
      id: "firstResponse",
      title: "Median first response",
      value: s.firstResponseP50,
      shown: ms(s.firstResponseP50),
      target: t.firstResponseMs,
      targetText: `target ≤ ${t.firstResponseMs / 1000} s · aim < 1 s`,
      scale: { value: logScale(s.firstResponseP50 ?? 0), target: logScale(t.firstResponseMs) },
      met: s.firstResponseP50 === null ? null : s.firstResponseP50 <= t.firstResponseMs,
      detail: `bot ${ms(s.firstResponseBotP50)} · people ${ms(s.firstResponseHumanP50)}`,
    },
    {
      id: "csat",
      title: "CSAT",
      value: s.csatAverage,
      shown: s.csatAverage === null ? "—" : `${s.csatAverage.toFixed(2)} / 5`,
      target: t.csat,
      targetText: `target ≥ ${t.csat} / 5`,
      scale: { value: clamp(((s.csatAverage ?? 1) - 1) / 4), target: (t.csat - 1) / 4 },
      met: s.csatAverage === null ? null : s.csatAverage >= t.csat,
      detail: `${s.ratings} rating${s.ratings === 1 ? "" : "s"}`,
    },
    {
      id: "escalationAccuracy",
      title: "Escalation accuracy",
      value: s.escalationAccuracy,
      shown: pct(s.escalationAccuracy),
      target: t.escalationAccuracy,
      targetText: `target ≥ ${pct(t.escalationAccuracy, 0)}`,
      scale: { value: clamp(s.escalationAccuracy ?? 0), target: t.escalationAccuracy },
      met: s.escalationAccuracy === null ? null : s.escalationAccuracy >= t.escalationAccuracy,
      detail: `${s.correct} of ${s.decided} decided · ${s.awaitingVerdict} awaiting a verdict`,
    },
  ];
}

export type Series = { key: string; points: number[] };

/**
 * Volume rows → one series per key over every day of the range (missing days are zero), biggest
 * series first; keys beyond `max` are summed into "other" so the chart stays readable.
 */
export function pivot(rows: VolumePoint[], from: string, to: string, max = 6): { days: string[]; series: Series[] } {
  const days: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  const index = new Map(days.map((d, i) => [d, i]));
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const pts = byKey.get(r.key) ?? days.map(() => 0);
    pts[i] = (pts[i] ?? 0) + r.conversations;
    byKey.set(r.key, pts);
  }
  const total = (p: number[]) => p.reduce((a, b) => a + b, 0);
  const sorted = [...byKey]
    .map(([key, points]) => ({ key, points }))
    .sort((a, b) => total(b.points) - total(a.points) || (a.key < b.key ? -1 : 1));
  if (sorted.length <= max) return { days, series: sorted };
  const other = days.map((_, i) => sorted.slice(max - 1).reduce((a, s) => a + (s.points[i] ?? 0), 0));
  return { days, series: [...sorted.slice(0, max - 1), { key: "other", points: other }] };
}

/** The last `n` days up to `today` (inclusive), as the API's from/to. */
export function lastDays(n: number, today = new Date()): { from: string; to: string } {
  const to = today.toISOString().slice(0, 10);
  return { from: new Date(Date.parse(to) - (n - 1) * DAY_MS).toISOString().slice(0, 10), to };
}

export const csvHref = (chart: string, from: string, to: string): string =>
  `/api/analytics/${chart}.csv?from=${from}&to=${to}`;

/** Round numbers for an axis: 0 and up to 4 steps of 1, 2 or 5 × 10^k covering `max`. */
export function ticks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}
