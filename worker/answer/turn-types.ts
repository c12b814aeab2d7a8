// What a bot turn returns to the conversation engine. Kept apart from the engine so the turn itself
// (turn.ts) is pure and the offline evaluators can run it in Node.
import type { TriedArticle } from "../../shared/api.ts";
import type { Action, Source } from "../../shared/protocol.ts";
import type { Clarify } from "../conversation/store.ts";

/** What the bot decided for one customer message. `text` streams when it is an async iterable (LLM). */
export type BotTurn = {
  action: Action;
  reason: string;
  confidence: number;
  text: string | AsyncIterable<string>;
  sources: Source[];
  /** When set, the sources the streamed text actually cited, read once it has streamed to the end. */
  citedSources?: () => Source[];
  /** The article the decision rests on (answered, or the one that requires a person). */
  article?: { id: string; title: string; category: string; team: string; priority: string };
  /** Candidates considered, best first, for the handoff packet. */
  tried: TriedArticle[];
  /** The bot was unsure: counts toward "confidence stays low after a rephrase". */
  lowConfidence: boolean;
  /** The customer's language as this message showed it: becomes the conversation's language. */
  locale?: string;
  /** The language `text` is written in, when it differs (a sentence the bot has no table for is English). */
  textLocale?: string;
  /** The answer was machine-translated from an article in this language. */
  translatedFrom?: string;
  /** The question this turn was about, when not the message itself (the answer to "Do you mean …?"). */
  question?: string;
  /** Action "clarify": the options shown, and what the conversation keeps to read the answer. */
  options?: { articleId: string; title: string }[];
  clarify?: Clarify;
};

export type TurnContext = {
  locale: string;
  priorLowConfidence: number;
  priorFailures: number;
  /** The customer's previous messages, oldest first, for context a single message lacks. */
  earlier: string[];
  channel?: string;
  /** The bot's open "Do you mean …?", if its last message asked one. */
  clarify?: Clarify;
  /** The customer's answer to it: an offered article id, or "none". */
  choice?: string;
};

export interface Brain {
  turn(text: string, ctx: TurnContext): Promise<BotTurn>;
}

/** Machine translation as the turn uses it (implemented by worker/answer/ai/translate.ts). */
export interface Translate {
  /** `text` from language `from` into `to` (ISO 639-1), or null when it could not be translated. */
  translate(text: string, from: string, to: string): Promise<string | null>;
}
