// What every importer shares: the item it produces, locale and tag clean-up, Markdown clean-up for
// sources that are already Markdown, and the last step, validation with the editor's own schema.
import { type Article, articleSchema } from "../../../shared/article.ts";
import { safeUrl } from "../../../shared/markdown.ts";
import { importableUrl } from "./html-md.ts";

/** One article of an export: what it becomes here (null when skipped), and what the editor should know. */
export type ImportItem = {
  /** Where it came from: the vendor's id, or the file's name in the zip. */
  source: string;
  /** The article id it maps to ("" when none could be made). */
  id: string;
  title: string;
  /** The article, or null when it cannot be imported (the warnings say why). */
  article: Article | null;
  /** Published or draft in the source: a draft is imported as a draft whatever the import does. */
  state: "published" | "draft";
  warnings: string[];
};

export type Mapped = { items: ImportItem[]; warnings: string[] };

export class ImportFormatError extends Error {}

/** "en-us", "pt_BR", "fr" → the article locale (`en`, `pt-BR`, `fr`); null when it is not one. */
export function articleLocale(raw: string | null | undefined): string | null {
  const m = /^([a-z]{2})(?:[-_]([a-z]{2}))?$/i.exec((raw ?? "").trim());
  if (!m) return null;
  const lang = (m[1] as string).toLowerCase();
  // The KB keys languages by their two letters; a region ("en-us") adds nothing retrieval uses.
  return lang;
}

/** A stable id: the vendor's own id, prefixed per vendor, and per language beyond English (as kb/ does). */
export function importId(vendor: string, id: string | number, locale: string): string {
  const safe = String(id)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${locale === "en" ? "" : `${locale}-`}${vendor}-${safe}`.slice(0, 80);
}

export function cleanTags(raw: readonly unknown[] | null | undefined): string[] {
  const out: string[] = [];
  for (const t of raw ?? []) {
    if (typeof t !== "string") continue;
    const v = t.replace(/,/g, " ").replace(/\s+/g, " ").trim().slice(0, 60);
    if (v && !out.includes(v)) out.push(v);
  }
  return out.slice(0, 30);
}

export const categoryName = (raw: string | null | undefined): string =>
  (raw ?? "").replace(/\s+/g, " ").trim().toLowerCase().slice(0, 60) || "general";

/** Seconds or milliseconds since the epoch, or an ISO string → `YYYY-MM-DD` ("" when unknown). */
export function dateOf(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined || raw === "") return "";
  const n = typeof raw === "number" ? (raw < 1e11 ? raw * 1000 : raw) : Date.parse(raw);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString().slice(0, 10) : "";
}

/**
 * A body that is already Markdown (Chatwoot's editor, the zip): HTML tags inside it are removed (those
 * that carry code or embeds with their content) and links to anything but the web, mail or this site
 * keep only their text. The renderer would escape the tags anyway; removing them keeps the text clean.
 */
export function cleanMarkdown(md: string, links: "web" | "site" = "site"): { markdown: string; warnings: string[] } {
  const warnings = new Set<string>();
  let out = md.replace(
    /<(script|style|iframe|object|embed|noscript|template|svg)\b[\s\S]*?(<\/\1\s*>|$)/gi,
    (_m, t) => {
      warnings.add(t.toLowerCase() === "script" ? "scripts were removed" : "embedded content is not imported");
      return "";
    },
  );
  out = out.replace(/<\/?[a-zA-Z][^>]*>/g, () => {
    warnings.add("raw HTML tags were removed");
    return "";
  });
  out = out.replace(/!?\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)[^)]*\)/g, (m, label: string, url: string) => {
    if (m.startsWith("!")) {
      warnings.add("images are not imported (their alt text is kept)");
      return label;
    }
    const ok = links === "web" ? importableUrl(url) : safeUrl(url);
    if (ok) return `[${label}](${ok})`;
    warnings.add("links that are not http(s) or mailto were reduced to their text");
    return label;
  });
  return { markdown: out.replace(/\n{3,}/g, "\n\n").trim(), warnings: [...warnings] };
}

/** The candidate, checked with the editor's schema; a failing one is skipped with the reasons. */
export function finish(
  source: string,
  state: ImportItem["state"],
  candidate: Partial<Article> & { title: string; body: string },
  warnings: string[],
): ImportItem {
  const title = candidate.title.replace(/\s+/g, " ").trim();
  const w = [...warnings];
  // One reason to skip is enough; a mapper may already have given it.
  if (!w.some((x) => x.endsWith(": skipped"))) {
    if (!title) w.push("no title: skipped");
    else if (!candidate.body.trim()) w.push("empty body: skipped");
    else if (candidate.body.length > 100_000) w.push("body is longer than 100,000 characters: skipped");
  }
  const id = candidate.id ?? "";
  if (w.some((x) => x.endsWith(": skipped")))
    return { source, id, title: title || source, article: null, state, warnings: w };
  const r = articleSchema.safeParse({ ...candidate, title: title.slice(0, 200), body: candidate.body.trim() });
  if (!r.success)
    return {
      source,
      id,
      title,
      article: null,
      state,
      warnings: [...w, ...r.error.issues.map((i) => `${i.path.join(".") || "article"}: ${i.message}: skipped`)],
    };
  if (title.length > 200) w.push("title shortened to 200 characters");
  return { source, id, title: r.data.title, article: r.data, state, warnings: w };
}

/** A later article with an id already taken in the same export is skipped, never silently merged. */
export function dedupe(items: ImportItem[]): ImportItem[] {
  const seen = new Map<string, string>();
  return items.map((it) => {
    if (!it.article) return it;
    const first = seen.get(it.article.id);
    if (first === undefined) {
      seen.set(it.article.id, it.source);
      return it;
    }
    return {
      ...it,
      article: null,
      warnings: [...it.warnings, `duplicate id ${it.article.id} (also ${first}): skipped`],
    };
  });
}
