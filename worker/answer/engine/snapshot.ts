// Publishing and loading. buildSnapshot does the expensive work once (chunking, training the intent
// model on history + article text); the result is plain JSON for KV. loadIndex runs on every isolate
// cold start, so it only decodes weights and rebuilds the small BM25 tables.
import type { Article } from "../../../shared/article.ts";
import { chunkArticle, type Passage } from "./chunk.ts";
import { defaultRetrieveConfig, defaultTrainConfig, type FeatureConfig, type TrainConfig } from "./config.ts";
import { featureNames, vectorize } from "./features.ts";
import {
  deserializeModel,
  serializeModel,
  trainSteps,
  type Model,
  type SerializedModel,
  type TrainingExample,
} from "./model.ts";
import { loadNeighbours, type Neighbours, type SerializedNeighbours } from "./knn.ts";
import { loadCentroids, type CentroidModel, type SerializedCentroids } from "./centroid.ts";
import { buildCentroids, type ClassExample } from "./build-centroids.ts";
import { bm25, type Bm25Params, type LexicalDoc } from "./bm25.ts";
import { fitLexicalTemperature, type CalibrationArticle } from "./calibrate.ts";
import { sentenceReader, sentences, type SentenceDoc } from "./routes.ts";
import { STOPWORDS, terms, words } from "./text.ts";

export const SNAPSHOT_FORMAT = 1;

/**
 * Names the snapshot's shape and training. Bump it with any change to either: snapshots of another
 * engine are rebuilt from the stored articles and history (worker/knowledge), never loaded. e6: the
 * cold-start examples (tags, title dropouts) and the large-KB centroids, each an e5 on its own branch.
 * e7: each article's `learnt` words.
 */
export const ENGINE_VERSION = "e7";
/** History lines from which rare features are pruned and IDF weighting starts. */
const HISTORY_FOR_PRUNING = 200;

/** Class name of "agents resolved this without any KB article": evidence of a gap, never an answer. */
export const GAP_CLASS = "__gap__";

export interface SnapshotArticle {
  id: string;
  title: string;
  category: string;
  tags: string[];
  handoff: "never" | "always";
  priority: string;
  team: string;
  locale: string;
  updated: string;
  /** "Questions this article answers" from front matter. */
  questions: string[];
  /** The action the bot runs instead of quoting the article (front matter `action:`; docs/actions.md). */
  action?: string;
  passages: Passage[];
  /**
   * Words customers keep using for this article in resolved conversations that its text lacks (lexical
   * terms, most used first): evidence that the article covers a question, read only by the out-of-scope
   * gate (Retrieval.evidence), never by ranking. Only while history is small: with enough of it the
   * vocabulary coverage test knows customers' words and the evidence gate has faded out.
   */
  learnt?: string[];
}

export interface KbSnapshot {
  format: number;
  version: string;
  articles: SnapshotArticle[];
  features: FeatureConfig;
  /**
   * The intent model: the dense softmax (`model`) up to `TrainConfig.denseMaxWork`, per-class sparse
   * centroids (`centroids`) past it; exactly one is present.
   */
  model?: SerializedModel;
  centroids?: SerializedCentroids;
  /** Resolved history questions for the nearest-neighbour vote. */
  neighbours: SerializedNeighbours;
  /** The workspace's synonym groups, applied to questions at retrieval. */
  synonyms?: string[][];
  history: {
    /** History lines that trained the model towards a published article. */
    resolvedByArticle: number;
    /** Lines resolved without a published article: trained the gap class. */
    gaps: number;
    /** Per unpublished article id (or free label) how many gap lines, for the content team. */
    gapTopics: Record<string, number>;
  };
}

export interface HistoryItem {
  text: string;
  article: string;
}

export interface BuildInput {
  version: string;
  articles: Article[];
  history: HistoryItem[];
  /** The workspace's synonym groups ("bin, trash"; "cancel plan, downgrade"). */
  synonyms?: string[][];
}

export type { LexicalDoc } from "./bm25.ts";

export interface IndexedArticle extends SnapshotArticle {
  /** Lexical document: title and tags boosted, plus body. */
  doc: LexicalDoc;
  passageDocs: LexicalDoc[];
}

