// What the KB-only intent model learns from the article itself beyond its text: each tag alone, and
// the title with one content word left out (TrainConfig.tagExampleWeight, titleDropoutWeight), both
// fading out as history grows.
import { describe, expect, it } from "vitest";
import { buildSnapshot, defaultTrainConfig, loadIndex, retrieve } from "./index.ts";
import { titleDropouts } from "./snapshot.ts";
import { articles, history } from "./test-fixtures.ts";

const without = { ...defaultTrainConfig, tagExampleWeight: 0, titleDropoutWeight: 0 };
const modelShare = (cfg: typeof defaultTrainConfig, q: string, id: string) => {
  const index = loadIndex(buildSnapshot({ version: "t", articles, history: [] }, cfg));
  return retrieve(index, q).candidates.find((c) => c.articleId === id)?.modelProbability ?? 0;
};

describe("cold-start training examples", () => {
  it("a tag alone points the KB-only model to its article", () => {
    // "tracking" is one of card-arrival's tags, and one word among many in its other texts.
    expect(modelShare(defaultTrainConfig, "tracking", "card-arrival")).toBeGreaterThan(
      modelShare(without, "tracking", "card-arrival") + 0.02,
    );
  });

  it("the title trains once per content word left out", () => {
    expect(titleDropouts("My new card hasn't arrived yet")).toEqual([
      "My card hasn't arrived yet",
      "My new hasn't arrived yet",
      "My new card arrived yet",
      "My new card hasn't yet",
      "My new card hasn't arrived",
    ]);
    expect(titleDropouts("How do I change my PIN?")).toEqual(["How do I my PIN?", "How do I change my"]);
  });

  it("both are gone once there is enough history: the model is the one trained without them", () => {
    const many = Array.from({ length: 2000 }, (_, i) => history[i % history.length] as (typeof history)[number]);
    const a = buildSnapshot({ version: "t", articles, history: many });
    const b = buildSnapshot({ version: "t", articles, history: many }, without);
    expect(a.model).toEqual(b.model);
  });
});

describe("words learnt from resolved questions (SnapshotArticle.learnt)", () => {
  const late = [
    "my card is late, what is going on",
    "why is my card so late",
    "the replacement card is late",
    "card running late",
  ].map((text) => ({ text, article: "card-arrival" }));

  it("keeps the words several resolved questions use that the article lacks, for that article only", () => {
    const snap = buildSnapshot({ version: "t", articles, history: late });
    const learnt = snap.articles.find((x) => x.id === "card-arrival")?.learnt ?? [];
    // "late" in all four; "card" is the article's own word; "replacement" and "running" once each.
    expect(learnt[0]).toBe("late");
    expect(learnt).not.toContain("card");
    expect(learnt).not.toContain("replacement");
    expect(snap.articles.filter((x) => x.learnt).map((x) => x.id)).toEqual(["card-arrival"]);
    // One customer's wording is not yet the desk's vocabulary.
    const once = buildSnapshot({ version: "t", articles, history: late.slice(0, 1) });
    expect(once.articles.some((x) => x.learnt)).toBe(false);
  });

  it("counts them as evidence that the article covers a question, and never in ranking", () => {
    const cold = retrieve(loadIndex(buildSnapshot({ version: "t", articles, history: [] })), "my card is late");
    const taught = loadIndex(buildSnapshot({ version: "t", articles, history: late }));
    const warm = retrieve(taught, "my card is late");
    expect(warm.evidence).toBeGreaterThan(cold.evidence + 0.2);
    // The lexical documents BM25 ranks with are the articles' own text.
    expect(taught.termArticles.has("late")).toBe(false);
    expect([...(taught.learntArticles.get("late") ?? [])].map((i) => taught.articles[i]?.id)).toEqual(["card-arrival"]);
  });

  it("are not kept once history is large enough for the vocabulary test to know customers' words", () => {
    const many = Array.from({ length: 2000 }, (_, i) => late[i % late.length] as (typeof late)[number]);
    expect(buildSnapshot({ version: "t", articles, history: many }).articles.some((x) => x.learnt)).toBe(false);
  });
});
