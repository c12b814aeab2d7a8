// The workspace's audit log: who changed people, sessions, sites, webhooks, API keys, routing and
// the published KB, when, and from what to what. Callers pass before/after without secret values
// (a secret appears as "set", "rotated" or "none"). The table is append-only (migration 0013).
import type { Context } from "hono";
import type { KbJob } from "../../shared/api.ts";
import type { AuditEntry } from "../../shared/security.ts";
import type { AppEnv, Env } from "../env.ts";
import { parseJson } from "../../shared/json.ts";
import * as z from "zod/mini";

export type AuditEvent = {
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
};

export type Actor = { id: string; email: string };

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export async function recordAudit(env: Env, workspaceId: string, actor: Actor, e: AuditEvent): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO audit_log (workspace_id, at, actor_id, actor_email, action, target_type, target_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      workspaceId,
      Date.now(),
      actor.id,
      actor.email,
      e.action,
      e.target.type,
      e.target.id,
      json(e.before),
      json(e.after),
    )
    .run();
}

/** Records an event by the request's agent (or the operator's ADMIN_TOKEN) in its workspace. */
export function audit(c: Context<AppEnv>, e: AuditEvent): Promise<void> {
  const a = c.get("agent");
  return recordAudit(c.env, a.workspaceId, { id: a.id, email: a.email }, e);
}

/** Publishes, unpublishes and rollbacks in the audit log: the job and which articles (ids only). */
export function auditJob(
  c: Context<AppEnv>,
  action: string,
  job: KbJob,
  items: { id: string }[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  return audit(c, {
    action,
    target: { type: "kb_job", id: job.id },
    after: { articles: items.slice(0, 100).map((i) => i.id), count: items.length, ...extra },
  });
}

type Row = {
  seq: number;
  at: number;
  actor_id: string;
  actor_email: string;
  action: string;
  target_type: string;
  target_id: string;
  before: string | null;
  after: string | null;
};

export async function readAudit(
  db: D1Database,
  workspaceId: string,
  q: { limit: number; before?: number | undefined },
): Promise<AuditEntry[]> {
  const rows = await db
    .prepare("SELECT * FROM audit_log WHERE workspace_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")
    .bind(workspaceId, q.before ?? Number.MAX_SAFE_INTEGER, q.limit)
    .all<Row>();
  return rows.results.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: { id: r.actor_id, email: r.actor_email },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    // Any JSON the audited change recorded: only that it is JSON is known (and checked).
    before: r.before === null ? null : parseJson(z.unknown(), r.before, `audit_log.before of ${r.seq}`),
    after: r.after === null ? null : parseJson(z.unknown(), r.after, `audit_log.after of ${r.seq}`),
  }));
}

const cell = (v: string): string => {
  // RFC 4180 quoting, and a leading = + - @ is defused so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function auditCsv(entries: AuditEntry[]): string {
  const head = ["seq", "at", "actor_id", "actor_email", "action", "target_type", "target_id", "before", "after"];
  const lines = entries.map((e) =>
    [
      String(e.seq),
      new Date(e.at).toISOString(),
      e.actor.id,
      e.actor.email,
      e.action,
      e.target.type,
      e.target.id,
      e.before === null ? "" : JSON.stringify(e.before),
      e.after === null ? "" : JSON.stringify(e.after),
    ]
      .map(cell)
      .join(","),
  );
  return `${[head.join(","), ...lines].join("\r\n")}\r\n`;
}
