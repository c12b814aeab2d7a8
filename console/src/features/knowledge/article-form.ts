// The article editor's form, as pure functions (unit-tested): article ↔ form fields, validation with
// errors per field, server issues → fields, a pasted Markdown file with front matter → fields.
import type { ApiError } from "../../../../shared/api.ts";
import { articleSchema, parseArticle, type Article } from "../../../../shared/article.ts";

export const FIELDS = [
  "id",
  "title",
  "category",
  "tags",
  "questions",
  "handoff",
  "priority",
  "team",
  "locale",
  "updated",
  "body",
] as const;
export type Field = (typeof FIELDS)[number];
export type ArticleForm = Record<Field, string>;
export type FieldErrors = Partial<Record<Field | "form", string>>;

export const emptyForm = (): ArticleForm => ({
  id: "",
  title: "",
  category: "general",
  tags: "",
  questions: "",
  handoff: "never",
  priority: "normal",
  team: "support",
  locale: "en",
  updated: "",
  body: "",
});

export function toForm(a: Article): ArticleForm {
  return {
    id: a.id,
    title: a.title,
    category: a.category,
    tags: a.tags.join(", "),
    questions: (a.questions ?? []).join("\n"),
    handoff: a.handoff,
    priority: a.priority,
    team: a.team,
    locale: a.locale,
    updated: a.updated,
    body: a.body,
  };
}

const isField = (k: unknown): k is Field => typeof k === "string" && (FIELDS as readonly string[]).includes(k);

/** Validates with the same schema as the worker; the first problem of each field is shown at it. */
export function fromForm(f: ArticleForm): { ok: true; article: Article } | { ok: false; errors: FieldErrors } {
  const r = articleSchema.safeParse({
    ...f,
    tags: f.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    // One question a line: questions hold commas.
    questions: f.questions
      .split("\n")
      .map((t) => t.trim())
      .filter(Boolean),
  });
  if (r.success) return { ok: true, article: r.data };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) {
    const key = i.path[0];
    const field = isField(key) ? key : "form";
    errors[field] ??= i.message;
  }
  return { ok: false, errors };
}

/** Server issues (`article.title`, `draft.id`, `ids`) → the editor's fields. */
export function issuesToErrors(issues: NonNullable<ApiError["issues"]>, fallback: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.split(".").find(isField);
    errors[key ?? "form"] ??= i.message;
  }
  if (!Object.keys(errors).length) errors.form = fallback;
  return errors;
}

/** A whole Markdown file pasted into the body: its front matter fills the fields. */
export function importMarkdown(
  source: string,
  keepId?: string,
): { ok: true; form: ArticleForm } | { ok: false; errors: FieldErrors } {
  const r = parseArticle(source);
  if (!r.ok) return { ok: false, errors: { body: `Front matter: ${r.errors.join("; ")}` } };
  const form = toForm(r.article);
  return { ok: true, form: keepId ? { ...form, id: keepId } : form };
}

export const looksLikeFile = (body: string) => /^\uFEFF?---\r?\n/.test(body);

/** Title → a free article id: lowercase words joined by dashes, at most 60 characters. */
export function slugify(title: string): string {
  return (
    title
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "article"
  );
}
