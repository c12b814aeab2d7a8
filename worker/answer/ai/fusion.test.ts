// Fusing the semantic ranking into the embedded Retrieval, the reranker, and hybrid retrieval end to end.
import { describe, expect, it } from "vitest";
import { defaultAiSettings } from "./config.ts";
import { Embedder } from "./embeddings.ts";
import { applyRerank, fuse, semanticDistribution } from "./fusion.ts";
import { HybridRetriever } from "./hybrid.ts";
import { VectorizeIndexer } from "./indexer.ts";
import { PassageVectors } from "./vectors.ts";
import { defaultRetrieveConfig } from "../engine/config.ts";
import { decide } from "../engine/decide.ts";
import { retrieve } from "../engine/retrieve.ts";
import { FakeAi } from "../../../tests/fakes/ai.ts";
import { FakeVectorize } from "../../../tests/fakes/vectorize.ts";
import { kb, snapshot } from "./test-helpers.ts";

const all = (q: string) =>
  retrieve(kb.index, q, {
    locale: "en",
    config: { ...defaultRetrieveConfig, maxCandidates: kb.index.articles.length },
  });
const opts = { weight: 0.5, temperature: 0.05, floor: 0.6, maxCandidates: 5 };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("semanticDistribution", () => {
  it("gives most mass to 'none' when every cosine is under the floor", () => {
    const d = semanticDistribution([{ articleId: "a", passageIndex: 0, score: 0.3 }], new Set(["a"]), 0.05, 0.6);
    expect(d.none).toBeGreaterThan(0.99);
    const e = semanticDistribution(
      [
        { articleId: "a", passageIndex: 1, score: 0.9 },
        { articleId: "a", passageIndex: 0, score: 0.7 },
      ],
      new Set(["a"]),
      0.05,
      0.6,
    );
    expect(e.p.get("a")).toBeGreaterThan(0.99);
    expect(e.best.get("a")?.passageIndex).toBe(1);
  });
});

describe("fuse", () => {
  it("with no semantic hits returns the embedded ranking unchanged", () => {
    const full = all("How do I change my PIN?");
    const emb = retrieve(kb.index, "How do I change my PIN?", { locale: "en" });
    const r = fuse(full, [], opts);
    expect(r.candidates.map((c) => [c.articleId, c.score])).toEqual(emb.candidates.map((c) => [c.articleId, c.score]));
    expect(r.confidence).toBe(emb.confidence);
  });
  it("lets a strong semantic match outrank the lexical one and picks its passage; scores stay a probability", () => {
    const full = all("card question");
    const target = full.candidates.find((c) => c.articleId === "exchange-rate");
    if (!target) throw new Error("fixture");
    const r = fuse(full, [{ articleId: "exchange-rate", passageIndex: 0, score: 0.92 }], opts);
    expect(r.candidates[0]?.articleId).toBe("exchange-rate");
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.margin).toBeCloseTo(r.confidence - (r.candidates[1]?.score ?? 0));
    expect(
      sum(
        fuse(full, [{ articleId: "exchange-rate", passageIndex: 0, score: 0.92 }], {
          ...opts,
          maxCandidates: 99,
        }).candidates.map((c) => c.score),
      ),
    ).toBeLessThanOrEqual(1 + 1e-9);
  });
  it("keeps the decision rules meaningful: unrelated semantic hits lower confidence, never raise it", () => {
    const q = "What exchange rate do you use?";
    const emb = retrieve(kb.index, q, { locale: "en" });
    const r = fuse(all(q), [{ articleId: "change-pin", passageIndex: 0, score: 0.35 }], opts);
    expect(r.candidates[0]?.articleId).toBe("exchange-rate");
    expect(r.confidence).toBeLessThanOrEqual(emb.confidence);
    expect(decide(r, { text: q, locale: "en", priorLowConfidence: 0, priorFailures: 0 }).action).toBeDefined();
  });
  it("recomputes handoff mass from fused scores", () => {
    const full = all("my card was stolen");
    const r = fuse(full, [{ articleId: "lost-or-stolen-card", passageIndex: 0, score: 0.95 }], opts);
    expect(r.candidates[0]?.handoff).toBe("always");
    expect(r.handoffMass).toBeGreaterThanOrEqual(r.candidates[0]?.score ?? 1);
  });
});

describe("applyRerank", () => {
  it("reorders the top candidates by the cross-encoder without changing their total mass", () => {
    const r = retrieve(kb.index, "How do I change my PIN?", { locale: "en" });
    const n = r.candidates.length;
    const scores = r.candidates.map((_, i) => (i === n - 1 ? 0.99 : 0.01));
    const rr = applyRerank(r, scores, 1, 5);
    expect(rr.candidates[0]?.articleId).toBe(r.candidates[n - 1]?.articleId);
    expect(sum(rr.candidates.map((c) => c.score))).toBeCloseTo(sum(r.candidates.map((c) => c.score)));
  });
});

describe("HybridRetriever", () => {
  async function setup(ai = new FakeAi()) {
    const index = new FakeVectorize();
    const embedder = new Embedder(ai, defaultAiSettings.embeddingModel);
    await new VectorizeIndexer(embedder, new PassageVectors(index), {
      get: async () => null,
      put: async () => undefined,
    } as unknown as KVNamespace).sync("demo", 1, snapshot.articles);
    return { ai, index, retriever: new HybridRetriever(embedder, new PassageVectors(index), defaultAiSettings, ai) };
  }
  it("answers from the fused ranking of the published passages", async () => {
    const { retriever } = await setup();
    const r = await retriever.retrieve(kb, "demo", "How do I change my PIN?", "en");
    expect(r.candidates[0]?.articleId).toBe("change-pin");
    expect(r.candidates).toHaveLength(defaultRetrieveConfig.maxCandidates);
  });
  it("falls back to the embedded ranking when the embeddings model fails", async () => {
    const ai = new FakeAi();
    const { retriever } = await setup(ai);
    ai.behave({ failModel: "bge" });
    const q = "How do I change my PIN?";
    const r = await retriever.retrieve(kb, "demo", q, "en");
    expect(r.candidates.map((c) => c.score)).toEqual(
      retrieve(kb.index, q, { locale: "en" }).candidates.map((c) => c.score),
    );
  });
  it("sees only its own workspace's vectors", async () => {
    const { retriever } = await setup();
    const q = "How do I change my PIN?";
    const other = await retriever.retrieve(kb, "someone-else", q, "en");
    expect(other.candidates.map((c) => c.score)).toEqual(
      retrieve(kb.index, q, { locale: "en" }).candidates.map((c) => c.score),
    );
  });
  it("calls the reranker when one is configured", async () => {
    const { ai, index } = await setup();
    const embedder = new Embedder(ai, defaultAiSettings.embeddingModel);
    const r = new HybridRetriever(
      embedder,
      new PassageVectors(index),
      { ...defaultAiSettings, rerankModel: "@cf/baai/bge-reranker-base" },
      ai,
    );
    const out = await r.retrieve(kb, "demo", "How do I change my PIN?", "en");
    expect(ai.calls.some((c) => c.model === "@cf/baai/bge-reranker-base" && Array.isArray(c.inputs.contexts))).toBe(
      true,
    );
    expect(out.candidates[0]?.articleId).toBe("change-pin");
  });
});
