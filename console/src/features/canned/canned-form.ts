// The canned-replies page's form, as pure functions (unit-tested): who may manage them, reply ↔ form,
// validation with the worker's own schema and errors at each field, server answers → fields.
import {
  cannedReplySchema,
  type ApiError,
  type CannedReply,
  type CannedReplyInput,
  type Me,
} from "../../../../shared/api.ts";

export const CANNED_FIELDS = ["title", "shortcut", "text"] as const;
export type CannedField = (typeof CANNED_FIELDS)[number];
export type CannedForm = Record<CannedField, string>;
export type CannedErrors = Partial<Record<CannedField | "form", string>>;

/** The API lets editors and owners write; agents read (and use them in the composer). */
export const canManageCanned = (role: Me["role"]): boolean => role === "editor" || role === "owner";

export const emptyCannedForm = (): CannedForm => ({ title: "", shortcut: "", text: "" });

export const cannedToForm = (c: CannedReply): CannedForm => ({
  title: c.title,
  shortcut: c.shortcut ?? "",
  text: c.text,
});

const isField = (k: unknown): k is CannedField =>
  typeof k === "string" && (CANNED_FIELDS as readonly string[]).includes(k);

/** Validates as the worker will; an empty shortcut means none. A leading "/" is what agents type, so it is dropped. */
export function cannedFromForm(
  f: CannedForm,
): { ok: true; input: CannedReplyInput } | { ok: false; errors: CannedErrors } {
  const shortcut = f.shortcut.trim().replace(/^\//, "");
  const r = cannedReplySchema.safeParse({ title: f.title, text: f.text, ...(shortcut ? { shortcut } : {}) });
  if (r.success) return { ok: true, input: r.data };
  const errors: CannedErrors = {};
  for (const i of r.error.issues) {
    const key = i.path[0];
    errors[isField(key) ? key : "form"] ??= i.message;
  }
  return { ok: false, errors };
}

/** A refused save: a taken shortcut (409) belongs at the shortcut field, 400 issues at theirs. */
export function cannedServerErrors(
  status: number,
  code: string,
  message: string,
  issues: NonNullable<ApiError["issues"]> = [],
): CannedErrors {
  if (status === 409 && code === "shortcut_taken")
    return { shortcut: "Another canned reply already uses this shortcut." };
  const errors: CannedErrors = {};
  for (const i of issues) {
    const key = i.path.split(".").find(isField);
    errors[key ?? "form"] ??= i.message;
  }
  if (!Object.keys(errors).length) errors.form = message;
  return errors;
}

/** Newest list after a save: replaced in place or added, ordered by title as the API orders them. */
export function upsertCanned(list: readonly CannedReply[], saved: CannedReply): CannedReply[] {
  const rest = list.filter((c) => c.id !== saved.id);
  return [...rest, saved].sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: "base" }));
}
