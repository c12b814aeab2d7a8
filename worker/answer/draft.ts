// The bot's deterministic mode, for callers that need an answer they can replay rather than a turn:
// surge triage drafts replies with it (worker/insights/surge/inputs.ts). It is the bot's own
// retrieve → compose step with the default parts of parts.ts (the embedded retriever, the extractive
// composer), whatever the deployment configured for live turns: no LLM, no streaming, no translation,
// no decision. The same KB and question always give the same draft, so a replay decides the same.
import type { Source } from "../../shared/protocol.ts";
import type { LoadedKb } from "./engine/index.ts";
import type { Candidate } from "./engine/retrieve.ts";
import { embeddedRetriever, extractiveComposer } from "./parts.ts";
import { sourceIn } from "./turn.ts";

export type DraftContext = { workspaceId: string; baseUrl: string; locale: string };

export type Draft = {
  /** The best article for the question (whatever its score: the caller decides what is enough). */
  article: Candidate;
  /** The extractive answer from it. */
  text: string;
  source: Source;
};

/** The bot's deterministic answer to `question` from `kb`, or null when retrieval finds no article. */
export async function draft(kb: LoadedKb, question: string, ctx: DraftContext): Promise<Draft | null> {
  const retrieval = await embeddedRetriever.retrieve(kb, ctx.workspaceId, question, ctx.locale);
  const article = retrieval.candidates[0];
  if (!article) return null;
  const source = sourceIn(ctx.baseUrl, ctx.workspaceId);
  const composed = await extractiveComposer.compose({ text: question, locale: ctx.locale, article, retrieval, source });
  // The extractive composer always answers, with plain text.
  if (composed.kind !== "answer" || typeof composed.text !== "string")
    throw new Error(`the extractive composer gave ${composed.kind}`);
  return { article, text: composed.text, source: source(article) };
}
