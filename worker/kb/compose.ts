// The extractive answer: the customer reads the KB's own words, so the bot never says something the
// content team did not write. The worker adds the article title and link.
import { defaultComposeConfig, type ComposeConfig } from "./config.ts";
import type { Candidate } from "./retrieve.ts";
import { terms } from "./text.ts";

const countWords = (s: string) => (s.match(/\S+/g) ?? []).length;

/** Cuts text to at most `max` words at a sentence or list-item boundary where possible. */
function trimToWords(text: string, max: number): string {
  if (countWords(text) <= max) return text;
  const units = text.split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])|\n/);
  let out = "";
  let n = 0;
  for (const u of units) {
    const w = countWords(u);
    if (n > 0 && n + w > max) break;
    out += (out ? (/^\s*([-*]|\d+[.)])\s/.test(u) || out.endsWith(":") ? "\n" : " ") : "") + u;
    n += w;
  }
  if (n > max) out = `${(out.match(/\S+/g) ?? []).slice(0, max).join(" ")}…`;
  return out.trim();
}

export function composeAnswer(
  query: string,
  candidate: Candidate,
  config: ComposeConfig = defaultComposeConfig,
): string {
  const passages = candidate.article.passages;
  const start = candidate.passageIndex;
  let text = passages[start]?.text ?? "";
  // A short best passage gets its neighbour that shares query terms (or simply the next one), so the
  // answer has enough context to be useful on its own.
  const q = new Set(candidate.queryTerms.length ? candidate.queryTerms : terms(query));
  let next = start + 1;
  while (countWords(text) < config.minWords && next < passages.length) {
    const p = passages[next] as { text: string };
    const shares = terms(p.text).some((t) => q.has(t));
    if (shares || countWords(text) < config.minWords) text = `${text}\n${p.text}`;
    next++;
  }
  const lead = passages[0]?.text ?? "";
  if (
    start > 0 &&
    lead &&
    countWords(lead) <= config.leadMaxWords &&
    countWords(lead) + countWords(text) <= config.maxWords
  ) {
    text = `${lead}\n${text}`;
  }
  return trimToWords(text, config.maxWords);
}
