// Per question of a labelled set: the retrieval signals decide() could read, with the label's
// category, as JSON lines, for fitting a decision rule on a tuning set (banking77 dev, the demo KB's
// tuning set), never on the held-out natural set.
//   node scripts/ts.mjs scripts/dump-signals.ts --kb DIR --questions Q.jsonl [--exclude-articles a,b] [--history H.jsonl] > out.jsonl
import { readFileSync } from "node:fs";
import { buildSnapshot, decide, loadIndex, retrieve, type HistoryItem } from "../worker/answer/engine/index.ts";
import { readKbDir } from "./lib/kb-files.ts";

const args = process.argv.slice(2);
const opt = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const jsonl = (p: string) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, string>);
const exclude = new Set((opt("exclude-articles") ?? "").split(",").filter(Boolean));
const history: HistoryItem[] = opt("history")
  ? jsonl(opt("history") as string).map((o) => ({ text: o.text ?? "", article: o.article ?? "" }))
  : [];
const index = loadIndex(buildSnapshot({ version: "r", articles: readKbDir(opt("kb") ?? "kb", exclude), history }));
for (const q of jsonl(opt("questions") ?? "tests/fixtures/lumen-questions.jsonl")) {
  const locale = q.locale ?? "en";
  const r = retrieve(index, q.text ?? "", { locale });
  const d = decide(r, { text: q.text ?? "", locale, priorLowConfidence: 0, priorFailures: 0 });
  const c = r.candidates;
  const byModel = [...c].sort((a, b) => b.modelProbability - a.modelProbability);
  const byLex = [...c].sort((a, b) => b.lexicalScore - a.lexicalScore);
  console.log(
    JSON.stringify({
      expect: q.expect,
      right: q.expect === "answer" && c[0]?.articleId === q.article,
      topHandoff: c[0]?.handoff === "always",
      action: d.action,
      reason: d.reason,
      conf: r.confidence,
      second: c[1]?.score ?? 0,
      margin: r.margin,
      model: c[0]?.modelProbability ?? 0,
      modelTop: byModel[0]?.articleId === c[0]?.articleId,
      lexTop: byLex[0]?.articleId === c[0]?.articleId,
      lex: c[0]?.lexicalScore ?? 0,
      lex2: byLex[1]?.lexicalScore ?? 0,
      evidence: r.evidence,
      matched: r.matchedTerms,
      coverage: r.coverage,
      handoffMass: r.handoffMass,
      handoffPrior: r.handoffPrior,
      handoffModelMass: r.handoffModelMass,
      source: q.source ?? "",
      nTerms: c[0]?.queryTerms.length ?? 0,
    }),
  );
}
