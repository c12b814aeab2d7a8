// Embeddings and Vectorize adapters, the publish-time indexer, and the fakes' own fidelity.
import { describe, expect, it } from "vitest";
import { Embedder, AiResponseError, type AiBinding } from "./embeddings.ts";
import { VectorizeIndexer, manifestKey } from "./indexer.ts";
import { PassageVectors, passageVectorId } from "./vectors.ts";
import { cosine, fakeEmbedding, FakeAi, FAKE_DIMS } from "../../../tests/fakes/ai.ts";
import { FakeVectorize } from "../../../tests/fakes/vectorize.ts";
import { snapshot } from "./test-helpers.ts";

/** The slice of KVNamespace the indexer uses, in memory. */
function memoryKv(): KVNamespace {
  const m = new Map<string, string>();
  const kv = {
    async get(key: string, type?: string) {
      const v = m.get(key);
      return v === undefined ? null : type === "json" ? JSON.parse(v) : v;
    },
    async put(key: string, value: string) {
      m.set(key, value);
    },
  };
  return kv as unknown as KVNamespace;
}

describe("fake Workers AI embeddings", () => {
  it("answers { shape, data } like bge-base-en-v1.5, close for texts sharing words", async () => {
    const ai = new FakeAi();
    const res = (await ai.run("@cf/baai/bge-base-en-v1.5", {
      text: ["reset my password", "how to reset a password", "shipping of prints"],
    })) as {
      shape: number[];
      data: number[][];
    };
    expect(res.shape).toEqual([3, FAKE_DIMS]);
    const [a, b, c] = res.data as [number[], number[], number[]];
    expect(cosine(a, b)).toBeGreaterThan(0.6);
    expect(Math.abs(cosine(a, c))).toBeLessThan(0.2);
  });
  it("rejects more than 100 texts, as the model does", async () => {
    await expect(
      new FakeAi().run("@cf/baai/bge-base-en-v1.5", { text: Array.from({ length: 101 }, (_, i) => `t${i}`) }),
    ).rejects.toThrow(/100/);
  });
});

describe("Embedder", () => {
  it("batches long lists under the model's limit and keeps the order", async () => {
    const ai = new FakeAi();
    const texts = Array.from({ length: 250 }, (_, i) => `passage number ${i}`);
    const vectors = await new Embedder(ai, "@cf/baai/bge-base-en-v1.5", 100).embed(texts);
    expect(ai.calls.map((c) => (c.inputs.text as string[]).length)).toEqual([100, 100, 50]);
    expect(vectors).toHaveLength(250);
    expect(vectors[137]).toEqual(fakeEmbedding("passage number 137"));
  });
  it("raises on a response that is not one vector per text", async () => {
    const ai: AiBinding = { run: (async () => ({ request_id: "queued" })) as unknown as Ai["run"] };
    await expect(new Embedder(ai, "m").embed(["x"])).rejects.toBeInstanceOf(AiResponseError);
  });
});

describe("fake Vectorize", () => {
  it("enforces dimensions, the topK limit with metadata, and filters before topK", async () => {
    const v = new FakeVectorize(3);
    await expect(v.upsert([{ id: "a", values: [1, 0] }])).rejects.toThrow(/dimensions/);
    await v.upsert([
      { id: "a", values: [1, 0, 0], metadata: { n: 1, tag: "x" } },
      { id: "b", values: [0.9, 0.1, 0], metadata: { n: 2, tag: "y" } },
      { id: "c", values: [0, 1, 0], metadata: { n: 3, tag: "y" } },
    ]);
    await expect(v.query([1, 0, 0], { topK: 21, returnMetadata: "all" })).rejects.toThrow(/topK/);
    const r = await v.query([1, 0, 0], { topK: 1, filter: { tag: { $eq: "y" } }, returnMetadata: "all" });
    expect(r.matches.map((m) => [m.id, m.metadata])).toEqual([["b", { n: 2, tag: "y" }]]);
    expect((await v.query([1, 0, 0], { filter: { n: { $gte: 2 } } })).matches.map((m) => m.id)).toEqual(["b", "c"]);
    expect(
      (await v.query([1, 0, 0], { filter: { tag: { $nin: ["x"] } }, topK: 5 })).matches[0]?.metadata,
    ).toBeUndefined();
    await v.deleteByIds(["b"]);
    expect((await v.describe()).vectorCount).toBe(2);
  });
});

