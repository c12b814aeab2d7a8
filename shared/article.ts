// A KB article as the content team writes it: Markdown with front matter. Parsed the same way by the
// kb CLI (Node), the bench runner and the worker, so a file that pushes cleanly also publishes cleanly.
import * as z from "zod/mini";

export const ARTICLE_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

export const articleSchema = z.object({
  id: z.string().check(z.regex(ARTICLE_ID, "id must be lowercase letters, digits and dashes (max 80)")),
  title: z.string().check(z.trim(), z.minLength(1, "title is required"), z.maxLength(200)),
  category: z._default(z.string().check(z.trim(), z.maxLength(60)), "general"),
  tags: z._default(z.array(z.string().check(z.maxLength(60))).check(z.maxLength(30)), []),
  /**
   * Questions this article answers, in customers' words (a YAML block list: one "- question" a line,
   * since questions hold commas). Retrieval learns them like resolved tickets.
   */
  questions: z._default(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(50)),
    [],
  ),
  handoff: z._default(z.enum(["never", "always"]), "never"),
  priority: z._default(z.enum(["low", "normal", "high", "urgent"]), "normal"),
  team: z._default(z.string().check(z.maxLength(60)), "support"),
  locale: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/, "locale like en or pt-BR")), "en"),
  updated: z._default(z.string().check(z.maxLength(40)), ""),
  /**
   * An action the bot runs instead of quoting this article (docs/actions.md): its name, as defined
   * under Settings → Actions. Absent: the article is the answer.
   */
  action: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "action: an action's name"))),
  body: z.string().check(z.minLength(1, "body is required"), z.maxLength(100_000)),
});
export type Article = z.infer<typeof articleSchema>;
export type ArticleInput = z.input<typeof articleSchema>;

export class FrontMatterError extends Error {}

/** Parses a scalar of the small YAML subset front matter uses: strings, quoted strings, [a, b] lists. */
function scalar(raw: string): string | string[] {
  const v = raw.trim();
  if (v.startsWith("[") && v.endsWith("]")) {
    const inner = v.slice(1, -1).trim();
    return inner ? inner.split(",").map((s) => unquote(s.trim())) : [];
  }
  return unquote(v);
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

/** Splits `---\nfront matter\n---\nbody` into fields and body; throws FrontMatterError on malformed input. */
export function parseFrontMatter(source: string): { fields: Record<string, string | string[]>; body: string } {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!text.startsWith("---\n")) throw new FrontMatterError("missing front matter: the file must start with ---");
  const end = text.indexOf("\n---", 4);
  if (end < 0) throw new FrontMatterError("front matter is not closed by a --- line");
  const fields: Record<string, string | string[]> = {};
  const lines = text.slice(4, end).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const m = /^([A-Za-z_][\w-]*):(.*)$/.exec(line);
    if (!m) throw new FrontMatterError(`front matter line ${i + 2} is not "key: value": ${line.slice(0, 60)}`);
    const key = m[1] as string;
    const value = (m[2] ?? "").trim();
    // YAML block list: "tags:" followed by "  - a" lines.
    if (!value) {
      const items: string[] = [];
      while (i + 1 < lines.length && /^\s*-\s+/.test(lines[i + 1] ?? "")) {
        items.push(unquote((lines[++i] ?? "").replace(/^\s*-\s+/, "").trim()));
      }
      fields[key] = items;
      continue;
    }
    if (key in fields) throw new FrontMatterError(`front matter key "${key}" appears twice`);
    fields[key] = scalar(value);
  }
  const body = text
    .slice(end + 4)
    .replace(/^[^\n]*\n/, "")
    .trim();
  return { fields, body };
}

/** Markdown file → validated article. Errors name the field, for the CLI and the editor. */
export function parseArticle(source: string): { ok: true; article: Article } | { ok: false; errors: string[] } {
  let parsed: ReturnType<typeof parseFrontMatter>;
  try {
    parsed = parseFrontMatter(source);
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  const { fields, body } = parsed;
  const tags = fields.tags;
  const result = articleSchema.safeParse({
    ...fields,
    tags:
      typeof tags === "string"
        ? tags
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean)
        : tags,
    body,
  });
  if (result.success) return { ok: true, article: result.data };
  return { ok: false, errors: result.error.issues.map((i) => `${i.path.join(".") || "article"}: ${i.message}`) };
}

/** Article → Markdown with front matter: the inverse of parseArticle, used by `kb pull`. */
export function formatArticle(a: Article): string {
  const q = (s: string) => (/^[\w .,'()&/-]*$/.test(s) && !s.includes(": ") ? s : JSON.stringify(s));
  return [
    "---",
    `id: ${a.id}`,
    `title: ${q(a.title)}`,
    `category: ${q(a.category)}`,
    `tags: [${a.tags.map(q).join(", ")}]`,
    // Articles stored before `questions` existed may lack it.
    ...(a.questions?.length ? ["questions:", ...a.questions.map((x) => `  - ${JSON.stringify(x)}`)] : []),
    `handoff: ${a.handoff}`,
    `priority: ${a.priority}`,
    `team: ${q(a.team)}`,
    `locale: ${a.locale}`,
    `updated: ${a.updated}`,
    ...(a.action ? [`action: ${a.action}`] : []),
    "---",
    a.body,
    "",
  ].join("\n");
}
