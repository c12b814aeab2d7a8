// How knowledge management stores articles in D1 JSON columns (kb_job_items.data, article_drafts.data,
// article_versions.data, kb_synonyms.groups), read back through schemas instead of trusted.
//
// A stored article is checked for its shape (every field, its type, the enums), not re-validated with
// articleSchema's limits: those guard what an editor may submit, and a limit tightened later must not
// make yesterday's drafts and versions unreadable. Output equals what was stored, key for key, except
// `questions`, which articles stored before it existed lack and which reads as [] (as
// articles.questions does).
import * as z from "zod/mini";
import type { Article } from "../../shared/article.ts";

/** An article as a job item, a draft or a version holds it. */
export const storedArticle = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  questions: z._default(z.array(z.string()), []),
  handoff: z.enum(["never", "always"]),
  priority: z.enum(["low", "normal", "high", "urgent"]),
  team: z.string(),
  locale: z.string(),
  updated: z.string(),
  action: z.optional(z.string()),
  body: z.string(),
});
const _isArticle: z.ZodMiniType<Article> = storedArticle;
void _isArticle;

/** One published version of an article, or the tombstone a publish writes when it left the KB. */
export const articleVersionData = z.union([z.object({ id: z.string(), deleted: z.literal(true) }), storedArticle]);

/** The workspace's synonym groups. */
export const synonymGroups = z.array(z.array(z.string()));
