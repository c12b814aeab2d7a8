// The production AI path, assembled from configuration: which Retriever and Composer the brain uses,
// and the passage indexer the publisher calls. With no vars and no bindings this returns exactly the
// embedded defaults.
import type { Env } from "../../env.ts";
import { embeddedRetriever, extractiveComposer, type Composer, type Retriever } from "../parts.ts";
import { aiRuntime, type AiRuntime } from "./config.ts";
import { Embedder } from "./embeddings.ts";
import { HybridRetriever } from "./hybrid.ts";
import { VectorizeIndexer, type PassageIndexer } from "./indexer.ts";
import { LlmComposer } from "./llm.ts";
import { ActionTools } from "./tools.ts";
import { PassageVectors } from "./vectors.ts";

export type AnswerParts = { retriever: Retriever; composer: Composer; runtime: AiRuntime };

type AiEnv = Parameters<typeof aiRuntime>[0];

export function answerParts(env: AiEnv): AnswerParts {
  const runtime = aiRuntime(env);
  const { settings: s, ai, vectors } = runtime;
  const retriever =
    s.retrieval === "hybrid" && ai && vectors
      ? new HybridRetriever(new Embedder(ai, s.embeddingModel, s.embeddingBatch), new PassageVectors(vectors), s, ai)
      : embeddedRetriever;
  const composer = s.composer === "llm" && ai ? new LlmComposer(ai, s) : extractiveComposer;
  return { retriever, composer, runtime };
}

/** Actions offered as tools to the model (tools.ts): only with the LLM composer and its binding. */
export function actionTools(env: AiEnv & Pick<Env, "TOOL_MODEL">): ActionTools | null {
  const { settings: s, ai } = aiRuntime(env);
  if (s.composer !== "llm" || !ai) return null;
  return new ActionTools(ai, { model: env.TOOL_MODEL || TOOL_MODEL, timeoutMs: s.llmFirstTokenMs });
}

/** A Workers AI model with function calling (docs/production-ai.md); TOOL_MODEL overrides it. */
export const TOOL_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

/** The publish hook: null unless hybrid retrieval is on (and its bindings are present). */
export function passageIndexer(env: AiEnv & Pick<Env, "KB">): PassageIndexer | null {
  const { settings: s, ai, vectors } = aiRuntime(env);
  if (s.retrieval !== "hybrid" || !ai || !vectors) return null;
  return new VectorizeIndexer(
    new Embedder(ai, s.embeddingModel, s.embeddingBatch),
    new PassageVectors(vectors),
    env.KB,
  );
}

export type { PassageIndexer, IndexSync } from "./indexer.ts";
