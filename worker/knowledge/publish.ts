// Publish jobs. A request stages the articles it wants published (kb_job_items) and queues a job;
// the workspace's KnowledgeDO runs queued jobs one at a time: merge with the published set, build
// the snapshot in slices (reporting progress, yielding between slices), write it to KV, then commit
// articles, versions, draft clean-up and the `current` flip in ONE D1 batch (a transaction). Until
// that batch, nothing a customer or a help page reads has changed; if any stage fails, nothing has.
import type { Article } from "../../shared/article.ts";
import type { KbJob, PublishResult } from "../../shared/api.ts";
import { passageIndexer } from "../answer/ai/index.ts";
import type { Env } from "../env.ts";
import { buildSnapshotSteps, mayUseCentroids, type BuildProgress, type KbSnapshot } from "../answer/engine/snapshot.ts";
import {
  deleteSnapshot,
  installKb,
  isCurrentEngine,
  listArticles,
  readSnapshot,
  snapshotKey,
  writeSnapshot,
} from "./store.ts";
import { parseJson } from "../../shared/json.ts";
import { storedArticle, synonymGroups } from "./formats.ts";

// The job queue lives in jobs.ts; its functions are re-exported here for the routes and the DO.
export { getJob, jobFromRow, nextJob, queueJob, waitForJob, type JobKind, type StagedItem } from "./jobs.ts";
import { getJob, type JobRow } from "./jobs.ts";

/** How long a build runs before it lets other work on this thread go first, and how often it reports. */
const SLICE_MS = 20;
const REPORT_MS = 400;

const same = (a: Article, b: Article) => JSON.stringify(a) === JSON.stringify(b);

