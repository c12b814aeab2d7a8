// Ranking only, no decision: how often the labelled article is ranked first (top-1) or among the first
// two (top-2) for the answerable questions of a labelled set, and where handoff questions put a
// handoff article first. Separates retrieval changes from decision-threshold changes when tuning on
// banking77 dev or the demo KB's tuning set (never on the held-out natural set).
//   node scripts/ts.mjs scripts/rank-eval.ts --kb DIR --questions Q.jsonl [--exclude-articles a,b] [--history H.jsonl] [--set retrieve.x=v]
import { readFileSync } from "node:fs";
import {
  buildSnapshot,
  defaultRetrieveConfig,
  defaultTrainConfig,
  loadIndex,
  retrieve,
  type HistoryItem,
} from "../worker/answer/engine/index.ts";
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
const groups: Record<string, Record<string, number>> = {
  retrieve: defaultRetrieveConfig as unknown as Record<string, number>,
  train: defaultTrainConfig as unknown as Record<string, number>,
};
args.forEach((a, i) => {
  if (a !== "--set") return;
  const [k = "", v = ""] = (args[i + 1] ?? "").split("=");
  const [g = "", f = ""] = k.split(".");
  const t = groups[g];
  if (t && f in t) t[f] = Number(v);
});
const exclude = new Set((opt("exclude-articles") ?? "").split(",").filter(Boolean));
const history: HistoryItem[] = opt("history")
  ? jsonl(opt("history") as string).map((o) => ({ text: o.text ?? "", article: o.article ?? "" }))
  : [];
const index = loadIndex(buildSnapshot({ version: "r", articles: readKbDir(opt("kb") ?? "kb", exclude), history }));
const qs = jsonl(opt("questions") ?? "tests/fixtures/lumen-questions.jsonl");
let n = 0;
let top1 = 0;
let top2 = 0;
let h = 0;
let hTop = 0;
for (const q of qs) {
  const lang = q.locale ?? "en";
  const r = retrieve(index, q.text ?? "", { locale: lang });
  if (q.expect === "answer") {
    n++;
    if (r.candidates[0]?.articleId === q.article) top1++;
    if (r.candidates.slice(0, 2).some((c) => c.articleId === q.article)) top2++;
  } else if (q.expect === "handoff") {
    h++;
    if (r.candidates[0]?.handoff === "always") hTop++;
  }
}
const pct = (a: number, b: number) => ((100 * a) / Math.max(1, b)).toFixed(1);
console.log(
  `answerable ${n}: top-1 ${pct(top1, n)} top-2 ${pct(top2, n)}; handoff ${h}: handoff article first ${pct(hTop, h)}`,
);
