// Sentences that send the reader to another article. Help articles route the cases they do not
// handle: the shipping article says "Tracking hasn't updated in 7 days…: see "My print order is lost,
// damaged or faulty"", and the password article "Someone else changed your password…: follow "I think
// my account was hacked"". When the sentence of an article that best matches a question is such a
// route to an article a person must handle, the article itself says the question is a person's job
// (retrieve.ts `routedTo`, decide.ts). Only the best-matching sentence counts, so "how long do prints
// take to arrive" stays with the shipping article's delivery times.
import { terms, words } from "./text.ts";

export interface RoutableArticle {
  id: string;
  title: string;
  locale: string;
  passages: readonly { text: string; md: string }[];
}

/** One sentence of an article as BM25 reads it, and the article it sends the reader to, if any. */
export interface SentenceDoc {
  tf: Map<string, number>;
  len: number;
  to?: string;
}

const QUOTED = /["“«]([^"”»\n]{3,200})["”»]/g;
const LINK = /\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** A line's sentences: a sentence ends at . ! or ? followed by a space (a "?" inside quotes does not end one). */
export function sentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=\S)/).filter((s) => s.trim());
}

/**
 * An article's sentences with the article each one refers to: one (in the same language) whose title,
 * or at least its first three words, the sentence quotes, or whose id a Markdown link in the same
 * passage targets and whose link text the sentence holds. Built lazily, once per article: only the
 * best candidate of a question is ever read, so a cold start does not tokenise the whole KB again.
 */
export function sentenceReader(articles: readonly RoutableArticle[]): (id: string) => SentenceDoc[] {
  const titles = articles.map((a) => ({ id: a.id, locale: a.locale, words: words(a.title).join(" ") }));
  const byId = new Map(articles.map((a) => [a.id, a]));
  const cache = new Map<string, SentenceDoc[]>();
  return (id) => {
    const hit = cache.get(id);
    if (hit) return hit;
    const a = byId.get(id);
    const docs: SentenceDoc[] = [];
    if (a) docs.push(...sentencesOf(a, titles, byId));
    cache.set(id, docs);
    return docs;
  };
}

function sentencesOf(
  a: RoutableArticle,
  titles: { id: string; locale: string; words: string }[],
  ids: ReadonlyMap<string, unknown>,
): SentenceDoc[] {
  const lang = a.locale.slice(0, 2);
  const docs: SentenceDoc[] = [];
  for (const p of a.passages) {
    const linked = new Map<string, string>();
    for (const m of p.md.matchAll(LINK)) {
      const target =
        (m[2] ?? "")
          .replace(/[?#].*$/, "")
          .replace(/\.md$/, "")
          .split("/")
          .pop() ?? "";
      if (target !== a.id && ids.has(target)) linked.set(words(m[1] ?? "").join(" "), target);
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
      const w = ` ${words(s).join(" ")} `;
      for (const [text, id] of linked) if (text && w.includes(` ${text} `)) return id;
      return undefined;
    };
    for (const line of p.text.split("\n"))
      for (const s of sentences(line)) {
        const ts = terms(s, lang);
        if (!ts.length) continue;
        const tf = new Map<string, number>();
        for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
        const to = referred(s);
        docs.push(to ? { tf, len: ts.length, to } : { tf, len: ts.length });
      }
  }
  return docs;
}
