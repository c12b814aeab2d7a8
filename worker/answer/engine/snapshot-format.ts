// The KB snapshot as it is stored in KV, read back through a schema instead of trusted: a snapshot
// written by a buggy or older build, or a truncated value, fails here with the path of what is wrong,
// and the loader (worker/knowledge/store.ts) queues a rebuild instead of answering from garbage.
//
// The snapshot is parsed on every isolate cold start, on the path of a customer's first message. Its
// bulk is three flat arrays (the model's feature names, the neighbours' postings and offsets: on the
// banking77 benchmark, hundreds of thousands of entries) which zod would walk and copy element by
// element; `flat()` checks that they are arrays of the right element type with one pass of a plain
// loop and keeps them as they are. Every other part, including each article and passage, is parsed
// in full. (Measured with scripts/bench-snapshot-load.ts; numbers in worker/answer/engine/README.md.)
import * as z from "zod/mini";
import { parseValue } from "../../../shared/json.ts";
import type { KbSnapshot } from "./snapshot.ts";

/** An array whose every element has type `kind`, checked in one plain loop and kept as is (no copy). */
function flat<K extends "string" | "number">(kind: K) {
  return z.custom<(K extends "string" ? string : number)[]>(
    (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== kind) return false;
      return true;
    },
    { message: `expected an array of ${kind}s` },
  );
}

const passage = z.object({ heading: z.string(), text: z.string(), md: z.string() });

const article = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  handoff: z.enum(["never", "always"]),
  priority: z.string(),
  team: z.string(),
  locale: z.string(),
  updated: z.string(),
  questions: z.array(z.string()),
  action: z.optional(z.string()),
  passages: z.array(passage),
  learnt: z.optional(z.array(z.string())),
});

const features = z.object({
  wordWeight: z.number(),
  bigramWeight: z.number(),
  charWeight: z.number(),
  charMin: z.number(),
  charMax: z.number(),
});

/** The dense model's part (exported for scripts/bench-snapshot-load.ts). */
export const denseModelSchema = z.object({
  classes: z.array(z.string()),
  features: flat("string"),
  weights: z.string(),
  scales: z.array(z.number()),
  bias: z.array(z.number()),
  idf: z.optional(flat("number")),
});

const centroidPart = z.object({ digest: z.string(), ids: z.string(), w: z.string(), scale: z.number() });

const centroids = z.object({
  kind: z.literal("centroid"),
  classes: flat("string"),
  parts: z.array(centroidPart),
  idf: z.optional(z.object({ digest: z.string(), ids: z.string(), values: z.string(), fallback: z.number() })),
  words: flat("string"),
  historyWords: flat("string"),
  historyDigest: z.string(),
});

const neighbours = z.object({
  classes: flat("number"),
  offsets: flat("number"),
  features: flat("number"),
});

export const kbSnapshotSchema = z
  .object({
    format: z.number(),
    version: z.string(),
    articles: z.array(article),
    features,
    model: z.optional(denseModelSchema),
    centroids: z.optional(centroids),
    neighbours,
    synonyms: z.optional(z.array(z.array(z.string()))),
    history: z.object({
      resolvedByArticle: z.number(),
      gaps: z.number(),
      gapTopics: z.record(z.string(), z.number()),
    }),
  })
  .check(
    // One intent model: the dense one or a large KB's centroids (snapshot.ts).
    z.refine((s) => (s.model === undefined) !== (s.centroids === undefined), {
      message: "expected a model or centroids (one of them)",
      path: ["model"],
    }),
  );

// The schema's output is a KbSnapshot: a field added to the interface and not here fails the typecheck.
const _isSnapshot: z.ZodMiniType<KbSnapshot> = kbSnapshotSchema;
void _isSnapshot;

/** A snapshot read from KV (already JSON-decoded), or an error naming what is wrong with it. */
export const parseSnapshot = (value: unknown, what: string): KbSnapshot => parseValue(kbSnapshotSchema, value, what);
