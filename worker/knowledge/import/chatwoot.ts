// Chatwoot's help centre: the portal's article list, `GET /api/v1/accounts/{account_id}/portals/
// {portal_slug}/articles` (developers.chatwoot.com, "Help Center"): `{ "payload": [...], "meta": … }`,
// each article with `id`, `title`, `content` (Markdown, from Chatwoot's editor), `status` ("draft" |
// "published" | "archived"), `locale`, `category` ({ name, locale }), `meta.tags` and `updated_at`.
// Archived articles are left out; each other becomes `chatwoot-<id>` (`<lang>-chatwoot-<id>` beyond
// English). A body holding HTML blocks instead of Markdown goes through the HTML converter.
import * as z from "zod/mini";
import {
  articleLocale,
  categoryName,
  cleanMarkdown,
  cleanTags,
  dateOf,
  dedupe,
  finish,
  ImportFormatError,
  importId,
  type Mapped,
} from "./common.ts";
import { htmlToMarkdown } from "./html-md.ts";

const idSchema = z.union([z.number(), z.string().check(z.maxLength(40))]);
const exportSchema = z.object({ payload: z.array(z.unknown()).check(z.maxLength(5000)) });
const articleIn = z.object({
  id: idSchema,
  title: z.optional(z.nullable(z.string())),
  content: z.optional(z.nullable(z.string())),
  status: z.optional(z.nullable(z.union([z.string(), z.number()]))),
  locale: z.optional(z.nullable(z.string())),
  category: z.optional(
    z.nullable(z.object({ name: z.optional(z.nullable(z.string())), locale: z.optional(z.nullable(z.string())) })),
  ),
  meta: z.optional(z.nullable(z.object({ tags: z.optional(z.nullable(z.array(z.unknown()))) }))),
  updated_at: z.optional(z.nullable(z.union([z.number(), z.string()]))),
});

/** Block-level HTML: the body was written as HTML, not Markdown. */
const HTML_BODY = /<(p|div|h[1-6]|ul|ol|table|blockquote|pre)\b[^>]*>/i;

export function fromChatwoot(data: unknown): Mapped {
  const top = exportSchema.safeParse(data);
  if (!top.success)
    throw new ImportFormatError('not a Chatwoot portal export: expected the articles API\'s { "payload": [...] }');
  const items = top.data.payload.map((raw, i) => {
    const r = articleIn.safeParse(raw);
    if (!r.success)
      return finish(`payload[${i}]`, "draft", { title: "", body: "" }, ["not a Chatwoot article (no id): skipped"]);
    const a = r.data;
    // The API answers the status as its name; older exports carry the enum's number (0 draft, 1 published, 2 archived).
    const status = a.status === 1 ? "published" : a.status === 2 ? "archived" : a.status === 0 ? "draft" : a.status;
    const rawLocale = a.locale ?? a.category?.locale;
    const locale = articleLocale(rawLocale) ?? "en";
    const warnings =
      rawLocale && !articleLocale(rawLocale) ? [`locale ${rawLocale} is not supported; imported as en`] : [];
    const source = a.content ?? "";
    const { markdown, warnings: w } = HTML_BODY.test(source) ? htmlToMarkdown(source) : cleanMarkdown(source, "web");
    const candidate = {
      id: importId("chatwoot", a.id, locale),
      title: a.title ?? "",
      body: markdown,
      category: categoryName(a.category?.name),
      tags: cleanTags(a.meta?.tags),
      locale,
      updated: dateOf(a.updated_at),
    };
    if (status === "archived")
      return finish(`chatwoot ${a.id}`, "draft", { ...candidate, body: "" }, ["archived in Chatwoot: skipped"]);
    return finish(`chatwoot ${a.id}`, status === "published" ? "published" : "draft", candidate, [...warnings, ...w]);
  });
  return { items: dedupe(items), warnings: [] };
}
