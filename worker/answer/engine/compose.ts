// The extractive answer: the customer reads the KB's own words, so the bot never says something the
// content team did not write. It quotes the section that answers the question, whole and in its own
// Markdown (a numbered list stays a numbered list, a table a table), after a short lead sentence;
// the worker adds the article title and link. Rendered by shared/markdown.ts wherever it is shown.
import { defaultComposeConfig, type ComposeConfig } from "./config.ts";
import type { Passage } from "./chunk.ts";
import type { Candidate } from "./retrieve.ts";

const countWords = (s: string) => (s.match(/\S+/g) ?? []).length;
const hasSteps = (md: string) => /^\s*([-*+]|\d+[.)])\s+/m.test(md) || /^\s*\|/m.test(md);

/** The first sentence of a section's opening paragraph: the article's direct answer. */
function leadSentence(md: string): string {
  const para = md.split(/\n\s*\n/)[0]?.trim() ?? "";
  if (hasSteps(para)) return "";
  const m = /^(.+?[.!?])(\s|$)/s.exec(para);
  return (m?.[1] ?? para).replace(/\s*\n\s*/g, " ");
}

/**
 * Keeps whole blocks (paragraphs, list items with their sub-items, table rows) up to `max` words; a
 * cut is marked with "…" on its own line, never made inside a sentence or a step.
 */
function fitBlocks(md: string, max: number): string {
  if (countWords(md) <= max) return md;
  const lines = md.split("\n");
  const out: string[] = [];
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    // A block: this line plus its indented continuation lines (sub-items).
    const block = [lines[i] as string];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string)) block.push(lines[++i] as string);
    const w = countWords(block.join(" "));
    if (n > 0 && n + w > max) {
      out.push("", "…");
      break;
    }
    out.push(...block);
    n += w;
  }
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const section = (p: Passage) => (p.heading ? `**${p.heading}**\n\n${p.md}` : p.md);

export function composeAnswer(
  _query: string,
  candidate: Candidate,
  config: ComposeConfig = defaultComposeConfig,
): string {
  const passages = candidate.article.passages;
  const i = Math.min(candidate.passageIndex, passages.length - 1);
  const chosen = passages[i];
  if (!chosen) return "";
  const opening = passages[0] as Passage;
  const parts: string[] = [];
  if (i === 0) {
    parts.push(section(chosen));
    // An opening that only states the answer ("Auto-backup usually stops because…") is followed by
    // the first section, which in a help article is the main checklist or the steps.
    const next = passages[1];
    if (!opening.heading && !hasSteps(opening.md) && countWords(opening.text) < config.minWords && next)
      parts.push(section(next));
  } else {
    const lead = opening.heading ? "" : leadSentence(opening.md);
    if (lead && countWords(lead) <= config.leadMaxWords) parts.push(lead);
    parts.push(section(chosen));
  }
  return fitBlocks(parts.join("\n\n"), config.maxWords);
}
