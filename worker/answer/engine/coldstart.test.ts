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
