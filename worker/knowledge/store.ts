// Publishing and loading the KB. Articles and resolved questions live in D1; each publish is a job
// (publish.ts) that builds an index snapshot, writes it to KV under a new key and only then marks that
// version current, so conversations keep answering from the old version until the new one is ready. Isolates cache the
// loaded index by version and re-check which version is current at most every CURRENT_TTL_MS.
import type { Article } from "../../shared/article.ts";
import type { KbJob } from "../../shared/api.ts";
import type { Env } from "../env.ts";
import { ENGINE_VERSION, loadIndex, type KbSnapshot } from "../answer/engine/snapshot.ts";
import { parseSnapshot } from "../answer/engine/snapshot-format.ts";
import { queueJob } from "./jobs.ts";
import { isManifest, joinSnapshot, partKey, SNAPSHOT_PART_BYTES, splitSnapshot } from "./snapshot-parts.ts";

const CURRENT_TTL_MS = 2000;

export type { LoadedKb } from "../answer/engine/index.ts";
import type { LoadedKb } from "../answer/engine/index.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { LruMap } from "../../shared/lru.ts";

/**
 * Workspaces whose index this isolate keeps. An index is megabytes (4 MB for banking77 with its tickets,
 * ~60 MB at 5,000 articles) and an isolate has 128 MB, while one isolate may serve the conversations of
 * many workspaces for hours: the least recently asked one is dropped, and loaded again from KV if asked.
 */
export const KB_CACHE_MAX = 4;
const loaded = new LruMap<string, { kb: LoadedKb | null; checkedAt: number }>(KB_CACHE_MAX);
/** How many workspaces' indexes (or "nothing published") this isolate keeps (tests). */
export const cachedKbs = (): number => loaded.size;
const loading = new Map<string, Promise<LoadedKb | null>>();

type ArticleRow = Omit<Article, "tags" | "questions" | "action"> & {
  tags: string;
  questions: string;
  action: string | null;
};
export const fromRow = ({ action, ...r }: ArticleRow): Article => ({
  ...r,
  tags: parseJson(stringList, r.tags, `articles.tags of ${r.id}`),
  questions: parseJson(stringList, r.questions || "[]", `articles.questions of ${r.id}`),
  ...(action ? { action } : {}),
});

export async function listArticles(db: D1Database, workspaceId: string): Promise<Article[]> {
  const rows = await db
    .prepare(
      "SELECT id, title, category, tags, questions, handoff, priority, team, locale, updated, body, action FROM articles WHERE workspace_id = ? ORDER BY id",
    )
    .bind(workspaceId)
    .all<ArticleRow>();
  return rows.results.map(fromRow);
}

export async function getArticle(db: D1Database, workspaceId: string, id: string): Promise<Article | null> {
  const r = await db
    .prepare(
      "SELECT id, title, category, tags, questions, handoff, priority, team, locale, updated, body, action FROM articles WHERE workspace_id = ? AND id = ?",
    )
    .bind(workspaceId, id)
    .first<ArticleRow>();
  return r ? fromRow(r) : null;
}

/** Records questions that resolved conversations were answered with; a history job retrains on them. */
export async function recordResolved(
  env: Env,
  workspaceId: string,
  items: { text: string; article: string }[],
  conversationId?: string,
  by = "admin",
): Promise<KbJob> {
  const now = Date.now();
  const stmts = items.map((i) =>
    env.DB.prepare(
      "INSERT INTO resolved_questions (workspace_id, text, article_id, conversation_id, created_at) VALUES (?, ?, ?, ?, ?)",
    ).bind(workspaceId, i.text, i.article, conversationId ?? null, now),
  );
  for (let i = 0; i < stmts.length; i += 500) await env.DB.batch(stmts.slice(i, i + 500));
  return queueJob(env, workspaceId, { kind: "history", items: [], by });
}

/**
 * A customer's own confirmation (the article they picked from "Do you mean …?") recorded like a
 * resolved ticket. Retraining is queued only when no history job is already waiting: a queued job
 * reads every recorded question when it runs, so a busy hour of choices costs one retrain, not one each.
 */
export async function recordChoice(
  env: Env,
  workspaceId: string,
  item: { text: string; article: string },
  conversationId: string,
): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO resolved_questions (workspace_id, text, article_id, conversation_id, created_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(workspaceId, item.text.slice(0, 1000), item.article, conversationId, Date.now())
    .run();
  const waiting = await env.DB.prepare(
    "SELECT 1 AS x FROM kb_jobs WHERE workspace_id = ? AND kind = 'history' AND status IN ('staging', 'queued') LIMIT 1",
  )
    .bind(workspaceId)
    .first();
  if (!waiting) await queueJob(env, workspaceId, { kind: "history", items: [], by: "customer-choice" });
}

/**
 * Makes a freshly committed version this isolate's current one at once; others follow within
 * CURRENT_TTL_MS. A large KB's (centroid model) is not loaded here: the publishing isolate has just
 * held the build (a 5,000-article index is ~60 MB of an isolate's 128 MB, docs/performance.md), so it
 * only forgets the old one and loads the new one from KV if it is asked a question.
 */
export function installKb(workspaceId: string, version: number, snapshot: KbSnapshot): void {
  if (snapshot.centroids) loaded.delete(workspaceId);
  else loaded.set(workspaceId, { kb: { version, index: loadIndex(snapshot) }, checkedAt: Date.now() });
}

/**
 * The current KB version without loading its index (the help centre's cache key): this isolate's
 * loaded version while fresh (a publish here installs it at once), else one D1 read.
 */
