// `node scripts/ts.mjs scripts/bench-snapshot-load.ts --kb DIR [--history H.jsonl] [--runs 15]`
// What reading a KB snapshot costs an isolate at cold start: builds the snapshot the way a publish does,
// then times JSON.parse of the stored text, the schema check the worker runs (kbSnapshotSchema, flat
// arrays checked in one loop), a schema that walks every array element with zod (for comparison), and
// loadIndex. Prints the median of each over the runs, in milliseconds.
import { readFileSync } from "node:fs";
import * as z from "zod/mini";
import { buildSnapshot, loadIndex } from "../worker/answer/engine/index.ts";
import { denseModelSchema, kbSnapshotSchema } from "../worker/answer/engine/snapshot-format.ts";
import { readKbDir } from "./lib/kb-files.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const kbDir = arg("kb");
if (!kbDir) {
  console.error("usage: node scripts/ts.mjs scripts/bench-snapshot-load.ts --kb DIR [--history H.jsonl] [--runs 15]");
  process.exit(2);
}
const runs = Number(arg("runs") ?? 15);
const historyPath = arg("history");
const history = historyPath
  ? readFileSync(historyPath, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; article: string })
  : [];

const snapshot = buildSnapshot({ version: "1", articles: readKbDir(kbDir), history });
const text = JSON.stringify(snapshot);

// Every array walked element by element: what a plain schema of the whole snapshot would cost.
const { neighbours } = kbSnapshotSchema.shape;
const walked = z.object({
  ...kbSnapshotSchema.shape,
  model: z.object({ ...denseModelSchema.shape, features: z.array(z.string()), idf: z.optional(z.array(z.number())) }),
  neighbours: z.object({
    ...neighbours.shape,
    classes: z.array(z.number()),
    offsets: z.array(z.number()),
    features: z.array(z.number()),
  }),
});

function median(f: () => unknown): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return Math.round((t[t.length >> 1] as number) * 100) / 100;
}

const value: unknown = JSON.parse(text);
const result = {
  snapshotBytes: text.length,
  articles: snapshot.articles.length,
  modelFeatures: snapshot.model?.features.length ?? 0,
  neighbourFeatures: snapshot.neighbours.features.length,
  runs,
  "JSON.parse ms": median(() => JSON.parse(text)),
  "kbSnapshotSchema ms": median(() => kbSnapshotSchema.parse(value)),
  "every element through zod ms": median(() => walked.parse(value)),
  "loadIndex ms": median(() => loadIndex(snapshot)),
};
console.log(JSON.stringify(result, null, 2));
