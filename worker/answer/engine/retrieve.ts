// Ranking: a supervised intent model (strong once there is history) fused with BM25 over the articles'
// own text (the only signal for a brand-new KB). The fused score is a probability over articles plus a
// "gap" share, which is what decide() thresholds.
import { defaultRetrieveConfig, type RetrieveConfig } from "./config.ts";
import { featureNames, vectorize, wordCoverage } from "./features.ts";
import { neighbourVote } from "./knn.ts";
import { logits, softmaxInPlace, type Model } from "./model.ts";
import { centroidLogits } from "./centroid.ts";
import type { Passage } from "./chunk.ts";
import type { IndexedArticle, KbIndex } from "./snapshot.ts";
import { bm25 } from "./bm25.ts";
import { correctTerms, terms } from "./text.ts";

export interface Candidate {
  articleId: string;
  title: string;
  handoff: "never" | "always";
  team: string;
  priority: string;
  /** Fused probability that this article resolves the question. */
  score: number;
  /** The intent model's share of it, and the raw BM25 score, for debugging and analytics. */
  modelProbability: number;
  lexicalScore: number;
  /** The passage of the article that best matches the question. */
  passage: Passage;
  passageIndex: number;
  /** Stemmed query terms, kept so compose() need not re-tokenise. */
  queryTerms: string[];
  article: IndexedArticle;
}

export interface Retrieval {
  query: string;
  candidates: Candidate[];
  /** Fused probability of the best candidate (0 when there is none). */
  confidence: number;
  /** Best minus runner-up fused probability. */
  margin: number;
  /** Probability that the question is one agents resolved without any article (a KB gap). */
  gapProbability: number;
  /** Fraction of the query's words the KB/history vocabulary knows. */
  coverage: number;
  /** Total fused probability on articles that always require a person. */
  handoffMass: number;
  /** The intent model's share of it alone (BM25 left out). */
  handoffModelMass: number;
  /**
   * The handoff mass a question with no preference at all would get: the share of the (allowed)
   * articles that always require a person, or, when more, the fused share of the model's own
   * no-knowledge answer (its biases: examples are not spread evenly over articles) and that share.
   * decide() measures handoffMass as lift over this, so a KB where a fifth of the articles are handoff
   * articles, or whose person-only articles carry many short questions, does not hand off every vague
   * question ("it does the thing again" → the hacked-account article in the demo KB with its questions).
   */
  handoffPrior: number;
  /**
   * Lexical evidence, 0–1: the IDF-weighted share of the query's content words that the best-matching
   * article actually contains (words no article contains count at the highest IDF). Low for questions
   * about things the KB never mentions, however the model's probability happens to fall.
   */
  evidence: number;
  /** The same matched IDF in absolute terms, in units of the highest possible IDF ("rare words matched"). */
  matchedTerms: number;
  /** 0 for a KB-only model, 1 once it has learnt from enough resolved conversations. */
  historyWeight: number;
  /**
   * The article a person must handle that the best candidate's own best-matching sentence sends the
   * reader to ("…: see "My print order is lost…""), when that sentence clearly matches best (routes.ts).
   */
  routedTo?: Candidate;
}

export interface RetrieveOptions {
  locale?: string;
  config?: RetrieveConfig;
}

