// Nearest resolved questions: a cosine k-NN over word and bigram features of history. Near-duplicate
// phrasings of past tickets are common in support traffic, and a neighbour vote is an independent
// second opinion to the linear model, which sharpens confidence when the two agree.
import type { SparseVector } from "./features.ts";

export interface SerializedNeighbours {
  /** Model class of each stored question. */
  classes: number[];
  /** Feature indices per question, flattened; offsets[i]..offsets[i+1] belong to question i. */
  offsets: number[];
  features: number[];
}

export interface Neighbours {
  classes: Int32Array;
  postings: Map<number, Int32Array>;
  idf: Map<number, number>;
  norms: Float64Array;
}

export function loadNeighbours(s: SerializedNeighbours): Neighbours {
  const n = s.classes.length;
  const lists = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    for (let j = s.offsets[i] as number; j < (s.offsets[i + 1] as number); j++) {
      const f = s.features[j] as number;
      let l = lists.get(f);
      if (!l) lists.set(f, (l = []));
      l.push(i);
    }
  }
  const postings = new Map<number, Int32Array>();
  const idf = new Map<number, number>();
  for (const [f, l] of lists) {
    postings.set(f, Int32Array.from(l));
    idf.set(f, Math.log((n + 1) / (l.length + 0.5)));
  }
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s2 = 0;
    for (let j = s.offsets[i] as number; j < (s.offsets[i + 1] as number); j++)
      s2 += (idf.get(s.features[j] as number) ?? 0) ** 2;
    norms[i] = Math.sqrt(s2) || 1;
  }
  return { classes: Int32Array.from(s.classes), postings, idf, norms };
}

/** Per-question scratch of neighbourVote (one thread per isolate, so one is enough): scores by question, and which were touched. */
const scratch = new WeakMap<Neighbours, { score: Float64Array; touched: Int32Array }>();

/** Class distribution from the k most similar stored questions, weighted by similarity. */
export function neighbourVote(nb: Neighbours, query: number[], nClasses: number, k: number): Float64Array {
  // Scores in a typed array with the touched questions in first-touch order: the same sums in the same
  // order as a Map would give, without a Map entry per touched question (100,000 tickets: most of the
  // answer's CPU before).
  let sc = scratch.get(nb);
  if (!sc) {
    sc = { score: new Float64Array(nb.classes.length), touched: new Int32Array(nb.classes.length) };
    scratch.set(nb, sc);
  }
  const { score, touched } = sc;
  let nTouched = 0;
  let qn = 0;
  for (const f of query) {
    const w = nb.idf.get(f);
    const p = nb.postings.get(f);
    if (!w || !p) continue;
    qn += w * w;
    const ww = w * w;
    for (let j = 0; j < p.length; j++) {
      const i = p[j] as number;
      if (score[i] === 0) touched[nTouched++] = i;
      score[i] = (score[i] as number) + ww;
    }
  }
  const out = new Float64Array(nClasses);
  if (!nTouched || qn === 0) {
    for (let t = 0; t < nTouched; t++) score[touched[t] as number] = 0;
    return out;
  }
  const top: { i: number; s: number }[] = [];
  // The weakest kept neighbour (first of equals), found again only when it is replaced.
  let m = -1;
  const sq = Math.sqrt(qn);
  for (let t = 0; t < nTouched; t++) {
    const i = touched[t] as number;
    const s = (score[i] as number) / (sq * (nb.norms[i] as number));
    if (top.length < k) top.push({ i, s });
    else {
      if (m < 0) {
        m = 0;
        for (let u = 1; u < top.length; u++) if ((top[u] as { s: number }).s < (top[m] as { s: number }).s) m = u;
      }
      if (s > (top[m] as { s: number }).s) {
        top[m] = { i, s };
        m = -1;
      }
    }
  }
  for (let t = 0; t < nTouched; t++) score[touched[t] as number] = 0;
  let sum = 0;
  for (const { i, s } of top) {
    const c = nb.classes[i] as number;
    out[c] = (out[c] as number) + s;
    sum += s;
  }
  // Scaled by the best similarity so a vote among poor matches stays weak.
  const best = Math.max(...top.map((t) => t.s));
  if (sum > 0) for (let c = 0; c < nClasses; c++) out[c] = ((out[c] as number) / sum) * best;
  return out;
}

/** Word and bigram feature indices of a vectorised text (the k-NN view). */
export function neighbourFeatures(vec: SparseVector, isWordFeature: (i: number) => boolean): number[] {
  return vec.idx.filter(isWordFeature);
}
