// Okapi BM25 of a query against one lexical document, shared by retrieval and load-time calibration.
/** A bag of terms: term frequencies and length. */
export interface LexicalDoc {
  tf: Map<string, number>;
  len: number;
}

export interface Bm25Params {
  bm25K1: number;
  bm25B: number;
}

export function bm25(
  qTerms: string[],
  doc: LexicalDoc,
  df: Map<string, number>,
  n: number,
  avgLen: number,
  cfg: Bm25Params,
): number {
  let s = 0;
  const norm = cfg.bm25K1 * (1 - cfg.bm25B + (cfg.bm25B * doc.len) / Math.max(1, avgLen));
  for (const t of qTerms) {
    const tf = doc.tf.get(t);
    if (!tf) continue;
    const d = df.get(t) ?? 0;
    const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
    s += (idf * tf * (cfg.bm25K1 + 1)) / (tf + norm);
  }
  return s;
}
