// The privacy audit trail (D1 `privacy_audit`, migration 0020): one append-only row per export,
// erasure, retention run or setting change. Only ids and counts go in: an erasure's entry must prove
// that it happened without keeping what it erased. The one writer, so a later shared audit log can
// take these entries over in one place.
import { privacyAuditDetailSchema, type PrivacyAuditAction, type PrivacyAuditEntry } from "../../shared/privacy.ts";
import { parseJson } from "../../shared/json.ts";

export type AuditEntry = {
  workspaceId: string;
  actor: string;
  action: PrivacyAuditAction;
  /** A contact id, or nothing for workspace-wide actions. */
  subject?: string | null;
  /** Counts and settings only. */
  detail?: Record<string, number | string | boolean | null>;
  at?: number;
};

export function auditStatement(db: D1Database, e: AuditEntry): D1PreparedStatement {
  return db
    .prepare("INSERT INTO privacy_audit (workspace_id, actor, action, subject, detail, at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(e.workspaceId, e.actor, e.action, e.subject ?? null, JSON.stringify(e.detail ?? {}), e.at ?? Date.now());
}

export async function audit(db: D1Database, e: AuditEntry): Promise<void> {
  await auditStatement(db, e).run();
}

export async function auditTrail(db: D1Database, workspaceId: string, limit = 100): Promise<PrivacyAuditEntry[]> {
  const rows = await db
    .prepare(
      "SELECT seq, actor, action, subject, detail, at FROM privacy_audit WHERE workspace_id = ? ORDER BY seq DESC LIMIT ?",
    )
    .bind(workspaceId, limit)
    .all<{
      seq: number;
      actor: string;
      action: PrivacyAuditAction;
      subject: string | null;
      detail: string;
      at: number;
    }>();
  return rows.results.map((r) => ({
    seq: r.seq,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: parseJson(privacyAuditDetailSchema, r.detail, `privacy_audit.detail of ${r.seq}`),
    at: r.at,
  }));
}
