// Cross-references between articles. Help articles send readers on: "Tracking hasn't updated in 7
// days, or prints came damaged: see "My print order is lost, damaged or faulty"". Such a sentence
// describes the case of the article it names, not of the one it is written in: a customer whose
// tracking has not moved has a lost order (a person's job), though the shipping article holds the
// words. Publishing (the model's training texts) and loading (the BM25 documents) therefore count a
// referring sentence towards the article it names. The text an answer quotes is not changed.
import { words } from "./text.ts";

export interface ReferableArticle {
  id: string;
  title: string;
  locale: string;
  passages: readonly { text: string; md: string }[];
}

export interface ArticleReferrals {
  /** Per passage: its text without the sentences that send the reader to another article. */
  own: string[];
  /** Sentences of other articles that name this one. */
  incoming: string[];
}

const QUOTED = /["“]([^"”\n]{3,200})["”]/g;
const LINK = /\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** A line's sentences: a sentence ends at . ! or ? followed by a space (a "?" inside quotes does not end one). */
export function sentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=\S)/).filter((s) => s.trim());
}

/**
 * The ids every article's sentences refer to, and each article's text without those sentences. A
 * sentence refers to another article (in the same language) when it quotes that article's title,
 * or at least its first three words ("My storage is full" for "My storage is full. What counts…?"),
 * or links to its id.
 */
export function articleReferrals(articles: readonly ReferableArticle[]): Map<string, ArticleReferrals> {
  const titles = articles.map((a) => ({ id: a.id, locale: a.locale, words: words(a.title).join(" ") }));
  const out = new Map<string, ArticleReferrals>();
  for (const a of articles) out.set(a.id, { own: [], incoming: [] });
  for (const a of articles) {
    const mine = out.get(a.id) as ArticleReferrals;
    // Link texts in the Markdown whose target is another article: cleaned text keeps only the link text.
    const linked = new Map<string, string>();
    for (const p of a.passages) {
      for (const m of p.md.matchAll(LINK)) {
        const target =
          (m[2] ?? "")
            .replace(/[?#].*$/, "")
            .replace(/\.md$/, "")
            .split("/")
            .pop() ?? "";
        if (target !== a.id && out.has(target)) linked.set(words(m[1] ?? "").join(" "), target);
      }
    }
    const referred = (s: string): string | undefined => {
      for (const m of s.matchAll(QUOTED)) {
        const q = words(m[1] ?? "").join(" ");
        if (q.split(" ").length < 3) continue;
        const hit = titles.find(
          (t) => t.id !== a.id && t.locale === a.locale && (t.words === q || t.words.startsWith(`${q} `)),
        );
        if (hit) return hit.id;
      }
      if (linked.size) {
        const w = ` ${words(s).join(" ")} `;
        for (const [text, id] of linked) if (text && w.includes(` ${text} `)) return id;
      }
      return undefined;
    };
    for (const p of a.passages) {
      const kept: string[] = [];
      for (const line of p.text.split("\n")) {
        const ss = sentences(line);
        const stay: string[] = [];
        for (const s of ss) {
          const to = referred(s);
          if (to) out.get(to)?.incoming.push(s);
          else stay.push(s);
        }
        if (stay.length === ss.length) kept.push(line);
        else if (stay.length) kept.push(stay.join(" "));
      }
      mine.own.push(kept.join("\n"));
    }
  }
  return out;
}
