// Fusing the semantic ranking into the embedded engine's Retrieval. decide() thresholds probabilities
// (confidence, margin, handoff mass, gap), so the fusion is a calibrated blend rather than reciprocal
// ranks: the Vectorize cosines become a distribution over articles — plus a "none of these" option
// whose logit is `floor`, so a question nothing resembles keeps its confidence low — and each
// article's score is `(1 - w) · embedded + w · semantic`. The result is still a probability, and the
// decision rules stay one piece of code.
import type { Candidate, Retrieval } from "../engine/retrieve.ts";
import type { SemanticHit } from "./vectors.ts";

export type FusionOptions = { weight: number; temperature: number; floor: number; maxCandidates: number };

/** Per-article best cosine → probabilities (articles not in `allowed` are ignored), and the "none" share. */
export function semanticDistribution(
  hits: SemanticHit[],
  allowed: Set<string>,
  temperature: number,
  floor: number,
): { p: Map<string, number>; none: number; best: Map<string, SemanticHit> } {
  const best = new Map<string, SemanticHit>();
  for (const h of hits) {
    if (!allowed.has(h.articleId)) continue;
    const b = best.get(h.articleId);
    if (!b || h.score > b.score) best.set(h.articleId, h);
  }
  const logits = [...best.values()].map((h) => h.score / temperature);
  const nullLogit = floor / temperature;
  const max = Math.max(nullLogit, ...logits);
  let z = Math.exp(nullLogit - max);
  for (const l of logits) z += Math.exp(l - max);
  const p = new Map<string, number>();
  for (const h of best.values()) p.set(h.articleId, Math.exp(h.score / temperature - max) / z);
  return { p, none: Math.exp(nullLogit - max) / z, best };
}

/** Confidence, margin and handoff mass of re-scored candidates, best first, cut to `max`. */
export function finish(base: Retrieval, scored: Candidate[], max: number, gapProbability: number): Retrieval {
  const all = [...scored].sort((a, b) => b.score - a.score || a.articleId.localeCompare(b.articleId));
  const handoffMass = all.reduce((m, c) => m + (c.handoff === "always" ? c.score : 0), 0);
  const candidates = all.slice(0, max);
  const top = candidates[0]?.score ?? 0;
  // A route read from the embedded best article's sentences (routes.ts) holds only while it stays best.
  const { routedTo, ...rest } = base;
  return {
    ...rest,
    ...(routedTo && candidates[0]?.articleId === base.candidates[0]?.articleId ? { routedTo } : {}),
    candidates,
    confidence: top,
    margin: top - (candidates[1]?.score ?? 0),
    handoffMass,
    gapProbability,
  };
}

/**
 * `full` is the embedded retrieval with every allowed article as a candidate (so each fused candidate
 * is one the KB engine built, with its locale filter applied). No hits — an index not filled yet, or
 * a workspace published before hybrid was turned on — leaves the embedded ranking untouched.
 */
export function fuse(full: Retrieval, hits: SemanticHit[], o: FusionOptions): Retrieval {
  if (!hits.length) return finish(full, full.candidates, o.maxCandidates, full.gapProbability);
  const { p, best } = semanticDistribution(
    hits,
    new Set(full.candidates.map((c) => c.articleId)),
    o.temperature,
    o.floor,
  );
  const scored = full.candidates.map((c): Candidate => {
    const score = (1 - o.weight) * c.score + o.weight * (p.get(c.articleId) ?? 0);
    const h = best.get(c.articleId);
    const passage = h ? c.article.passages[h.passageIndex] : undefined;
    // Embeddings judge which passage answers a paraphrase better than BM25 does.
    return h && passage ? { ...c, score, passage, passageIndex: h.passageIndex } : { ...c, score };
  });
  return finish(full, scored, o.maxCandidates, (1 - o.weight) * full.gapProbability);
}

/**
 * Re-weights the top candidates by a cross-encoder's scores while keeping their total mass, so a
 * reranker reorders without inflating confidence. `scores[i]` belongs to `r.candidates[i]`.
 */
export function applyRerank(r: Retrieval, scores: number[], weight: number, max: number): Retrieval {
  const n = Math.min(scores.length, r.candidates.length);
  if (n < 2) return r;
  const prob = scores.slice(0, n).map((s) => (s >= 0 && s <= 1 ? s : 1 / (1 + Math.exp(-s))));
  const sum = prob.reduce((a, b) => a + b, 0);
  const mass = r.candidates.slice(0, n).reduce((a, c) => a + c.score, 0);
  if (sum <= 0) return r;
  const scored = r.candidates.map((c, i) =>
    i < n ? { ...c, score: (1 - weight) * c.score + weight * mass * ((prob[i] as number) / sum) } : c,
  );
  return finish(r, scored, max, r.gapProbability);
}
