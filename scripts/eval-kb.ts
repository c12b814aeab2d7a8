// Offline benchmark harness: publishes a snapshot from a KB folder (+ optional history) and runs every
// query through retrieve → decide → compose, writing predictions for ../shared/bench/score.mjs.
// It reads only `id` and `text` of each query: the other fields are labels for the scorer.
//
//   node eval-kb.mjs --kb DIR [--exclude-articles a,b] [--history H.jsonl] --queries Q.jsonl --out P.jsonl
//   node eval-kb.mjs --kb DIR [--exclude-articles a,b] --history H.jsonl --self-check   (history k-fold)
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArticle, type Article } from "../shared/article.ts";
import { brainFrom } from "../worker/answer/turn.ts";
import { extractiveComposer, type Retriever } from "../worker/answer/parts.ts";
import type { Meta } from "../worker/conversation/model.ts";
import { SimulatedCustomer } from "./lib/customer.ts";
import {
  buildSnapshot,
  decide,
  defaultDecisionConfig,
  defaultRetrieveConfig,
  defaultTrainConfig,
  loadIndex,
  retrieve,
  type HistoryItem,
} from "../worker/answer/engine/index.ts";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const readJsonl = (path: string): unknown[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

const kbDir = opt("--kb");
if (!kbDir) throw new Error("--kb is required");
const exclude = new Set(
  (opt("--exclude-articles") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
const articles: Article[] = [];
for (const f of readdirSync(kbDir)
  .filter((f) => f.endsWith(".md"))
  .sort()) {
  const r = parseArticle(readFileSync(join(kbDir, f), "utf8"));
  if (!r.ok) throw new Error(`${f}: ${r.errors.join("; ")}`);
  if (!exclude.has(r.article.id)) articles.push(r.article);
}
const historyPath = opt("--history");
const history: HistoryItem[] = historyPath
  ? readJsonl(historyPath).map((o) => {
      const r = o as { text: string; article: string };
      return { text: r.text, article: r.article };
    })
  : [];

// --set train.l2=1e-5 --set decision.answerMinConfidence=0.6 …: for tuning the defaults in config.ts.
const trainCfg = { ...defaultTrainConfig, features: { ...defaultTrainConfig.features } };
const retrieveCfg = { ...defaultRetrieveConfig };
const decisionCfg = { ...defaultDecisionConfig };
for (let i = 0; i < args.length; i++) {
  if (args[i] !== "--set") continue;
  const [key = "", value = ""] = (args[i + 1] ?? "").split("=");
  const [group, field = ""] = key.split(".");
  const target: Record<string, number> | undefined =
    group === "train"
      ? (trainCfg as unknown as Record<string, number>)
      : group === "features"
        ? (trainCfg.features as unknown as Record<string, number>)
        : group === "retrieve"
          ? (retrieveCfg as unknown as Record<string, number>)
          : group === "decision"
            ? (decisionCfg as unknown as Record<string, number>)
            : undefined;
  if (!target || !(field in target)) throw new Error(`unknown setting ${key}`);
  target[field] = Number(value);
}

// --self-check: hold out every 5th history line, publish from the rest, and score the held-out lines
// (published article → should answer it, or hand off if the article requires a person; unpublished →
// must not answer). A check that thresholds generalise beyond the dev queries they were chosen on.
if (args.includes("--self-check")) {
  const train = history.filter((_, i) => i % 5 !== 0);
  const held = history.filter((_, i) => i % 5 === 0);
  const idx = loadIndex(buildSnapshot({ version: "self-check", articles, history: train }, trainCfg), retrieveCfg);
  const byId = new Map(articles.map((a) => [a.id, a]));
  let right = 0,
    answeredRight = 0,
    wrong = 0,
    handoffs = 0,
    handoffRight = 0;
  for (const h of held) {
    const r = retrieve(idx, h.text, { locale: "en", config: retrieveCfg });
    const d = decide(r, { text: h.text, locale: "en", priorLowConfidence: 0, priorFailures: 0 }, decisionCfg);
    const a = byId.get(h.article);
    const expect = !a ? "none" : a.handoff === "always" ? "handoff" : "answer";
    if (expect === "handoff") handoffs++;
    const ok =
      expect === "answer"
        ? d.action === "answer" && d.article?.articleId === h.article
        : expect === "handoff"
          ? d.action === "handoff"
          : d.action !== "answer";
    if (ok) right++;
    if (ok && expect === "answer") answeredRight++;
    if (ok && expect === "handoff") handoffRight++;
    if (d.action === "answer" && !ok) wrong++;
  }
  const pct = (x: number, n: number) => ((100 * x) / Math.max(1, n)).toFixed(1);
  console.log(
    `self-check on ${held.length} held-out history lines: auto_resolution ${pct(answeredRight, held.length)} ` +
      `escalation_accuracy ${pct(right, held.length)} wrong_answer ${pct(wrong, held.length)} handoff_recall ${pct(handoffRight, handoffs)}`,
  );
  process.exit(0);
}

const t0 = performance.now();
const snapshot = buildSnapshot({ version: "bench", articles, history }, trainCfg);
const buildMs = performance.now() - t0;
const json = JSON.stringify(snapshot);
const t1 = performance.now();
const index = loadIndex(JSON.parse(json) as typeof snapshot, retrieveCfg);
const loadMs = performance.now() - t1;
console.error(
  `articles=${articles.length} history=${history.length} build=${buildMs.toFixed(0)}ms ` +
    `snapshot=${(json.length / 1e6).toFixed(2)}MB features=${snapshot.model?.features.length ?? `centroids:${snapshot.centroids?.classes.length}`} load(parse+index)=${loadMs.toFixed(0)}ms`,
);

const queriesPath = opt("--queries");
const out = opt("--out");
if (queriesPath && out) {
  // Every question as a new conversation through the bot's real turn (worker/answer/turn.ts), as the
  // worker runs it: language, retrieval, decide(), wording. With --clarify, a simulated customer
  // answers "Do you mean …?" (scripts/lib/customer.ts reads the labels; the bot never does).
  const raw = readJsonl(queriesPath) as { id: string; text: string; expect?: string; article?: string }[];
  const customer = args.includes("--clarify") ? new SimulatedCustomer(raw) : null;
  const kb = { version: 1, index };
  const retriever: Retriever = {
    async retrieve(k, _ws, text, locale) {
      return retrieve(k.index, text, { locale, config: retrieveCfg });
    },
  };
  const brain = brainFrom(
    { retriever, composer: extractiveComposer, config: decisionCfg, loadKb: async () => kb },
    () => meta,
  );
  const meta: Meta = {
    id: "c",
    workspaceId: "bench",
    siteKey: "bench",
    channel: "api",
    locale: "en",
    baseUrl: "https://bench.example",
    createdAt: 0,
    state: "bot",
    lowConfidenceTurns: 0,
    failures: 0,
    tried: [],
  };
  const lines: string[] = [];
  let asked = 0;
  for (const q of raw) {
    const { id, text } = q;
    const s = performance.now();
    const ctx = { locale: "en", priorLowConfidence: 0, priorFailures: 0, earlier: [] as string[], channel: "api" };
    let t = await brain.turn(text, ctx);
    if (t.action === "clarify" && t.clarify && t.options) {
      asked++;
      if (customer) {
        const choice = customer.choose(id, t.options);
        const title = t.options.find((o) => o.articleId === choice)?.title ?? "None of these";
        t = await brain.turn(title, { ...ctx, earlier: [text], clarify: t.clarify, choice });
      }
    }
    const ms = performance.now() - s;
    const action = t.action === "clarify" ? "decline" : t.action;
    lines.push(
      JSON.stringify({
        id,
        action,
        article: (action === "answer" ? t.sources[0]?.articleId : t.article?.id) ?? null,
        first_token_ms: Math.round(ms * 1000) / 1000,
        total_ms: Math.round(ms * 1000) / 1000,
        ...(args.includes("--debug")
          ? { reason: t.reason, conf: t.confidence, top: t.tried[0]?.articleId ?? null }
          : {}),
      }),
    );
  }
  writeFileSync(out, `${lines.join("\n")}\n`);
  console.error(`asked "Do you mean …?" ${asked} times${customer ? " (answered by the simulated customer)" : ""}`);
}
