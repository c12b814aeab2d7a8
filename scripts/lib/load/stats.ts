// The arithmetic of the load bench, kept apart so it is tested on its own (tests/unit/load-stats.test.ts):
// percentiles of latency samples, where a ramp's knee is, the next rate a ramp tries, and the slope of
// memory over a soak. Plain numbers in, plain numbers out: no clock, no I/O.

/** The nearest-rank percentile (p in 0..100) of `xs`; NaN for no samples. Does not sort `xs` in place. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * s.length);
  return s[Math.max(0, rank - 1)] as number;
}

export type Summary = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

/** The usual summary of latency samples (ms); every field NaN (n 0) when there are none. */
export function summarize(xs: readonly number[]): Summary {
  if (!xs.length) return { n: 0, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  return {
    n: xs.length,
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    p99: percentile(xs, 99),
    max: Math.max(...xs),
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  };
}

/** One step of a ramp: what was offered and what came back. */
export type Step = {
  /** Questions per second the generator tried to ask. */
  offered: number;
  /** Questions per second answered completely within the step. */
  achieved: number;
  /** First token p95 (ms) over the step's questions. */
  firstTokenP95: number;
  /** Questions asked in the step, and how many failed (an error frame, a dropped link, no answer in time). */
  asked: number;
  errors: number;
};

export type KneeRule = {
  /** First-token p95 at or under this passes (ms). */
  p95LimitMs: number;
  /** Share of questions that may fail in a passing step. */
  maxErrorRate: number;
  /** Share of the offered rate a passing step must achieve (below it the system is falling behind). */
  minAchievedShare: number;
};

export const DEFAULT_KNEE_RULE: KneeRule = { p95LimitMs: 150, maxErrorRate: 0.01, minAchievedShare: 0.9 };

/** Why a step fails the rule, or null when it passes. */
export function stepVerdict(s: Step, rule: KneeRule = DEFAULT_KNEE_RULE): string | null {
  if (!(s.asked > 0)) return "no questions asked";
  if (!(s.firstTokenP95 <= rule.p95LimitMs))
    return `first-token p95 ${fmt(s.firstTokenP95)} ms > ${rule.p95LimitMs} ms`;
  if (s.errors / s.asked > rule.maxErrorRate) return `${s.errors} of ${s.asked} questions failed`;
  if (s.achieved < s.offered * rule.minAchievedShare)
    return `answered ${fmt(s.achieved)}/s of ${fmt(s.offered)}/s offered`;
  return null;
}

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 10) / 10) : String(n));

export type Knee = {
  /** The highest offered rate that passed, with every lower step passing too; null when the first step failed. */
  knee: Step | null;
  /** The first step that failed (the one the knee lies below); null when every step passed. */
  firstFailure: Step | null;
  /** Why it failed. */
  reason: string | null;
};

/**
 * The knee of a ramp: steps are taken in order of offered rate, and the knee is the last step below the
 * first failure. A pass above a failure does not count (noise on a shared machine can make a higher
 * step look better once; a knee is where it starts going wrong).
 */
export function findKnee(steps: readonly Step[], rule: KneeRule = DEFAULT_KNEE_RULE): Knee {
  const sorted = [...steps].sort((a, b) => a.offered - b.offered);
  let knee: Step | null = null;
  for (const s of sorted) {
    const why = stepVerdict(s, rule);
    if (why) return { knee, firstFailure: s, reason: why };
    knee = s;
  }
  return { knee, firstFailure: null, reason: null };
}

export type RampPlan = {
  start: number;
  /** Each step multiplies the rate by this until the first failure. */
  factor: number;
  /** Steps that halve the gap between the knee and the first failure, after it. */
  refine: number;
  /** Never offer more than this. */
  max: number;
};

/**
 * The next rate a ramp tries after `done` (in the order they ran), or null when the ramp is over:
 * geometric steps until a step fails (or `max` passed), then up to `refine` bisections between the
 * highest pass and the lowest failure, rounded to whole questions per second; stops early once that
 * gap is within 5 % (a shared machine's step-to-step noise is larger).
 */
export function nextRate(done: readonly Step[], plan: RampPlan, rule: KneeRule = DEFAULT_KNEE_RULE): number | null {
  if (!done.length) return Math.min(plan.start, plan.max);
  const firstFail = done.findIndex((s) => stepVerdict(s, rule) !== null);
  if (firstFail < 0) {
    const last = (done[done.length - 1] as Step).offered;
    if (last >= plan.max) return null;
    return Math.min(plan.max, Math.max(last + 1, Math.round(last * plan.factor)));
  }
  if (done.length - (firstFail + 1) >= plan.refine) return null;
  const { knee, firstFailure } = findKnee(done, rule);
  const low = knee?.offered ?? 0;
  const high = (firstFailure as Step).offered;
  if (high - low <= Math.max(1, 0.05 * high)) return null;
  const mid = Math.round((low + high) / 2);
  return mid > low && mid < high ? mid : null;
}

/** Least-squares line through (x, y) points: slope and intercept; slope NaN with fewer than two distinct x. */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN };
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return { slope: Number.NaN, intercept: Number.NaN };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export type SoakVerdict = {
  /** MB per minute over the samples after warm-up. */
  slopeMbPerMin: number;
  /** What the slope would add over an hour, as a share of the mean RSS after warm-up. */
  growthPerHour: number;
  flat: boolean;
};

/**
 * Whether resident memory stayed flat over a soak: the least-squares slope over the samples after the
 * first `warmupShare` of the run (caches fill at first), called flat when it would grow the footprint
 * by less than `maxGrowthPerHour` (default 10 %) in an hour.
 */
export function soakVerdict(
  samples: readonly { atMin: number; rssMb: number }[],
  warmupShare = 0.2,
  maxGrowthPerHour = 0.1,
): SoakVerdict {
  const end = samples.length ? (samples[samples.length - 1] as { atMin: number }).atMin : 0;
  const kept = samples.filter((s) => s.atMin >= end * warmupShare);
  const { slope } = linearFit(kept.map((s) => ({ x: s.atMin, y: s.rssMb })));
  const mean = kept.reduce((a, s) => a + s.rssMb, 0) / Math.max(1, kept.length);
  const growthPerHour = Number.isFinite(slope) && mean > 0 ? (slope * 60) / mean : Number.NaN;
  return {
    slopeMbPerMin: slope,
    growthPerHour,
    flat: Number.isFinite(growthPerHour) && growthPerHour < maxGrowthPerHour,
  };
}
