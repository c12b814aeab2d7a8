// What the bot does with a customer message, given what retrieval found. Safety first: a person when
// the customer asks for one or the article says so; an answer only when retrieval is confident; and a
// clear "I can't help with that" (with the offer of a person) rather than a guess.
import type { Action } from "../../../shared/protocol.ts";
import { defaultDecisionConfig, type DecisionConfig } from "./config.ts";
import type { Candidate, Retrieval } from "./retrieve.ts";
import { normalize, words } from "./text.ts";

export interface Turn {
  text: string;
  locale: string;
  /** Earlier bot turns in this conversation that were low-confidence. */
  priorLowConfidence: number;
  priorFailures: number;
}

export type DecisionReason =
  | "confident"
  | "asked-for-person"
  | "article-requires-person"
  | "low-confidence-after-rephrase"
  | "low-confidence"
  | "out-of-scope"
  | "negative-sentiment"
  | "repeated-failure"
  /** The customer picked this article from a "Do you mean …?". */
  | "clarified";

export interface Decision {
  action: Action;
  reason: DecisionReason;
  article?: Candidate;
  confidence: number;
}

// Requests for a human, matched on accent-folded lowercase text. Generic phrasing in English and
// Spanish (plus a few Portuguese, French, German and Italian forms): "talk to a person", "real human",
// "hablar con un agente", "mit einer Person sprechen".
const PERSON_PATTERNS: RegExp[] = [
  /\b(speak|talk|chat|connect|put)\b.{0,25}\b(to|with|me)\b.{0,20}\b(person|human|agent|someone|somebody|representative|rep|operator|advisor|adviser|staff|people|manager|supervisor)\b/,
  /\b(real|live|actual)\s+(person|human|agent|people|representative)\b/,
  /\b(human|person|agent|representative|operator)\s+(please|pls|now)\b/,
  /\b(want|need|get|give)\b.{0,20}\b(a|an|the|some)?\s*(human|person|live agent|real agent|representative|operator)\b/,
  /^\s*(agent|human|representative|operator|person)\s*[.!?]*\s*$/,
  /\b(hablar|comunicarme|contactar|hable|pasame|pasar|quiero|necesito)\b.{0,30}\b(persona|humano|agente|asesor|operador|representante|alguien)\b/,
  /\b(persona|agente|asesor|operador)\s+(real|humano|humana|por favor)\b/,
  /\b(falar|quero)\b.{0,25}\b(pessoa|humano|atendente|agente)\b/,
  /\b(parler|veux)\b.{0,25}\b(personne|humain|agent|conseiller)\b/,
  /\b(sprechen|reden|verbinden|mochte)\b.{0,30}\b(person|mensch|menschen|mitarbeiter|mitarbeiterin|berater|agent)\b/,
  /\b(mit|einen?|eine)\s+(person|mensch|mitarbeiter|mitarbeiterin|berater)\b.{0,20}\b(sprechen|reden)\b/,
  /\b(parlare|voglio)\b.{0,25}\b(persona|umano|operatore|agente|consulente)\b/,
];

export function asksForPerson(text: string): boolean {
  const t = normalize(text).replace(/\s+/g, " ");
  return PERSON_PATTERNS.some((re) => re.test(t));
}

// A small valence lexicon (English and Spanish): intensity of frustration, not topic. Words such as
// "stolen" or "fraud" are topics in a bank KB, so they are deliberately absent.
const NEGATIVE = new Set(
  (
    "angry furious terrible awful horrible useless ridiculous worst unacceptable disgusting pathetic " +
    "incompetent scam joke hate annoyed annoying frustrated frustrating fed outraged stupid rubbish " +
    "garbage shit shitty crap fucking fuck damn wtf sick tired disappointed disgraceful " +
    "enfadado enojado harto horrible pesimo inutil ridiculo vergonzoso estafa odio furioso basura"
  ).split(" "),
);
const POSITIVE = new Set("thanks thank great love happy excellent perfect awesome gracias genial perfecto".split(" "));

/** Count of negative minus positive valence words, plus one for shouting or "!!". */
export function negativeSentiment(text: string): number {
  let s = 0;
  for (const w of words(text)) {
    if (NEGATIVE.has(w)) s++;
    else if (POSITIVE.has(w)) s--;
  }
  const letters = text.replace(/[^A-Za-z]/g, "");
  if (letters.length >= 12 && letters === letters.toUpperCase()) s++;
  if (/!{2,}/.test(text)) s++;
  return s;
}

