// "Try a question": the content team sees what a customer would get — ranking, decision, answer —
// from the published KB or from the published KB with every draft applied. Same brain as live turns.
import type { TryResult } from "../../shared/api.ts";
import type { Article } from "../../shared/article.ts";
import { brainFrom, brainParts } from "../answer/brain.ts";
import type { Meta } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import { buildSnapshot, loadIndex } from "../answer/engine/snapshot.ts";
import { listDrafts } from "./library.ts";
import { readSynonyms } from "./publish.ts";
import { currentKb, listArticles, type LoadedKb } from "./store.ts";
import { LruMap } from "../../shared/lru.ts";

/**
 * One draft preview index per workspace and isolate, rebuilt only when drafts or the KB change. A full
 * index each (megabytes), and any workspace's content team may try a question: the two most recent only.
 */
const previews = new LruMap<string, { key: string; kb: LoadedKb }>(2);

async function draftKb(env: Env, workspaceId: string): Promise<LoadedKb | null> {
  const [published, drafts, cur, hist] = await Promise.all([
    listArticles(env.DB, workspaceId),
    listDrafts(env.DB, workspaceId),
    env.DB.prepare("SELECT version FROM kb_versions WHERE workspace_id = ? AND current = 1")
      .bind(workspaceId)
      .first<{ version: number }>(),
    env.DB.prepare("SELECT COUNT(*) AS n FROM resolved_questions WHERE workspace_id = ?")
      .bind(workspaceId)
      .first<{ n: number }>(),
  ]);
  const key = `${cur?.version ?? 0}/${hist?.n ?? 0}/${drafts.map((d) => `${d.id}@${d.updated_at}`).join(",")}`;
  const hit = previews.get(workspaceId);
  if (hit?.key === key) return hit.kb;
  const merged = new Map<string, Article>(published.map((a) => [a.id, a]));
  for (const d of drafts) merged.set(d.id, d.article);
  if (!merged.size) return null;
  const history = await env.DB.prepare(
    "SELECT text, article_id AS article FROM resolved_questions WHERE workspace_id = ? ORDER BY seq",
  )
    .bind(workspaceId)
    .all<{ text: string; article: string }>();
  const kb: LoadedKb = {
    version: cur?.version ?? 0,
    index: loadIndex(
      buildSnapshot({
        version: "draft",
        articles: [...merged.values()],
        history: history.results,
        synonyms: await readSynonyms(env.DB, workspaceId),
      }),
    ),
  };
  previews.set(workspaceId, { key, kb });
  return kb;
}

export async function tryQuestion(
  env: Env,
  workspaceId: string,
  q: { text: string; locale: string; target: "published" | "draft" },
  baseUrl: string,
): Promise<TryResult> {
  const started = Date.now();
  const kb = q.target === "draft" ? await draftKb(env, workspaceId) : await currentKb(env, workspaceId);
  const parts = { ...brainParts(env), loadKb: async () => kb };
  const meta: Meta = {
    id: "try",
    workspaceId,
    siteKey: "",
    channel: "api",
    locale: q.locale,
    baseUrl,
    createdAt: started,
    state: "bot",
    lowConfidenceTurns: 0,
    failures: 0,
    tried: [],
  };
  const turn = await brainFrom(parts, () => meta).turn(q.text, {
    locale: q.locale,
    priorLowConfidence: 0,
    priorFailures: 0,
    earlier: [],
  });
  let answer = "";
  if (typeof turn.text === "string") answer = turn.text;
  else for await (const piece of turn.text) answer += piece;
  const ranking = kb
    ? (await parts.retriever.retrieve(kb, workspaceId, q.text, q.locale)).candidates.slice(0, 10).map((c) => ({
        articleId: c.articleId,
        title: c.title,
        score: Math.round(c.score * 1000) / 1000,
        passage: c.passage.text.slice(0, 300),
      }))
    : [];
  return {
    target: q.target,
    version: kb ? kb.version : null,
    action: turn.action,
    reason: turn.reason,
    confidence: Math.round(turn.confidence * 1000) / 1000,
    ...(turn.article ? { article: turn.article.id } : {}),
    answer,
    ranking,
    ms: Date.now() - started,
  };
}
