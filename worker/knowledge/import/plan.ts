// What an import would change, compared with the published KB: the preview, and the exact list the
// apply step acts on (the same function, so what was previewed is what happens). Pure.
import type { Article } from "../../../shared/article.ts";
import type {
  ImportAs,
  ImportMode,
  ImportPreview,
  ImportPreviewItem,
  ImportSource,
} from "../../../shared/kb-import.ts";
import type { ImportItem, Mapped } from "./common.ts";

/** The comparison ignores key order: a stored article and a freshly parsed one differ only in content. */
const key = (a: Article) =>
  JSON.stringify([
    a.title,
    a.category,
    a.tags,
    a.questions ?? [],
    a.handoff,
    a.priority,
    a.team,
    a.locale,
    a.updated,
    a.body,
  ]);

export type Plan = {
  preview: ImportPreview;
  /** Articles to write, with the state they take. */
  writes: { article: Article; state: "published" | "draft" }[];
  /** Published ids to unpublish (replace only). */
  removals: string[];
};

export function plan(
  mapped: Mapped,
  published: readonly Article[],
  drafted: ReadonlySet<string>,
  opts: { source: ImportSource; mode: ImportMode; kbVersion: number },
): Plan {
  const live = new Map(published.map((a) => [a.id, a]));
  const items: ImportPreviewItem[] = [];
  const writes: Plan["writes"] = [];
  const imported = new Set<string>();
  const row = (it: ImportItem, change: ImportPreviewItem["change"], warnings = it.warnings): ImportPreviewItem => ({
    id: it.article?.id ?? it.id,
    title: it.title,
    source: it.source,
    change,
    state: it.state,
    locale: it.article?.locale ?? "",
    category: it.article?.category ?? "",
    warnings,
  });
  for (const it of mapped.items) {
    if (!it.article) {
      items.push(row(it, "skipped"));
      continue;
    }
    const a = it.article;
    imported.add(a.id);
    const before = live.get(a.id);
    const change = !before ? "new" : key(before) === key(a) ? "unchanged" : "changed";
    const warnings = [...it.warnings];
    if (drafted.has(a.id) && change !== "unchanged") warnings.push("its unpublished draft here will be replaced");
    if (it.state === "draft" && before && change !== "unchanged")
      warnings.push("a draft in the source: the published article stays until the draft is published");
    items.push(row(it, change, warnings));
    if (change !== "unchanged") writes.push({ article: a, state: it.state });
  }
  const removals = opts.mode === "replace" ? published.filter((a) => !imported.has(a.id)).map((a) => a.id) : [];
  for (const id of removals) {
    const a = live.get(id) as Article;
    items.push({
      id,
      title: a.title,
      source: "",
      change: "removed",
      state: "published",
      locale: a.locale,
      category: a.category,
      warnings: [],
    });
  }
  const counts = { new: 0, changed: 0, unchanged: 0, removed: 0, skipped: 0 };
  for (const i of items) counts[i.change]++;
  return {
    preview: {
      source: opts.source,
      mode: opts.mode,
      kbVersion: opts.kbVersion,
      counts,
      items,
      warnings: mapped.warnings,
    },
    writes,
    removals,
  };
}

/** What apply does with a plan: drafts to save, articles to publish, ids to unpublish. */
export function actions(p: Plan, as: ImportAs): { drafts: Article[]; publish: Article[]; remove: string[] } {
  const publish = as === "publish" ? p.writes.filter((w) => w.state === "published").map((w) => w.article) : [];
  const go = new Set(publish.map((a) => a.id));
  return {
    drafts: p.writes.filter((w) => !go.has(w.article.id)).map((w) => w.article),
    publish,
    // A removal is a publish: an import as drafts never takes anything off the live help centre.
    remove: as === "publish" ? p.removals : [],
  };
}
