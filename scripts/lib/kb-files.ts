// Reads a folder of KB Markdown files into validated articles, reporting every bad file at once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArticle, type Article } from "../../shared/article.ts";

export function readKbDir(dir: string, exclude: ReadonlySet<string> = new Set()): Article[] {
  const articles: Article[] = [];
  const errors: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".md") || name.toLowerCase() === "readme.md") continue;
    const r = parseArticle(readFileSync(join(dir, name), "utf8"));
    if (!r.ok) errors.push(...r.errors.map((e) => `${name}: ${e}`));
    else if (r.article.id !== name.slice(0, -3))
      errors.push(`${name}: id "${r.article.id}" does not match the file name`);
    else if (!exclude.has(r.article.id)) articles.push(r.article);
  }
  if (errors.length) throw new Error(`KB files have errors:\n  ${errors.join("\n  ")}`);
  return articles;
}
