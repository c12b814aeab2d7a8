// Sweeps, steps, tasks and the audit trail in D1 (migration 0010_surge.sql). A state change and its
// audit record are written in one batch, so the trail never misses a step that happened.
import {
  surgeBriefSchema,
  surgePlanSchema,
  surgeTuningSchema,
  type AuditEntry,
  type FollowUpTask,
  type StepStatus,
  type SurgeBrief,
  type SurgePlan,
  type SurgeTuning,
  type Sweep,
  type SweepState,
  type SweepStep,
} from "../../../shared/surge.ts";
import type { AuditRecord } from "./audit.ts";
import type { PlanInput } from "./propose.ts";
import { parseJson } from "../../../shared/json.ts";
import { auditJson, planInputs } from "./formats.ts";

type SweepRow = {
  id: string;
  workspace_id: string;
  title: string;
  brief: string;
  state: SweepState;
  created_by: string;
  created_by_name: string;
  created_at: number;
  locked_at: number | null;
  tuning: string | null;
  inputs: string | null;
  plan: string | null;
  plan_hash: string | null;
  approval_token: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision: "approve" | "refuse" | null;
  decision_comment: string | null;
  decided_at: number | null;
  started_at: number | null;
  finished_at: number | null;
};

type StepRow = {
  conversation_id: string;
  ord: number;
  action: SweepStep["action"];
  status: StepStatus;
  reason: string | null;
  message_id: string | null;
  undo_until: number | null;
  at: number | null;
};

export type SweepRecord = Sweep & {
  workspaceId: string;
  inputs?: PlanInput[];
  tuning?: SurgeTuning;
  planHash?: string;
};

const toStep = (r: StepRow): SweepStep => ({
  conversationId: r.conversation_id,
  order: r.ord,
  action: r.action,
  status: r.status,
  ...(r.reason ? { reason: r.reason } : {}),
  ...(r.message_id ? { messageId: r.message_id } : {}),
  ...(r.undo_until ? { undoUntil: r.undo_until } : {}),
  ...(r.at ? { at: r.at } : {}),
});

function toSweep(r: SweepRow, steps: SweepStep[]): SweepRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    state: r.state,
    brief: parseJson(surgeBriefSchema, r.brief, `surge_sweeps.brief of ${r.id}`),
    createdBy: { id: r.created_by, name: r.created_by_name },
    createdAt: r.created_at,
    ...(r.locked_at ? { lockedAt: r.locked_at } : {}),
    ...(r.plan ? { plan: parseJson(surgePlanSchema, r.plan, `surge_sweeps.plan of ${r.id}`) } : {}),
    ...(r.inputs ? { inputs: parseJson(planInputs, r.inputs, `surge_sweeps.inputs of ${r.id}`) } : {}),
    ...(r.tuning ? { tuning: parseJson(surgeTuningSchema, r.tuning, `surge_sweeps.tuning of ${r.id}`) } : {}),
    ...(r.plan_hash ? { planHash: r.plan_hash } : {}),
    ...(r.decision && r.decided_at
      ? {
          approval: {
            by: r.decided_by_name ?? r.decided_by ?? "",
            decision: r.decision,
            comment: r.decision_comment ?? "",
            at: r.decided_at,
          },
        }
      : {}),
    ...(r.approval_token ? { approvalToken: r.approval_token } : {}),
    steps,
    ...(r.started_at ? { startedAt: r.started_at } : {}),
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  };
}

export class SurgeStore {
  constructor(
    private readonly db: D1Database,
    private readonly workspaceId: string,
  ) {}

