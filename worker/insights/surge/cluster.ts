// Similar conversations as one incident. Character n-grams of the customer's words, cosine similarity,
// and a greedy pass in id order: the same conversations always give the same clusters, whatever order
// they arrive in, and there is no randomness (no k-means seeds) to make a replay differ.

export type Clusterable = { id: string; text: string };
export type Cluster = { id: string; members: string[]; duplicates: string[] };

type Vec = Map<string, number>;

export function normalizeText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function ngrams(text: string, n: number): Vec {
  const v: Vec = new Map();
  // Padded per word so that word boundaries count and one-word texts still have grams.
  for (const w of normalizeText(text).split(" ")) {
    if (!w) continue;
    const p = ` ${w} `;
    for (let i = 0; i + n <= p.length; i++) {
      const g = p.slice(i, i + n);
      v.set(g, (v.get(g) ?? 0) + 1);
    }
  }
  return v;
}

export function cosine(a: Vec, b: Vec): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, x] of a) {
    na += x * x;
    const y = b.get(k);
    if (y) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export const similarity = (a: string, b: string, n = 3): number => cosine(ngrams(a, n), ngrams(b, n));

/**
 * Each conversation joins the most similar existing cluster (compared with its first member) when the
 * similarity reaches `threshold`, else starts its own. Ties go to the older cluster. A member at or
 * above `duplicateThreshold` is listed as a duplicate of the cluster's first conversation.
 */
export function clusterConversations(
  items: readonly Clusterable[],
  opts: { threshold: number; duplicateThreshold: number; ngram: number },
): Cluster[] {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const clusters: { c: Cluster; rep: Vec }[] = [];
  for (const it of sorted) {
    const v = ngrams(it.text, opts.ngram);
    let best = -1;
    let bestSim = 0;
    clusters.forEach((k, i) => {
      const s = cosine(v, k.rep);
      if (s >= opts.threshold && s > bestSim) {
        best = i;
        bestSim = s;
      }
    });
    const target = clusters[best];
    if (target) {
      target.c.members.push(it.id);
      if (bestSim >= opts.duplicateThreshold) target.c.duplicates.push(it.id);
    } else clusters.push({ c: { id: it.id, members: [it.id], duplicates: [] }, rep: v });
  }
  return clusters.map((k) => k.c);
}
