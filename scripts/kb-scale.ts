// `node --expose-gc scripts/ts.mjs scripts/kb-scale.ts [--sizes 250,500,1000,5000] [--tickets-per-article 20] [--questions 300]
//  [--dense-max-work N] [--publish-heap 128] [--json FILE]`
//
// The knowledge base at scale, offline (the engine is pure TypeScript: the same code the KnowledgeDO
// publishes with and the Conversation DO answers with, in Node's V8): for each size, a deterministic
// generated help centre (scripts/gen-kb.ts: products × topics × editions) and synthetic resolved tickets
// written from each article's topic words (deterministic; 5 % resolved without an article), then
//   - publish: CPU of building the snapshot (chunking, features, training) and its peak memory,
//   - a one-article edit: CPU of the build after one body changed, given the previous snapshot as the
//     publisher gives it (a large KB's centroid model rebuilds only what the edit touched), and how many
//     model parts it reused,
//   - the index in memory: the snapshot's bytes and the heap `loadIndex` adds, against an isolate's 128 MB,
//   - answering: CPU per question of retrieve → decide → compose over held-out tickets (after 50 warm-up
//     questions; the very first question after the load on its own).
//   - quality on the held-out tickets: the right article ranked first, answered right / wrong, handed off
//     (labels read here, by the harness, never by the engine).
// `--publish-heap 128` also publishes each size (full, then a one-article edit from the live snapshot)
// in child processes whose V8 heap is capped at 128 MB, as an isolate's is, and says whether it fit.
// `--dense-max-work N` overrides TrainConfig.denseMaxWork (e.g. 1e12: the dense model at every size, to
// compare). Figures are single-threaded CPU in Node 20 (V8 like workerd's); Cloudflare's
// limits are per invocation (publish: 5 min of CPU for the KnowledgeDO's alarm; 128 MB per isolate).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Article } from "../shared/article.ts";
import { prng } from "../shared/random.ts";
import { composeAnswer, decide, loadIndex, retrieve } from "../worker/answer/engine/index.ts";
import { defaultTrainConfig } from "../worker/answer/engine/config.ts";
import { buildSnapshotSteps, type HistoryItem, type KbSnapshot } from "../worker/answer/engine/snapshot.ts";
import { SNAPSHOT_PART_BYTES, splitSnapshot } from "../worker/knowledge/snapshot-parts.ts";
import { parseSnapshot } from "../worker/answer/engine/snapshot-format.ts";
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
const denseMaxWork = arg("dense-max-work");
const trainCfg = { ...defaultTrainConfig, ...(denseMaxWork ? { denseMaxWork: Number(denseMaxWork) } : {}) };
const gc = (globalThis as { gc?: () => void }).gc;

/** JavaScript heap plus array buffers (typed arrays such as the model's weights live outside the heap), MB. */
const heap = () => {
  gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};

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

// --publish-child full|edit N FILE: the child of --publish-heap. Publishes N articles as the KnowledgeDO
// would, with the V8 heap capped by its parent: `full` builds from nothing and writes the snapshot's
// JSON to FILE; `edit` reads FILE through the snapshot schema (as readSnapshot does), keeps the model's
// parts, and publishes one edited article. Prints the peak of the live heap and array buffers, sampled
// after a full collection at each of the build's yields and each KV part (a lower bound of the true peak).
const childMode = arg("publish-child");
if (childMode) {
  const count = Number(argv[argv.indexOf("--publish-child") + 2]);
  const file = argv[argv.indexOf("--publish-child") + 3] as string;
  const articles = generateKb(count, 7);
  const history = tickets(articles, perArticle, 11).slice(0, -questions);
  let peak = 0;
  // After a full collection: what is live between two build slices (the publisher's yield points).
  const sample = () => {
    gc?.();
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
  };
  let previous: Pick<KbSnapshot, "centroids" | "neighbours"> | undefined;
  if (childMode === "edit") {
    const s = parseSnapshot(JSON.parse(readFileSync(file, "utf8")), "the stored value");
    sample();
    previous = { centroids: s.centroids, neighbours: s.neighbours };
  }
  const input =
    childMode === "edit"
      ? articles.map((a, i) => (i === Math.floor(count / 2) ? { ...a, body: `${a.body}\n\nUpdated.` } : a))
      : articles;
  const steps = buildSnapshotSteps({ version: childMode, articles: input, history }, trainCfg, previous);
  let r = steps.next();
  while (!r.done) {
    sample();
    r = steps.next();
  }
  // What the publisher then writes: the JSON text and, past one KV value, its UTF-8 bytes in parts.
  const text = JSON.stringify(r.value);
  const split = splitSnapshot(text);
  let kvValues = 1;
  if (!("whole" in split))
    for (const _ of split.parts) {
      kvValues++;
      sample();
    }
  sample();
  if (childMode === "full") writeFileSync(file, text);
  console.log(JSON.stringify({ peakMb: Math.round(peak / 2 ** 20), kvValues }));
  process.exit(0);
}

