// Retention: per workspace, conversations whose last activity is older than N days are deleted, or
// anonymised (content gone, aggregates kept), by the scheduled job (`scheduled` in worker/index.ts,
// every 10 minutes). Attachments live and go with their conversation (a message points at its files).
//
// Idempotent and resumable without a job record: a conversation leaves the `conversations` index only
// in the last step of its own erasure (privacy/conversation.ts), so each run simply takes the oldest
// expired conversations still listed; a run that dies half-way leaves them listed for the next one.
import type { ErasureCounts, RetentionSetting } from "../../shared/privacy.ts";
import { audit, auditStatement } from "../audit/privacy.ts";
import type { Env } from "../env.ts";
import { queueJob } from "../knowledge/publish.ts";
import { addCounts, anonymiseConversation, eraseConversation, noCounts } from "./conversation.ts";

const DAY = 86_400_000;
/** Conversations per scheduled run, across workspaces (each costs about six subrequests). */
const DEFAULT_BATCH = 50;

export async function getRetention(db: D1Database, workspaceId: string): Promise<RetentionSetting> {
  const row = await db
    .prepare("SELECT days, mode, updated_by, updated_at FROM retention_settings WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ days: number | null; mode: "delete" | "anonymise"; updated_by: string; updated_at: number }>();
  return row
    ? { days: row.days, mode: row.mode, updatedAt: row.updated_at, updatedBy: row.updated_by }
    : { days: null, mode: "delete" };
}

export async function setRetention(
  db: D1Database,
  workspaceId: string,
  s: { days: number | null; mode: "delete" | "anonymise" },
  actor: string,
  now = Date.now(),
): Promise<RetentionSetting> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO retention_settings (workspace_id, days, mode, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (workspace_id) DO UPDATE SET days = ?2, mode = ?3, updated_by = ?4, updated_at = ?5`,
      )
      .bind(workspaceId, s.days, s.mode, actor, now),
    auditStatement(db, {
      workspaceId,
      actor,
      action: "retention.changed",
      detail: { days: s.days, mode: s.mode },
      at: now,
    }),
  ]);
  return getRetention(db, workspaceId);
}

export type RetentionPass = {
  workspaceId: string;
  mode: "delete" | "anonymise";
  cutoff: number;
  counts: ErasureCounts;
  contacts: number;
  /** More expired conversations are listed than this pass took: the next run continues. */
  more: boolean;
};

/** One scheduled run: at most `batch` conversations in all, oldest first per workspace. */
export async function runRetention(
  env: Env,
  { now = Date.now(), batch = Number(env.RETENTION_BATCH) || DEFAULT_BATCH }: { now?: number; batch?: number } = {},
): Promise<RetentionPass[]> {
  const settings = await env.DB.prepare(
    "SELECT workspace_id, days, mode FROM retention_settings WHERE days IS NOT NULL ORDER BY workspace_id",
  ).all<{ workspace_id: string; days: number; mode: "delete" | "anonymise" }>();
  const passes: RetentionPass[] = [];
  let budget = batch;
  for (const s of settings.results) {
    if (budget <= 0) break;
    const cutoff = now - s.days * DAY;
    const due = await env.DB.prepare(
      "SELECT id FROM conversations WHERE workspace_id = ? AND updated_at < ? ORDER BY updated_at LIMIT ?",
    )
      .bind(s.workspace_id, cutoff, budget + 1)
      .all<{ id: string }>();
    const ids = due.results.slice(0, budget).map((r) => r.id);
    budget -= ids.length;
    let counts = noCounts();
    for (const id of ids) {
      const c =
        s.mode === "anonymise"
          ? await anonymiseConversation(env, s.workspace_id, id)
          : await eraseConversation(env, s.workspace_id, id);
      if (c) counts = addCounts(counts, c);
      // Another workspace's object under this id (never expected): the stray index row goes, nothing else.
      else
        await env.DB.prepare("DELETE FROM conversations WHERE id = ? AND workspace_id = ?")
          .bind(id, s.workspace_id)
          .run();
    }
    // A contact (address, name) with no conversation left, and not seen since the cutoff, goes too.
    const gone = await env.DB.prepare(
      `DELETE FROM contacts WHERE workspace_id = ? AND updated_at < ?
         AND NOT EXISTS (SELECT 1 FROM contact_conversations cc WHERE cc.contact_id = contacts.id)`,
    )
      .bind(s.workspace_id, cutoff)
      .run();
    const contacts = gone.meta.changes ?? 0;
    const more = due.results.length > ids.length;
    if (counts.trainingLinks) await queueJob(env, s.workspace_id, { kind: "history", items: [], by: "retention" });
    if (ids.length || contacts)
      await audit(env.DB, {
        workspaceId: s.workspace_id,
        actor: "retention",
        action: "retention.run",
        detail: { ...counts, contacts, mode: s.mode, days: s.days, more },
        at: now,
      });
    passes.push({ workspaceId: s.workspace_id, mode: s.mode, cutoff, counts, contacts, more });
  }
  return passes;
}