describe("PassageVectors", () => {
  it("keeps workspaces apart by namespace and maps matches back to article passages", async () => {
    const index = new FakeVectorize();
    const pv = new PassageVectors(index);
    const id = await passageVectorId("w1", "reset-password", 0);
    expect(new TextEncoder().encode(id).length).toBeLessThanOrEqual(64);
    await pv.upsert([
      {
        id,
        workspaceId: "w1",
        articleId: "reset-password",
        passageIndex: 0,
        kbVersion: 3,
        values: fakeEmbedding("reset your password from the login page"),
      },
      {
        id: await passageVectorId("w2", "reset-password", 0),
        workspaceId: "w2",
        articleId: "other",
        passageIndex: 0,
        kbVersion: 1,
        values: fakeEmbedding("reset your password"),
      },
    ]);
    expect(index.vectors.get(id)).toMatchObject({
      namespace: "w1",
      metadata: { workspaceId: "w1", articleId: "reset-password", passageIndex: 0, kbVersion: 3 },
    });
    const hits = await pv.query("w1", fakeEmbedding("forgot password reset"), 50);
    expect(hits).toEqual([{ articleId: "reset-password", passageIndex: 0, score: expect.any(Number) }]);
  });
});

describe("VectorizeIndexer (the publish hook)", () => {
  it("embeds every passage once, re-embeds only what changed, and deletes what was unpublished", async () => {
    const ai = new FakeAi();
    const index = new FakeVectorize();
    const kv = memoryKv();
    const indexer = new VectorizeIndexer(new Embedder(ai, "@cf/baai/bge-base-en-v1.5"), new PassageVectors(index), kv);
    const passages = snapshot.articles.reduce((n, a) => n + a.passages.length, 0);

    expect(await indexer.sync("demo", 1, snapshot.articles)).toEqual({ embedded: passages, deleted: 0, unchanged: 0 });
    expect(index.vectors.size).toBe(passages);
    const first = [...index.vectors.values()][0];
    expect(first?.metadata).toMatchObject({ workspaceId: "demo", kbVersion: 1 });

    // Republishing the same content (e.g. after a resolved conversation) calls no model at all.
    const calls = ai.calls.length;
    expect(await indexer.sync("demo", 2, snapshot.articles)).toEqual({ embedded: 0, deleted: 0, unchanged: passages });
    expect(ai.calls.length).toBe(calls);

    // One article edited, one removed.
    const [edited, removed, ...rest] = snapshot.articles;
    if (!edited || !removed) throw new Error("fixtures");
    const changed = {
      ...edited,
      passages: [
        {
          heading: "",
          text: "Completely new wording about card delivery.",
          md: "Completely new wording about card delivery.",
        },
      ],
    };
    const r = await indexer.sync("demo", 3, [changed, ...rest]);
    expect(r).toEqual({
      embedded: 1,
      deleted: edited.passages.length - 1 + removed.passages.length,
      unchanged: passages - edited.passages.length - removed.passages.length,
    });
    expect(index.vectors.size).toBe(passages - removed.passages.length - edited.passages.length + 1);
    expect(await kv.get(manifestKey("demo"), "json")).toBeTruthy();
  });
  it("leaves the manifest alone when embedding fails, so the next publish retries", async () => {
    const kv = memoryKv();
    const indexer = new VectorizeIndexer(
      new Embedder(new FakeAi().behave({ failModel: "bge" }), "@cf/baai/bge-base-en-v1.5"),
      new PassageVectors(new FakeVectorize()),
      kv,
    );
    await expect(indexer.sync("demo", 1, snapshot.articles)).rejects.toThrow(/Capacity/);
    expect(await kv.get(manifestKey("demo"))).toBeNull();
  });
});
