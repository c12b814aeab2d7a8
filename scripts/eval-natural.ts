// A question set against the demo KB (kb/, no history) through the bot's real turn (worker/answer/
// brain.ts with the embedded parts): language, retrieval, decision, wording. Prints each decision and
// the tally; --json prints the figures only. Never tune on tests/fixtures/lumen-natural.jsonl (held out).
//   node scripts/ts.mjs scripts/eval-natural.ts [--questions tests/fixtures/lumen-natural.jsonl] [--kb kb] [--json] [--clarify]
import { readFileSync } from "node:fs";
import { defaultRetrieveConfig, defaultTrainConfig } from "../worker/answer/engine/index.ts";
import { evaluateSet, type LabelledQuestion } from "./lib/natural.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const set = arg("questions") ?? "tests/fixtures/lumen-natural.jsonl";
const questions = readFileSync(set, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as LabelledQuestion);
// --set decision.field=value, retrieve.field=value, train.field=value …: to try settings on a set that
// is NOT held out (lumen-questions.jsonl). Retrieval and training settings change this process's
// defaults, which the bot's turn reads.
const decision: Record<string, number> = {};
const groups: Record<string, Record<string, number>> = {
  retrieve: defaultRetrieveConfig as unknown as Record<string, number>,
  train: defaultTrainConfig as unknown as Record<string, number>,
};
process.argv.forEach((a, i) => {
  if (a !== "--set") return;
  const [k = "", v = ""] = (process.argv[i + 1] ?? "").split("=");
  const [group = "", field = ""] = k.split(".");
  const target = group === "decision" ? decision : groups[group];
  if (!target || (group !== "decision" && !(field in target))) throw new Error(`unknown setting ${k}`);
  target[field] = Number(v);
});
const r = await evaluateSet(arg("kb") ?? "kb", questions, { clarify: process.argv.includes("--clarify"), decision });
if (process.argv.includes("--json")) console.log(JSON.stringify(r.figures));
else {
  for (const line of r.lines) console.log(line);
  console.log(r.figures);
}
