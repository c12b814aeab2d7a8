// Zendesk Guide: the Help Center API's article list, `GET /api/v2/help_center/{locale}/articles.json
// ?include=sections,categories` (developer.zendesk.com, "Articles" and "Side-loading"): `articles[]`
// with `id`, `title`, `body` (HTML), `locale`, `draft`, `section_id`, `label_names`, `updated_at`, and
// the side-loaded `sections[]` / `categories[]` naming them. Several pages may be concatenated into one
// `articles` array. Each article becomes `zendesk-<id>` (`<lang>-zendesk-<id>` beyond English); its
// section's name is the category, its labels the tags, a draft stays a draft.
import * as z from "zod/mini";
import {
  articleLocale,
  cleanTags,
  categoryName,
  dateOf,
  dedupe,
  finish,
  ImportFormatError,
  importId,
  type Mapped,
} from "./common.ts";
import { htmlToMarkdown } from "./html-md.ts";

const idSchema = z.union([z.number(), z.string().check(z.maxLength(40))]);
const named = z.object({ id: idSchema, name: z.optional(z.nullable(z.string())) });
const exportSchema = z.object({
  articles: z.array(z.unknown()).check(z.maxLength(5000)),
  sections: z.optional(z.array(named)),
  categories: z.optional(z.array(named)),
});
const articleIn = z.object({
  id: idSchema,
  title: z.optional(z.nullable(z.string())),
  name: z.optional(z.nullable(z.string())),
  body: z.optional(z.nullable(z.string())),
  locale: z.optional(z.nullable(z.string())),
  source_locale: z.optional(z.nullable(z.string())),
  draft: z.optional(z.nullable(z.boolean())),
  section_id: z.optional(z.nullable(idSchema)),
  label_names: z.optional(z.nullable(z.array(z.unknown()))),
  updated_at: z.optional(z.nullable(z.string())),
});

export function fromZendesk(data: unknown): Mapped {
  const top = exportSchema.safeParse(data);
  if (!top.success)
    throw new ImportFormatError(
      'not a Zendesk Guide export: expected the Help Center API\'s { "articles": [...] } (with sections, categories)',
    );
  const sections = new Map((top.data.sections ?? []).map((s) => [String(s.id), s.name ?? ""]));
  const items = top.data.articles.map((raw, i) => {
    const r = articleIn.safeParse(raw);
    if (!r.success)
      return finish(`articles[${i}]`, "draft", { title: "", body: "" }, ["not a Zendesk article (no id): skipped"]);
    const a = r.data;
    const warnings: string[] = [];
    const locale = articleLocale(a.locale ?? a.source_locale) ?? "en";
    if (a.locale && !articleLocale(a.locale)) warnings.push(`locale ${a.locale} is not supported; imported as en`);
    const { markdown, warnings: w } = htmlToMarkdown(a.body ?? "");
    const section =
      a.section_id === null || a.section_id === undefined ? "" : (sections.get(String(a.section_id)) ?? "");
    return finish(
      `zendesk ${a.id}`,
      a.draft ? "draft" : "published",
      {
        id: importId("zendesk", a.id, locale),
        title: a.title ?? a.name ?? "",
        body: markdown,
        category: categoryName(section),
        tags: cleanTags(a.label_names),
        locale,
        updated: dateOf(a.updated_at),
      },
      [...warnings, ...w],
    );
  });
  return { items: dedupe(items), warnings: [] };
}
