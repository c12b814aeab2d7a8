// The intent model of a large KB: one sparse centroid per class (article, or the gap class), scored by
// cosine through an inverted index. The dense softmax (model.ts) costs examples × articles to train and
// features × articles to store and score, which passes Cloudflare's 300 s publish CPU near 1,000
// articles; a centroid costs its own examples to build and its own top features to store, and depends
// on nothing but its own examples, the history's IDF and the feature settings. So a publish that edits
// one article rebuilds that article's centroid and reuses every other one byte for byte (the digest
// says whether a class's inputs changed), and a question touches only the centroids that share a
// feature with it. snapshot.ts picks this model only past `TrainConfig.denseMaxWork` (docs/performance.md).
//
// Feature ids are hashes of the feature names (26 bits, so they stay small integers in JSON and in V8)
// instead of positions in a vocabulary: a vocabulary shifts with any edit, a hash does not. Two rare
// features may share an id (a few dozen pairs among the ~60,000 features of 5,000 articles); they then
// share a weight, which costs nothing measurable.
import type { TrainConfig } from "./config.ts";
import { fromBase64, toBase64 } from "./model.ts";

/** Feature name → id: 32-bit FNV-1a folded to 26 bits. */
export function featureId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 6) & 0x3ffffff;
}

/** A 64-bit digest (two FNV-1a lanes) of strings, in hex: says whether a class's inputs changed. */
export class Digest {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  add(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    // A separator, so ["ab","c"] and ["a","bc"] differ.
    this.a = Math.imul(a ^ 0x1f, 0x01000193);
    this.b = Math.imul(b ^ 0x1f, 0x5bd1e995);
    return this;
  }
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, "0") + (this.b >>> 0).toString(16).padStart(8, "0");
  }
}

/** One class's centroid as stored: its top features (ids ascending) with int8 weights. */
export interface CentroidPart {
  /** Digest of everything the centroid was built from (its examples, the IDF, the settings). */
  digest: string;
  /** Feature ids, Uint32 little-endian, base64. */
  ids: string;
  /** Int8 weights in the same order, base64; weight = value × scale. */
  w: string;
  scale: number;
}

export interface SerializedCentroids {
  kind: "centroid";
  classes: string[];
  /** One per class, in `classes` order. */
  parts: CentroidPart[];
  /**
   * IDF over the resolved tickets (features in at least two), so an article edit does not move it;
   * absent with little history (like the dense model's).
   */
  idf?: { digest: string; ids: string; values: string; fallback: number };
  /** Stemmed words the KB and history use (word coverage, decide()'s out-of-scope test). */
  words: string[];
  /** The history's own words (count ≥ 2), kept so an article edit need not re-read every ticket. */
  historyWords: string[];
  /** Digest of the history the IDF, neighbours and historyWords came from. */
  historyDigest: string;
}

export interface CentroidModel {
  classes: string[];
  /** Feature id → its slice of `cls`/`w` (CSR postings). */
  slot: Map<number, number>;
  start: Int32Array;
  cls: Int32Array;
  /** Weight already multiplied by the class's scale. */
  w: Float32Array;
  idf?: Map<number, number>;
  idfFallback: number;
  /** `w:<stem>` → 1, the shape wordCoverage reads. */
  vocab: Map<string, number>;
}

/** Sum of weighted example vectors (each L2-normalised) → top `keep` features, L2-normalised, int8. */
export function centroidPart(
  examples: { names: Map<string, number>; weight: number }[],
  idf: ((id: number) => number) | undefined,
  keep: number,
  digest: string,
): CentroidPart {
  const sum = new Map<number, number>();
  const ids: number[] = [];
  const vals: number[] = [];
  for (const ex of examples) {
    ids.length = 0;
    vals.length = 0;
    let norm = 0;
    for (const [k, v] of ex.names) {
      const id = featureId(k);
      const x = idf ? v * idf(id) : v;
      ids.push(id);
      vals.push(x);
      norm += x * x;
    }
    const inv = norm > 0 ? ex.weight / Math.sqrt(norm) : 0;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j] as number;
      sum.set(id, (sum.get(id) ?? 0) + (vals[j] as number) * inv);
    }
  }
  const top = [...sum].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, keep);
  top.sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, v] of top) norm += v * v;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  let max = 0;
  for (const [, v] of top) max = Math.max(max, Math.abs(v * inv));
  // Rounded so the JSON is byte-identical across runs and platforms.
  const scale = Number((max / 127 || 1e-9).toPrecision(6));
  const q = Int8Array.from(top, ([, v]) => Math.round((v * inv) / scale));
  const u = Uint32Array.from(top, ([id]) => id);
  return { digest, ids: toBase64(new Uint8Array(u.buffer)), w: toBase64(new Uint8Array(q.buffer)), scale };
}

