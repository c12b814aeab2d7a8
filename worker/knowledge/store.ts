// Publishing and loading the KB. Articles and resolved questions live in D1; each publish builds an
// index snapshot, writes it to KV under a new key and only then marks that version current, so
// conversations keep answering from the old version until the new one is ready. Isolates cache the
// loaded index by version and re-check which version is current at most every CURRENT_TTL_MS.
import type { Article } from "../../shared/article.ts";
import type { PublishResult } from "../../shared/api.ts";
import { passageIndexer } from "../answer/ai/index.ts";
import type { Env } from "../env.ts";
import { buildSnapshot, loadIndex, type KbIndex, type KbSnapshot } from "../kb/snapshot.ts";

const CURRENT_TTL_MS = 2000;

export type LoadedKb = { version: number; index: KbIndex };

const loaded = new Map<string, { kb: LoadedKb | null; checkedAt: number }>();
const loading = new Map<string, Promise<LoadedKb | null>>();

type ArticleRow = Omit<Article, "tags"> & { tags: string };
const fromRow = (r: ArticleRow): Article => ({ ...r, tags: JSON.parse(r.tags) as string[] });

export async function listArticles(db: D1Database, workspaceId: string): Promise<Article[]> {
  const rows = await db
    .prepare("SELECT id, title, category, tags, handoff, priority, team, locale, updated, body FROM articles WHERE workspace_id = ? ORDER BY id")
    .bind(workspaceId)
    .all<ArticleRow>();
  return rows.results.map(fromRow);
}

export async function getArticle(db: D1Database, workspaceId: string, id: string): Promise<Article | null> {
  const r = await db
    .prepare("SELECT id, title, category, tags, handoff, priority, team, locale, updated, body FROM articles WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<ArticleRow>();
  return r ? fromRow(r) : null;
}

async function nextVersion(db: D1Database, workspaceId: string): Promise<number> {
  const r = await db.prepare("SELECT MAX(version) AS v FROM kb_versions WHERE workspace_id = ?").bind(workspaceId).first<{ v: number | null }>();
  return (r?.v ?? 0) + 1;
}

/** Upserts articles (or replaces the whole set) and publishes a new index version. */
export async function publishArticles(env: Env, workspaceId: string, articles: Article[], replace: boolean) {
  const version = await nextVersion(env.DB, workspaceId);
  const now = Date.now();
  const stmts: D1PreparedStatement[] = [];
  if (replace) {
    const ids = new Set(articles.map((a) => a.id));
    for (const a of await listArticles(env.DB, workspaceId)) {
      if (!ids.has(a.id)) stmts.push(env.DB.prepare("DELETE FROM articles WHERE workspace_id = ? AND id = ?").bind(workspaceId, a.id));
    }
  }
  for (const a of articles) {
    stmts.push(
      env.DB.prepare(
        `INSERT OR REPLACE INTO articles (workspace_id, id, title, category, tags, handoff, priority, team, locale, updated, body, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(workspaceId, a.id, a.title, a.category, JSON.stringify(a.tags), a.handoff, a.priority, a.team, a.locale, a.updated, a.body, version),
      env.DB.prepare("INSERT INTO article_versions (workspace_id, id, kb_version, data, created_at) VALUES (?, ?, ?, ?, ?)").bind(
        workspaceId,
        a.id,
        version,
        JSON.stringify(a),
        now,
      ),
    );
  }
  // D1 batches are transactions: the article set changes whole or not at all.
  for (let i = 0; i < stmts.length; i += 200) await env.DB.batch(stmts.slice(i, i + 200));
  return rebuild(env, workspaceId, version);
}

/** Records questions that resolved conversations were answered with, and republishes the index. */
export async function recordResolved(env: Env, workspaceId: string, items: { text: string; article: string }[], conversationId?: string) {
  const now = Date.now();
  const stmts = items.map((i) =>
    env.DB.prepare("INSERT INTO resolved_questions (workspace_id, text, article_id, conversation_id, created_at) VALUES (?, ?, ?, ?, ?)").bind(
      workspaceId,
      i.text,
      i.article,
      conversationId ?? null,
      now,
    ),
  );
  for (let i = 0; i < stmts.length; i += 500) await env.DB.batch(stmts.slice(i, i + 500));
  return rebuild(env, workspaceId, await nextVersion(env.DB, workspaceId));
}

async function rebuild(env: Env, workspaceId: string, version: number): Promise<PublishResult> {
  const started = Date.now();
  const articles = await listArticles(env.DB, workspaceId);
  const history = await env.DB.prepare("SELECT text, article_id AS article FROM resolved_questions WHERE workspace_id = ? ORDER BY seq")
    .bind(workspaceId)
    .all<{ text: string; article: string }>();
  const snapshot = buildSnapshot({ version: String(version), articles, history: history.results });
  const key = `kb/${workspaceId}/v${version}`;
  await env.KB.put(key, JSON.stringify(snapshot));
  const chunks = snapshot.articles.reduce((n, a) => n + a.passages.length, 0);
  // Hybrid retrieval: embed new or changed passages into Vectorize. Its failure never fails a publish;
  // the embedded ranking answers alone until the next publish catches up.
  const indexer = passageIndexer(env);
  const semantic = indexer ? await indexer.sync(workspaceId, version, snapshot.articles).catch((e: unknown) => ({ error: String(e) })) : undefined;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO kb_versions (workspace_id, version, snapshot_key, articles, chunks, current, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)").bind(
      workspaceId,
      version,
      key,
      articles.length,
      chunks,
      Date.now(),
    ),
    env.DB.prepare("UPDATE kb_versions SET current = (version = ?) WHERE workspace_id = ?").bind(version, workspaceId),
  ]);
  // This isolate switches at once; others within CURRENT_TTL_MS.
  loaded.set(workspaceId, { kb: { version, index: loadIndex(snapshot) }, checkedAt: Date.now() });
  return { version, articles: articles.length, chunks, ms: Date.now() - started, ...(semantic ? { semantic } : {}) };
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
  const row = await env.DB.prepare("SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = ? AND current = 1")
    .bind(workspaceId)
    .first<{ version: number; snapshot_key: string }>();
  let kb = have;
  if (!row) kb = null;
  else if (!have || have.version !== row.version) {
    const snapshot = await env.KB.get<KbSnapshot>(row.snapshot_key, "json");
    kb = snapshot ? { version: row.version, index: loadIndex(snapshot) } : have;
  }
  loaded.set(workspaceId, { kb, checkedAt: Date.now() });
  return kb;
}
