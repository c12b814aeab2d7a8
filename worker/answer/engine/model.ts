// A multinomial logistic-regression intent model: classes are the published articles plus one "gap"
// class for questions agents resolved without any article. It is trained at publish time (seeded SGD,
// so it is deterministic) and shipped as int8 weights, which keeps the snapshot to a few MB and makes
// loading a base64 decode rather than a parse of millions of JSON numbers.
import type { TrainConfig } from "./config.ts";
import type { SparseVector } from "./features.ts";
import { prng } from "../../../shared/random.ts";

export interface TrainingExample {
  x: SparseVector;
  y: number;
  weight: number;
}

export interface SerializedModel {
  classes: string[];
  /** Feature names; position = feature index. */
  features: string[];
  /** Int8 weights, feature-major (feature f, class c at f * classes + c), base64. */
  weights: string;
  /** Per-class dequantisation scale. */
  scales: number[];
  bias: number[];
  /**
   * Per-feature inverse document frequency over the training texts (rounded), applied before the
   * L2 normalisation: rare, specific features count for more than ones every question shares.
   * Absent in snapshots trained without it.
   */
  idf?: number[];
}

export interface Model {
  classes: string[];
  vocab: Map<string, number>;
  /**
   * The int8 weights as stored, feature-major, with their per-class scale: kept quantised in memory (a
   * quarter of float32's bytes: 11 MB instead of 45 MB for 1,000 articles), scaled once per class in
   * `logits`.
   */
  q: Int8Array;
  scales: Float64Array;
  bias: Float32Array;
  idf?: Float32Array;
}

export function softmaxInPlace(z: Float64Array | number[], temperature = 1): void {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, (z[i] as number) / temperature);
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp((z[i] as number) / temperature - max);
    z[i] = e;
    sum += e;
  }
  for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) / sum;
}

/**
 * SGD on the softmax cross-entropy with L2 applied through a global scale factor (so each step only
 * touches the example's features) and a decaying learning rate.
 */
export function train(
  examples: TrainingExample[],
  nFeatures: number,
  nClasses: number,
  cfg: TrainConfig,
): { w: Float32Array; bias: Float32Array } {
  const steps = trainSteps(examples, nFeatures, nClasses, cfg);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Examples between two yields of trainSteps: small enough that a caller can pause every few ms. */
export const TRAIN_YIELD_EVERY = 256;

/**
 * The same training as `train`, as a generator that yields `{ step, total }` every TRAIN_YIELD_EVERY
 * examples, so a publisher can report progress and let other work run between slices.
 */
export function* trainSteps(
  examples: TrainingExample[],
  nFeatures: number,
  nClasses: number,
  cfg: TrainConfig,
): Generator<{ step: number; total: number }, { w: Float32Array; bias: Float32Array }> {
  const W = new Float64Array(nFeatures * nClasses);
  const b = new Float64Array(nClasses);
  let scale = 1;
  const rand = prng(cfg.seed);
  const order = examples.map((_, i) => i);
  const z = new Float64Array(nClasses);
  let step = 0;
  const total = cfg.epochs * examples.length;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    for (const k of order) {
      const ex = examples[k] as TrainingExample;
      const eta = cfg.learningRate * (1 - step / total) + 1e-3;
      step++;
      if (step % TRAIN_YIELD_EVERY === 0) yield { step, total };
      const { idx, val } = ex.x;
      for (let c = 0; c < nClasses; c++) z[c] = b[c] as number;
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * nClasses;
        const v = (val[j] as number) * scale;
        for (let c = 0; c < nClasses; c++) z[c] = (z[c] as number) + (W[base + c] as number) * v;
      }
      softmaxInPlace(z);
      z[ex.y] = (z[ex.y] as number) - 1;
      scale *= 1 - eta * cfg.l2;
      const g = (eta * ex.weight) / scale;
      for (let c = 0; c < nClasses; c++) b[c] = (b[c] as number) - eta * ex.weight * (z[c] as number);
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * nClasses;
        const v = (val[j] as number) * g;
        for (let c = 0; c < nClasses; c++) {
          const gc = z[c] as number;
          if (gc > 1e-6 || gc < -1e-6) W[base + c] = (W[base + c] as number) - gc * v;
        }
      }
      if (scale < 1e-3) {
        for (let i = 0; i < W.length; i++) W[i] = (W[i] as number) * scale;
        scale = 1;
      }
    }
  }
  const w = new Float32Array(W.length);
  for (let i = 0; i < W.length; i++) w[i] = (W[i] as number) * scale;
  return { w, bias: Float32Array.from(b) };
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Own base64 so the module needs neither Buffer (Node) nor atob (browser/Workers) and stays pure. The
// text is written as ASCII bytes and decoded once: a string grown by `+=` is a rope of thousands of
// pieces until something flattens it, and 10,000 centroid parts held as ropes took ~110 MB of a
// publish's heap (a flat string is one byte per character).
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const ASCII = new TextDecoder();
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = B64_CODES[(n >> 18) & 63] as number;
    out[o++] = B64_CODES[(n >> 12) & 63] as number;
    out[o++] = i + 1 < bytes.length ? (B64_CODES[(n >> 6) & 63] as number) : 61;
    out[o++] = i + 2 < bytes.length ? (B64_CODES[n & 63] as number) : 61;
  }
  return ASCII.decode(out);
}

