// Pure pieces of knowledge management: gap clustering, the history diff, the editor's article form.
import { describe, expect, it } from "vitest";
import { diffLines } from "../../shared/diff.ts";
import { clusterQuestions, cosine, questionVector, representative } from "./cluster.ts";
import { generateKb } from "../../scripts/gen-kb.ts";
import { articleSchema } from "../../shared/article.ts";

describe("gap clustering", () => {
  const qs = [
    "Can I pay with bitcoin?",
    "How do I print my photos as a poster",
    "do you accept bitcoin payments",
    "is paying in bitcoin possible?",
    "poster prints of my pictures",
    "What is the weather tomorrow?",
    "Refunded twice for the same order",
  ].map((text, i) => ({ text, i }));

  it("groups paraphrases, keeps unrelated questions apart, largest group first", () => {
    const groups = clusterQuestions(qs);
    expect(groups.map((g) => g.items.map((x) => x.i))).toEqual([[0, 2, 3], [1, 4], [5], [6]]);
  });

  it("is deterministic and order-stable", () => {
    expect(JSON.stringify(clusterQuestions(qs).map((g) => g.items))).toBe(
      JSON.stringify(clusterQuestions(qs).map((g) => g.items)),
    );
  });

  it("is tolerant of inflections and ignores stopwords", () => {
    expect(cosine(questionVector("refund my payment"), questionVector("refunded payments"))).toBeGreaterThan(0.6);
    expect(cosine(questionVector("what is the"), questionVector("is the what"))).toBe(0);
    expect(questionVector("the a of").size).toBe(0);
  });

  it("picks the most typical question as the group's title", () => {
    const [bitcoin] = clusterQuestions(qs);
    expect(representative(bitcoin as NonNullable<typeof bitcoin>).text).toMatch(/bitcoin/);
  });
});

describe("line diff", () => {
  it("keeps common lines and marks removed and added ones in order", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc\nd")).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "add", text: "x" },
      { op: "same", text: "c" },
      { op: "add", text: "d" },
    ]);
    expect(diffLines("same", "same")).toEqual([{ op: "same", text: "same" }]);
    expect(diffLines("", "new").filter((l) => l.op !== "same")).toEqual([
      { op: "del", text: "" },
      { op: "add", text: "new" },
    ]);
  });
});

describe("generated KB", () => {
  it("is deterministic, valid and has unique ids", () => {
    const a = generateKb(1000, 7);
    expect(a).toHaveLength(1000);
    expect(JSON.stringify(generateKb(1000, 7))).toBe(JSON.stringify(a));
    expect(new Set(a.map((x) => x.id)).size).toBe(1000);
    for (const x of a.slice(0, 50)) expect(articleSchema.safeParse(x).success).toBe(true);
  });
});
