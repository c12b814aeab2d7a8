import { describe, expect, it } from "vitest";
import { containsPattern, firstLine, indexable, labelLines, labelsOf, matchExpression, snippetParts } from "./text.ts";

describe("matchExpression", () => {
  it("quotes every word, so FTS5 syntax in the input is only words", () => {
    expect(matchExpression('refund NEAR(x) OR "late delivery" -foo *')).toBe(
      '"refund"* "near x" "or" "late delivery" "foo"*',
    );
    expect(matchExpression('" unbalanced')).toBe('"unbalanced"*');
  });

  it("keeps an order number's pieces together and exact", () => {
    for (const q of ["#A-1029", "A-1029", "a-1029"]) expect(matchExpression(q)).toBe('"a 1029"');
    expect(matchExpression("48213")).toBe('"48213"');
    expect(matchExpression("a 1029")).toBe('"a" "1029"');
  });

  it("matches longer words by prefix, short ones exactly", () => {
    expect(matchExpression("refun")).toBe('"refun"*');
    expect(matchExpression("to my")).toBe('"to" "my"');
    expect(matchExpression("ana@shop.example")).toBe('"ana shop example"*');
    expect(matchExpression("Ordoñez")).toBe('"ordoñez"*');
  });

  it("has nothing to match in text without words, and caps the number of terms", () => {
    expect(matchExpression("# -- *")).toBeNull();
    expect(matchExpression("")).toBeNull();
    const many = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    expect(matchExpression(many)?.split(" ").length).toBe(12);
  });
});

describe("snippets and stored text", () => {
  it("splits a marked snippet into text and hits, keeping markup as text", () => {
    expect(snippetParts("My order #\u0002A\u0003-\u00021029\u0003 <b>x</b>")).toEqual([
      { text: "My order #", hit: false },
      { text: "A", hit: true },
      { text: "-", hit: false },
      { text: "1029", hit: true },
      { text: " <b>x</b>", hit: false },
    ]);
  });

  it("takes control characters out of indexed text, so they never fake a mark", () => {
    expect(indexable("a\u0002b\u0003c\nd\te")).toBe("a b c\nd\te");
    expect(indexable("x".repeat(9000)).length).toBe(8000);
  });

  it("finds a subject line and escapes LIKE patterns", () => {
    expect(firstLine("\n\n  Hello there \nsecond")).toBe("Hello there");
    expect(firstLine("y".repeat(200)).length).toBe(140);
    expect(containsPattern("50%_a\\b")).toBe("%50\\%\\_a\\\\b%");
    expect(labelLines(["billing", "vip"])).toBe("\nbilling\nvip\n");
    expect(labelsOf("\nbilling\nvip\n")).toEqual(["billing", "vip"]);
    expect(labelsOf(null)).toEqual([]);
  });
});