export interface KbIndex {
  version: string;
  articles: IndexedArticle[];
  byId: Map<string, IndexedArticle>;
  features: FeatureConfig;
  /** The dense model, or the centroids of a large KB (exactly one). */
  model?: Model;
  centroids?: CentroidModel;
  /** `w:<stem>` of every word the model knows: the vocabulary word coverage is read against. */
  vocab: ReadonlyMap<string, number>;
  /** Model classes (article ids, then the gap class when there is one). */
  classes: string[];
  neighbours: Neighbours;
  /** Dense model: feature index → is a word/bigram feature (the k-NN view); empty for centroids. */
  isWordFeature: Uint8Array;
  /** Model class → position in `articles`, or -1 for the gap class. */
  classToArticle: Int32Array;
  gapClass: number;
  /** History examples behind the model: decides how much the fused score trusts it over BM25. */
  historySize: number;
  df: Map<string, number>;
  /**
   * Term → the articles (positions, ascending) whose lexical document has it, and its frequency in
   * each: BM25 and the lexical evidence touch only those (a 5,000-article KB: a question shares a word
   * with thousands of articles, and a Map lookup per query term per article was most of its CPU).
   */
  termArticles: Map<string, { docs: Int32Array; tf: Uint16Array | Float64Array }>;
  /** Term → the articles (positions, ascending) that learnt it from resolved questions (SnapshotArticle.learnt). */
  learntArticles: Map<string, Int32Array>;
  /**
   * Per article position: its lexical document's length, and 1 when it always needs a person. Read
   * per article per question, so flat arrays rather than thousands of article objects of mixed shapes.
   */
  docLen: Float64Array;
  handoffAlways: Uint8Array;
  avgLen: number;
  passageDf: Map<string, number>;
  passageAvgLen: number;
  passageCount: number;
  /** An article's sentences, and the article each one sends the reader to (routes.ts; built on first use). */
  sentences: (articleId: string) => SentenceDoc[];
  /** Mean sentence length in terms, estimated from the passages (BM25 over sentences). */
  sentenceAvgLen: number;
  /**
   * The BM25 softmax temperature this KB's own titles fit (calibrate.ts), or undefined when it has too
   * few articles to tell.
   */
  lexicalTemperature?: number;
  /** Synonym groups as term lists: a question holding every term of one member gains the others'. */
  synonyms: { members: string[][]; text: string[] }[];
}

function lexicalDoc(ts: string[]): LexicalDoc {
  const tf = new Map<string, number>();
  for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
  return { tf, len: ts.length };
}

// Lexical boosts are fixed at publish-format level rather than per query, so they live with the
// retrieve config; loadIndex takes them to build the article documents once.
export interface LexicalBoosts extends Bm25Params {
  /** From this much history on the fitted temperature is not used (RetrieveConfig), so not fitted. */
  historyForFullModel: number;
  titleBoost: number;
  tagBoost: number;
  headingBoost: number;
}

// The model learns from each paragraph (or list) of an article as a separate example: a section as one
// long example teaches it less (banking77 dev without history: auto-resolution 11.7 → 8.8).
function articleTexts(a: SnapshotArticle): string[] {
  const meta = `${a.title}. ${a.tags.join(" ")} ${a.category}`;
  const blocks = a.passages.flatMap((p) =>
    blocksOf(p.text).map((b, i) => (p.heading && i === 0 ? `${p.heading}. ${b}` : b)),
  );
  return [a.title, meta, ...blocks];
}

/** The title once per content word, without that word (TrainConfig.titleDropoutWeight). */
export function titleDropouts(title: string): string[] {
  const ws = title.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  ws.forEach((w, i) => {
    if (words(w).every((x) => STOPWORDS.has(x))) return;
    out.push(ws.filter((_, j) => j !== i).join(" "));
  });
  return out;
}

const isListLine = (l: string) => /^\s*([-*+]|\d+[.)])\s+/.test(l);

