// Which answer path a deployment runs, read once per isolate from vars and binding presence. The
// embedded engine is the default; "hybrid" retrieval needs both the AI and VECTORIZE bindings and the
// "llm" composer needs AI. Asking for a path whose binding is missing logs a warning and falls back,
// so `wrangler dev` without any AI binding behaves exactly like production without the vars set.
import type { Env } from "../../env.ts";
import type { AiBinding } from "./embeddings.ts";
import type { VectorBinding } from "./vectors.ts";

export type RetrievalMode = "embedded" | "hybrid";
export type ComposerMode = "extractive" | "llm";

export interface AiSettings {
  retrieval: RetrievalMode;
  composer: ComposerMode;
  embeddingModel: string;
  /** Texts per embeddings call (bge-*-en-v1.5 accept up to 100). */
  embeddingBatch: number;
  /** Vectorize matches fetched per query (≤ 20: the limit when metadata is returned). */
  semanticTopK: number;
  /** Share of the fused score the semantic ranking gets (0..1). */
  semanticWeight: number;
  /** Softmax temperature over cosine similarities. */
  semanticTemperature: number;
  /** Cosine similarity below which a passage counts as "not about this" (the null option's logit). */
  semanticFloor: number;
  /** Cross-encoder reranker for the top candidates; null disables it. */
  rerankModel: string | null;
  rerankWeight: number;
  llmModel: string;
  /** Give up on the model and answer extractively if no token arrived by then. */
  llmFirstTokenMs: number;
  /** Hard cap on a whole generated answer; the stream ends cleanly at it. */
  llmTotalMs: number;
  llmMaxTokens: number;
  /** Passages (one per article) given to the model. */
  llmPassages: number;
}

export const defaultAiSettings: AiSettings = {
  retrieval: "embedded",
  composer: "extractive",
  embeddingModel: "@cf/baai/bge-base-en-v1.5",
  embeddingBatch: 100,
  semanticTopK: 20,
  semanticWeight: 0.5,
  semanticTemperature: 0.05,
  semanticFloor: 0.6,
  rerankModel: null,
  rerankWeight: 0.5,
  llmModel: "@cf/meta/llama-3.1-8b-instruct",
  llmFirstTokenMs: 2500,
  llmTotalMs: 20000,
  llmMaxTokens: 400,
  llmPassages: 3,
};

/** Each read with a default (a test passes only the ones it sets; wrangler.jsonc sets some of them). */
export type AiVars = Partial<
  Pick<
    Env,
    | "RETRIEVAL"
    | "COMPOSER"
    | "EMBEDDING_MODEL"
    | "EMBEDDING_BATCH"
    | "SEMANTIC_TOP_K"
    | "SEMANTIC_WEIGHT"
    | "SEMANTIC_TEMPERATURE"
    | "SEMANTIC_FLOOR"
    | "RERANK_MODEL"
    | "LLM_MODEL"
    | "LLM_FIRST_TOKEN_MS"
    | "LLM_TOTAL_MS"
    | "LLM_MAX_TOKENS"
    | "LLM_PASSAGES"
  >
>;

const num = (v: string | undefined, d: number, min: number, max: number) => {
  const n = v === undefined || v.trim() === "" ? NaN : Number(v);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : d;
};
const str = (v: string | undefined, d: string) => (v?.trim() ? v.trim() : d);

/** The settings the vars ask for, before checking bindings. */
export function aiSettings(env: AiVars): AiSettings {
  const d = defaultAiSettings;
  return {
    retrieval: env.RETRIEVAL?.trim() === "hybrid" ? "hybrid" : "embedded",
    composer: env.COMPOSER?.trim() === "llm" ? "llm" : "extractive",
    embeddingModel: str(env.EMBEDDING_MODEL, d.embeddingModel),
    embeddingBatch: Math.round(num(env.EMBEDDING_BATCH, d.embeddingBatch, 1, 100)),
    semanticTopK: Math.round(num(env.SEMANTIC_TOP_K, d.semanticTopK, 1, 20)),
    semanticWeight: num(env.SEMANTIC_WEIGHT, d.semanticWeight, 0, 1),
    semanticTemperature: num(env.SEMANTIC_TEMPERATURE, d.semanticTemperature, 0.001, 10),
    semanticFloor: num(env.SEMANTIC_FLOOR, d.semanticFloor, -1, 1),
    rerankModel: env.RERANK_MODEL?.trim() ? env.RERANK_MODEL.trim() : null,
    rerankWeight: d.rerankWeight,
    llmModel: str(env.LLM_MODEL, d.llmModel),
    llmFirstTokenMs: num(env.LLM_FIRST_TOKEN_MS, d.llmFirstTokenMs, 50, 60000),
    llmTotalMs: num(env.LLM_TOTAL_MS, d.llmTotalMs, 500, 120000),
    llmMaxTokens: Math.round(num(env.LLM_MAX_TOKENS, d.llmMaxTokens, 16, 4096)),
    llmPassages: Math.round(num(env.LLM_PASSAGES, d.llmPassages, 1, 8)),
  };
}

export type AiRuntime = { settings: AiSettings; ai?: AiBinding; vectors?: VectorBinding };

const warned = new Set<string>();
function warnOnce(msg: string) {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(`[edgedesk] ${msg}`);
}

/** Settings downgraded to what the bindings allow, and the bindings themselves. */
export function aiRuntime(env: AiVars & Pick<Env, "AI" | "VECTORIZE">): AiRuntime {
  const settings = aiSettings(env);
  if (settings.retrieval === "hybrid" && (!env.AI || !env.VECTORIZE)) {
    warnOnce(
      `RETRIEVAL=hybrid needs the AI and VECTORIZE bindings (missing: ${[!env.AI && "AI", !env.VECTORIZE && "VECTORIZE"].filter(Boolean).join(", ")}); using the embedded engine.`,
    );
    settings.retrieval = "embedded";
  }
  if (settings.composer === "llm" && !env.AI) {
    warnOnce("COMPOSER=llm needs the AI binding; using the extractive composer.");
    settings.composer = "extractive";
  }
  return { settings, ...(env.AI ? { ai: env.AI } : {}), ...(env.VECTORIZE ? { vectors: env.VECTORIZE } : {}) };
}
