// How sharply BM25 separates this KB's articles, measured on the KB itself. A KB of distinct topics
// (the demo help centre: backup, prints, passwords) and one of near-duplicate intents (a bank's "card
// arrival" vs "card delivery estimate") give the same BM25 score gaps very different meanings, so one
// fixed softmax temperature turns them into probabilities that are over-cautious for the first and
// over-confident for the second. Temperature scaling (Guo et al., 2017) fits the temperature on held-out
// queries; a new KB has none, so each article's title (and its `questions`) serves as a query against
// the KB with that article's own title and questions left out of its document: how a question worded
// like, but not copied from, the article finds it.
import type { LexicalDoc } from "./bm25.ts";

export interface CalibrationArticle {
  doc: LexicalDoc;
  /** Its title's and questions' terms as they were added to `doc` (with their boosts). */
  own: string[];
  /** The pseudo-queries: its title, and each of its `questions`, as terms. */
  queries: string[][];
  /** Articles compete only with others in the same language. */
  group: string;
}

type Bm25 = (q: string[], doc: LexicalDoc) => number;

/** Mean log-likelihood of the right article under softmax(score / T). */
function logLikelihood(rows: { scores: number[]; right: number }[], temperature: number): number {
  let sum = 0;
  for (const { scores, right } of rows) {
    let max = -Infinity;
    for (const s of scores) if (s > max) max = s;
    let z = 0;
    for (const s of scores) z += Math.exp((s - max) / temperature);
    sum += ((scores[right] as number) - max) / temperature - Math.log(z);
  }
  return sum / Math.max(1, rows.length);
}

/**
 * The temperature that best fits the KB's pseudo-queries, or undefined when there are too few articles
 * to say (fewer than `minArticles` in every language).
 */
export function fitLexicalTemperature(
  articles: readonly CalibrationArticle[],
  bm25: Bm25,
  minArticles = 8,
): number | undefined {
  const rows: { scores: number[]; right: number }[] = [];
  const groups = new Map<string, number[]>();
  articles.forEach((a, i) => {
    groups.set(a.group, [...(groups.get(a.group) ?? []), i]);
  });
  for (const members of groups.values()) {
    if (members.length < minArticles) continue;
    for (const i of members) {
      const a = articles[i] as CalibrationArticle;
      // Its own document without the words the pseudo-queries were taken from.
      const tf = new Map(a.doc.tf);
      for (const t of a.own) {
        const c = (tf.get(t) ?? 0) - 1;
        if (c > 0) tf.set(t, c);
        else tf.delete(t);
      }
      const held = { tf, len: Math.max(1, a.doc.len - a.own.length) };
      for (const q of a.queries) {
        if (!q.length) continue;
        rows.push({
          scores: members.map((j) => bm25(q, j === i ? held : (articles[j] as CalibrationArticle).doc)),
          right: members.indexOf(i),
        });
      }
    }
  }
  if (!rows.length) return undefined;
  // The log-likelihood is concave in 1/T (a log-sum-exp of linear terms), so a golden-section search
  // over 1/T in [0.1, 10] finds its maximum.
  let lo = 0.1;
  let hi = 10;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = logLikelihood(rows, 1 / x1);
  let f2 = logLikelihood(rows, 1 / x2);
  for (let k = 0; k < 40; k++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = logLikelihood(rows, 1 / x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = logLikelihood(rows, 1 / x1);
    }
  }
  return 2 / (lo + hi);
}
