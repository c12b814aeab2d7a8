// The downloadable report: the brief, the approval, the outcome snapshot, every step and the audit
// trail, as Markdown (readable as is, and pasteable into a post-incident review).
import type { AuditEntry, FollowUpTask, SurgeSnapshot } from "../../../shared/surge.ts";
import type { SurgeConfig } from "./config.ts";
import type { SweepRecord } from "./store.ts";

const iso = (t: number | undefined) => (t ? new Date(t).toISOString() : "—");

export function reportMarkdown(
  s: SweepRecord,
  snap: SurgeSnapshot,
  audit: AuditEntry[],
  tasks: FollowUpTask[],
  cfg: SurgeConfig,
): string {
  const b = s.brief;
  const lines = [
    `# Surge sweep: ${b.title}`,
    "",
    `- Sweep: ${s.id} (${s.state})`,
    `- Lead: ${s.createdBy.name}; created ${iso(s.createdAt)}, brief locked ${iso(s.lockedAt)}`,
    `- Approval: ${s.approval ? `${s.approval.decision} by ${s.approval.by} at ${iso(s.approval.at)}${s.approval.comment ? ` — “${s.approval.comment}”` : ""}` : "none"}`,
    `- Run: started ${iso(s.startedAt)}, finished ${iso(s.finishedAt)}`,
    `- Plan hash: ${s.plan?.hash ?? "—"}`,
    "",
    "## Outcome",
    "",
    snap.line,
    "",
    `Effort saved uses assumed constants (triage ${cfg.effort.triageMinutes} min, reply ${cfg.effort.replyMinutes} min, escalation ${cfg.effort.escalateMinutes} min, review ${cfg.effort.reviewMinutes} min per conversation), not measurements.`,
    "",
    "## Scope and safeguards",
    "",
    "```json",
    JSON.stringify({ filters: b.filters, safeguards: b.safeguards }, null, 2),
    "```",
    "",
    "## Steps",
    "",
    "| # | conversation | action | status | note |",
    "| --- | --- | --- | --- | --- |",
    ...s.steps.map(
      (x) =>
        `| ${x.order} | ${x.conversationId} | ${x.action} | ${x.status} | ${(x.reason ?? "").replace(/\|/g, "/")} |`,
    ),
    "",
    "## Follow-up tasks",
    "",
    ...(tasks.length
      ? tasks.map((t) => `- [${t.status === "done" ? "x" : " "}] ${t.text} (${t.createdBy}, ${iso(t.createdAt)})`)
      : ["None."]),
    "",
    "## Audit trail",
    "",
    "| seq | when | who | what |",
    "| --- | --- | --- | --- |",
    ...audit.map((a) => `| ${a.seq} | ${iso(a.at)} | ${a.actor} | ${a.action} |`),
    "",
  ];
  return lines.join("\n");
}
