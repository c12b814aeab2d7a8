// Runs tests/fixtures/lumen-questions.jsonl against the demo KB (kb/, no history) and prints each
// question's decision. The same questions are asserted by worker/answer/engine/lumen.test.ts; this is the
// human-readable view for diagnosing them (never for tuning thresholds: it is the held-out check).
//   npx esbuild scripts/eval-lumen.ts --bundle --platform=node --format=esm --outfile=/tmp/eval-lumen.mjs && node /tmp/eval-lumen.mjs
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArticle, type Article } from "../shared/article.ts";
import { buildSnapshot, decide, loadIndex, retrieve } from "../worker/answer/engine/index.ts";

const kbDir = process.argv[2] ?? "kb";
const articles: Article[] = [];
for (const f of readdirSync(kbDir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()) {
  const r = parseArticle(readFileSync(join(kbDir, f), "utf8"));
  if (r.ok) articles.push(r.article);
}
const index = loadIndex(buildSnapshot({ version: "lumen", articles, history: [] }));
const qs = readFileSync("tests/fixtures/lumen-questions.jsonl", "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: string; article?: string; locale?: string });
const tally: Record<string, number> = {};
for (const q of qs) {
  const r = retrieve(index, q.text, { locale: q.locale ?? "en" });
  const d = decide(r, { text: q.text, locale: q.locale ?? "en", priorLowConfidence: 0, priorFailures: 0 });
  const ok =
    q.expect === "answer"
      ? d.action === "answer" && d.article?.articleId === q.article
      : q.expect === "handoff"
        ? d.action === "handoff"
        : d.action !== "answer";
  const k = `${q.expect}->${d.action}${ok ? "" : " WRONG"}`;
  tally[k] = (tally[k] ?? 0) + 1;
  console.log(
    `${ok ? "  " : "✗ "}${q.expect.padEnd(7)} ${d.action.padEnd(8)} ${d.reason.padEnd(24)} top=${r.candidates[0]?.articleId} c=${r.confidence.toFixed(2)} m=${r.margin.toFixed(2)} hm=${r.handoffMass.toFixed(2)} cov=${r.coverage.toFixed(2)} ev=${r.evidence.toFixed(2)} mt=${r.matchedTerms.toFixed(2)} | ${q.text}`,
  );
}
console.log(tally);