export async function currentVersion(env: Env, workspaceId: string): Promise<number | null> {
  const hit = loaded.get(workspaceId);
  if (hit && Date.now() - hit.checkedAt < CURRENT_TTL_MS) return hit.kb?.version ?? null;
  const row = await env.DB.prepare("SELECT version FROM kb_versions WHERE workspace_id = ? AND current = 1")
    .bind(workspaceId)
    .first<{ version: number }>();
  return row?.version ?? null;
}

/** The current index of a workspace, or null when nothing is published yet. */
export async function currentKb(env: Env, workspaceId: string): Promise<LoadedKb | null> {
  const hit = loaded.get(workspaceId);
  if (hit && Date.now() - hit.checkedAt < CURRENT_TTL_MS) return hit.kb;
  let p = loading.get(workspaceId);
  if (!p) {
    p = refresh(env, workspaceId, hit?.kb ?? null).finally(() => loading.delete(workspaceId));
    loading.set(workspaceId, p);
  }
  return p;
}

async function refresh(env: Env, workspaceId: string, have: LoadedKb | null): Promise<LoadedKb | null> {
  const row = await env.DB.prepare(
    "SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = ? AND current = 1",
  )
    .bind(workspaceId)
    .first<{ version: number; snapshot_key: string }>();
  let kb = have;
  if (!row) kb = null;
  else if (!have || have.version !== row.version) {
    kb = (await loadCurrent(env, workspaceId, row)) ?? have;
  }
  loaded.set(workspaceId, { kb, checkedAt: Date.now() });
  return kb;
}

/**
 * Loads the live snapshot, or queues its rebuild when it was built by another engine (a deploy
 * changed the model) or cannot be read. Until the rebuild commits, the bot keeps the index this
 * isolate already has, or answers as if nothing were published (it declines and offers a person).
 */
async function loadCurrent(
  env: Env,
  workspaceId: string,
  row: { version: number; snapshot_key: string },
): Promise<LoadedKb | null> {
  if (isCurrentEngine(row.snapshot_key)) {
    try {
      const stored = await readSnapshot(env.KB, row.snapshot_key);
      if (stored) return { version: row.version, index: loadIndex(stored) };
    } catch (e) {
      console.error(`[edgedesk] KB snapshot ${row.snapshot_key} cannot be loaded: ${String(e)}`);
    }
  }
  await queueRebuild(env, workspaceId);
  return null;
}

async function queueRebuild(env: Env, workspaceId: string): Promise<void> {
  const waiting = await env.DB.prepare(
    "SELECT 1 AS x FROM kb_jobs WHERE workspace_id = ? AND status IN ('staging', 'queued', 'running') LIMIT 1",
  )
    .bind(workspaceId)
    .first<{ x: number }>();
  if (waiting) return;
  console.warn(`[edgedesk] KB of workspace ${workspaceId} was built by another engine: rebuilding it`);
  await queueJob(env, workspaceId, { kind: "rebuild", items: [], by: "system" });
}

/**
 * Writes a snapshot under `key`: one value, or parts and a manifest past SNAPSHOT_PART_BYTES
 * (snapshot-parts.ts). The parts go first, so a reader never finds a manifest without them.
 */
export async function writeSnapshot(
  kv: KVNamespace,
  key: string,
  snapshot: KbSnapshot,
  partBytes = SNAPSHOT_PART_BYTES,
): Promise<number> {
  const split = splitSnapshot(JSON.stringify(snapshot), partBytes);
  if ("whole" in split) {
    await kv.put(key, split.whole);
    return 1;
  }
  let i = 0;
  for (let r = split.parts.next(); ; r = split.parts.next()) {
    if (r.done) {
      await kv.put(key, JSON.stringify(r.value));
      return i;
    }
    await kv.put(partKey(key, i++), r.value);
  }
}

/**
 * The snapshot stored under `key`, read through its schema (snapshot-format.ts), or null when there
 * is none; throws (DataError or Error) when it, or one of its parts, does not fit.
 */
export async function readSnapshot(kv: KVNamespace, key: string): Promise<KbSnapshot | null> {
  const stored: unknown = await kv.get(key, "json");
  if (!stored) return null;
  if (!isManifest(stored)) return parseSnapshot(stored, "the stored value");
  const n = (stored as { parts: unknown }).parts;
  const count = typeof n === "number" && Number.isInteger(n) && n > 0 && n < 64 ? n : 0;
  const parts = await Promise.all(Array.from({ length: count }, (_, i) => kv.get(partKey(key, i), "arrayBuffer")));
  return parseSnapshot(joinSnapshot(stored, parts, "the stored value"), "the stored value");
}

/** Deletes a snapshot and its parts, if it had any. */
export async function deleteSnapshot(kv: KVNamespace, key: string): Promise<void> {
  const stored: unknown = await kv.get(key, "json").catch(() => null);
  const n = isManifest(stored) ? (stored as { parts: unknown }).parts : 0;
  if (typeof n === "number" && Number.isInteger(n) && n > 0 && n < 64)
    for (let i = 0; i < n; i++) await kv.delete(partKey(key, i));
  await kv.delete(key);
}

/** Where a version's snapshot lives in KV; the engine version in the key marks who built it. */
export const snapshotKey = (workspaceId: string, version: number) => `kb/${workspaceId}/v${version}.${ENGINE_VERSION}`;
export const isCurrentEngine = (key: string) => key.endsWith(`.${ENGINE_VERSION}`);
