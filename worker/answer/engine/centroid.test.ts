// The large-KB model (centroid.ts, build-centroids.ts): picked by training work, and an edit of one
// article rebuilds that article's centroid only: every other class's part is the previous snapshot's
// own object (not recomputed) and the result is byte for byte what a full build gives.
import { describe, expect, it } from "vitest";
import { readKbDir } from "../../../scripts/lib/kb-files.ts";
import { buildSnapshot, defaultTrainConfig, loadIndex, retrieve, type HistoryItem } from "./index.ts";
import { parseSnapshot } from "./snapshot-format.ts";
import { articles, history } from "./test-fixtures.ts";

// Every KB past zero work: the centroid model, on the small fixtures.
const large = { ...defaultTrainConfig, denseMaxWork: 0 };
const demo = readKbDir("kb");
// Enough history for IDF (≥ 200 lines): each article's questions and title, phrased a few ways.
const demoHistory: HistoryItem[] = demo.flatMap((a) =>
  [a.title, ...(a.questions ?? [])].flatMap((q) =>
    ["", "hi, ", "hello! ", "quick question: ", "help: ", "um "].flatMap((lead) => [
      { text: `${lead}${q}`, article: a.id },
      { text: `${lead}${q.toLowerCase()} please`, article: a.id },
    ]),
  ),
);

describe("centroid model (large KBs)", () => {
  it("is used past denseMaxWork and not below it", () => {
    const small = buildSnapshot({ version: "1", articles, history });
    expect(small.model).toBeDefined();
    expect(small.centroids).toBeUndefined();
    const big = buildSnapshot({ version: "1", articles, history }, large);
    expect(big.model).toBeUndefined();
    expect(big.centroids?.parts.length).toBe(big.centroids?.classes.length);
  });

  it("ranks the article a question is about first", () => {
    const index = loadIndex(buildSnapshot({ version: "1", articles: demo, history: demoHistory }, large));
    expect(index.centroids).toBeDefined();
    expect(retrieve(index, "How do I reset my password?").candidates[0]?.articleId).toBe("reset-password");
  });

  it("after a one-article edit rebuilds that article's centroid only, and gives what a full build gives", () => {
    expect(demoHistory.length).toBeGreaterThanOrEqual(200);
    const before = buildSnapshot({ version: "1", articles: demo, history: demoHistory }, large);
    const target = demo[3];
    if (!target) throw new Error("demo KB too small");
    const edited = demo.map((a) => (a.id === target.id ? { ...a, body: `${a.body}\n\nUpdated: also on tablets.` } : a));
    const after = buildSnapshot({ version: "2", articles: edited, history: demoHistory }, large, before);
    const b = before.centroids;
    const c = after.centroids;
    if (!b || !c) throw new Error("expected centroids");
    expect(c.classes).toEqual(b.classes);
    const changed = c.classes.filter((_, i) => c.parts[i] !== b.parts[i]);
    expect(changed).toEqual([target.id]);
    for (const [i, id] of c.classes.entries()) {
      // The others are the previous snapshot's own parts: reused, not recomputed, byte for byte.
      if (id !== target.id) expect(c.parts[i], id).toBe(b.parts[i]);
      else expect(JSON.stringify(c.parts[i])).not.toBe(JSON.stringify(b.parts[i]));
    }
    // The history's parts (IDF, neighbours' postings) are reused too.
    expect(c.idf).toBe(b.idf);
    expect(after.neighbours.features).toBe(before.neighbours.features);
    // And reuse changes nothing: the same snapshot as a build from scratch.
    const scratch = buildSnapshot({ version: "2", articles: edited, history: demoHistory }, large);
    expect(JSON.stringify(after)).toBe(JSON.stringify(scratch));
  });

  it("rebuilds every centroid when the history changes (its IDF moves)", () => {
    const before = buildSnapshot({ version: "1", articles: demo, history: demoHistory }, large);
    const more = [...demoHistory, { text: "where can I see my invoices", article: demo[0]?.id ?? "" }];
    const after = buildSnapshot({ version: "2", articles: demo, history: more }, large, before);
    const b = before.centroids?.parts ?? [];
    expect(after.centroids?.parts.every((p, i) => p !== b[i])).toBe(true);
    expect(JSON.stringify(after)).toBe(
      JSON.stringify(buildSnapshot({ version: "2", articles: demo, history: more }, large)),
    );
  });

  it("round-trips through the snapshot's schema and loads into the same index", () => {
    const built = buildSnapshot({ version: "1", articles: demo, history: demoHistory }, large);
    const value = JSON.parse(JSON.stringify(built)) as unknown;
    const parsed = parseSnapshot(value, "the stored value");
    expect(parsed).toEqual(built);
    const q = "can I get my money back?";
    expect(retrieve(loadIndex(parsed), q)).toEqual(retrieve(loadIndex(built), q));
    const broken = JSON.parse(JSON.stringify(built)) as { centroids: { parts: { scale: unknown }[] } };
    (broken.centroids.parts[0] as { scale: unknown }).scale = "1";
    expect(() => parseSnapshot(broken, "the stored value")).toThrow("centroids.parts.0.scale");
    const neither = JSON.parse(JSON.stringify(built)) as { centroids?: unknown };
    delete neither.centroids;
    expect(() => parseSnapshot(neither, "the stored value")).toThrow("model: expected a model or centroids");
  });
});