/** The section that answers: the best-scoring one, unless an earlier one scores nearly as well. */
export function bestPassage(index: KbIndex, a: IndexedArticle, qTerms: string[], cfg: RetrieveConfig): number {
  let best = 0;
  let bestScore = 0;
  a.passageDocs.forEach((p, i) => {
    const s = bm25(qTerms, p, index.passageDf, index.passageCount, index.passageAvgLen, cfg);
    if (s > bestScore * (1 + cfg.laterSectionMargin) + 1e-9) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}

/**
 * The article the best-matching sentence of `a` sends the reader to, when that sentence outscores every
 * sentence that stays in `a` by `routeMargin`; undefined otherwise.
 */
export function routeOf(index: KbIndex, a: IndexedArticle, qTerms: string[], cfg: RetrieveConfig): string | undefined {
  let route = 0;
  let to: string | undefined;
  let stay = 0;
  const n = index.articles.length;
  for (const d of index.sentences(a.id)) {
    const s = bm25(qTerms, d, index.df, n, index.sentenceAvgLen, cfg);
    if (d.to) {
      if (s > route) {
        route = s;
        to = d.to;
      }
    } else if (s > stay) stay = s;
  }
  return to && route > 0 && route >= stay * (1 + cfg.routeMargin) ? to : undefined;
}

/** See Retrieval.evidence. */
export function lexicalEvidence(
  index: KbIndex,
  qTerms: string[],
  allowed: readonly boolean[],
): { share: number; matched: number } {
  const n = index.articles.length;
  const uniq = [...new Set(qTerms)];
  if (!uniq.length) return { share: 0, matched: 0 };
  const maxIdf = Math.log(1 + (n + 0.5) / 0.5);
  const idf = uniq.map((t) => {
    const d = index.df.get(t) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  });
  let total = 0;
  for (const v of idf) total += v;
  // Through the term → articles postings: each article's sum in the same term order as a scan of every
  // article would add it, so the same figure at a fraction of the work in a large KB.
  const sum = new Float64Array(n);
  for (let j = 0; j < uniq.length; j++) {
    const p = index.termArticles.get(uniq[j] as string)?.docs;
    if (p)
      for (let k = 0; k < p.length; k++) {
        const i = p[k] as number;
        sum[i] = (sum[i] as number) + (idf[j] as number);
      }
    // A word customers taught the article (SnapshotArticle.learnt) is never in its text: counted once.
    const l = index.learntArticles.get(uniq[j] as string);
    if (l)
      for (let k = 0; k < l.length; k++) {
        const i = l[k] as number;
        sum[i] = (sum[i] as number) + (idf[j] as number);
      }
  }
  let best = 0;
  for (let i = 0; i < n; i++) if (allowed[i] && (sum[i] as number) > best) best = sum[i] as number;
  return { share: total > 0 ? best / total : 0, matched: best / maxIdf };
}

/** The other members of every synonym group one of whose members the question uses, as text. */
export function synonymExpansion(index: KbIndex, qTerms: readonly string[]): string {
  const have = new Set(qTerms);
  const out: string[] = [];
  for (const g of index.synonyms) {
    const hit = g.members.findIndex((m) => m.length > 0 && m.every((t) => have.has(t)));
    if (hit < 0) continue;
    g.text.forEach((t, i) => {
      if (i !== hit) out.push(t);
    });
  }
  return out.join("\n");
}

const allowedCache = new WeakMap<KbIndex, Map<string, readonly boolean[]>>();

/**
 * Which articles a question in `lang` may get: those in its language when the KB has any, otherwise
 * all. The same for every question of a language, so kept per index (read only).
 */
function allowedFor(index: KbIndex, lang: string | undefined): readonly boolean[] {
  let byLang = allowedCache.get(index);
  if (!byLang) allowedCache.set(index, (byLang = new Map()));
  const key = lang ?? "";
  let allowed = byLang.get(key);
  if (!allowed) {
    const inLocale = lang ? index.articles.map((a) => a.locale.slice(0, 2).toLowerCase() === lang) : null;
    allowed = inLocale?.some(Boolean) ? inLocale : index.articles.map(() => true);
    byLang.set(key, allowed);
  }
  return allowed;
}

const modelPriorCache = new WeakMap<KbIndex, Map<string, number>>();

/**
 * The intent model's handoff share for a message it knows nothing of (no features: its biases alone),
 * among the articles a question in `lang` may get. Examples are not spread evenly over the articles
 * (a content team's questions: blocks give a person's article a dozen short first-person ones), so
 * this, not the articles' count, is what "no preference" looks like to the model. The same for every
 * question, so kept per index and language.
 */
function handoffModelPrior(
  index: KbIndex,
  allowed: readonly boolean[],
  lang: string,
  cfg: RetrieveConfig,
  t: number,
  temperature: number,
): number {
  let byLang = modelPriorCache.get(index);
  if (!byLang) modelPriorCache.set(index, (byLang = new Map()));
  // A caller's own config (the benches' --set) changes the temperature: part of the key.
  const key = `${lang}|${temperature}|${t}`;
  const known = byLang.get(key);
  if (known !== undefined) return known;
  const z0 = modelLogits(index, "", cfg, t).z;
  for (let c = 0; c < z0.length; c++) {
    const a = index.classToArticle[c] as number;
    if (a >= 0 && !allowed[a]) z0[c] = -Infinity;
  }
  softmaxInPlace(z0, temperature);
  let m = 0;
  for (let c = 0; c < z0.length; c++) {
    const a = index.classToArticle[c] as number;
    if (a >= 0 && index.handoffAlways[a] === 1) m += z0[c] as number;
  }
  byLang.set(key, m);
  return m;
}

/**
 * The intent model's logits per class and the question's word/bigram features (the neighbours' view):
 * the dense model's, or a large KB's centroid cosines (centroid.ts).
 */
function modelLogits(
  index: KbIndex,
  text: string,
  cfg: RetrieveConfig,
  t: number,
): { z: Float64Array; wordIds: number[] } {
  const names = featureNames(text, index.features);
  if (index.centroids)
    return centroidLogits(
      index.centroids,
      names,
      cfg.centroidGainNoHistory + (cfg.centroidGain - cfg.centroidGainNoHistory) * t,
    );
  const model = index.model as Model;
  const { vec } = vectorize(names, model.vocab, model.idf);
  return { z: logits(model, vec), wordIds: vec.idx.filter((f) => index.isWordFeature[f] === 1) };
}

export function retrieve(index: KbIndex, query: string, opts: RetrieveOptions = {}): Retrieval {
  const cfg = opts.config ?? defaultRetrieveConfig;
  const n = index.articles.length;
  // Articles in the customer's language when the KB has any; otherwise every article.
  const lang = opts.locale?.slice(0, 2).toLowerCase();
  // The workspace's synonyms: a question using one member of a group is also a question using the others.
  const expansion = synonymExpansion(index, terms(query));
  const raw = [...terms(query, lang), ...terms(expansion, lang)];
  // Spelling slips are corrected for ranking only: the evidence that the KB covers the question at
  // all is read from what was written, so "weather" corrected to a KB word cannot make it in scope.
  const qTerms = cfg.spelling ? correctTerms(raw, index.df) : raw;

  const allowed = allowedFor(index, lang);

  // BM25 (bm25.ts) of the articles sharing a term with the question, the others 0: summed term by term
  // through the postings, each article's terms in the question's order as bm25() adds them.
  const lex = new Float64Array(n);
  for (const term of qTerms) {
    const p = index.termArticles.get(term);
    if (!p) continue;
    const d = index.df.get(term) ?? 0;
    const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
    for (let k = 0; k < p.docs.length; k++) {
      const i = p.docs[k] as number;
      if (!allowed[i]) continue;
      const tf = p.tf[k] as number;
      const len = index.docLen[i] as number;
      const norm = cfg.bm25K1 * (1 - cfg.bm25B + (cfg.bm25B * len) / Math.max(1, index.avgLen));
      lex[i] = (lex[i] as number) + (idf * tf * (cfg.bm25K1 + 1)) / (tf + norm);
    }
  }
  const pLex = new Float64Array(n);
  for (let i = 0; i < n; i++) pLex[i] = allowed[i] ? (lex[i] as number) : -Infinity;
  const t = Math.min(1, index.historySize / Math.max(1, cfg.historyForFullModel));
  // KB-only, the KB's own fitted temperature (calibrate.ts) sets how peaked BM25's vote is; with
  // history the supervised model carries the ranking and the fixed temperature stays.
  const fitted =
    cfg.bm25CalibratedScale > 0 && index.lexicalTemperature !== undefined
      ? cfg.bm25CalibratedScale * index.lexicalTemperature
      : cfg.bm25Temperature;
  softmaxInPlace(pLex, fitted + (cfg.bm25Temperature - fitted) * t);

  const alpha = cfg.bm25WeightNoHistory + (cfg.bm25WeightWithHistory - cfg.bm25WeightNoHistory) * t;
  const temperature = cfg.modelTemperatureNoHistory + (cfg.modelTemperature - cfg.modelTemperatureNoHistory) * t;

  const { z, wordIds } = modelLogits(index, expansion ? `${query}\n${expansion}` : query, cfg, t);
  for (let c = 0; c < z.length; c++) {
    const a = index.classToArticle[c] as number;
    if (a >= 0 && !allowed[a]) z[c] = -Infinity;
  }
  softmaxInPlace(z, temperature);
  const modelPrior = handoffModelPrior(index, allowed, lang ?? "", cfg, t, temperature);
  // Like the model itself, the neighbour vote earns its share as history grows.
  const beta = cfg.neighbourWeight * t;
  if (beta > 0 && index.neighbours.classes.length > 0) {
    const vote = neighbourVote(index.neighbours, wordIds, z.length, cfg.neighbours);
    for (let c = 0; c < z.length; c++) {
      const a = index.classToArticle[c] as number;
      if (a >= 0 && !allowed[a]) continue;
      z[c] = (1 - beta) * (z[c] as number) + beta * (vote[c] as number);
    }
  }
  const pModel = new Float64Array(n);
  for (let c = 0; c < z.length; c++) {
    const a = index.classToArticle[c] as number;
    if (a >= 0) pModel[a] = z[c] as number;
  }
  const gapModel = index.gapClass >= 0 ? (z[index.gapClass] as number) : 0;

  const fusedScore = new Float64Array(n);
  // The best maxCandidates by score, then position: what sorting every article would put first, kept
  // in one pass (a 5,000-article KB need not sort 5,000 entries per question).
  const fused: { i: number; s: number }[] = [];
  const keep = Math.max(0, cfg.maxCandidates);
  let handoffMass = 0;
  let handoffModelMass = 0;
  for (let i = 0; i < n; i++) {
    if (!allowed[i]) continue;
    const s = (1 - alpha) * (pModel[i] as number) + alpha * (pLex[i] as number);
    fusedScore[i] = s;
    if (fused.length < keep || (keep > 0 && s > (fused[fused.length - 1] as { s: number }).s)) {
      let at = fused.length;
      while (at > 0 && (fused[at - 1] as { s: number }).s < s) at--;
      fused.splice(at, 0, { i, s });
      if (fused.length > keep) fused.pop();
    }
    if (index.handoffAlways[i] === 1) {
      handoffMass += s;
      handoffModelMass += pModel[i] as number;
    }
  }
  let allowedCount = 0;
  let allowedHandoff = 0;
  for (let i = 0; i < n; i++) {
    if (!allowed[i]) continue;
    allowedCount++;
    if (index.handoffAlways[i] === 1) allowedHandoff++;
  }

  const candidates: Candidate[] = fused.map(({ i, s }) => {
    const a = index.articles[i] as IndexedArticle;
    const p = bestPassage(index, a, qTerms, cfg);
    return {
      articleId: a.id,
      title: a.title,
      handoff: a.handoff,
      team: a.team,
      priority: a.priority,
      score: s,
      modelProbability: pModel[i] as number,
      lexicalScore: lex[i] as number,
      passage: a.passages[p] ?? { heading: "", text: "", md: "" },
      passageIndex: p,
      queryTerms: qTerms,
      article: a,
    };
  });
  const top = candidates[0]?.score ?? 0;
  const ev = lexicalEvidence(index, raw, allowed);
  let routedTo: Candidate | undefined;
  const first = candidates[0];
  if (first && first.handoff !== "always" && cfg.routeMargin >= 0) {
    const to = routeOf(index, first.article, qTerms, cfg);
    const target = to === undefined ? -1 : index.articles.findIndex((x) => x.id === to);
    const t = index.articles[target];
    if (t && allowed[target] && t.handoff === "always") {
      const s = fusedScore[target] ?? 0;
      routedTo = {
        articleId: t.id,
        title: t.title,
        handoff: t.handoff,
        team: t.team,
        priority: t.priority,
        score: s,
        modelProbability: pModel[target] as number,
        lexicalScore: lex[target] as number,
        passage: t.passages[0] ?? { heading: "", text: "", md: "" },
        passageIndex: 0,
        queryTerms: qTerms,
        article: t,
      };
    }
  }
  return {
    query,
    candidates,
    confidence: top,
    margin: top - (candidates[1]?.score ?? 0),
    gapProbability: (1 - alpha) * gapModel,
    coverage: wordCoverage(query, index.vocab),
    handoffMass,
    handoffModelMass,
    handoffPrior: Math.max(
      allowedHandoff / Math.max(1, allowedCount),
      (1 - alpha) * modelPrior + (alpha * allowedHandoff) / Math.max(1, allowedCount),
    ),
    evidence: ev.share,
    matchedTerms: ev.matched,
    historyWeight: t,
    ...(routedTo ? { routedTo } : {}),
  };
}
