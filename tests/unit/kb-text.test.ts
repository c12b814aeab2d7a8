import { describe, expect, it } from "vitest";
import { chunkArticle, cleanMarkdown } from "../../worker/kb/chunk.ts";
import { normalize, stem, terms, words } from "../../worker/kb/text.ts";

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
});

describe("chunking", () => {
  it("keeps an intro line with its list and splits paragraphs", () => {
    const body =
      "First paragraph with enough words to stand on its own as a passage for retrieval and answering.\n\n" +
      "Do this now:\n\n1. **Freeze** the card.\n2. Check [transactions](https://x.test).\n\n" +
      "## Fees\nA closing paragraph about fees that is long enough to be a passage on its own right here.";
    const ps = chunkArticle(body, 5);
    expect(ps).toHaveLength(3);
    expect(ps[1]?.text).toBe("Do this now:\n1. Freeze the card.\n2. Check transactions.");
    expect(ps[2]?.heading).toBe("Fees");
  });
  it("merges very short blocks forward", () => {
    const ps = chunkArticle("Short.\n\nAnother paragraph that is long enough to stand alone here.", 5);
    expect(ps).toHaveLength(1);
    expect(ps[0]?.text).toContain("Short.\nAnother");
  });
  it("cleans Markdown noise", () => {
    expect(cleanMarkdown("* **Bold** and _it_ `code` [link](http://a)")).toBe("- Bold and it code link");
  });
});
