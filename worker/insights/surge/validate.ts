// The gate every drafted reply passes before a customer sees it. A draft that fails is not sent: it
// is held for a person with these reasons. Checks, in order: it cites a published article (and says
// so in the text), it reads plainly (Flesch–Kincaid grade, a jargon list), and its tone (no blame;
// an apology or empathy phrase when the customer complained).
import type { Citation, SurgeSafeguards } from "../../../shared/surge.ts";
import type { SurgeConfig } from "./config.ts";

export type Draft = { text: string; citations: Citation[]; complaint: boolean };
export type Verdict = { ok: boolean; reasons: string[]; grade: number };

const WORD = /[A-Za-z][A-Za-z'’-]*/g;

export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, "");
  if (!w) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, "").replace(/^y/, "");
  const groups = trimmed.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups ? groups.length : 1);
}

/** Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word − 15.59. */
export function fleschKincaidGrade(text: string): number {
  // URLs are links, not prose to read.
  const prose = text.replace(/https?:\/\/\S+/g, " ");
  const words = prose.match(WORD) ?? [];
  if (!words.length) return 0;
  const sentences = Math.max(
    1,
    prose.split(/[.!?]+(?:\s|$)|\n+/).filter((s) => (s.match(WORD) ?? []).length > 0).length,
  );
  const syl = words.reduce((n, w) => n + syllables(w), 0);
  const grade = 0.39 * (words.length / sentences) + 11.8 * (syl / words.length) - 15.59;
  return Math.round(grade * 10) / 10;
}

const has = (text: string, phrase: string): boolean => {
  const esc = phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Whole words for jargon ("api" is not in "rapid"); prefixes like "apologi" match a word start.
  return new RegExp(`(^|[^a-z])${esc}`, "i").test(text.toLowerCase());
};
const hasWord = (text: string, word: string): boolean =>
  new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`, "i").test(text);

export function validateDraft(
  d: Draft,
  published: ReadonlySet<string>,
  safeguards: SurgeSafeguards,
  cfg: SurgeConfig["validator"],
): Verdict {
  const reasons: string[] = [];
  if (!d.citations.length) reasons.push("cites no article");
  for (const c of d.citations) {
    if (!published.has(c.articleId)) reasons.push(`cites "${c.articleId}", which is not a published article`);
    else if (!d.text.includes(c.url) && !d.text.includes(c.title))
      reasons.push(`does not show the cited article "${c.title}" to the customer`);
  }
  const grade = fleschKincaidGrade(d.text);
  if (safeguards.plainLanguage && grade > cfg.maxGrade)
    reasons.push(`reading level is grade ${grade}, above ${cfg.maxGrade}`);
  reasons.push(...toneIssues(d.text, d.complaint, cfg, safeguards));
  return { ok: reasons.length === 0, reasons, grade };
}

/**
 * The tone checks on one reply, whoever wrote it (a drafted reply here, an agent's in quality scoring,
 * worker/quality/): jargon, blame, and an apology or empathy when the customer complained.
 */
export function toneIssues(
  text: string,
  complaint: boolean,
  cfg: SurgeConfig["validator"],
  checks: Pick<SurgeSafeguards, "plainLanguage" | "empathetic"> = { plainLanguage: true, empathetic: true },
): string[] {
  const reasons: string[] = [];
  if (checks.plainLanguage) {
    const jargon = cfg.jargon.filter((j) => hasWord(text.replace(/https?:\/\/\S+/g, " "), j));
    if (jargon.length) reasons.push(`uses jargon: ${jargon.join(", ")}`);
  }
  if (checks.empathetic) {
    const blame = cfg.blame.filter((b) => has(text, b));
    if (blame.length) reasons.push(`blaming or negative phrasing: ${blame.map((b) => `"${b}"`).join(", ")}`);
    if (complaint && !cfg.empathy.some((e) => has(text, e)))
      reasons.push("the customer complained and the reply has no apology or empathy");
  }
  return reasons;
}
