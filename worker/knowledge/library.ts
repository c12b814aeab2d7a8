// The content team's view of the KB: published articles, drafts, and each article's version history.
// Drafts live in article_drafts and are never read by retrieval or the help pages.
import type { ArticleDetail, ArticleVersion, Library, LibraryItem } from "../../shared/api.ts";
import type { Article } from "../../shared/article.ts";
import { ApiFailure } from "../http/errors.ts";
import { listArticles } from "./store.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { articleVersionData, storedArticle } from "./formats.ts";

type DraftRow = { id: string; data: string; base_version: number | null; updated_at: number; updated_by: string };

export async function listDrafts(db: D1Database, workspaceId: string): Promise<(DraftRow & { article: Article })[]> {
  const rows = await db
    .prepare(
      "SELECT id, data, base_version, updated_at, updated_by FROM article_drafts WHERE workspace_id = ? ORDER BY id",
    )
    .bind(workspaceId)
    .all<DraftRow>();
  return rows.results.map((r) => ({
    ...r,
    article: parseJson(storedArticle, r.data, `article_drafts.data of ${r.id}`),
  }));
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export async function library(
  db: D1Database,
  workspaceId: string,
  filter: { q?: string; status?: string; category?: string },
): Promise<Library> {
  const [published, drafts, versions, cur] = await Promise.all([
    listArticles(db, workspaceId),
    listDrafts(db, workspaceId),
    db
      .prepare("SELECT id, version FROM articles WHERE workspace_id = ?")
      .bind(workspaceId)
      .all<{ id: string; version: number }>(),
    db
      .prepare("SELECT version FROM kb_versions WHERE workspace_id = ? AND current = 1")
      .bind(workspaceId)
      .first<{ version: number }>(),
  ]);
  const versionOf = new Map(versions.results.map((r) => [r.id, r.version]));
  const byId = new Map<string, LibraryItem & { text: string }>();
  for (const a of published) {
    byId.set(a.id, {
      id: a.id,
      title: a.title,
      category: a.category,
      locale: a.locale,
      tags: a.tags,
      status: "published",
      version: versionOf.get(a.id) as number,
      text: a.body,
    });
  }
  for (const d of drafts) {
    const a = d.article;
    const pub = byId.get(a.id);
    // The list shows what the editor will see: the draft's fields.
    byId.set(a.id, {
      id: a.id,
      title: a.title,
      category: a.category,
      locale: a.locale,
      tags: a.tags,
      status: pub ? "changed" : "draft",
      ...(pub?.version ? { version: pub.version } : {}),
      draftUpdatedAt: d.updated_at,
      text: a.body,
    });
  }
  const categories = [...new Set([...byId.values()].map((i) => i.category))].sort();
  const words = fold(filter.q ?? "")
    .split(/\s+/)
    .filter(Boolean);
  const items = [...byId.values()]
    .filter((i) => !filter.category || i.category === filter.category)
    .filter(
      (i) =>
        !filter.status ||
        filter.status === "all" ||
        (filter.status === "unpublished" ? i.status !== "published" : i.status === filter.status),
    )
    .filter((i) => {
      if (!words.length) return true;
      const hay = fold(`${i.id} ${i.title} ${i.tags.join(" ")} ${i.category} ${i.text}`);
      return words.every((w) => hay.includes(w));
    })
    .map(({ text: _text, ...item }) => item);
  return { items, categories, ...(cur ? { current: cur.version } : {}) };
}

export async function articleDetail(db: D1Database, workspaceId: string, id: string): Promise<ArticleDetail | null> {
  const [pub, draft, versions] = await Promise.all([
    db
      .prepare(
        "SELECT id, title, category, tags, questions, handoff, priority, team, locale, updated, body, version, action FROM articles WHERE workspace_id = ? AND id = ?",
      )
      .bind(workspaceId, id)
      .first<
        Omit<Article, "tags" | "questions" | "action"> & {
          tags: string;
          questions: string;
          version: number;
          action: string | null;
        }
      >(),
    db
      .prepare(
        "SELECT id, data, base_version, updated_at, updated_by FROM article_drafts WHERE workspace_id = ? AND id = ?",
      )
      .bind(workspaceId, id)
      .first<DraftRow>(),
    db
      .prepare(
        "SELECT kb_version, data, created_at FROM article_versions WHERE workspace_id = ? AND id = ? ORDER BY kb_version DESC LIMIT 100",
      )
      .bind(workspaceId, id)
      .all<{ kb_version: number; data: string; created_at: number }>(),
  ]);
  if (!pub && !draft && !versions.results.length) return null;
  return {
    id,
    ...(pub
      ? {
          published: {
            ...pub,
            tags: parseJson(stringList, pub.tags, `articles.tags of ${id}`),
            questions: parseJson(stringList, pub.questions || "[]", `articles.questions of ${id}`),
            action: pub.action ?? undefined,
          },
        }
      : {}),
    ...(draft
      ? {
          draft: {
            article: parseJson(storedArticle, draft.data, `article_drafts.data of ${id}`),
            updatedAt: draft.updated_at,
            updatedBy: draft.updated_by,
            baseVersion: draft.base_version,
          },
        }
      : {}),
    versions: versions.results.map((v): ArticleVersion => {
      const data = parseJson(articleVersionData, v.data, `article_versions.data of ${id} v${v.kb_version}`);
      return "deleted" in data
        ? { version: v.kb_version, createdAt: v.created_at, deleted: true }
        : { version: v.kb_version, createdAt: v.created_at, article: data };
    }),
  };
}

/** A new article's draft. Its id must be free: not published, not drafted, so no one's work is overwritten. */
export async function createDraft(db: D1Database, workspaceId: string, a: Article, by: string): Promise<void> {
  const taken = await db
    .prepare(
      "SELECT 1 AS x FROM articles WHERE workspace_id = ?1 AND id = ?2 UNION ALL SELECT 1 FROM article_drafts WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(workspaceId, a.id)
    .first();
  if (taken)
    throw new ApiFailure(409, "duplicate_id", `an article with id ${a.id} already exists`, [
      { path: "article.id", message: `${a.id} is already taken; choose another id` },
    ]);
  const r = await db
    .prepare(
      "INSERT INTO article_drafts (workspace_id, id, data, base_version, updated_at, updated_by) VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(workspaceId, a.id, JSON.stringify(a), Date.now(), by)
    .run();
  if (!r.meta.changes)
    throw new ApiFailure(409, "duplicate_id", `an article with id ${a.id} already exists`, [
      { path: "article.id", message: `${a.id} is already taken; choose another id` },
    ]);
}

/** Saves the draft of an existing article (published or drafted). The id is the article's identity and cannot change here. */
export async function saveDraft(
  db: D1Database,
  workspaceId: string,
  id: string,
  a: Article,
  by: string,
): Promise<number> {
  if (a.id !== id)
    throw new ApiFailure(400, "invalid_body", "the id cannot change; create a new article instead", [
      { path: "article.id", message: "the id cannot change once created" },
    ]);
  const pub = await db
    .prepare("SELECT version FROM articles WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ version: number }>();
  const draft = await db
    .prepare("SELECT 1 AS x FROM article_drafts WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first();
  if (!pub && !draft) throw new ApiFailure(404, "not_found", `no article ${id}; create it first`);
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO article_drafts (workspace_id, id, data, base_version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(workspaceId, id, JSON.stringify(a), pub?.version ?? null, now, by)
    .run();
  return now;
}

/** Many drafts at once (`kb push --draft`): new ids and existing ones alike, in one transaction. */
export async function saveDrafts(
  db: D1Database,
  workspaceId: string,
  articles: Article[],
  by: string,
): Promise<number> {
  const now = Date.now();
  const stmts = articles.map((a) =>
    db
      .prepare(
        `INSERT INTO article_drafts (workspace_id, id, data, base_version, updated_at, updated_by)
         VALUES (?1, ?2, ?3, (SELECT version FROM articles WHERE workspace_id = ?1 AND id = ?2), ?4, ?5)
         ON CONFLICT (workspace_id, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .bind(workspaceId, a.id, JSON.stringify(a), now, by),
  );
  await db.batch(stmts);
  return stmts.length;
}

export async function discardDraft(db: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const r = await db
    .prepare("DELETE FROM article_drafts WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .run();
  return r.meta.changes > 0;
}
