// The publish job queue (kb_jobs, kb_job_items): stage a job, hand it to the workspace's KnowledgeDO,
// read its progress. Apart from publish.ts (which runs the jobs) so that store.ts can queue a rebuild
// without the two importing each other.
import type { Article } from "../../shared/article.ts";
import { type JobStatus, type KbJob, publishResultSchema } from "../../shared/api.ts";
import { parseJson } from "../../shared/json.ts";
import type { Env } from "../env.ts";

export type JobKind = "publish" | "drafts" | "rollback" | "unpublish" | "history" | "rebuild";
export type StagedItem =
  | { id: string; op: "put"; article: Article; draftUpdatedAt?: number }
  | { id: string; op: "delete" };

export type JobRow = {
  id: string;
  workspace_id: string;
  kind: string;
  status: JobStatus;
  replace_all: number;
  stage: string;
  done: number;
  total: number;
  version: number | null;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
};

const STAGE_SPAN: Record<string, [number, number]> = {
  queued: [0, 0],
  prepare: [0, 0.03],
  features: [0.03, 0.15],
  train: [0.15, 0.9],
  store: [0.9, 0.94],
  embed: [0.94, 0.97],
  commit: [0.97, 1],
  done: [1, 1],
};

export function jobFromRow(r: JobRow): KbJob {
  const [from, to] = STAGE_SPAN[r.stage] ?? [0, 0];
  const frac = r.total > 0 ? Math.min(1, r.done / r.total) : 0;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    stage: r.stage,
    progress: r.status === "done" ? 1 : Math.round((from + (to - from) * frac) * 1000) / 1000,
    done: r.done,
    total: r.total,
    ...(r.version ? { version: r.version } : {}),
    ...(r.result ? { result: parseJson(publishResultSchema, r.result, `kb_jobs.result of ${r.id}`) } : {}),
    ...(r.error ? { error: r.error } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function getJob(db: D1Database, workspaceId: string, id: string): Promise<KbJob | null> {
  const r = await db
    .prepare("SELECT * FROM kb_jobs WHERE id = ? AND workspace_id = ?")
    .bind(id, workspaceId)
    .first<JobRow>();
  return r ? jobFromRow(r) : null;
}

/**
 * Stages a job and hands it to the workspace's KnowledgeDO. The job only becomes `queued` after every
 * item is written, so a request that fails half-way leaves a `staging` job that never runs.
 */
export async function queueJob(
  env: Env,
  workspaceId: string,
  spec: { kind: JobKind; items: StagedItem[]; replace?: boolean; by: string },
): Promise<KbJob> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO kb_jobs (id, workspace_id, kind, status, replace_all, stage, created_by, created_at, updated_at) VALUES (?, ?, ?, 'staging', ?, 'queued', ?, ?, ?)",
  )
    .bind(id, workspaceId, spec.kind, spec.replace ? 1 : 0, spec.by, now, now)
    .run();
  const stmts = spec.items.map((i) =>
    env.DB.prepare("INSERT INTO kb_job_items (job_id, id, op, data, draft_updated_at) VALUES (?, ?, ?, ?, ?)").bind(
      id,
      i.id,
      i.op,
      i.op === "put" ? JSON.stringify(i.article) : null,
      i.op === "put" ? (i.draftUpdatedAt ?? null) : null,
    ),
  );
  for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));
  await env.DB.prepare("UPDATE kb_jobs SET status = 'queued', updated_at = ? WHERE id = ?").bind(Date.now(), id).run();
  await env.KNOWLEDGE.get(env.KNOWLEDGE.idFromName(workspaceId)).kick(workspaceId);
  return (await getJob(env.DB, workspaceId, id)) as KbJob;
}

/** Polls until the job ends: for the CLI and the admin API, which answer when the publish is live. */
export async function waitForJob(
  db: D1Database,
  workspaceId: string,
  id: string,
  timeoutMs = 10 * 60_000,
): Promise<KbJob> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    const job = await getJob(db, workspaceId, id);
    if (!job) throw new Error(`job ${id} vanished`);
    if (job.status === "done" || job.status === "failed") return job;
    if (Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** The next queued job of a workspace, oldest first; `running` ones left by an evicted object run again. */
export async function nextJob(db: D1Database, workspaceId: string): Promise<string | null> {
  await db
    .prepare("UPDATE kb_jobs SET status = 'queued' WHERE workspace_id = ? AND status = 'running'")
    .bind(workspaceId)
    .run();
  const r = await db
    .prepare("SELECT id FROM kb_jobs WHERE workspace_id = ? AND status = 'queued' ORDER BY created_at, id LIMIT 1")
    .bind(workspaceId)
    .first<{ id: string }>();
  return r?.id ?? null;
}