/** A section's paragraphs: an intro line ending in ":" stays with its list; short blocks join the next. */
function blocksOf(text: string, minWords = 18): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  const flush = () => {
    if (cur.length) out.push(cur.join("\n"));
    cur = [];
  };
  for (const line of text.split("\n")) {
    const last = cur.at(-1) ?? "";
    if (cur.length && isListLine(last) && !isListLine(line)) flush();
    else if (cur.length && !isListLine(line) && !last.trimEnd().endsWith(":") && !isListLine(last)) flush();
    cur.push(line);
  }
  flush();
  const merged: string[] = [];
  for (const b of out) {
    const prev = merged.at(-1);
    if (prev !== undefined && (prev.match(/\S+/g) ?? []).length < minWords) merged[merged.length - 1] = `${prev}\n${b}`;
    else merged.push(b);
  }
  return merged;
}

/**
 * Whether a build of this input may take the centroid model (past denseMaxWork), estimated before
 * chunking (an article gives about a dozen training texts): the publisher reads the live snapshot, to
 * reuse its parts, only then. A wrong guess costs a read, or the reuse, never a different result.
 */
export function mayUseCentroids(articles: number, history: number, cfg: TrainConfig = defaultTrainConfig): boolean {
  return (history + 6 * articles) * (articles + 1) > cfg.denseMaxWork;
}

