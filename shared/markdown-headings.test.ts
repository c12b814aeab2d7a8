// Article headings follow the article under the page's h1 (the title): axe's heading-order rule found
// an article's `###` rendered as an h4 right after the h1 (issue #21).
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.ts";

const levels = (md: string) => [...renderMarkdown(md).matchAll(/<h(\d)>/g)].map((m) => Number(m[1]));

describe("article heading levels", () => {
  it("makes the article's highest heading an h2, whatever level the author started at", () => {
    expect(levels("### Steps\ntext\n### Notes")).toEqual([2, 2]);
    expect(levels("## Steps\n### Detail\n## Notes")).toEqual([2, 3, 2]);
    expect(levels("# Title-like\n## Section")).toEqual([2, 3]);
  });

  it("never skips a level on the way down", () => {
    expect(levels("## A\n#### deep\n###### deeper\n## B")).toEqual([2, 3, 4, 2]);
  });

  it("keeps text that only looks like a heading as text", () => {
    expect(renderMarkdown("#hashtag")).toBe("<p>#hashtag</p>");
    expect(renderMarkdown("## <b>x</b>")).toBe("<h2>&lt;b&gt;x&lt;/b&gt;</h2>");
  });
});