const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function fromBase64(s: string): Uint8Array {
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = B64_INDEX[s.charCodeAt(i)] ?? 0;
    const b = B64_INDEX[s.charCodeAt(i + 1)] ?? 0;
    const c = i + 2 < len ? (B64_INDEX[s.charCodeAt(i + 2)] ?? 0) : 0;
    const d = i + 3 < len ? (B64_INDEX[s.charCodeAt(i + 3)] ?? 0) : 0;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function serializeModel(
  classes: string[],
  features: string[],
  w: Float32Array,
  bias: Float32Array,
  idf?: ArrayLike<number>,
): SerializedModel {
  const C = classes.length;
  const scales: number[] = [];
  for (let c = 0; c < C; c++) {
    let max = 0;
    for (let f = 0; f < features.length; f++) max = Math.max(max, Math.abs(w[f * C + c] as number));
    // Rounded so the JSON is byte-identical across runs and platforms.
    scales.push(Number((max / 127 || 1e-9).toPrecision(6)));
  }
  const q = new Int8Array(w.length);
  for (let f = 0; f < features.length; f++) {
    for (let c = 0; c < C; c++) q[f * C + c] = Math.round((w[f * C + c] as number) / (scales[c] as number));
  }
  return {
    classes,
    features,
    weights: toBase64(new Uint8Array(q.buffer)),
    scales,
    bias: Array.from(bias, (v) => Number(v.toPrecision(6))),
    ...(idf ? { idf: Array.from(idf, (v) => Math.round(v * 100) / 100) } : {}),
  };
}

export function deserializeModel(m: SerializedModel): Model {
  const q = new Int8Array(fromBase64(m.weights).buffer);
  const vocab = new Map<string, number>();
  for (const [i, f] of m.features.entries()) vocab.set(f, i);
  return {
    classes: m.classes,
    vocab,
    q,
    // Each scale as the float32 the dequantised weights were held in before, so the scores are the same.
    scales: Float64Array.from(m.scales, (s) => Math.fround(s)),
    bias: Float32Array.from(m.bias),
    ...(m.idf ? { idf: Float32Array.from(m.idf) } : {}),
  };
}

/** Raw class scores (logits) of a vectorised query. */
export function logits(model: Model, x: SparseVector): Float64Array {
  const C = model.classes.length;
  const acc = new Float64Array(C);
  for (let j = 0; j < x.idx.length; j++) {
    const base = (x.idx[j] as number) * C;
    const v = x.val[j] as number;
    for (let c = 0; c < C; c++) acc[c] = (acc[c] as number) + (model.q[base + c] as number) * v;
  }
  const z = new Float64Array(C);
  for (let c = 0; c < C; c++) z[c] = (model.bias[c] as number) + (acc[c] as number) * (model.scales[c] as number);
  return z;
}
