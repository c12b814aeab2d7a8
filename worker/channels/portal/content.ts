// What the help centre's pages are made of: the workspace's name and portal site key, its published
// articles grouped by language, translations of one article, and search (the bot's retrieval engine
// plus title matches).
import type { Article } from "../../../shared/article.ts";
import type { Env } from "../../env.ts";
import { loadAppearance } from "../../appearance/store.ts";
import { retrieve, type KbIndex } from "../../answer/engine/index.ts";
import { words } from "../../answer/engine/text.ts";
import { plainExcerpt, type Alternate, type PortalInfo, type SearchHit } from "./html.ts";
import { LruMap } from "../../../shared/lru.ts";

const INFO_TTL_MS = 30_000;
/** Workspaces whose help-centre info this isolate remembers (found or not: the id comes from the URL). */
export const PORTAL_CACHE_MAX = 1000;
const infos = new LruMap<string, { info: Omit<PortalInfo, "origin" | "brand"> | null; until: number }>(
  PORTAL_CACHE_MAX,
);
/** How many workspaces' help-centre info this isolate remembers (tests). */
export const cachedPortals = (): number => infos.size;

/**
 * Name, portal site key and branding (the colour and logo the owner set for the widget, worker/appearance/)
 * of a workspace (null: no such workspace); cached briefly per isolate.
 */
export async function portalInfo(env: Env, workspaceId: string, origin: string): Promise<PortalInfo | null> {
  let hit = infos.get(workspaceId);
  if (!hit || hit.until < Date.now()) {
    const row = await env.DB.prepare(
      "SELECT w.name, (SELECT key FROM sites s WHERE s.workspace_id = w.id AND s.portal = 1 ORDER BY s.created_at, s.key LIMIT 1) AS site FROM workspaces w WHERE w.id = ?",
    )
      .bind(workspaceId)
      .first<{ name: string; site: string | null }>();
    hit = { info: row ? { workspaceId, name: row.name, siteKey: row.site } : null, until: Date.now() + INFO_TTL_MS };
    infos.set(workspaceId, hit);
  }
  if (!hit.info) return null;
  const { appearance } = await loadAppearance(env, workspaceId);
  const brand = {
    ...(appearance.color ? { color: appearance.color } : {}),
    ...(appearance.avatar ? { logo: appearance.avatar } : {}),
  };
  return { ...hit.info, origin, brand };
}

/** Drops the cached name/site of a workspace (tests, and after an owner changes its portal site). */
export function forgetPortal(workspaceId: string): void {
  infos.delete(workspaceId);
}

const lang2 = (locale: string) => locale.slice(0, 2).toLowerCase();

/** Languages with published articles, the most common first (that is the help centre's default). */
export function languagesOf(articles: Article[]): string[] {
  const n = new Map<string, number>();
  for (const a of articles) n.set(lang2(a.locale), (n.get(lang2(a.locale)) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
}

export const inLanguage = (articles: Article[], lang: string): Article[] =>
  articles.filter((a) => lang2(a.locale) === lang2(lang));

/**
 * Translations share an id up to a language prefix: `es-reset-password` is the Spanish
 * `reset-password` (the convention of kb/). Only that convention links pages, so two unrelated
 * articles never claim to be translations of each other.
 */
const familyOf = (a: Article): string => {
  const l = lang2(a.locale);
  return a.id.startsWith(`${l}-`) ? a.id.slice(l.length + 1) : a.id;
};

export function alternatesOf(article: Article, articles: Article[], href: (id: string) => string): Alternate[] {
  const family = familyOf(article);
  const members = articles.filter((a) => familyOf(a) === family);
  if (members.length < 2) return [];
  return members.map((a) => ({ locale: a.locale, href: href(a.id) }));
}

export function relatedOf(article: Article, articles: Article[], max = 6): Article[] {
  return articles
    .filter((a) => a.id !== article.id && a.category === article.category && a.locale === article.locale)
    .slice(0, max);
}

/** Normalised search query: the cache key and what is searched (case, spacing and length folded). */
export const normalizeQuery = (q: string | undefined): string => (q ?? "").replace(/\s+/g, " ").trim().slice(0, 200);

// A fused probability this low with no shared word is the model's spread over everything, not a match.
const MIN_SCORE_WITHOUT_WORDS = 0.25;

/**
 * Title matches first (every word of the query starts a word of the title: what someone typing a
 * title expects on top), then what the bot would have answered with, best first.
 */
export function searchArticles(
  index: KbIndex | null,
  articles: Article[],
  q: string,
  lang: string,
  max = 10,
): SearchHit[] {
  const qWords = words(q);
  if (!qWords.length) return [];
  const hits: SearchHit[] = [];
  const seen = new Set<string>();
  const byId = new Map(articles.map((a) => [a.id, a]));
  for (const a of articles) {
    const tw = words(a.title);
    if (qWords.every((w) => tw.some((x) => x.startsWith(w)))) {
      hits.push({ id: a.id, title: a.title, category: a.category, excerpt: plainExcerpt(a.body, 200) });
      seen.add(a.id);
    }
  }
  if (index) {
    for (const c of retrieve(index, q, { locale: lang }).candidates) {
      if (hits.length >= max) break;
      const a = byId.get(c.articleId);
      if (!a || seen.has(a.id) || (c.lexicalScore <= 0 && c.score < MIN_SCORE_WITHOUT_WORDS)) continue;
      hits.push({ id: a.id, title: a.title, category: a.category, excerpt: plainExcerpt(c.passage.text, 200) });
      seen.add(a.id);
    }
  }
  return hits.slice(0, max);
}