  /** The statement that appends one audit record; callers batch it with the change it describes. */
  audit(r: AuditRecord, at = Date.now()): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO surge_audit (workspace_id, sweep_id, actor, action, at, inputs, outputs) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(
        this.workspaceId,
        r.sweepId,
        r.actor,
        r.action,
        at,
        JSON.stringify(r.inputs ?? null),
        JSON.stringify(r.outputs ?? null),
      );
  }

  async record(r: AuditRecord, ...with_: D1PreparedStatement[]): Promise<void> {
    await this.db.batch([...with_, this.audit(r)]);
  }

  async get(id: string): Promise<SweepRecord | null> {
    const r = await this.db
      .prepare("SELECT * FROM surge_sweeps WHERE id = ? AND workspace_id = ?")
      .bind(id, this.workspaceId)
      .first<SweepRow>();
    return r ? toSweep(r, await this.steps(id)) : null;
  }

  async byToken(token: string): Promise<SweepRecord | null> {
    const r = await this.db
      .prepare("SELECT * FROM surge_sweeps WHERE approval_token = ? AND workspace_id = ?")
      .bind(token, this.workspaceId)
      .first<SweepRow>();
    return r ? toSweep(r, await this.steps(r.id)) : null;
  }

  async list(limit = 50): Promise<SweepRecord[]> {
    const rows = await this.db
      .prepare("SELECT * FROM surge_sweeps WHERE workspace_id = ? ORDER BY created_at DESC LIMIT ?")
      .bind(this.workspaceId, limit)
      .all<SweepRow>();
    return rows.results.map((r) => toSweep(r, []));
  }

  async steps(id: string): Promise<SweepStep[]> {
    const rows = await this.db
      .prepare(
        "SELECT conversation_id, ord, action, status, reason, message_id, undo_until, at FROM surge_steps WHERE sweep_id = ? ORDER BY ord",
      )
      .bind(id)
      .all<StepRow>();
    return rows.results.map(toStep);
  }

  create(s: { id: string; brief: SurgeBrief; by: { id: string; name: string }; at: number }): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO surge_sweeps (id, workspace_id, title, brief, state, created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)",
      )
      .bind(s.id, this.workspaceId, s.brief.title, JSON.stringify(s.brief), s.by.id, s.by.name, s.at);
  }

  lock(id: string, at: number): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE surge_sweeps SET state = 'locked', locked_at = ? WHERE id = ? AND workspace_id = ? AND state = 'draft'",
      )
      .bind(at, id, this.workspaceId);
  }

  savePlan(
    id: string,
    p: { plan: SurgePlan; inputs: PlanInput[]; tuning: SurgeTuning; token: string },
  ): D1PreparedStatement[] {
    return [
      this.db
        .prepare(
          `UPDATE surge_sweeps SET state = 'planned', plan = ?, plan_hash = ?, inputs = ?, tuning = ?, approval_token = ?,
             decided_by = NULL, decided_by_name = NULL, decision = NULL, decision_comment = NULL, decided_at = NULL
           WHERE id = ? AND workspace_id = ? AND state IN ('locked', 'planned', 'refused')`,
        )
        .bind(
          JSON.stringify(p.plan),
          p.plan.hash,
          JSON.stringify(p.inputs),
          JSON.stringify(p.tuning),
          p.token,
          id,
          this.workspaceId,
        ),
      this.db.prepare("DELETE FROM surge_steps WHERE sweep_id = ?").bind(id),
      ...p.plan.steps.map((s) =>
        this.db
          .prepare(
            "INSERT INTO surge_steps (sweep_id, conversation_id, ord, action, status) VALUES (?, ?, ?, ?, 'pending')",
          )
          .bind(id, s.conversationId, s.order, s.action),
      ),
    ];
  }

  decide(
    id: string,
    d: { by: { id: string; name: string }; decision: "approve" | "refuse"; comment: string; at: number; hash: string },
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE surge_sweeps SET state = ?, decided_by = ?, decided_by_name = ?, decision = ?, decision_comment = ?, decided_at = ?
         WHERE id = ? AND workspace_id = ? AND state = 'planned' AND plan_hash = ?`,
      )
      .bind(
        d.decision === "approve" ? "approved" : "refused",
        d.by.id,
        d.by.name,
        d.decision,
        d.comment,
        d.at,
        id,
        this.workspaceId,
        d.hash,
      );
  }

  setState(
    id: string,
    state: SweepState,
    extra: { startedAt?: number; finishedAt?: number } = {},
  ): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE surge_sweeps SET state = ?, started_at = COALESCE(started_at, ?), finished_at = COALESCE(finished_at, ?) WHERE id = ? AND workspace_id = ?",
      )
      .bind(state, extra.startedAt ?? null, extra.finishedAt ?? null, id, this.workspaceId);
  }

  setStep(
    id: string,
    conversationId: string,
    s: { status: StepStatus; reason?: string; messageId?: string; undoUntil?: number; at: number },
  ): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE surge_steps SET status = ?, reason = COALESCE(?, reason), message_id = COALESCE(?, message_id), undo_until = COALESCE(?, undo_until), at = ? WHERE sweep_id = ? AND conversation_id = ?",
      )
      .bind(s.status, s.reason ?? null, s.messageId ?? null, s.undoUntil ?? null, s.at, id, conversationId);
  }

  async auditTrail(sweepId: string): Promise<AuditEntry[]> {
    const rows = await this.db
      .prepare(
        "SELECT seq, sweep_id, actor, action, at, inputs, outputs FROM surge_audit WHERE workspace_id = ? AND sweep_id = ? ORDER BY seq",
      )
      .bind(this.workspaceId, sweepId)
      .all<{
        seq: number;
        sweep_id: string;
        actor: string;
        action: string;
        at: number;
        inputs: string;
        outputs: string;
      }>();
    return rows.results.map((r) => ({
      seq: r.seq,
      sweepId: r.sweep_id,
      actor: r.actor,
      action: r.action,
      at: r.at,
      inputs: parseJson(auditJson, r.inputs, `surge_audit.inputs of ${r.seq}`),
      outputs: parseJson(auditJson, r.outputs, `surge_audit.outputs of ${r.seq}`),
    }));
  }

  addTask(t: FollowUpTask): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO surge_tasks (id, workspace_id, sweep_id, text, created_by, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(t.id, this.workspaceId, t.sweepId, t.text, t.createdBy, t.createdAt, t.status);
  }

  setTaskStatus(sweepId: string, taskId: string, status: FollowUpTask["status"]): D1PreparedStatement {
    return this.db
      .prepare("UPDATE surge_tasks SET status = ? WHERE workspace_id = ? AND sweep_id = ? AND id = ?")
      .bind(status, this.workspaceId, sweepId, taskId);
  }

  async tasks(sweepId: string): Promise<FollowUpTask[]> {
    const rows = await this.db
      .prepare(
        "SELECT id, sweep_id, text, created_by, created_at, status FROM surge_tasks WHERE workspace_id = ? AND sweep_id = ? ORDER BY created_at, id",
      )
      .bind(this.workspaceId, sweepId)
      .all<{
        id: string;
        sweep_id: string;
        text: string;
        created_by: string;
        created_at: number;
        status: "open" | "done";
      }>();
    return rows.results.map((r) => ({
      id: r.id,
      sweepId: r.sweep_id,
      text: r.text,
      createdBy: r.created_by,
      createdAt: r.created_at,
      status: r.status,
    }));
  }

  /** SLA breaches recorded by the inbox for the sweep's conversations since it started. */
  async slaBreaches(conversationIds: string[], since: number): Promise<number> {
    if (!conversationIds.length) return 0;
    let n = 0;
    // D1 caps bound parameters per statement; 90 ids a query stays well under it.
    for (let i = 0; i < conversationIds.length; i += 90) {
      const ids = conversationIds.slice(i, i + 90);
      const r = await this.db
        .prepare(
          `SELECT COUNT(*) AS n FROM sla_events WHERE workspace_id = ? AND kind = 'breached' AND at >= ? AND conversation_id IN (${ids.map(() => "?").join(",")})`,
        )
        .bind(this.workspaceId, since, ...ids)
        .first<{ n: number }>();
      n += r?.n ?? 0;
    }
    return n;
  }
}
