// Optional cross-encoder reranking with @cf/baai/bge-reranker-base: `{ query, contexts: [{ text }],
// top_k }` → `{ response: [{ id, score }] }` where `id` indexes `contexts` (see
// Ai_Cf_Baai_Bge_Reranker_Base_Input/Output in @cloudflare/workers-types).
import type { AiBinding } from "./embeddings.ts";
import { AiResponseError } from "./embeddings.ts";

/** One score per context, in the order given. */
export async function rerankScores(ai: AiBinding, model: string, query: string, contexts: string[]): Promise<number[]> {
  const res: unknown = await ai.run(model, {
    query,
    contexts: contexts.map((text) => ({ text })),
    top_k: contexts.length,
  });
  const list =
    res && typeof res === "object" && "response" in res && Array.isArray(res.response)
      ? (res.response as unknown[])
      : null;
  if (!list) throw new AiResponseError(`${model}: unexpected rerank response ${JSON.stringify(res).slice(0, 200)}`);
  const scores = contexts.map(() => 0);
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const { id, score } = item as { id?: unknown; score?: unknown };
    if (typeof id === "number" && typeof score === "number" && id >= 0 && id < scores.length) scores[id] = score;
  }
  return scores;
}
