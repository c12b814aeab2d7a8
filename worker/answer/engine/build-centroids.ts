// Building the centroid model of a large KB (centroid.ts), reusing what a previous snapshot of the same
// engine already holds: the history's IDF, its words and the neighbours' postings when the history is
// the same, and every class's centroid whose digest (its own examples, the IDF, the settings) is
// unchanged. A publish that edits one article therefore featurises that article and its tickets only.
import type { TrainConfig } from "./config.ts";
import {
  Digest,
  centroidPart,
  featureId,
  settingsKey,
  type CentroidPart,
  type SerializedCentroids,
} from "./centroid.ts";
import { featureNames } from "./features.ts";
import type { SerializedNeighbours } from "./knn.ts";
import { fromBase64, toBase64 } from "./model.ts";
import { stem, words } from "./text.ts";

export interface ClassExample {
  text: string;
  weight: number;
}

export interface CentroidInput {
  /** Class names (article ids, then the gap class when there is one), in model order. */
  classes: string[];
  /** Per class, its article's own texts and `questions` (none for the gap class). */
  articleExamples: ClassExample[][];
  /** Resolved tickets with non-empty text, in history order, with their class. */
  tickets: { text: string; cls: number }[];
  /** Enough history to weigh features by IDF and drop the ones seen once. */
  someHistory: boolean;
  cfg: TrainConfig;
  previous?: { centroids: SerializedCentroids; neighbours: SerializedNeighbours };
}

export type CentroidProgress = { stage: "features" | "train"; done: number; total: number };

const YIELD_EVERY = 500;

export function* buildCentroids(
  input: CentroidInput,
): Generator<CentroidProgress, { centroids: SerializedCentroids; neighbours: SerializedNeighbours }> {
  const { classes, articleExamples, tickets, someHistory, cfg } = input;
  const keep = cfg.centroidFeatures;
  const settings = settingsKey(cfg);
  const hd = new Digest().add(settings).add(String(someHistory));
  for (const t of tickets) hd.add(t.text);
  const historyDigest = hd.hex();
  const prev = input.previous;
  const reuseHistory =
    prev !== undefined &&
    prev.centroids.historyDigest === historyDigest &&
    prev.neighbours.offsets.length === tickets.length + 1;

  // 1. From the history alone: IDF, its words, each ticket's word/bigram ids (the neighbours' postings).
  let idf: SerializedCentroids["idf"];
  let historyWords: string[];
  let neighbourFeatures: number[];
  let neighbourOffsets: number[];
  if (reuseHistory && prev) {
    idf = prev.centroids.idf;
    historyWords = prev.centroids.historyWords;
    neighbourFeatures = prev.neighbours.features;
    neighbourOffsets = prev.neighbours.offsets;
  } else {
    const df = new Map<number, number>();
    const wordCount = new Map<string, number>();
    const perTicket: number[][] = [];
    for (let i = 0; i < tickets.length; i++) {
      const names = featureNames((tickets[i] as { text: string }).text, cfg.features);
      const ws: number[] = [];
      for (const k of names.keys()) {
        const id = featureId(k);
        df.set(id, (df.get(id) ?? 0) + 1);
        if (!k.startsWith("c:")) ws.push(id);
        if (k.startsWith("w:")) wordCount.set(k.slice(2), (wordCount.get(k.slice(2)) ?? 0) + 1);
      }
      perTicket.push(ws);
      if (i % YIELD_EVERY === 0) yield { stage: "features", done: i, total: tickets.length };
    }
    const minCount = someHistory ? cfg.minFeatureCount : 1;
    historyWords = [...wordCount]
      .filter(([, c]) => c >= minCount)
      .map(([w]) => w)
      .sort();
    const n = tickets.length;
    if (someHistory && cfg.idf) {
      const kept = [...df].filter(([, c]) => c >= minCount).sort((a, b) => a[0] - b[0]);
      const ids = Uint32Array.from(kept, ([id]) => id);
      // Smoothed like the dense model's, in thousandths so the stored value is what scoring reads.
      const values = Uint16Array.from(kept, ([, c]) => Math.round((Math.log((n + 1) / (c + 1)) + 1) * 1000));
      const fallback = Math.round((Math.log((n + 1) / 2) + 1) * 1000) / 1000;
      const d = new Digest().add(historyDigest).hex();
      idf = {
        digest: d,
        ids: toBase64(new Uint8Array(ids.buffer)),
        values: toBase64(new Uint8Array(values.buffer)),
        fallback,
      };
    }
    neighbourFeatures = [];
    neighbourOffsets = [0];
    for (const ws of perTicket) {
      for (const id of ws) if ((df.get(id) ?? 0) >= minCount) neighbourFeatures.push(id);
      neighbourOffsets.push(neighbourFeatures.length);
    }
  }
  let idfOf: ((id: number) => number) | undefined;
  // With history, features of tickets seen in only one ticket are noise (typos, names), as in the dense
  // model's pruning; an article's own text keeps every feature.
  let seenTwice: ((id: number) => boolean) | undefined;
  if (idf) {
    const ids = new Uint32Array(fromBase64(idf.ids).buffer);
    const values = new Uint16Array(fromBase64(idf.values).buffer);
    const table = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) table.set(ids[i] as number, (values[i] as number) / 1000);
    const fb = idf.fallback;
    idfOf = (id) => table.get(id) ?? fb;
    seenTwice = (id) => table.has(id);
  }

  // 2. Per class: its examples' digest; the previous centroid when that is unchanged, else built.
  const byClass: number[][] = classes.map(() => []);
  for (let i = 0; i < tickets.length; i++) (byClass[(tickets[i] as { cls: number }).cls] as number[]).push(i);
  const before = new Map<string, CentroidPart>();
  if (prev)
    for (const [i, c] of prev.centroids.classes.entries()) before.set(c, prev.centroids.parts[i] as CentroidPart);
  const parts: CentroidPart[] = [];
  for (let c = 0; c < classes.length; c++) {
    const own = articleExamples[c] ?? [];
    const mine = byClass[c] as number[];
    const d = new Digest().add(settings).add(idf?.digest ?? "no-idf");
    for (const e of own) d.add(e.text).add(String(e.weight));
    d.add("tickets");
    for (const i of mine) d.add((tickets[i] as { text: string }).text);
    const digest = d.hex();
    const old = before.get(classes[c] as string);
    if (old && old.digest === digest) {
      parts.push(old);
      continue;
    }
    const examples: { names: Map<string, number>; weight: number }[] = own.map((e) => ({
      names: featureNames(e.text, cfg.features),
      weight: e.weight,
    }));
    for (const i of mine) {
      const names = featureNames((tickets[i] as { text: string }).text, cfg.features);
      if (seenTwice) for (const k of names.keys()) if (!seenTwice(featureId(k))) names.delete(k);
      examples.push({ names, weight: 1 });
    }
    parts.push(centroidPart(examples, idfOf, keep, digest));
    if (c % 50 === 0) yield { stage: "train", done: c, total: classes.length };
  }

  // 3. The coverage vocabulary: the history's words and every word of the articles.
  const vocab = new Set(historyWords);
  for (const own of articleExamples) for (const e of own) for (const w of words(e.text)) vocab.add(stem(w));
  return {
    centroids: {
      kind: "centroid",
      classes,
      parts,
      ...(idf ? { idf } : {}),
      words: [...vocab].sort(),
      historyWords,
      historyDigest,
    },
    neighbours: {
      classes: tickets.map((t) => t.cls),
      offsets: neighbourOffsets,
      features: neighbourFeatures,
    },
  };
}