export function buildSnapshot(
  input: BuildInput,
  cfg: TrainConfig = defaultTrainConfig,
  previous?: Pick<KbSnapshot, "centroids" | "neighbours">,
): KbSnapshot {
  const steps = buildSnapshotSteps(input, cfg, previous);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Where a build is: `done` of `total` units of the stage (texts featurised, training examples seen). */
export type BuildProgress = { stage: "features" | "train"; done: number; total: number };

/**
 * buildSnapshot as a generator that yields progress every few milliseconds of work, so the publisher
 * can report it and give other requests on the same thread a turn; the result is identical.
 *
 * `previous`: the live snapshot, when it was built by this engine. A large KB (centroid model) reuses
 * from it every part whose inputs did not change; the result is the same as without it.
 */
export function* buildSnapshotSteps(
  input: BuildInput,
  cfg: TrainConfig = defaultTrainConfig,
  previous?: Pick<KbSnapshot, "centroids" | "neighbours">,
): Generator<BuildProgress, KbSnapshot> {
  const articles: SnapshotArticle[] = [...input.articles]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((a) => ({
      id: a.id,
      title: a.title,
      category: a.category,
      tags: [...a.tags],
      handoff: a.handoff,
      priority: a.priority,
      team: a.team,
      locale: a.locale,
      updated: a.updated,
      // Drafts saved before the field existed may lack it.
      questions: [...(a.questions ?? [])],
      ...(a.action ? { action: a.action } : {}),
      passages: chunkArticle(a.body, cfg.minPassageWords),
    }));
  const published = new Map(articles.map((a, i) => [a.id, i]));

  const texts: { text: string; cls: string; weight: number; history: boolean }[] = [];
  // The article weight is relative to history; with no history the articles are all there is. It
  // moves to its with-history value as history grows, and the settings below switch only once there
  // is enough of it: a new workspace's first few learnt questions (a clarifying choice, one resolved
  // ticket) must not drop the rare article words the KB-only model lives on.
  const grown = Math.min(1, input.history.length / defaultRetrieveConfig.historyForFullModel);
  const articleWeight = 1 - (1 - cfg.articleExampleWeight) * grown;
  const someHistory = input.history.length >= HISTORY_FOR_PRUNING;
  for (const a of articles) {
    for (const t of articleTexts(a)) texts.push({ text: t, cls: a.id, weight: articleWeight, history: false });
    // Each tag alone: a content team's keyphrases read like a customer's few words ("storage full",
    // "out of space"). A cold-start signal that fades out as history grows and is gone once there is
    // enough (TrainConfig.tagExampleWeight).
    const tagWeight = articleWeight * cfg.tagExampleWeight * (1 - grown);
    if (tagWeight > 0) for (const t of a.tags) texts.push({ text: t, cls: a.id, weight: tagWeight, history: false });
    const dropWeight = articleWeight * cfg.titleDropoutWeight * (1 - grown);
    if (dropWeight > 0)
      for (const t of titleDropouts(a.title)) texts.push({ text: t, cls: a.id, weight: dropWeight, history: false });
    // Customers' own phrasing, written down by the content team: learnt like resolved tickets.
    for (const q of a.questions) texts.push({ text: q, cls: a.id, weight: 1, history: false });
  }
  let resolvedByArticle = 0;
  let gaps = 0;
  const gapTopics: Record<string, number> = {};
  for (const h of input.history) {
    if (!h.text.trim()) continue;
    if (published.has(h.article)) {
      texts.push({ text: h.text, cls: h.article, weight: 1, history: true });
      resolvedByArticle++;
    } else {
      texts.push({ text: h.text, cls: GAP_CLASS, weight: 1, history: true });
      gaps++;
      const topic = h.article || "(none)";
      gapTopics[topic] = (gapTopics[topic] ?? 0) + 1;
    }
  }

  if (input.history.length < defaultRetrieveConfig.historyForFullModel) addLearntWords(articles, input.history, cfg);

  const classes = articles.map((a) => a.id);
  if (gaps > 0) classes.push(GAP_CLASS);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const sortedGapTopics: Record<string, number> = {};
  for (const k of Object.keys(gapTopics).sort()) sortedGapTopics[k] = gapTopics[k] as number;
  const historySummary = { resolvedByArticle, gaps, gapTopics: sortedGapTopics };

  // Past this much training work the dense softmax would not fit a publish's CPU (docs/performance.md):
  // per-class centroids instead, which also make an edit rebuild only what it touched.
  if (texts.length * classes.length > cfg.denseMaxWork) {
    const articleExamples: ClassExample[][] = classes.map(() => []);
    const tickets: { text: string; cls: number }[] = [];
    for (const t of texts) {
      const c = classIndex.get(t.cls) as number;
      if (t.history) tickets.push({ text: t.text, cls: c });
      else (articleExamples[c] as ClassExample[]).push({ text: t.text, weight: t.weight });
    }
    const { centroids, neighbours } = yield* buildCentroids({
      classes,
      articleExamples,
      tickets,
      someHistory,
      cfg,
      ...(previous?.centroids ? { previous: { centroids: previous.centroids, neighbours: previous.neighbours } } : {}),
    });
    return {
      format: SNAPSHOT_FORMAT,
      version: input.version,
      articles,
      features: cfg.features,
      centroids,
      neighbours,
      ...(input.synonyms?.length ? { synonyms: input.synonyms } : {}),
      history: historySummary,
    };
  }

  const named: Map<string, number>[] = [];
  for (const t of texts) {
    named.push(featureNames(t.text, cfg.features));
    if (named.length % 200 === 0) yield { stage: "features", done: named.length, total: texts.length };
  }
  const counts = new Map<string, number>();
  for (const f of named) for (const k of f.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
  // Without history every feature of the (few) article texts matters; with history rare ones are noise.
  const minCount = someHistory ? cfg.minFeatureCount : 1;
  const features = [...counts]
    .filter(([, c]) => c >= minCount)
    .map(([k]) => k)
    .sort();
  const vocab = new Map(features.map((f, i) => [f, i]));

  let idf: Float64Array | undefined;
  // Only with history: over a handful of long article texts document frequency says little, and on
  // banking77 dev the KB-only model lost precision with it.
  if (cfg.idf && someHistory) {
    const nDocs = texts.length;
    // Smoothed, and rounded as it will be stored, so training sees exactly what retrieval will.
    idf = Float64Array.from(
      features,
      (f) => Math.round((Math.log((nDocs + 1) / ((counts.get(f) ?? 0) + 1)) + 1) * 100) / 100,
    );
  }
  const examples: TrainingExample[] = texts.map((t, i) => ({
    x: vectorize(named[i] as Map<string, number>, vocab, idf).vec,
    y: classIndex.get(t.cls) as number,
    weight: t.weight,
  }));
  const training = trainSteps(examples, features.length, classes.length, cfg);
  let trained = training.next();
  while (!trained.done) {
    yield { stage: "train", done: trained.value.step, total: trained.value.total };
    trained = training.next();
  }
  const { w, bias } = trained.value;
  const neighbours: SerializedNeighbours = { classes: [], offsets: [0], features: [] };
  texts.forEach((t, i) => {
    if (!t.history) return;
    const ex = examples[i] as TrainingExample;
    for (const f of ex.x.idx) if (!(features[f] as string).startsWith("c:")) neighbours.features.push(f);
    neighbours.classes.push(ex.y);
    neighbours.offsets.push(neighbours.features.length);
  });

  return {
    format: SNAPSHOT_FORMAT,
    version: input.version,
    articles,
    features: cfg.features,
    model: serializeModel(classes, features, w, bias, idf),
    neighbours,
    ...(input.synonyms?.length ? { synonyms: input.synonyms } : {}),
    history: historySummary,
  };
}

/**
 * Sets each article's `learnt` words: terms of its resolved questions that its own lexical text lacks,
 * used in at least `learntMinSupport` of them (one customer's wording is an anecdote; several customers
 * saying "late" about the order-status article is what the desk has learnt), at most `learntMax`.
 */
function addLearntWords(articles: SnapshotArticle[], history: HistoryItem[], cfg: TrainConfig): void {
  const byArticle = new Map<string, string[]>();
  for (const h of history) {
    const l = byArticle.get(h.article);
    if (l) l.push(h.text);
    else byArticle.set(h.article, [h.text]);
  }
  for (const a of articles) {
    const texts = byArticle.get(a.id);
    if (!texts || texts.length < cfg.learntMinSupport) continue;
    const lang = a.locale.slice(0, 2);
    const own = new Set(terms([a.title, a.tags.join(" "), a.category, ...a.questions].join("\n"), lang));
    for (const p of a.passages) for (const t of terms(`${p.heading}\n${p.text}`, lang)) own.add(t);
    const support = new Map<string, number>();
    for (const text of texts)
      for (const t of new Set(terms(text, lang))) if (!own.has(t)) support.set(t, (support.get(t) ?? 0) + 1);
    const learnt = [...support]
      .filter(([, n]) => n >= cfg.learntMinSupport)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .slice(0, cfg.learntMax)
      .map(([t]) => t);
    if (learnt.length) a.learnt = learnt;
  }
}

export function loadIndex(snapshot: KbSnapshot, boosts: LexicalBoosts = defaultRetrieveConfig): KbIndex {
  if (snapshot.format !== SNAPSHOT_FORMAT) throw new Error(`unsupported KB snapshot format ${snapshot.format}`);
  const calibration: CalibrationArticle[] = [];
  let bodyTerms = 0;
  let sentenceCount = 0;
  const articles: IndexedArticle[] = snapshot.articles.map((a) => {
    const lang = a.locale.slice(0, 2);
    const title = terms(a.title, lang);
    const tags = terms(`${a.tags.join(" ")} ${a.category}`, lang);
    const questions = terms((a.questions ?? []).join("\n"), lang);
    const body: string[] = [];
    const headings: string[] = [];
    const passageDocs = a.passages.map((p, i) => {
      const head = terms(p.heading, lang);
      const ts = terms(p.text, lang);
      for (const t of ts) body.push(t);
      bodyTerms += ts.length;
      for (const line of p.text.split("\n")) sentenceCount += sentences(line).length;
      headings.push(...head);
      // A section is about its heading; the untitled opening section answers the title's question.
      const doc = [...ts];
      for (let k = 0; k < boosts.headingBoost; k++) doc.push(...head);
      if (i === 0 && !p.heading) {
        for (let k = 0; k < boosts.headingBoost; k++) doc.push(...title);
        doc.push(...questions);
      }
      return lexicalDoc(doc);
    });
    const all: string[] = [];
    for (let i = 0; i < boosts.titleBoost; i++) all.push(...title);
    for (let i = 0; i < boosts.tagBoost; i++) all.push(...tags);
    for (let i = 0; i < boosts.tagBoost; i++) all.push(...questions);
    for (let i = 0; i < boosts.headingBoost; i++) all.push(...headings);
    all.push(...body);
    const own: string[] = [];
    for (let i = 0; i < boosts.titleBoost; i++) own.push(...title);
    for (let i = 0; i < boosts.tagBoost; i++) own.push(...questions);
    const doc = lexicalDoc(all);
    calibration.push({ doc, own, queries: [title, ...(a.questions ?? []).map((q) => terms(q, lang))], group: lang });
    return { ...a, doc, passageDocs };
  });
  const df = new Map<string, number>();
  const passageDf = new Map<string, number>();
  let totalLen = 0;
  let passageLen = 0;
  let passageCount = 0;
  const termLists = new Map<string, number[]>();
  for (const [ai, a] of articles.entries()) {
    totalLen += a.doc.len;
    for (const t of a.doc.tf.keys()) {
      df.set(t, (df.get(t) ?? 0) + 1);
      let l = termLists.get(t);
      if (!l) termLists.set(t, (l = []));
      l.push(ai);
    }
    for (const p of a.passageDocs) {
      passageLen += p.len;
      passageCount++;
      for (const t of p.tf.keys()) passageDf.set(t, (passageDf.get(t) ?? 0) + 1);
    }
  }
  const avgLen = totalLen / Math.max(1, articles.length);
  const learntLists = new Map<string, number[]>();
  for (const [ai, a] of articles.entries())
    for (const t of a.learnt ?? []) {
      const l = learntLists.get(t);
      if (l) l.push(ai);
      else learntLists.set(t, [ai]);
    }
  const learntArticles = new Map([...learntLists].map(([t, l]) => [t, Int32Array.from(l)]));
  const termArticles = new Map<string, { docs: Int32Array; tf: Uint16Array | Float64Array }>();
  for (const [t, l] of termLists) {
    const tfs = l.map((ai) => (articles[ai] as IndexedArticle).doc.tf.get(t) as number);
    // Counts fit 16 bits in any real article; exact either way.
    const small = tfs.every((x) => Number.isInteger(x) && x >= 0 && x < 65536);
    termArticles.set(t, { docs: Int32Array.from(l), tf: small ? Uint16Array.from(tfs) : Float64Array.from(tfs) });
  }
  const historySize = snapshot.history.resolvedByArticle + snapshot.history.gaps;
  const lexicalTemperature =
    historySize < boosts.historyForFullModel
      ? fitLexicalTemperature(calibration, (q, d) => bm25(q, d, df, articles.length, avgLen, boosts))
      : undefined;
  let scorer: { model: Model; isWordFeature: Uint8Array } | { centroids: CentroidModel };
  if (snapshot.model) {
    scorer = {
      model: deserializeModel(snapshot.model),
      isWordFeature: Uint8Array.from(snapshot.model.features, (f) => (f.startsWith("c:") ? 0 : 1)),
    };
  } else if (snapshot.centroids) scorer = { centroids: loadCentroids(snapshot.centroids) };
  else throw new Error("KB snapshot without a model");
  const classes = "model" in scorer ? scorer.model.classes : scorer.centroids.classes;
  const pos = new Map(articles.map((a, i) => [a.id, i]));
  const classToArticle = Int32Array.from(classes, (c) => pos.get(c) ?? -1);
  return {
    version: snapshot.version,
    articles,
    byId: new Map(articles.map((a) => [a.id, a])),
    features: snapshot.features,
    ...("model" in scorer
      ? { model: scorer.model, vocab: scorer.model.vocab, isWordFeature: scorer.isWordFeature }
      : { centroids: scorer.centroids, vocab: scorer.centroids.vocab, isWordFeature: new Uint8Array(0) }),
    classes,
    neighbours: loadNeighbours(snapshot.neighbours),
    classToArticle,
    gapClass: classes.indexOf(GAP_CLASS),
    historySize,
    df,
    termArticles,
    learntArticles,
    docLen: Float64Array.from(articles, (a) => a.doc.len),
    handoffAlways: Uint8Array.from(articles, (a) => (a.handoff === "always" ? 1 : 0)),
    avgLen,
    ...(lexicalTemperature === undefined ? {} : { lexicalTemperature }),
    passageDf,
    passageAvgLen: passageLen / Math.max(1, passageCount),
    passageCount,
    sentences: sentenceReader(snapshot.articles),
    sentenceAvgLen: bodyTerms / Math.max(1, sentenceCount),
    synonyms: (snapshot.synonyms ?? []).map((g) => ({ members: g.map((m) => terms(m)), text: g })),
  };
}
