// The whole plan from the inputs: cluster, order by SLA risk, propose an action per conversation,
// estimate effort. Pure and deterministic: no clock but `now` (an input), no randomness, ids sorted
// before anything is compared. The hash covers every decision, so a replay on the same stored
// inputs proves it made the same ones.
import type {
  PlanAlternative,
  PlanCluster,
  PlanStep,
  SurgePlan,
  SurgeSafeguards,
  SurgeTuning,
} from "../../../shared/surge.ts";
import { clusterConversations } from "./cluster.ts";
import type { SurgeConfig } from "./config.ts";
import { effortMinutes } from "./effort.ts";
import { orderBySlaRisk } from "./order.ts";
import { contextPack, propose, type PlanInput } from "./propose.ts";

export type PlanRequest = {
  inputs: PlanInput[];
  safeguards: SurgeSafeguards;
  tuning: SurgeTuning;
  config: SurgeConfig;
  defaultTeam?: string;
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function buildPlan(r: PlanRequest): Promise<SurgePlan> {
  const cfg = r.config;
  const thresholds = {
    draftMinConfidence: r.tuning.draftMinConfidence ?? cfg.propose.draftMinConfidence,
    escalateBelow: r.tuning.escalateBelow ?? cfg.propose.escalateBelow,
  };
  const byId = new Map(r.inputs.map((i) => [i.id, i]));
  const raw = clusterConversations(
    r.inputs.map((i) => ({ id: i.id, text: i.text })),
    cfg.cluster,
  );
  const clusterOf = new Map<string, string>();
  for (const c of raw) for (const m of c.members) clusterOf.set(m, c.id);
  const membersOf = new Map(raw.map((c) => [c.id, c.members]));

  const steps: PlanStep[] = orderBySlaRisk(r.inputs).map((i, n) => {
    const p = propose(i, thresholds, r.safeguards, r.defaultTeam);
    const clusterId = clusterOf.get(i.id) ?? i.id;
    const related = (membersOf.get(clusterId) ?? []).filter((m) => m !== i.id);
    return {
      conversationId: i.id,
      clusterId,
      order: n + 1,
      action: p.action,
      reason: p.reason,
      confidence: Math.round((i.hit?.score ?? 0) * 1000) / 1000,
      ...(i.slaDueAt !== undefined ? { slaDueAt: i.slaDueAt } : {}),
      ...(i.priority ? { priority: i.priority } : {}),
      ...((i.category ?? i.hit?.category) ? { category: i.category ?? i.hit?.category } : {}),
      preview: clip(i.text, 160),
      ...(p.team ? { team: p.team } : {}),
      ...(p.draft ? { draft: p.draft } : {}),
      ...(p.action === "escalate" ? { context: contextPack(i, clusterId, related, p.reason) } : {}),
      effortMinutes: effortMinutes(p.action, cfg.effort),
    };
  });

  const orderOf = new Map(steps.map((s) => [s.conversationId, s.order]));
  const clusters: PlanCluster[] = raw
    .map((c) => {
      const dues = c.members.map((m) => byId.get(m)?.slaDueAt).filter((d): d is number => d !== undefined);
      return {
        id: c.id,
        label: clip(byId.get(c.id)?.text ?? c.id, 80),
        size: c.members.length,
        conversationIds: [...c.members].sort((a, b) => (orderOf.get(a) ?? 0) - (orderOf.get(b) ?? 0)),
        duplicates: c.duplicates,
        ...(dues.length ? { earliestDueAt: Math.min(...dues) } : {}),
      };
    })
    .sort(
      (a, b) =>
        Math.min(...a.conversationIds.map((m) => orderOf.get(m) ?? 0)) -
        Math.min(...b.conversationIds.map((m) => orderOf.get(m) ?? 0)),
    );

  const count = (a: PlanStep["action"]) => steps.filter((s) => s.action === a).length;
  const totals = {
    conversations: steps.length,
    draft: count("draft"),
    escalate: count("escalate"),
    leave: count("leave"),
    effortMinutes: Math.round(steps.reduce((n, s) => n + s.effortMinutes, 0) * 10) / 10,
  };
  const batchSize = r.tuning.batchSize ?? cfg.batchSize;
  const alternatives = alternativesFor(steps, clusters);
  const hash = await planHash(steps, batchSize);
  return {
    steps,
    clusters,
    totals,
    batchSize,
    undoMinutes: cfg.undoMinutes,
    thresholds: { ...thresholds, clusterThreshold: cfg.cluster.threshold },
    alternatives,
    hash,
  };
}

function alternativesFor(steps: PlanStep[], clusters: PlanCluster[]): PlanAlternative[] {
  const dupes = clusters.reduce((n, c) => n + Math.max(0, c.size - 1), 0);
  return [
    {
      id: "escalate-all",
      label: "Escalate everything to the routed teams",
      detail: `${steps.length} conversations handed over with context packs; no replies drafted.`,
      risky: false,
    },
    {
      id: "drafts-only",
      label: "Send drafts only, leave the rest untouched",
      detail: `${steps.filter((s) => s.action === "draft").length} drafts; escalations left in the queue.`,
      risky: false,
    },
    {
      id: "close-duplicates",
      label: "Close every clustered conversation in bulk",
      detail: `${dupes} conversations resolved without a reply, one answer per incident.`,
      risky: true,
      why: "Customers get no answer, a wrong cluster closes unrelated questions, and resolves cannot be undone from the customer's side.",
    },
  ];
}

/** SHA-256 over what the run will do (order, action, team, draft text, citations, batch size); reasons are explanation, not decisions. */
export async function planHash(steps: PlanStep[], batchSize: number): Promise<string> {
  const decisions = steps.map((s) => [
    s.order,
    s.conversationId,
    s.clusterId,
    s.action,
    s.team ?? "",
    s.draft?.text ?? "",
    s.draft?.citations.map((c) => c.articleId).join(",") ?? "",
  ]);
  const bytes = new TextEncoder().encode(JSON.stringify({ batchSize, decisions }));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
