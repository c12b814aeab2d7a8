import { describe, expect, it } from "vitest";
import { plainExcerpt } from "./html.ts";

describe("plainExcerpt", () => {
  it("keeps menu paths, drops Markdown marks, headings, quotes and list bullets", () => {
    const md = "## Steps\n> Open **Settings > Backup** and tap [Back up now](https://x.example).\n\n1. Wait.\n- Done.";
    expect(plainExcerpt(md)).toBe("Open Settings > Backup and tap Back up now. Wait. Done.");
  });
  it("cuts at a word boundary with an ellipsis", () => {
    const text = plainExcerpt("word ".repeat(100), 40);
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.endsWith("…")).toBe(true);
  });
});
