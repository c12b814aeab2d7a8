// Sparse features for the intent classifier. Word unigrams and bigrams capture phrasing ("not arrived",
// "top up"); character n-grams inside word boundaries make it robust to typos and inflections that the
// light stemmer misses ("recieved", "verifying").
import type { FeatureConfig } from "./config.ts";
import { STOPWORDS, stem, words } from "./text.ts";

export interface SparseVector {
  idx: number[];
  val: number[];
}

/** Named features of a text with their weights before normalisation. */
export function featureNames(text: string, cfg: FeatureConfig): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  const ws = words(text);
  const ss = ws.map(stem);
  for (const s of ss) add(`w:${s}`, cfg.wordWeight);
  for (let i = 0; i + 1 < ss.length; i++) add(`b:${ss[i]}_${ss[i + 1]}`, cfg.bigramWeight);
  for (const w of ws) {
    const padded = `<${w}>`;
    for (let n = cfg.charMin; n <= cfg.charMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, cfg.charWeight);
    }
  }
  // Sublinear term frequency: a word repeated in a long passage should not dominate.
  for (const [k, v] of out) out.set(k, Math.sign(v) * Math.sqrt(Math.abs(v)));
  return out;
}

/** Maps named features onto a fixed vocabulary and L2-normalises; unknown features are counted. */
export function vectorize(
  names: Map<string, number>,
  vocab: ReadonlyMap<string, number>,
  idf?: ArrayLike<number>,
): { vec: SparseVector; known: number; total: number } {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  let known = 0;
  for (const [k, v] of names) {
    const i = vocab.get(k);
    if (i === undefined) continue;
    const x = idf ? v * (idf[i] as number) : v;
    idx.push(i);
    val.push(x);
    norm += x * x;
    known++;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < val.length; j++) val[j] = (val[j] as number) * inv;
  return { vec: { idx, val }, known, total: names.size };
}

/**
 * Fraction of the query's content words the published vocabulary has seen: low for off-topic
 * questions. Stopwords are left out, since every question shares them with the KB.
 */
export function wordCoverage(text: string, vocab: ReadonlyMap<string, number>): number {
  const ws = words(text).filter((w) => !STOPWORDS.has(w));
  if (!ws.length) return 0;
  let hit = 0;
  for (const w of ws) if (vocab.has(`w:${stem(w)}`)) hit++;
  return hit / ws.length;
}