/** --publish-heap MB: a full publish and a one-article edit in children whose V8 heap is capped at MB. */
function publishUnderCap(count: number, capMb: number): Row {
  const file = join(tmpdir(), `edgedesk-kb-publish-${process.pid}.json`);
  const run = (mode: string) => {
    const c = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${capMb}`,
        "--expose-gc",
        "scripts/ts.mjs",
        "scripts/kb-scale.ts",
        "--publish-child",
        mode,
        String(count),
        file,
        "--tickets-per-article",
        String(perArticle),
        "--questions",
        String(questions),
        ...(denseMaxWork ? ["--dense-max-work", denseMaxWork] : []),
      ],
      { encoding: "utf8" },
    );
    const line = c.stdout.trim().split("\n").at(-1) ?? "";
    return c.status === 0 && line.startsWith("{") ? (JSON.parse(line) as { peakMb: number }) : null;
  };
  const full = run("full");
  const edit = full ? run("edit") : null;
  rmSync(file, { force: true });
  return {
    publishHeapCapMb: capMb,
    publishFullFits: full !== null,
    publishFullPeakMb: full?.peakMb ?? null,
    publishEditFits: edit !== null,
    publishEditPeakMb: edit?.peakMb ?? null,
  };
}
const publishHeap = arg("publish-heap");

type Row = Record<string, number | string | boolean | null>;
const rows: Row[] = [];

function build(input: Parameters<typeof buildSnapshotSteps>[0], previous?: KbSnapshot): KbSnapshot {
  const steps = buildSnapshotSteps(input, trainCfg, previous);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

for (const n of sizes) {
  const articles = generateKb(n, 7);
  const all = tickets(articles, perArticle, 11);
  const held = all.slice(-questions);
  const history = all.slice(0, -questions);
  const row: Row = { articles: articles.length, tickets: history.length };
  console.error(`${articles.length} articles, ${history.length} tickets…`);

  const rss0 = process.memoryUsage().rss;
  let snapshot: KbSnapshot | null = null;
  const buildCpu = cpuMs(() => {
    snapshot = build({ version: "v1", articles, history });
  });
  const built = snapshot as unknown as KbSnapshot;
  row.buildCpuS = Math.round(buildCpu / 100) / 10;
  row.buildPeakRssMb = Math.round((process.memoryUsage().rss - rss0) / 2 ** 20);
  row.model = built.model ? "dense" : "centroid";
  row.features = built.model?.features.length ?? null;
  // The dense model's int8 weights, features × classes; the centroids' stored (feature, weight) pairs.
  row.denseWeightsMb = built.model
    ? Math.round(((built.model.features.length * built.model.classes.length) / 2 ** 20) * 10) / 10
    : null;
  let snapshotText = JSON.stringify(built);
  const bytes = Buffer.byteLength(snapshotText);
  row.snapshotMb = Math.round((bytes / 2 ** 20) * 10) / 10;
  const split = splitSnapshot(snapshotText);
  const partSizes = "whole" in split ? [bytes] : [...split.parts].map((p) => p.length);
  row.kvValues = "whole" in split ? 1 : partSizes.length + 1;
  row.kvLargestValueMb = Math.round((Math.max(...partSizes) / 2 ** 20) * 10) / 10;
  row.kvPartLimitMb = SNAPSHOT_PART_BYTES / 2 ** 20;

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
  row.loadCpuMs = loaded.cpuMs ?? null;
  const index = loadIndex(JSON.parse(snapshotText));
  snapshotText = "";

  // Answering: retrieve → decide → compose, CPU per question; and what it answered. The first question
  // after a load (compiling the engine's code, building the first routes) is reported on its own; then
  // 50 history questions warm the isolate, and the held-out ones are measured as a warm isolate answers.
  const answer = (text: string) => {
    const r = retrieve(index, text);
    const d = decide(r, { text, locale: "en", priorLowConfidence: 0, priorFailures: 0 });
    if (d.action === "answer" && d.article) composeAnswer(text, d.article);
  };
  row.firstAnswerCpuMs = Math.round(cpuMs(() => answer((history[0] as HistoryItem).text)) * 10) / 10;
  for (const h of history.slice(1, 51)) answer(h.text);
  const per: number[] = [];
  let first = 0;
  let right = 0;
  let wrong = 0;
  let handoff = 0;
  let labelled = 0;
  for (const q of held) {
    let r: ReturnType<typeof retrieve> | null = null;
    let d: ReturnType<typeof decide> | null = null;
    per.push(
      cpuMs(() => {
        r = retrieve(index, q.text);
        d = decide(r, { text: q.text, locale: "en", priorLowConfidence: 0, priorFailures: 0 });
        if (d.action === "answer" && d.article) composeAnswer(q.text, d.article);
      }),
    );
    const rr = r as unknown as ReturnType<typeof retrieve>;
    const dd = d as unknown as ReturnType<typeof decide>;
    if (q.article === "none") continue;
    labelled++;
    if (rr.candidates[0]?.articleId === q.article) first++;
    if (dd.action === "answer") {
      if (dd.article?.articleId === q.article) right++;
      else wrong++;
    } else if (dd.action === "handoff") handoff++;
  }
  per.sort((a, b) => a - b);
  row.answerCpuP50Ms = Math.round((per[Math.floor(per.length / 2)] as number) * 100) / 100;
  row.answerCpuP95Ms = Math.round((per[Math.floor(per.length * 0.95)] as number) * 100) / 100;
  row.rankedFirstPct = Math.round((1000 * first) / Math.max(1, labelled)) / 10;
  row.answeredRightPct = Math.round((1000 * right) / Math.max(1, labelled)) / 10;
  row.answeredWrongPct = Math.round((1000 * wrong) / Math.max(1, labelled)) / 10;
  row.handedOffPct = Math.round((1000 * handoff) / Math.max(1, labelled)) / 10;

  // A one-article edit: the next publish, given the live snapshot as the publisher gives it.
  const edited = articles.map((a, i) =>
    i === Math.floor(articles.length / 2) ? { ...a, body: `${a.body}\n\nUpdated.` } : a,
  );
  let after: KbSnapshot | null = null;
  row.editCpuS =
    Math.round(
      cpuMs(() => {
        after = build({ version: "v2", articles: edited, history }, built);
      }) / 100,
    ) / 10;
  const next = after as unknown as KbSnapshot;
  if (next.centroids && built.centroids) {
    const old = built.centroids.parts;
    row.editPartsRebuilt = next.centroids.parts.filter((p, i) => p !== old[i]).length;
    row.modelParts = next.centroids.parts.length;
  } else {
    row.editPartsRebuilt = null;
    row.modelParts = null;
  }
  if (publishHeap) Object.assign(row, publishUnderCap(articles.length, Number(publishHeap)));
  rows.push(row);
  console.error(JSON.stringify(row));
}
console.log(
  table(
    [
      "articles",
      "tickets",
      "model",
      "build CPU s",
      "edit CPU s (parts rebuilt)",
      "snapshot MB (KV values)",
      "index in memory MB",
      "load CPU ms",
      "answer CPU p50/p95 ms (first)",
      "held-out: first / right / wrong %",
      "publish in a capped heap: full / edit peak MB",
    ],
    rows.map((r) => [
      String(r.articles),
      String(r.tickets),
      r.model === "dense"
        ? `dense (${r.features} features, ${num(r.denseWeightsMb as number, 1)} MB int8)`
        : "centroids",
      num(r.buildCpuS as number, 1),
      `${num(r.editCpuS as number, 1)}${r.editPartsRebuilt === null ? " (all)" : ` (${r.editPartsRebuilt} of ${r.modelParts})`}`,
      `${num(r.snapshotMb as number, 1)} (${r.kvValues})`,
      num(r.indexMemoryMb as number, 1),
      num(r.loadCpuMs as number),
      `${r.answerCpuP50Ms} / ${r.answerCpuP95Ms} (${r.firstAnswerCpuMs})`,
      `${r.rankedFirstPct} / ${r.answeredRightPct} / ${r.answeredWrongPct}`,
      r.publishHeapCapMb === undefined
        ? "–"
        : `${r.publishFullFits ? r.publishFullPeakMb : "out of memory"} / ${r.publishEditFits ? r.publishEditPeakMb : "out of memory"} (cap ${r.publishHeapCapMb})`,
    ]),
  ),
);
const out = arg("json");
if (out)
  writeFileSync(
    out,
    `${JSON.stringify({ command: `node --expose-gc scripts/ts.mjs scripts/kb-scale.ts ${argv.join(" ")}`, rows }, null, 2)}\n`,
  );
