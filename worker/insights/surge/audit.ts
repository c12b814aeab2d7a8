// The audit trail's record shapes and the outcome snapshot computed from them. Every figure in the
// snapshot is a count over these records (plus SLA breach events), never a counter kept on the side,
// so the report and the trail cannot disagree.
import type { AuditEntry, SurgeSnapshot } from "../../../shared/surge.ts";
import { aboutTime } from "./effort.ts";

export const auditActions = [
  "brief.created",
  "brief.locked",
  "plan.proposed",
  "approval.requested",
  "approval.granted",
  "approval.refused",
  "approval.rejected",
  "execution.started",
  "step.categorised",
  "step.sent",
  "step.held",
  "step.escalated",
  "step.left",
  "step.failed",
  "reply.undone",
  "undo.refused",
  "execution.finished",
  "snapshot.taken",
  "report.downloaded",
  "feedback.added",
  "task.created",
  "task.done",
  "task.reopened",
  "plan.replayed",
] as const;
export type AuditAction = (typeof auditActions)[number];

/** What gets written: the store adds seq and the time. `inputs`/`outputs` are JSON-serialisable. */
export type AuditRecord = { sweepId: string; actor: string; action: AuditAction; inputs: unknown; outputs: unknown };

type StepOut = { conversationId?: string; effortMinutes?: number; messageId?: string };
const out = (e: AuditEntry): StepOut => (e.outputs && typeof e.outputs === "object" ? (e.outputs as StepOut) : {});

/**
 * Counts per conversation, latest record wins for replies (a sent reply that was undone counts as
 * undone). Effort saved counts sent replies that stayed, escalations and categorised conversations.
 */
export function snapshotFrom(entries: readonly AuditEntry[], slaBreaches: number): SurgeSnapshot {
  const triaged = new Set<string>();
  const sent = new Map<string, number>();
  const undone = new Set<string>();
  const held = new Set<string>();
  const escalated = new Map<string, number>();
  const left = new Map<string, number>();
  const categorised = new Map<string, number>();
  for (const e of entries) {
    const o = out(e);
    const id = o.conversationId;
    if (!id) continue;
    if (e.action === "step.categorised") {
      triaged.add(id);
      categorised.set(id, o.effortMinutes ?? 0);
    } else if (e.action === "step.sent") sent.set(o.messageId ?? id, o.effortMinutes ?? 0);
    else if (e.action === "reply.undone") undone.add(o.messageId ?? id);
    else if (e.action === "step.held") held.add(id);
    else if (e.action === "step.escalated") escalated.set(id, o.effortMinutes ?? 0);
    else if (e.action === "step.left") left.set(id, o.effortMinutes ?? 0);
  }
  const kept = [...sent.entries()].filter(([m]) => !undone.has(m));
  const minutes =
    kept.reduce((n, [, m]) => n + m, 0) +
    [...escalated.values()].reduce((n, m) => n + m, 0) +
    [...left.values()].reduce((n, m) => n + m, 0);
  const draftsSent = kept.length;
  const line = [
    `${triaged.size} triaged`,
    `${draftsSent} draft${draftsSent === 1 ? "" : "s"} sent`,
    ...(undone.size ? [`${undone.size} undone`] : []),
    ...(held.size ? [`${held.size} held`] : []),
    `${escalated.size} escalated`,
    `${slaBreaches} SLA breach${slaBreaches === 1 ? "" : "es"}`,
    `${aboutTime(minutes)} saved`,
  ].join(" · ");
  return {
    triaged: triaged.size,
    draftsSent,
    draftsUndone: undone.size,
    held: held.size,
    escalated: escalated.size,
    left: left.size,
    slaBreaches,
    minutesSaved: Math.round(minutes * 10) / 10,
    line,
  };
}
