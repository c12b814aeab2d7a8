// Per question of a labelled set against a KB folder (no history): the top candidates with their model
// and lexical shares, and the quantities decide() reads. For looking at failure classes; prints labels
// only beside the bot's own view, never feeds them back.
//   node scripts/ts.mjs scripts/debug-set.ts [--questions F] [--kb kb] [--only-misses]
// The default set is the demo KB's tuning set: the held-out natural set must be named to be read.
import { readFileSync } from "node:fs";
import { buildSnapshot, decide, loadIndex, retrieve } from "../worker/answer/engine/index.ts";
import { chooseLanguage } from "../worker/answer/language.ts";
import { readKbDir } from "./lib/kb-files.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const qs = readFileSync(arg("questions") ?? "tests/fixtures/lumen-questions.jsonl", "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; expect: string; article?: string });
const index = loadIndex(buildSnapshot({ version: "d", articles: readKbDir(arg("kb") ?? "kb"), history: [] }));
const langs = [...new Set(index.articles.map((a) => a.locale.slice(0, 2)))];
for (const q of qs) {
  const lang = (await chooseLanguage(q.text, "en", langs)).lang;
  const r = retrieve(index, q.text, { locale: lang });
  const d = decide(r, { text: q.text, locale: lang, priorLowConfidence: 0, priorFailures: 0 });
  const got = d.action === "answer" ? d.article?.articleId : d.action;
  const ok =
    q.expect === "answer"
      ? d.action === "answer" && got === q.article
      : q.expect === "handoff"
        ? d.action === "handoff"
        : d.action !== "answer";
  if (process.argv.includes("--only-misses") && ok) continue;
  console.log(`${ok ? "  " : "✗ "}[${q.expect} ${q.article ?? ""}] ${q.text}`);
  console.log(
    `   ${d.action}/${d.reason} conf=${r.confidence.toFixed(2)} margin=${r.margin.toFixed(2)} ev=${r.evidence.toFixed(2)} matched=${r.matchedTerms.toFixed(2)} cov=${r.coverage.toFixed(2)} hmass=${r.handoffMass.toFixed(2)} prior=${r.handoffPrior.toFixed(2)} terms=${r.candidates[0]?.queryTerms.join(",")}`,
  );
  for (const c of r.candidates.slice(0, 3))
    console.log(
      `     ${c.score.toFixed(3)} m=${c.modelProbability.toFixed(3)} lex=${c.lexicalScore.toFixed(2)} ${c.articleId}${c.handoff === "always" ? " (H)" : ""} §${c.passageIndex} ${c.passage.heading}`,
    );
}
