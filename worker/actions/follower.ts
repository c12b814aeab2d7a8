// The actions follower (worker/conversation/outbox.ts): each `action` event of a conversation becomes a
// line of its action's call log, a line of the workspace's audit log, and, for a write that waits for
// an agent, a row of the approvals queue (settled by the approved or denied step). One D1 batch per run,
// keyed by (conversation, seq): the audit line is written only with its call-log line, so a replayed
// batch writes nothing twice.
import type { ActionEvent } from "../../shared/protocol.ts";
import type { Env } from "../env.ts";
import { isHistory } from "../conversation/model.ts";
import type { Follower } from "../conversation/outbox.ts";
import { callInsert } from "./store.ts";

export const actionsFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "actions",
  kind: "events",
  batch: 100,
  async run({ meta, events }) {
    const steps = events.filter((e): e is ActionEvent => e.type === "action" && !isHistory(e));
    if (!steps.length) return;
    const db = env.DB;
    const stmts: D1PreparedStatement[] = [];
    for (const e of steps) {
      // The audit line first, and only if this step has no call-log line yet (a replay finds it there).
      stmts.push(
        db
          .prepare(
            `INSERT INTO audit_log (workspace_id, at, actor_id, actor_email, action, target_type, target_id, before, after)
             SELECT ?1, ?2, ?3, ?4, ?5, 'action', ?6, NULL, ?7
             WHERE NOT EXISTS (SELECT 1 FROM action_calls WHERE conversation_id = ?8 AND seq = ?9)`,
          )
          .bind(
            meta.workspaceId,
            e.at,
            e.by === "bot" || e.by.startsWith("customer") ? e.by.split(",")[0] : `agent:${e.by}`,
            e.by,
            `action.${e.step}`,
            e.name,
            JSON.stringify({
              conversation: meta.id,
              call: e.callId,
              ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
              ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
              ...(e.error ? { error: e.error } : {}),
              ...(e.reason ? { reason: e.reason } : {}),
            }),
            meta.id,
            e.seq,
          ),
      );
      stmts.push(
        callInsert(db, {
          id: `${meta.id}.${e.seq}`,
          workspaceId: meta.workspaceId,
          action: e.name,
          at: e.at,
          conversationId: meta.id,
          seq: e.seq,
          by: e.by,
          status: e.step,
          httpStatus: e.httpStatus ?? null,
          durationMs: e.durationMs ?? null,
          inputs: e.inputs ?? {},
          error: e.error ?? e.reason ?? null,
        }),
      );
      if (e.step === "awaiting-approval")
        stmts.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO action_approvals (id, workspace_id, conversation_id, action, summary, requested_at, status)
               VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
            )
            .bind(e.callId, meta.workspaceId, meta.id, e.name, e.summary ?? "", e.at),
        );
      else if (e.step === "approved" || e.step === "denied")
        stmts.push(
          db
            .prepare(
              `UPDATE action_approvals SET status = ?, decided_by = ?, decided_at = ?, reason = ?
               WHERE id = ? AND workspace_id = ? AND status = 'pending'`,
            )
            .bind(e.step, e.by, e.at, e.reason ?? null, e.callId, meta.workspaceId),
        );
    }
    await db.batch(stmts);
  },
});
