// Hybrid retrieval: the embedded engine's ranking (intent model + BM25) fused with Vectorize's
// nearest passages to the query's embedding, optionally reranked by a cross-encoder. Any failure of
// the remote parts degrades to the embedded ranking for that turn, never to an error.
import { defaultRetrieveConfig } from "../engine/config.ts";
import { retrieve, type Retrieval } from "../engine/retrieve.ts";
import type { LoadedKb } from "../engine/index.ts";
import type { Retriever } from "../parts.ts";
import type { AiSettings } from "./config.ts";
import type { AiBinding, Embedder } from "./embeddings.ts";
import { applyRerank, finish, fuse } from "./fusion.ts";
import { passageText } from "./indexer.ts";
import { rerankScores } from "./rerank.ts";
import type { PassageVectors } from "./vectors.ts";

export class HybridRetriever implements Retriever {
  constructor(
    private readonly embedder: Embedder,
    private readonly vectors: PassageVectors,
    private readonly settings: AiSettings,
    private readonly ai: AiBinding,
  ) {}

  async retrieve(kb: LoadedKb, workspaceId: string, text: string, locale: string): Promise<Retrieval> {
    const max = defaultRetrieveConfig.maxCandidates;
    // Every allowed article as a candidate, so semantic hits outside the embedded top-k can rise.
    const full = retrieve(kb.index, text, {
      locale,
      config: { ...defaultRetrieveConfig, maxCandidates: Math.max(max, kb.index.articles.length) },
    });
    const s = this.settings;
    let r: Retrieval;
    try {
      const hits = await this.vectors.query(workspaceId, await this.embedder.embedOne(text), s.semanticTopK);
      r = fuse(full, hits, {
        weight: s.semanticWeight,
        temperature: s.semanticTemperature,
        floor: s.semanticFloor,
        maxCandidates: max,
      });
    } catch (e) {
      console.warn(`[edgedesk] semantic retrieval failed, using the embedded ranking: ${String(e)}`);
      return finish(full, full.candidates, max, full.gapProbability);
    }
    if (s.rerankModel && r.candidates.length > 1) {
      try {
        const scores = await rerankScores(
          this.ai,
          s.rerankModel,
          text,
          r.candidates.map((c) => passageText(c, c.passage)),
        );
        r = applyRerank(r, scores, s.rerankWeight, max);
      } catch (e) {
        console.warn(`[edgedesk] rerank failed, keeping the fused order: ${String(e)}`);
      }
    }
    return r;
  }
}
