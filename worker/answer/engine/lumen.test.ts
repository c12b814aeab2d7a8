// The product's held-out check: the demo KB (kb/, "Lumen", 28 articles, 5 of them handoff:always, no
// history) against realistic questions written independently of the engine (tests/fixtures/
// lumen-questions.jsonl). The engine's thresholds were chosen on the banking77 bench, never on these
// questions, so this measures whether its decisions carry over to a different, smaller KB. The floors
// are a little below what the engine measured when the test was written (see scripts/eval-lumen.ts
// for the per-question view).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArticle, type Article } from "../../../shared/article.ts";
import { buildSnapshot, decide, loadIndex, retrieve } from "./index.ts";

interface Question {
  text: string;
  expect: "answer" | "handoff" | "none";
  article?: string;
  locale?: string;
}

const root = join(import.meta.dirname, "..", "..", "..");
const kbDir = join(root, "kb");
const articles: Article[] = [];
for (const f of readdirSync(kbDir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()) {
  const r = parseArticle(readFileSync(join(kbDir, f), "utf8"));
  if (!r.ok) throw new Error(`${f}: ${r.errors.join("; ")}`);
  articles.push(r.article);
}
const questions: Question[] = readFileSync(join(root, "tests", "fixtures", "lumen-questions.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Question);

const index = loadIndex(buildSnapshot({ version: "lumen", articles, history: [] }));
const results = questions.map((q) => {
  const locale = q.locale ?? "en";
  const r = retrieve(index, q.text, { locale });
  const d = decide(r, { text: q.text, locale, priorLowConfidence: 0, priorFailures: 0 });
  return { q, d };
});
// Measured 39/53 = 0.74 when written (7 more hand off, 7 decline, none answered wrongly).
const ANSWERED_RIGHT_FLOOR = 0.7;
const of = (e: Question["expect"]) => results.filter((x) => x.q.expect === e);
const rate = (xs: typeof results, ok: (x: (typeof results)[number]) => boolean) =>
  xs.filter(ok).length / Math.max(1, xs.length);

describe("Lumen demo KB, no history (held-out questions)", () => {
  it("has a balanced question set whose answers are published articles", () => {
    expect(of("answer").length).toBeGreaterThanOrEqual(45);
    expect(of("handoff").length).toBeGreaterThanOrEqual(10);
    expect(of("none").length).toBeGreaterThanOrEqual(20);
    const ids = new Set(articles.map((a) => a.id));
    for (const q of questions) if (q.article) expect(ids.has(q.article), q.article).toBe(true);
  });

  it("answers at most one out-of-scope question, and declines rather than hands off", () => {
    const none = of("none");
    // Known miss when written: "how do I reset my router" ("reset" is the one KB word it has, and
    // the password article owns it). Lexical evidence cannot tell that "router" is the real topic.
    expect(none.filter((x) => x.d.action === "answer").length).toBeLessThanOrEqual(1);
    expect(rate(none, (x) => x.d.action === "decline")).toBeGreaterThanOrEqual(0.9);
  });

  it("never answers a question its article says a person must handle", () => {
    const h = of("handoff");
    expect(h.filter((x) => x.d.action === "answer").map((x) => x.q.text)).toEqual([]);
    expect(rate(h, (x) => x.d.action === "handoff")).toBeGreaterThanOrEqual(0.9);
  });

  it("answers most answerable questions with the right article and few with the wrong one", () => {
    const a = of("answer");
    expect(rate(a, (x) => x.d.action === "answer" && x.d.article?.articleId === x.q.article)).toBeGreaterThanOrEqual(
      ANSWERED_RIGHT_FLOOR,
    );
    expect(rate(a, (x) => x.d.action === "answer" && x.d.article?.articleId !== x.q.article)).toBeLessThanOrEqual(0.05);
  });
});
