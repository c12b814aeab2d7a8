// The escalation matrix: which tier and team a handoff lands in and how long a person may take to
// answer it. Defaults below; a deployment overrides any part with the ROUTING_MATRIX variable (JSON,
// validated here; docs/routing.md). `route` is pure so the rules are unit-tested without a runtime.
import * as z from "zod/mini";
import { tiers, type Tier } from "../../../shared/api.ts";

export type Matrix = {
  /** Response target per tier: how long a queued conversation may wait for a person. */
  tiers: Record<Tier, { targetMinutes: number }>;
  /** Article priority (lower-cased) → tier. Unknown priorities use `priorities.normal`, else `defaultTier`. */
  priorities: Record<string, Tier>;
  /** Handoff reason → a tier it is raised to when that is faster (an upset customer waits less). */
  reasons: Record<string, Tier>;
  /** Article category → team, used when the article names no team beyond the default one. */
  categoryTeams: Record<string, string>;
  defaultTeam: string;
  defaultTier: Tier;
  /** A customer flagged VIP is raised to this tier (when faster) and, if set, routed to this team. */
  vip: { tier: Tier; team?: string };
  /**
   * When a queued conversation counts as near its due time: once `fraction` of the target has passed
   * or `minutesBefore` remain, whichever comes first (never before the handoff itself).
   */
  nearDue: { fraction: number; minutesBefore: number };
  /**
   * Open conversations (assigned to them, queued or taken) an agent carries before new ones wait in
   * the queue instead; the queue is handed out, most urgent first, as agents come online or free up.
   * Without a cap the first agent to sign in would be given the whole overnight backlog.
   */
  agentCapacity: number;
  /**
   * Minutes an agent may be offline or away before the conversations waiting for them (assigned, not
   * yet joined) go back to the queue and on to someone available. Long enough to ride out a console
   * reload or a coffee; 0 keeps them with the agent however long they are gone.
   */
  releaseAfterMinutes: number;
};

export const defaultMatrix: Matrix = {
  tiers: {
    "self-service": { targetMinutes: 0 },
    "tier-1": { targetMinutes: 60 },
    "tier-2": { targetMinutes: 4 * 60 },
    "tier-3": { targetMinutes: 24 * 60 },
    executive: { targetMinutes: 2 * 60 },
  },
  priorities: { urgent: "tier-1", high: "tier-1", normal: "tier-2", low: "tier-3" },
  reasons: { "negative-sentiment": "tier-1" },
  categoryTeams: { billing: "billing", prints: "fulfilment", privacy: "security" },
  defaultTeam: "support",
  defaultTier: "tier-2",
  vip: { tier: "executive" },
  nearDue: { fraction: 0.8, minutesBefore: 10 },
  agentCapacity: 5,
  releaseAfterMinutes: 5,
};

const tier = z.enum(tiers);
const name = z.string().check(z.regex(/^[\w-]{1,60}$/, "1-60 letters, digits, _ or -"));
const minutes = z.number().check(z.minimum(0), z.maximum(60 * 24 * 90));

/** ROUTING_MATRIX: every field optional; maps merge key by key over the defaults. */
export const matrixOverrideSchema = z.strictObject({
  tiers: z.optional(z.partialRecord(tier, z.strictObject({ targetMinutes: minutes }))),
  priorities: z.optional(z.record(z.string(), tier)),
  reasons: z.optional(z.record(z.string(), tier)),
  categoryTeams: z.optional(z.record(z.string(), name)),
  defaultTeam: z.optional(name),
  defaultTier: z.optional(tier),
  vip: z.optional(z.strictObject({ tier, team: z.optional(name) })),
  nearDue: z.optional(
    z.strictObject({
      fraction: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
      minutesBefore: z.optional(minutes),
    }),
  ),
  agentCapacity: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  releaseAfterMinutes: z.optional(z.number().check(z.minimum(0), z.maximum(24 * 60))),
});