export function loadCentroids(s: SerializedCentroids): CentroidModel {
  const decoded = s.parts.map((p) => ({
    ids: new Uint32Array(fromBase64(p.ids).buffer),
    w: new Int8Array(fromBase64(p.w).buffer),
    scale: Math.fround(p.scale),
  }));
  const count = new Map<number, number>();
  let total = 0;
  for (const d of decoded) {
    for (const id of d.ids) count.set(id, (count.get(id) ?? 0) + 1);
    total += d.ids.length;
  }
  const slot = new Map<number, number>();
  const start = new Int32Array(count.size + 1);
  let k = 0;
  for (const [id, n] of count) {
    slot.set(id, k);
    start[k + 1] = (start[k] as number) + n;
    k++;
  }
  const fill = start.slice(0, count.size);
  const cls = new Int32Array(total);
  const w = new Float32Array(total);
  decoded.forEach((d, c) => {
    for (let j = 0; j < d.ids.length; j++) {
      const sl = slot.get(d.ids[j] as number) as number;
      const at = fill[sl] as number;
      fill[sl] = at + 1;
      cls[at] = c;
      w[at] = (d.w[j] as number) * d.scale;
    }
  });
  let idf: Map<number, number> | undefined;
  if (s.idf) {
    const ids = new Uint32Array(fromBase64(s.idf.ids).buffer);
    const values = new Uint16Array(fromBase64(s.idf.values).buffer);
    idf = new Map();
    for (let i = 0; i < ids.length; i++) idf.set(ids[i] as number, (values[i] as number) / 1000);
  }
  return {
    classes: s.classes,
    slot,
    start,
    cls,
    w,
    ...(idf ? { idf } : {}),
    idfFallback: s.idf?.fallback ?? 1,
    vocab: new Map(s.words.map((x) => [`w:${x}`, 1])),
  };
}

/**
 * Cosine of the question with every class centroid, times `gain` (the logits retrieve() turns into
 * probabilities), and the question's word/bigram feature ids for the neighbour vote.
 */
export function centroidLogits(
  m: CentroidModel,
  names: Map<string, number>,
  gain: number,
): { z: Float64Array; wordIds: number[] } {
  const z = new Float64Array(m.classes.length);
  const wordIds: number[] = [];
  const slots: number[] = [];
  const vals: number[] = [];
  let norm = 0;
  for (const [k, v] of names) {
    const id = featureId(k);
    if (!k.startsWith("c:")) wordIds.push(id);
    const s = m.slot.get(id);
    // Only features some centroid has, like the dense model's vocabulary: unknown ones would only
    // shrink every cosine alike.
    if (s === undefined) continue;
    const x = m.idf ? v * (m.idf.get(id) ?? m.idfFallback) : v;
    slots.push(s);
    vals.push(x);
    norm += x * x;
  }
  if (norm === 0) return { z, wordIds };
  const inv = gain / Math.sqrt(norm);
  for (let j = 0; j < slots.length; j++) {
    const s = slots[j] as number;
    const x = (vals[j] as number) * inv;
    for (let p = m.start[s] as number, end = m.start[s + 1] as number; p < end; p++) {
      const c = m.cls[p] as number;
      z[c] = (z[c] as number) + (m.w[p] as number) * x;
    }
  }
  return { z, wordIds };
}

/** The settings a centroid (and the history's IDF) depends on, for its digest. */
export const settingsKey = (cfg: Pick<TrainConfig, "features" | "centroidFeatures" | "minFeatureCount" | "idf">) =>
  JSON.stringify({
    features: cfg.features,
    keep: cfg.centroidFeatures,
    minFeatureCount: cfg.minFeatureCount,
    idf: cfg.idf,
  });
