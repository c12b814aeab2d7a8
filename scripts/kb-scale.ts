// `node --expose-gc scripts/ts.mjs scripts/kb-scale.ts [--sizes 250,500,1000,5000] [--tickets-per-article 20] [--questions 300]
//  [--max-build-min 15] [--json FILE]`
//
// The knowledge base at scale, offline (the engine is pure TypeScript: the same code the KnowledgeDO
// publishes with and the Conversation DO answers with, in Node's V8): for each size, a deterministic
// generated help centre (scripts/gen-kb.ts: products × topics × editions) and synthetic resolved tickets
// written from each article's topic words (deterministic; 5 % resolved without an article), then
//   - publish: CPU of building the snapshot (chunking, features, training) and its peak memory,
//   - a one-article edit: CPU of the build after one body changed (the publish pipeline rebuilds
//     whatever changed: today that is the whole model),
//   - the index in memory: the snapshot's bytes and the heap `loadIndex` adds, against an isolate's 128 MB,
//   - answering: CPU per question of retrieve → decide → compose over held-out tickets.
// A size whose dense weights (features × classes) would not fit in memory is not trained: the line says
// what it would need. Figures are single-threaded CPU in Node 20 (V8 like workerd's); Cloudflare's
// limits are per invocation (publish: 5 min of CPU for the KnowledgeDO's alarm; 128 MB per isolate).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Article } from "../shared/article.ts";
import { prng } from "../shared/random.ts";
import { composeAnswer, decide, loadIndex, retrieve } from "../worker/answer/engine/index.ts";
import { defaultTrainConfig } from "../worker/answer/engine/config.ts";
import { featureNames } from "../worker/answer/engine/features.ts";
import { buildSnapshotSteps, type HistoryItem } from "../worker/answer/engine/snapshot.ts";
import { generateKb, topicOf } from "./gen-kb.ts";
import { num, table } from "./lib/load/table.ts";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (arg("sizes") ?? "250,500,1000,5000").split(",").map(Number);
const perArticle = Number(arg("tickets-per-article") ?? 20);
const questions = Number(arg("questions") ?? 300);
const maxBuildMin = Number(arg("max-build-min") ?? 15);
const gc = (globalThis as { gc?: () => void }).gc;
/** Features a build would keep (seen at least twice), from the same featurisation the engine uses. */
function estimateFeatures(articles: Article[], history: HistoryItem[]): number {
  const counts = new Map<string, number>();
  const add = (text: string) => {
    for (const k of featureNames(text, defaultTrainConfig.features).keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  for (const a of articles) {
    add(a.title);
    for (const para of a.body.split(/\n\s*\n/)) add(para);
  }
  for (const h of history) add(h.text);
  let n = 0;
  for (const c of counts.values()) if (c >= defaultTrainConfig.minFeatureCount) n++;
  return n;
}

/** JavaScript heap plus array buffers (typed arrays such as the model's weights live outside the heap), MB. */
const heap = () => {
  gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
/** Dense training holds features × classes float64 weights: beyond this, a size is not trained. */
const TRAIN_MEMORY_BUDGET = 3 * 2 ** 30;

/** Customers' phrasings of a generated article's topic, deterministic per seed. */
function tickets(articles: Article[], per: number, seed: number): HistoryItem[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: HistoryItem[] = [];
  for (const a of articles) {
    const t = topicOf(a.id);
    if (!t) continue;
    const short = t.product.split(" ")[0] as string;
    for (let i = 0; i < per; i++) {
      const [w1, w2] = [pick(t.words), pick(t.words)];
      const p = rand() < 0.5 ? t.product : short;
      const text = pick([
        `how do I ${t.title} ${p}`,
        `${w1} ${w2} ${p}`,
        `I need help, ${w1} issue with my ${p} ${w2}`,
        `${p} ${w1} not working`,
        `can you help me ${t.title} ${p}?`,
        `${w1} problem in ${p}, what do I do about the ${w2}`,
      ]);
      // One in twenty was resolved without an article: the gap class.
      out.push({ text, article: rand() < 0.05 ? "none" : a.id });
    }
  }
  // Shuffled, so a held-out tail covers every topic.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as HistoryItem, out[i] as HistoryItem];
  }
  return out;
}

const cpuMs = (f: () => void): number => {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

// --load-only FILE: the child above. Loads one snapshot and prints what the index keeps in memory.
const only = arg("load-only");
if (only) {
  const text = readFileSync(only, "utf8");
  const base = heap();
  const c = process.cpuUsage();
  const kept = loadIndex(JSON.parse(text));
  const d = process.cpuUsage(c);
  const mb = heap() - base;
  console.log(
    JSON.stringify({
      mb: Math.round(mb * 10) / 10,
      cpuMs: Math.round((d.user + d.system) / 1000),
      articles: kept.articles.length,
    }),
  );
  process.exit(0);
}

type Row = Record<string, number | string | boolean | null>;
const rows: Row[] = [];
for (const n of sizes) {
  const articles = generateKb(n, 7);
  const all = tickets(articles, perArticle, 11);
  const held = all.slice(-questions);
  const history = all.slice(0, -questions);
  const row: Row = { articles: articles.length, tickets: history.length };
  let features = 0;
  console.error(`${articles.length} articles, ${history.length} tickets…`);

  // The dense model's size, known before training: the vocabulary a featurisation of the texts gives.
  const classes = articles.length + 1;
  features = estimateFeatures(articles, history);
  const denseBytes = features * classes * 8;
  const rss0 = process.memoryUsage().rss;
  let snapshotText = "";
  // Training cost grows with examples × classes (each SGD step touches every class of each feature):
  // projected from the largest size built so far, a size past --max-build-min is not built.
  const last = rows.filter((r) => r.trained).at(-1);
  const work = (history.length + 12 * articles.length) * classes;
  const projected = last
    ? ((last.buildCpuS as number) * work) /
      (((last.tickets as number) + 12 * (last.articles as number)) * ((last.articles as number) + 1))
    : 0;
  row.projectedBuildCpuS = last ? Math.round(projected) : null;
  const trained = denseBytes <= TRAIN_MEMORY_BUDGET && projected <= maxBuildMin * 60;
  if (trained) {
    const c = process.cpuUsage();
    const steps = buildSnapshotSteps({ version: "v1", articles, history });
    let r = steps.next();
    while (!r.done) r = steps.next();
    const d = process.cpuUsage(c);
    row.buildCpuS = Math.round((d.user + d.system) / 100_000) / 10;
    snapshotText = JSON.stringify(r.value);
    features = r.value.model?.features.length ?? 0;
    row.snapshotMb = Math.round((snapshotText.length / 2 ** 20) * 10) / 10;
    row.buildPeakRssMb = Math.round((process.memoryUsage().rss - rss0) / 2 ** 20);
  }
  row.features = features;
  // int8 in the snapshot and float32 once loaded, per feature × class; float64 while training.
  row.denseWeightsMb = Math.round(((features * classes) / 2 ** 20) * 10) / 10;
  row.trainingWeightsMb = Math.round((denseBytes / 2 ** 20) * 10) / 10;
  row.trained = trained;
  if (!trained) {
    rows.push(row);
    console.error(JSON.stringify(row));
    console.error(
      `  not built: ${(denseBytes / 2 ** 30).toFixed(2)} GB of float64 weights while training, ~${Math.round(projected / 60)} min of CPU projected`,
    );
    continue;
  }

  // Loaded as an isolate would at a cold start, in a fresh process (this one's heap is full of the
  // build's garbage): what the index keeps, heap and array buffers, after a full collection.
  const file = join(tmpdir(), `edgedesk-kb-scale-${process.pid}.json`);
  writeFileSync(file, snapshotText);
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", "scripts/ts.mjs", "scripts/kb-scale.ts", "--load-only", file],
    { encoding: "utf8" },
  );
  rmSync(file, { force: true });
  const loaded = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as { mb?: number; cpuMs?: number };
  row.indexMemoryMb = loaded.mb ?? null;
  let index: ReturnType<typeof loadIndex> | null = null;
  const loadCpu = cpuMs(() => {
    index = loadIndex(JSON.parse(snapshotText));
  });
  row.loadCpuMs = Math.round(loadCpu);
  snapshotText = "";

  // Answering: retrieve → decide → compose, CPU per question.
  const per: number[] = [];
  const idx = index as unknown as ReturnType<typeof loadIndex>;
  for (const q of held) {
    per.push(
      cpuMs(() => {
        const r = retrieve(idx, q.text);
        const d = decide(r, { text: q.text, locale: "en", priorLowConfidence: 0, priorFailures: 0 });
        if (d.action === "answer" && d.article) composeAnswer(q.text, d.article);
      }),
    );
  }
  per.sort((a, b) => a - b);
  row.answerCpuP50Ms = Math.round((per[Math.floor(per.length / 2)] as number) * 100) / 100;
  row.answerCpuP95Ms = Math.round((per[Math.floor(per.length * 0.95)] as number) * 100) / 100;
  index = null;

  // A one-article edit: the next publish rebuilds from all articles with one body changed.
  const edited = articles.map((a, i) =>
    i === Math.floor(articles.length / 2) ? { ...a, body: `${a.body}\n\nUpdated.` } : a,
  );
  row.editCpuS =
    Math.round(
      cpuMs(() => {
        const s = buildSnapshotSteps({ version: "v2", articles: edited, history });
        for (let r = s.next(); !r.done; r = s.next());
      }) / 100,
    ) / 10;
  rows.push(row);
  console.error(JSON.stringify(row));
}
console.log(
  table(
    [
      "articles",
      "tickets",
      "features",
      "dense weights MB (int8)",
      "build CPU s",
      "edit CPU s",
      "snapshot MB",
      "index in memory MB",
      "load CPU ms",
      "answer CPU p50/p95 ms",
    ],
    rows.map((r) => [
      String(r.articles),
      String(r.tickets),
      String(r.features),
      num(r.denseWeightsMb as number, 1),
      r.trained
        ? num(r.buildCpuS as number, 1)
        : `not built: ~${num((r.projectedBuildCpuS as number) / 60)} min projected, ${num((r.trainingWeightsMb as number) / 1024, 2)} GB of training weights`,
      num(r.editCpuS as number, 1),
      num(r.snapshotMb as number, 1),
      num(r.indexMemoryMb as number),
      num(r.loadCpuMs as number),
      `${r.answerCpuP50Ms} / ${r.answerCpuP95Ms}`,
    ]),
  ),
);
const out = arg("json");
if (out)
  writeFileSync(
    out,
    `${JSON.stringify({ command: `node --expose-gc scripts/ts.mjs scripts/kb-scale.ts ${argv.join(" ")}`, rows }, null, 2)}\n`,
  );
