// Articles as knowledge management stores them in D1 JSON, read back through their schemas.
import { describe, expect, it } from "vitest";
import { articleSchema } from "../../shared/article.ts";
import { DataError, parseJson } from "../../shared/json.ts";
import { articleVersionData, storedArticle } from "./formats.ts";

const article = articleSchema.parse({
  id: "reset-password",
  title: "Reset your password",
  tags: ["login"],
  body: "Tap Forgot.",
});

describe("stored articles", () => {
  it("read back exactly as stored, key for key", () => {
    const read = parseJson(storedArticle, JSON.stringify(article), "article_drafts.data of reset-password");
    expect(JSON.stringify(read)).toBe(JSON.stringify(article));
  });

  it("are checked for shape, not for the editor's limits", () => {
    const long = { ...article, title: "x".repeat(500) };
    expect(articleSchema.safeParse(long).success).toBe(false);
    expect(parseJson(storedArticle, JSON.stringify(long), "d")).toEqual(long);
  });

  it("lacking questions (stored before they existed) read with none", () => {
    const { questions: _q, ...old } = article;
    expect(parseJson(storedArticle, JSON.stringify(old), "d").questions).toEqual([]);
  });

  it("tell a version from a tombstone, and refuse anything else", () => {
    expect(parseJson(articleVersionData, JSON.stringify(article), "v")).toEqual(article);
    expect(parseJson(articleVersionData, '{"id":"a","deleted":true}', "v")).toEqual({ id: "a", deleted: true });
    expect(() => parseJson(articleVersionData, '{"id":"a","deleted":false}', "v")).toThrow(DataError);
    expect(() => parseJson(storedArticle, JSON.stringify({ ...article, handoff: "maybe" }), "d")).toThrow(
      /d is not valid: handoff: /,
    );
  });
});