/** The workspace's synonym groups (kb_synonyms), [] when none were set. */
export async function readSynonyms(db: D1Database, workspaceId: string): Promise<string[][]> {
  const r = await db
    .prepare("SELECT groups FROM kb_synonyms WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ groups: string }>();
  return r ? parseJson(synonymGroups, r.groups, `kb_synonyms.groups of ${workspaceId}`) : [];
}

export async function saveSynonyms(db: D1Database, workspaceId: string, groups: string[][], by: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO kb_synonyms (workspace_id, groups, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET groups = excluded.groups, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(workspaceId, JSON.stringify(groups), Date.now(), by)
    .run();
}

export async function runJob(env: Env, workspaceId: string, jobId: string): Promise<KbJob> {
  const db = env.DB;
  const started = Date.now();
  const job = await db
    .prepare("SELECT * FROM kb_jobs WHERE id = ? AND workspace_id = ?")
    .bind(jobId, workspaceId)
    .first<JobRow>();
  if (!job) throw new Error(`no job ${jobId}`);
  const progress = (stage: string, done = 0, total = 0) =>
    db
      .prepare("UPDATE kb_jobs SET status = 'running', stage = ?, done = ?, total = ?, updated_at = ? WHERE id = ?")
      .bind(stage, done, total, Date.now(), jobId)
      .run();
  try {
    await progress("prepare");
    const items = await db
      .prepare("SELECT id, op, data FROM kb_job_items WHERE job_id = ?")
      .bind(jobId)
      .all<{ id: string; op: string; data: string | null }>();
    const current = await listArticles(db, workspaceId);
    const merged = new Map(job.replace_all ? [] : current.map((a) => [a.id, a]));
    for (const i of items.results) {
      if (i.op === "delete") merged.delete(i.id);
      else merged.set(i.id, parseJson(storedArticle, i.data ?? "", `kb_job_items.data of ${jobId}/${i.id}`));
    }
    const before = new Map(current.map((a) => [a.id, a]));
    const changed = [...merged.values()]
      .filter((a) => !before.has(a.id) || !same(a, before.get(a.id) as Article))
      .map((a) => a.id);
    const removed = current.filter((a) => !merged.has(a.id)).map((a) => a.id);
    const cur = await db
      .prepare("SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = ? AND current = 1")
      .bind(workspaceId)
      .first<{ version: number; snapshot_key: string }>();

    // Unchanged articles need no new version, unless the live snapshot was built by another engine.
    if (
      !changed.length &&
      !removed.length &&
      job.kind !== "history" &&
      job.kind !== "rebuild" &&
      cur &&
      isCurrentEngine(cur.snapshot_key)
    ) {
      // Nothing to publish: say so instead of training an identical model.
      const result: PublishResult = {
        version: cur.version,
        articles: merged.size,
        chunks: 0,
        ms: Date.now() - started,
        unchanged: true,
      };
      await db.batch([
        db
          .prepare(
            "DELETE FROM article_drafts WHERE workspace_id = ? AND id IN (SELECT id FROM kb_job_items WHERE job_id = ? AND draft_updated_at = article_drafts.updated_at)",
          )
          .bind(workspaceId, jobId),
        finish(db, jobId, cur.version, result),
        db.prepare("DELETE FROM kb_job_items WHERE job_id = ?").bind(jobId),
      ]);
      return (await getJob(db, workspaceId, jobId)) as KbJob;
    }

    const max = await db
      .prepare("SELECT MAX(version) AS v FROM kb_versions WHERE workspace_id = ?")
      .bind(workspaceId)
      .first<{ v: number | null }>();
    const version = (max?.v ?? 0) + 1;
    await db.prepare("UPDATE kb_jobs SET version = ? WHERE id = ?").bind(version, jobId).run();
    const history = await db
      .prepare("SELECT text, article_id AS article FROM resolved_questions WHERE workspace_id = ? ORDER BY seq")
      .bind(workspaceId)
      .all<{ text: string; article: string }>();

    const articles = [...merged.values()];
    const synonyms = await readSynonyms(db, workspaceId);
    // The live snapshot, when this engine built it and the KB is large enough for the centroid model:
    // it reuses every part an edit did not touch (its centroids, the history's IDF and neighbours). A
    // rebuild starts from nothing, and a snapshot that cannot be read only means a full build.
    const previous =
      cur &&
      job.kind !== "rebuild" &&
      isCurrentEngine(cur.snapshot_key) &&
      mayUseCentroids(articles.length, history.results.length)
        ? await readSnapshot(env.KB, cur.snapshot_key)
            // Only the model's parts are kept: the rest of it is garbage before the build starts.
            .then((s) => (s ? { centroids: s.centroids, neighbours: s.neighbours } : null))
            .catch(() => null)
        : null;
    const steps = buildSnapshotSteps(
      { version: String(version), articles, history: history.results, synonyms },
      undefined,
      previous ?? undefined,
    );
    let slice = Date.now();
    let reported = 0;
    let snapshot: KbSnapshot;
    for (;;) {
      const r = steps.next();
      if (r.done) {
        snapshot = r.value;
        break;
      }
      const now = Date.now();
      if (now - slice < SLICE_MS) continue;
      const p: BuildProgress = r.value;
      // Give customers' questions on this thread a turn; report at most every REPORT_MS.
      if (now - reported >= REPORT_MS) {
        reported = now;
        await progress(p.stage, p.done, p.total);
      } else await new Promise((res) => setTimeout(res, 0));
      slice = Date.now();
    }

    await progress("store");
    const key = snapshotKey(workspaceId, version);
    await writeSnapshot(env.KB, key, snapshot);
    const chunks = snapshot.articles.reduce((n, a) => n + a.passages.length, 0);

    await progress("embed");
    // Hybrid retrieval: embed new or changed passages. Its failure never fails a publish; the embedded
    // ranking answers alone until the next publish catches up.
    const indexer = passageIndexer(env);
    const semantic = indexer
      ? await indexer.sync(workspaceId, version, snapshot.articles).catch((e: unknown) => ({ error: String(e) }))
      : undefined;

    await progress("commit");
    const now = Date.now();
    const result: PublishResult = {
      version,
      articles: articles.length,
      chunks,
      ms: now - started,
      ...(semantic ? { semantic } : {}),
    };
    const changedJson = JSON.stringify(changed);
    const removedJson = JSON.stringify(removed);
    await db.batch([
      db
        .prepare(
          `INSERT OR REPLACE INTO articles (workspace_id, id, title, category, tags, handoff, priority, team, locale, updated, body, version, questions, action)
           SELECT ?1, id, json_extract(data, '$.title'), json_extract(data, '$.category'), json_extract(data, '$.tags'), json_extract(data, '$.handoff'),
                  json_extract(data, '$.priority'), json_extract(data, '$.team'), json_extract(data, '$.locale'), json_extract(data, '$.updated'),
                  json_extract(data, '$.body'), ?2, COALESCE(json_extract(data, '$.questions'), '[]'), json_extract(data, '$.action')
           FROM kb_job_items WHERE job_id = ?3 AND op = 'put' AND id IN (SELECT value FROM json_each(?4))`,
        )
        .bind(workspaceId, version, jobId, changedJson),
      db
        .prepare(
          `INSERT OR REPLACE INTO article_versions (workspace_id, id, kb_version, data, created_at)
           SELECT ?1, id, ?2, data, ?3 FROM kb_job_items WHERE job_id = ?4 AND op = 'put' AND id IN (SELECT value FROM json_each(?5))`,
        )
        .bind(workspaceId, version, now, jobId, changedJson),
      // A tombstone, so an unpublished article's history shows when it left.
      db
        .prepare(
          `INSERT OR REPLACE INTO article_versions (workspace_id, id, kb_version, data, created_at)
           SELECT ?1, value, ?2, json_object('id', value, 'deleted', json('true')), ?3 FROM json_each(?4)`,
        )
        .bind(workspaceId, version, now, removedJson),
      db
        .prepare("DELETE FROM articles WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))")
        .bind(workspaceId, removedJson),
      // Drafts that were published go, unless someone edited them after the publish was queued.
      db
        .prepare(
          "DELETE FROM article_drafts WHERE workspace_id = ? AND id IN (SELECT id FROM kb_job_items WHERE job_id = ? AND draft_updated_at = article_drafts.updated_at)",
        )
        .bind(workspaceId, jobId),
      db
        .prepare(
          "INSERT INTO kb_versions (workspace_id, version, snapshot_key, articles, chunks, current, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
        )
        .bind(workspaceId, version, key, articles.length, chunks, now),
      db.prepare("UPDATE kb_versions SET current = (version = ?) WHERE workspace_id = ?").bind(version, workspaceId),
      finish(db, jobId, version, result),
      db.prepare("DELETE FROM kb_job_items WHERE job_id = ?").bind(jobId),
    ]);
    installKb(workspaceId, version, snapshot);
    // Only the current snapshot is ever read (answers, portal). Superseded ones go from KV: they hold
    // what older models learnt, including questions a privacy erasure or retention has since removed.
    const stale = await db
      .prepare("SELECT snapshot_key FROM kb_versions WHERE workspace_id = ? AND current = 0 AND snapshot_key != ?")
      .bind(workspaceId, key)
      .all<{ snapshot_key: string }>();
    for (const s of stale.results) await deleteSnapshot(env.KB, s.snapshot_key);
  } catch (e) {
    console.error("publish job failed", jobId, e);
    await db
      .prepare("UPDATE kb_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?")
      .bind(String(e instanceof Error ? e.message : e).slice(0, 500), Date.now(), jobId)
      .run();
  }
  return (await getJob(db, workspaceId, jobId)) as KbJob;
}

function finish(db: D1Database, jobId: string, version: number, result: PublishResult): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE kb_jobs SET status = 'done', stage = 'done', done = 1, total = 1, version = ?, result = ?, updated_at = ? WHERE id = ?",
    )
    .bind(version, JSON.stringify(result), Date.now(), jobId);
}