export type MatrixResult = { ok: true; matrix: Matrix } | { ok: false; errors: string[] };

export function parseMatrix(json: string | undefined): MatrixResult {
  if (!json?.trim()) return { ok: true, matrix: defaultMatrix };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ok: false, errors: ["ROUTING_MATRIX is not JSON"] };
  }
  const r = matrixOverrideSchema.safeParse(data);
  if (!r.success)
    return { ok: false, errors: r.error.issues.map((i) => `${i.path.join(".") || "ROUTING_MATRIX"}: ${i.message}`) };
  const o = r.data;
  const d = defaultMatrix;
  const tierTargets = { ...d.tiers };
  for (const [t, v] of Object.entries(o.tiers ?? {})) if (v) tierTargets[t as Tier] = v;
  return {
    ok: true,
    matrix: {
      tiers: tierTargets,
      priorities: { ...d.priorities, ...lower(o.priorities) },
      reasons: { ...d.reasons, ...o.reasons },
      categoryTeams: { ...d.categoryTeams, ...lower(o.categoryTeams) },
      defaultTeam: o.defaultTeam ?? d.defaultTeam,
      defaultTier: o.defaultTier ?? d.defaultTier,
      vip: o.vip ?? d.vip,
      nearDue: { ...d.nearDue, ...o.nearDue },
      agentCapacity: o.agentCapacity ?? d.agentCapacity,
      releaseAfterMinutes: o.releaseAfterMinutes ?? d.releaseAfterMinutes,
    },
  };
}

const lower = <V>(r: Record<string, V> | undefined): Record<string, V> =>
  Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

let cached: { json: string | undefined; matrix: Matrix } | undefined;

/** The deployment's matrix. A broken override is logged and the defaults are used: a typo in config
 * must not stop handoffs from reaching people. */
export function loadMatrix(env: { ROUTING_MATRIX?: string }): Matrix {
  if (cached && cached.json === env.ROUTING_MATRIX) return cached.matrix;
  const r = parseMatrix(env.ROUTING_MATRIX);
  if (!r.ok) console.error(`[edgedesk] ROUTING_MATRIX ignored, using defaults: ${r.errors.join("; ")}`);
  cached = { json: env.ROUTING_MATRIX, matrix: r.ok ? r.matrix : defaultMatrix };
  return cached.matrix;
}

export type RouteInput = {
  reason: string;
  /** The article the handoff rests on, if any. */
  article?: { team?: string; priority?: string; category?: string };
  /** Customer attributes from identity, when the site verified them. */
  customer?: { vip?: boolean };
  /** When the handoff happened (epoch ms): the SLA clock starts here. */
  at: number;
};

export type Route = { tier: Tier; team: string; responseTargetMs: number; dueAt: number };

export const targetMs = (m: Matrix, t: Tier): number => m.tiers[t].targetMinutes * 60_000;

export function route(m: Matrix, input: RouteInput): Route {
  const a = input.article ?? {};
  const priority = (a.priority ?? "normal").toLowerCase();
  const candidates: Tier[] = [m.priorities[priority] ?? m.priorities.normal ?? m.defaultTier];
  const byReason = m.reasons[input.reason];
  if (byReason) candidates.push(byReason);
  if (input.customer?.vip) candidates.push(m.vip.tier);
  // The fastest target wins; on a tie the priority's own tier stays.
  const tier = candidates.reduce((best, t) => (targetMs(m, t) < targetMs(m, best) ? t : best));
  const ownTeam = a.team && a.team !== m.defaultTeam ? a.team : undefined;
  const byCategory = a.category ? m.categoryTeams[a.category.toLowerCase()] : undefined;
  const team = (input.customer?.vip ? m.vip.team : undefined) ?? ownTeam ?? byCategory ?? a.team ?? m.defaultTeam;
  const responseTargetMs = targetMs(m, tier);
  return { tier, team, responseTargetMs, dueAt: input.at + responseTargetMs };
}
