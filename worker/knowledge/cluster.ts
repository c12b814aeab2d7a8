// Groups similar customer questions for the gaps report. Deterministic: the same questions in the same
// order always give the same groups. Each question is a sparse vector of content-word stems (weight 1)
// and in-word character trigrams (weight 0.5, so "refund"/"refunded"/typos still meet); a question
// joins the group whose centroid it is most similar to (cosine ≥ threshold), or starts a new one.
import { terms } from "../answer/engine/text.ts";

export type Vec = Map<string, number>;
export type Cluster<T> = { items: T[]; centroid: Vec; terms: Map<string, number> };

export function questionVector(text: string): Vec {
  const v: Vec = new Map();
  for (const t of terms(text)) {
    v.set(`w:${t}`, (v.get(`w:${t}`) ?? 0) + 1);
    const padded = `<${t}>`;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = `c:${padded.slice(i, i + 3)}`;
      v.set(g, (v.get(g) ?? 0) + 0.5);
    }
  }
  return normalise(v);
}

function normalise(v: Vec): Vec {
  let n = 0;
  for (const x of v.values()) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (const [k, x] of v) v.set(k, x / n);
  return v;
}

export function cosine(a: Vec, b: Vec): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) s += x * (big.get(k) ?? 0);
  return s;
}

/** Leader clustering against running centroids; groups come back largest first (ties: earliest first). */
export function clusterQuestions<T extends { text: string }>(items: T[], threshold = 0.45): Cluster<T>[] {
  const clusters: (Cluster<T> & { sum: Vec; first: number })[] = [];
  items.forEach((item, index) => {
    const v = questionVector(item.text);
    if (!v.size) return;
    let best = -1;
    let bestSim = threshold;
    clusters.forEach((c, i) => {
      const s = cosine(v, c.centroid);
      if (s >= bestSim) {
        bestSim = s;
        best = i;
      }
    });
    const words = terms(item.text);
    if (best < 0) {
      clusters.push({
        items: [item],
        sum: new Map(v),
        centroid: new Map(v),
        terms: new Map(words.map((w) => [w, 1])),
        first: index,
      });
      return;
    }
    const c = clusters[best] as Cluster<T> & { sum: Vec };
    c.items.push(item);
    for (const [k, x] of v) c.sum.set(k, (c.sum.get(k) ?? 0) + x);
    c.centroid = normalise(new Map(c.sum));
    for (const w of new Set(words)) c.terms.set(w, (c.terms.get(w) ?? 0) + 1);
  });
  return clusters
    .sort((a, b) => b.items.length - a.items.length || a.first - b.first)
    .map(({ items: its, centroid, terms: ts }) => ({ items: its, centroid, terms: ts }));
}

/** The group's most typical question: the one closest to its centroid (earliest on ties). */
export function representative<T extends { text: string }>(c: Cluster<T>): T {
  let best = c.items[0] as T;
  let bestSim = -1;
  for (const it of c.items) {
    const s = cosine(questionVector(it.text), c.centroid);
    if (s > bestSim + 1e-12) {
      bestSim = s;
      best = it;
    }
  }
  return best;
}
