// Intercom Articles: the REST API's `GET /articles` answer (developers.intercom.com, "List all
// articles", API 2.x): `{ "type": "list", "data": [...] }`, each article with `id`, `title`, `body`
// (HTML), `state` ("published" | "draft"), `parent_id` (its collection), `default_locale`,
// `updated_at` (seconds) and `translated_content` (per locale: title, body, state). Collections come
// from `GET /help_center/collections`; send both answers side by side as
// `{ "articles": <list>, "collections": <list> }`, or the article list alone. Each article and each
// translation becomes its own article: `intercom-<id>`, `<lang>-intercom-<id>` beyond English.
import * as z from "zod/mini";
import {
  articleLocale,
  categoryName,
  cleanTags,
  dateOf,
  dedupe,
  finish,
  ImportFormatError,
  type ImportItem,
  importId,
  type Mapped,
} from "./common.ts";
import { htmlToMarkdown } from "./html-md.ts";

const idSchema = z.union([z.number(), z.string().check(z.maxLength(40))]);
const list = z.object({ data: z.array(z.unknown()).check(z.maxLength(5000)) });
const collection = z.object({ id: idSchema, name: z.optional(z.nullable(z.string())) });
const content = z.object({
  title: z.optional(z.nullable(z.string())),
  body: z.optional(z.nullable(z.string())),
  state: z.optional(z.nullable(z.string())),
  updated_at: z.optional(z.nullable(z.union([z.number(), z.string()]))),
});
const articleIn = z.extend(content, {
  id: idSchema,
  parent_id: z.optional(z.nullable(idSchema)),
  default_locale: z.optional(z.nullable(z.string())),
  translated_content: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  tags: z.optional(z.nullable(z.object({ tags: z.optional(z.array(z.object({ name: z.string() }))) }))),
});

export function fromIntercom(data: unknown): Mapped {
  const wrapped = z.object({ articles: list, collections: z.optional(list) }).safeParse(data);
  const bare = list.safeParse(data);
  if (!wrapped.success && !bare.success)
    throw new ImportFormatError(
      'not an Intercom Articles export: expected the API\'s { "type": "list", "data": [...] } (or { "articles": …, "collections": … })',
    );
  const articles = wrapped.success ? wrapped.data.articles.data : (bare.data?.data ?? []);
  const collections = new Map<string, string>();
  for (const c of wrapped.success ? (wrapped.data.collections?.data ?? []) : []) {
    const r = collection.safeParse(c);
    if (r.success) collections.set(String(r.data.id), r.data.name ?? "");
  }
  const items: ImportItem[] = [];
  articles.forEach((raw, i) => {
    const r = articleIn.safeParse(raw);
    if (!r.success) {
      items.push(finish(`data[${i}]`, "draft", { title: "", body: "" }, ["not an Intercom article (no id): skipped"]));
      return;
    }
    const a = r.data;
    const category = categoryName(
      a.parent_id === null || a.parent_id === undefined ? "" : collections.get(String(a.parent_id)),
    );
    const tags = cleanTags(a.tags?.tags?.map((t) => t.name));
    const main = articleLocale(a.default_locale) ?? "en";
    const one = (locale: string, c: z.infer<typeof content>, warnings: string[]) => {
      const { markdown, warnings: w } = htmlToMarkdown(c.body ?? "");
      items.push(
        finish(
          `intercom ${a.id}${locale === main ? "" : ` (${locale})`}`,
          c.state === "published" ? "published" : "draft",
          {
            id: importId("intercom", a.id, locale),
            title: c.title ?? "",
            body: markdown,
            category,
            tags,
            locale,
            updated: dateOf(c.updated_at),
          },
          [...warnings, ...w],
        ),
      );
    };
    one(
      main,
      a,
      a.default_locale && !articleLocale(a.default_locale)
        ? [`locale ${a.default_locale} is not supported; imported as en`]
        : [],
    );
    for (const [key, value] of Object.entries(a.translated_content ?? {})) {
      if (key === "type" || value === null) continue;
      const t = content.safeParse(value);
      const locale = articleLocale(key);
      if (!t.success || !locale || locale === main || !(t.data.title || t.data.body)) continue;
      one(locale, t.data, []);
    }
  });
  return { items: dedupe(items), warnings: [] };
}