export function decide(retrieval: Retrieval, turn: Turn, config: DecisionConfig = defaultDecisionConfig): Decision {
  const top = retrieval.candidates[0];
  const confidence = retrieval.confidence;
  const h = retrieval.historyWeight;
  const mix = (noHistory: number, withHistory: number) => noHistory + (withHistory - noHistory) * h;
  const answerMin = mix(config.answerMinConfidenceNoHistory, config.answerMinConfidence);
  const handoffMin = mix(config.handoffMinMassNoHistory, config.handoffMinMass);
  const coverageMin = mix(config.minWordCoverageNoHistory, config.minWordCoverage);
  const evidenceMin = mix(config.minEvidenceNoHistory, config.minEvidence);
  const excessMin = mix(config.handoffMinExcessNoHistory, config.handoffMinExcess);
  const prior = retrieval.handoffPrior;
  const handoffExcess = prior < 1 ? (retrieval.handoffMass - prior) / (1 - prior) : 1;
  // The intent model's own lift: what overrides weak lexical evidence must not rest on the words
  // that evidence found weak ("tell me a joke" sharing "tell" with the refund article's steps).
  const modelExcess = prior < 1 ? (retrieval.handoffModelMass - prior) / (1 - prior) : 1;
  const bestHandoff = retrieval.candidates.find((c) => c.handoff === "always");
  // The model's lift stands in for weak lexical evidence only for a handoff article whose customers'
  // phrasings nobody wrote down. With `questions:` the article's own words include how customers ask,
  // so evidence that stays weak means the message is about something else, and a dozen short
  // first-person examples make the KB-only model pull any unknown request to that article ("tell me a
  // joke", "recommend a good movie" → the refund article in the demo KB's tuning set).
  const taught = (bestHandoff?.article?.questions?.length ?? 0) > 0;
  // Few of the query's words appear in any article, and those that do are common ones.
  const weakEvidence = retrieval.evidence < evidenceMin && retrieval.matchedTerms < config.minMatchedTerms;
  const offTopic =
    !top ||
    retrieval.coverage < coverageMin ||
    confidence < config.outOfScopeMaxConfidence ||
    (retrieval.gapProbability >= config.gapMinProbability && retrieval.gapProbability >= confidence);
  const outOfScope = offTopic || weakEvidence;
  // The best article that a person need not handle: when it clearly outranks every handoff article
  // together, the question is about it ("how long does shipping take" is not "my parcel is lost").
  const bestAnswer = retrieval.candidates.find((c) => c.handoff !== "always");
  const outranked =
    !!bestAnswer &&
    retrieval.handoffMass < mix(config.handoffVsAnswerNoHistory, config.handoffVsAnswer) * bestAnswer.score;
  const handoffTopic =
    !!top &&
    !!bestHandoff &&
    !offTopic &&
    !outranked &&
    retrieval.handoffMass >= handoffMin &&
    handoffExcess >= excessMin &&
    (!weakEvidence || (modelExcess >= config.handoffStrongExcess && !taught));
  const confident = !!top && !outOfScope && confidence >= answerMin && retrieval.margin >= config.answerMinMargin;
  // The article a handoff or decline rests on: only one retrieval actually found.
  const related = outOfScope ? undefined : top;

  if (asksForPerson(turn.text)) return { action: "handoff", reason: "asked-for-person", article: related, confidence };
  if (handoffTopic && bestHandoff) {
    return { action: "handoff", reason: "article-requires-person", article: bestHandoff, confidence };
  }
  if (confident && top) {
    // The article the bot would answer with itself sends this case to a person ("…: see "My print
    // order is lost…""). Only then: a vague question whose best article is a guess is not escalated
    // because of one of its sentences ("my photos look washed out after the update").
    if (retrieval.routedTo) {
      return { action: "handoff", reason: "article-requires-person", article: retrieval.routedTo, confidence };
    }
    if (top.handoff === "always")
      return { action: "handoff", reason: "article-requires-person", article: top, confidence };
    return { action: "answer", reason: "confident", article: top, confidence };
  }
  if (
    confidence < config.negativeSentimentMaxConfidence &&
    negativeSentiment(turn.text) >= config.negativeSentimentMinScore
  ) {
    return { action: "handoff", reason: "negative-sentiment", article: related, confidence };
  }
  // Chit-chat and questions the help centre does not cover are declined kindly however often they come:
  // a person would be no better placed to write a poem. The customer can always ask for one.
  if (outOfScope) return { action: "decline", reason: "out-of-scope", confidence };
  if (turn.priorFailures >= config.maxFailures) {
    return { action: "handoff", reason: "repeated-failure", article: related, confidence };
  }
  if (turn.priorLowConfidence >= 1) {
    return { action: "handoff", reason: "low-confidence-after-rephrase", article: related, confidence };
  }
  return { action: "decline", reason: "low-confidence", article: related, confidence };
}

/**
 * When retrieval cannot tell two or three articles apart, the articles worth asking about ("Do you
 * mean …?"): the best one is plausible (`clarifyMinTop`), the others come close to it
 * (`clarifyRatio` of its score), and together they hold most of what retrieval found
 * (`clarifyMinMass`). Empty when there is nothing to ask.
 */
export function clarifyOptions(retrieval: Retrieval, config: DecisionConfig = defaultDecisionConfig): Candidate[] {
  const [top, ...rest] = retrieval.candidates;
  if (!top || config.clarifyMax < 2 || top.score < config.clarifyMinTop) return [];
  const close = rest.filter((c) => c.score >= config.clarifyRatio * top.score).slice(0, config.clarifyMax - 1);
  if (!close.length) return [];
  const options = [top, ...close];
  return options.reduce((m, c) => m + c.score, 0) >= config.clarifyMinMass ? options : [];
}
