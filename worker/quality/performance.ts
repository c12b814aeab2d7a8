// Agent and team performance for a period, from the agents' scorecards of that period (each carries the
// inputs it was scored from: first response, handle time, reopening, rating). Pure (performance.test.ts);
// the route adds who is in which team and the load each holds now.
import type { PerformanceRow, Scorecard } from "../../shared/quality.ts";
import { agentPart } from "./score.ts";

export type Person = {
  id: string;
  name: string;
  teams: string[];
  capacity?: number | undefined;
  load?: number | undefined;
  /** Time available in the period (worker/inbox/availability.ts). */
  availableMs?: number | undefined;
};

/** Handle time over available slot-time (see performanceRowSchema.occupancy), to 3 decimals. */
export function occupancy(handleMs: number, availableMs: number, capacity: number): number | null {
  const slots = availableMs * capacity;
  return slots > 0 ? Math.round((1000 * handleMs) / slots) / 1000 : null;
}

const handleSum = (cards: readonly Scorecard[]): number =>
  cards.reduce((n, c) => n + (c.inputs.agents.find((a) => agentPart(a) === c.part)?.handleMs ?? 0), 0);

/** Nearest-rank percentile of sorted values (the analytics figures use the same rule). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

const mean = (xs: readonly number[]): number | null =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null;
const rate = (n: number, of: number): number | null => (of ? Math.round((1000 * n) / of) / 1000 : null);

function row(key: string, name: string, cards: readonly Scorecard[]): PerformanceRow {
  const frt: number[] = [];
  const handle: number[] = [];
  const csat: number[] = [];
  const quality: number[] = [];
  let resolved = 0;
  let reopened = 0;
  for (const c of cards) {
    const mine = c.inputs.agents.find((a) => agentPart(a) === c.part);
    if (mine?.firstResponseMs !== undefined) frt.push(mine.firstResponseMs);
    if (mine?.handleMs !== undefined) handle.push(mine.handleMs);
    if (c.criteria.resolution?.value === 1) resolved++;
    if (c.inputs.reopened) reopened++;
    if (c.inputs.csat !== undefined) csat.push(c.inputs.csat);
    const q = c.override?.score ?? c.score;
    if (q !== null) quality.push(q);
  }
  frt.sort((a, b) => a - b);
  handle.sort((a, b) => a - b);
  return {
    key,
    name,
    handled: cards.length,
    firstResponseP50: percentile(frt, 50),
    firstResponseP90: percentile(frt, 90),
    handleP50: percentile(handle, 50),
    handleP90: percentile(handle, 90),
    resolutionRate: rate(resolved, cards.length),
    reopenRate: rate(reopened, cards.length),
    csat: mean(csat),
    csatCount: csat.length,
    quality: mean(quality),
  };
}

/**
 * One row per agent of the workspace (also those with nothing in the period: a quiet week is a figure
 * too) and one per team. A part scored before agent ids were recorded counts for the person of that name.
 */
export function performance(cards: readonly Scorecard[], people: readonly Person[]) {
  const byAgent = new Map<string, Scorecard[]>();
  const idOfName = new Map(people.map((p) => [p.name, p.id]));
  for (const c of cards) {
    if (c.kind !== "agent" || !c.agent) continue;
    const id = c.agent.id ?? idOfName.get(c.agent.name) ?? `name:${c.agent.name}`;
    byAgent.set(id, [...(byAgent.get(id) ?? []), c]);
  }
  const timed = (p: Person, cards: readonly Scorecard[]) =>
    p.availableMs === undefined
      ? {}
      : { availableMs: p.availableMs, occupancy: occupancy(handleSum(cards), p.availableMs, p.capacity ?? 1) };
  const agents = people.map((p) => ({
    ...row(p.id, p.name, byAgent.get(p.id) ?? []),
    teams: p.teams,
    ...(p.load !== undefined ? { load: p.load } : {}),
    ...(p.capacity !== undefined ? { capacity: p.capacity } : {}),
    ...timed(p, byAgent.get(p.id) ?? []),
  }));
  const teams = [...new Set(people.flatMap((p) => p.teams))].sort().map((t) => {
    const members = people.filter((p) => p.teams.includes(t));
    const cards = members.flatMap((p) => byAgent.get(p.id) ?? []);
    const timedMembers = members.filter((p) => p.availableMs !== undefined);
    if (!timedMembers.length) return row(t, t, cards);
    const availableMs = timedMembers.reduce((n, p) => n + (p.availableMs ?? 0), 0);
    const slots = timedMembers.reduce((n, p) => n + (p.availableMs ?? 0) * (p.capacity ?? 1), 0);
    return { ...row(t, t, cards), availableMs, occupancy: occupancy(handleSum(cards), slots, 1) };
  });
  return { agents, teams };
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? "" : String(v);
  // Formula injection: a spreadsheet runs a cell that starts with = + - @ (a name someone typed).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The rows as CSV (times in seconds), agents first, then teams. */
export function performanceCsv(p: { agents: PerformanceRow[]; teams: PerformanceRow[] }): string {
  const head = [
    "kind",
    "name",
    "handled",
    "first_response_p50_s",
    "first_response_p90_s",
    "handle_p50_s",
    "handle_p90_s",
    "resolution_rate",
    "reopen_rate",
    "csat",
    "csat_count",
    "quality",
    "load_now",
    "capacity",
    "available_s",
    "occupancy",
  ];
  const s = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
  const lines = [...p.agents.map((r) => ["agent", r] as const), ...p.teams.map((r) => ["team", r] as const)].map(
    ([kind, r]) =>
      [
        kind,
        r.name,
        r.handled,
        s(r.firstResponseP50),
        s(r.firstResponseP90),
        s(r.handleP50),
        s(r.handleP90),
        r.resolutionRate,
        r.reopenRate,
        r.csat,
        r.csatCount,
        r.quality,
        r.load,
        r.capacity,
        r.availableMs === undefined ? null : Math.round(r.availableMs / 1000),
        r.occupancy,
      ]
        .map(csvCell)
        .join(","),
  );
  return `${[head.join(","), ...lines].join("\r\n")}\r\n`;
}
