// @mentions in the note composer, DOM-free (mentions.test.ts): the "@so" being typed before the caret,
// the teammates it matches, the text once one is picked, and which picked teammates the note still
// names when it is saved (a mention deleted from the text alerts nobody).
import type { AgentRef } from "../../../../shared/api.ts";

/** The "@query" right before the caret, at the start or after a space; null when the caret is not in one. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\p{L}\p{N}._'-]{0,30})$/u.exec(text.slice(0, caret));
  if (!m) return null;
  const query = m[2] ?? "";
  return { start: caret - query.length - 1, query };
}

/** Teammates whose name has a word starting with the query (any case, accents ignored), at most `max`. */
export function matchTeammates<T extends AgentRef>(people: readonly T[], query: string, max = 6): T[] {
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const q = fold(query);
  return people
    .filter((p) =>
      fold(p.name)
        .split(/\s+/)
        .some((w) => w.startsWith(q)),
    )
    .slice(0, max);
}

/** The text with "@query" replaced by "@Name " and where the caret goes. */
export function insertMention(
  text: string,
  at: { start: number; query: string },
  name: string,
): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const inserted = `@${name} `;
  return { text: text.slice(0, at.start) + inserted + text.slice(end), caret: at.start + inserted.length };
}

/** The picked teammates whose "@Name" is still in the note, once each. */
export function mentionedIn<T extends AgentRef>(text: string, picked: readonly T[]): T[] {
  const seen = new Set<string>();
  return picked.filter((p) => {
    if (seen.has(p.id) || !text.includes(`@${p.name}`)) return false;
    seen.add(p.id);
    return true;
  });
}
