import { describe, expect, it } from "vitest";
import { chunkArticle, cleanMarkdown } from "./chunk.ts";
import { correctTerms, normalize, stem, stemLexical, terms, words } from "./text.ts";

describe("text", () => {
  it("lowercases, folds accents and splits on non-letters", () => {
    expect(words("Hello, WORLD! ¿Cómo está?")).toEqual(["hello", "world", "como", "esta"]);
    expect(normalize("don’t")).toBe("dont");
  });
  it("keeps Spanish and other Latin text intact enough to match", () => {
    expect(words("Quiero cambiar mi tarjeta de crédito")).toEqual([
      "quiero",
      "cambiar",
      "mi",
      "tarjeta",
      "de",
      "credito",
    ]);
    expect(terms("¿Dónde está mi tarjeta?")).toEqual(["dond", "tarjeta"]);
  });
  it("stems common English inflections to one form", () => {
    expect(stem("cards")).toBe(stem("card"));
    expect(stem("charged")).toBe(stem("charge"));
    expect(stem("stopped")).toBe(stem("stop"));
    expect(stem("topping")).toBe(stem("top"));
    expect(stem("countries")).toBe(stem("country"));
    expect(stem("is")).toBe("is");
  });
  it("drops stopwords from lexical terms", () => {
    expect(terms("How do I activate my card?")).toEqual(["activat", "card"]);
  });
  it("corrects a spelling slip to the KB word one or two edits away, and leaves other unknown words alone", () => {
    const df = new Map([
      ["backup", 9],
      ["photos", 12],
      ["remov", 5],
      ["password", 4],
    ]);
    expect(correctTerms(["pasword", "bakup", "photo"], df)).toEqual(["password", "backup", "photos"]);
    // Failed before the fix: each became the most frequent KB word with its first letter and length.
    expect(correctTerms(["bunch", "pictur", "router"], df)).toEqual(["bunch", "pictur", "router"]);
  });
  it("keeps a final e that tells words apart, and meets British/American -ise/-ize forms, in the lexical view", () => {
    expect(stemLexical("recognising")).toBe(stemLexical("recognize"));
    expect(stemLexical("unrecognised")).toBe(stemLexical("unrecognized"));
    expect(stemLexical("plane")).not.toBe(stemLexical("plan"));
    expect(stemLexical("planes")).toBe(stemLexical("plane"));
    expect(stemLexical("saving")).toBe(stemLexical("save"));
    expect(stemLexical("saved")).toBe(stemLexical("save"));
    expect(stemLexical("hopping")).toBe(stemLexical("hop"));
    expect(stemLexical("charged")).toBe(stemLexical("charge"));
    expect(stemLexical("day")).toBe("day");
    expect(stemLexical("days")).toBe("day");
    // The classifier's stemmer is unchanged.
    expect(stem("plane")).toBe("plan");
  });
});

describe("chunking", () => {
  it("makes one passage per section, keeping each section's Markdown as written", () => {
    const body =
      "First paragraph with enough words to stand on its own as a passage for retrieval and answering.\n\n" +
      "Do this now:\n\n1. **Freeze** the card.\n2. Check [transactions](https://x.test).\n\n" +
      "## Fees\nA closing paragraph about fees.\n\n| Fee | Amount |\n| --- | --- |\n| ATM | 2% |";
    const ps = chunkArticle(body, 5);
    expect(ps).toHaveLength(2);
    expect(ps[0]?.heading).toBe("");
    expect(ps[0]?.md).toContain("Do this now:\n\n1. **Freeze** the card.\n2. Check [transactions](https://x.test).");
    expect(ps[0]?.text).toContain("Do this now:\n\n1. Freeze the card.\n2. Check transactions.");
    expect(ps[1]?.heading).toBe("Fees");
    expect(ps[1]?.md).toContain("| ATM | 2% |");
    expect(ps[1]?.text).toContain("ATM · 2%");
  });
  it("joins a tiny untitled opening and an empty heading to what follows", () => {
    const ps = chunkArticle("Short.\n\n## Steps\n1. One.\n2. Two.\n\n## Empty\n## Real\nText here.", 5);
    expect(ps.map((p) => p.heading)).toEqual(["Steps", "Empty"]);
    expect(ps[0]?.text).toContain("Short.\nSteps\n1. One.");
    expect(ps[1]?.md).toContain("**Real**\n\nText here.");
  });
  it("cleans Markdown noise", () => {
    expect(cleanMarkdown("* **Bold** and _it_ `code` [link](http://a)")).toBe("- Bold and it code link");
  });
});
