// The two replaceable parts of the bot's turn: how candidates are found and how an answer is worded.
// The embedded implementations are the defaults; worker/answer/ai/ adds hybrid retrieval and an LLM
// composer behind the same interfaces, so brain.ts — and decide() — stay one path.
import type { Source } from "../../shared/protocol.ts";
import { composeAnswer } from "./engine/compose.ts";
import { retrieve, type Candidate, type Retrieval } from "./engine/retrieve.ts";
import type { LoadedKb } from "./engine/index.ts";

export interface Retriever {
  retrieve(kb: LoadedKb, workspaceId: string, text: string, locale: string): Promise<Retrieval>;
}

export type ComposeInput = {
  text: string;
  locale: string;
  /** The article the decision answers from. */
  article: Candidate;
  retrieval: Retrieval;
  source(c: Candidate): Source;
};

export type Composed =
  | {
      kind: "answer";
      text: string | AsyncIterable<string>;
      /** Known before the text streams. */
      sources: Source[];
      /** The sources the text actually cited, once it has streamed to the end. */
      citedSources?: () => Source[];
      composer: string;
    }
  /** The composer found that the passages do not answer the question. */
  | { kind: "refused"; composer: string };

export interface Composer {
  compose(input: ComposeInput): Promise<Composed>;
}

export const embeddedRetriever: Retriever = {
  async retrieve(kb, _workspaceId, text, locale) {
    return retrieve(kb.index, text, { locale });
  },
};

export const extractiveComposer: Composer = {
  async compose({ text, article, source }) {
    return { kind: "answer", text: composeAnswer(text, article), sources: [source(article)], composer: "extractive" };
  },
};
