// An in-memory Vectorize index for tests. It implements both binding classes of
// @cloudflare/workers-types — `Vectorize` (V2) and the legacy `VectorizeIndex` — by returning values
// that satisfy both (a mutation carries `mutationId` as well as `ids`/`count`). Behaviour follows the
// documented limits: fixed dimensions, ids ≤ 64 bytes, upsert batches ≤ 1000, namespaces ≤ 64 bytes,
// topK ≤ 20 when values or metadata are returned (≤ 100 otherwise), default topK 5, cosine score,
// metadata filters ($eq $ne $lt $lte $gt $gte $in $nin and bare values) applied before topK.
import { cosine } from "./ai.ts";

type Stored = { id: string; values: number[]; namespace?: string; metadata?: Record<string, VectorizeVectorMetadata> };
type Mutation = VectorizeAsyncMutation & VectorizeVectorMutation;

const bytes = (s: string) => new TextEncoder().encode(s).length;

export class FakeVectorize implements Vectorize, VectorizeIndex {
  readonly vectors = new Map<string, Stored>();
  private mutations = 0;

  constructor(
    readonly dimensions = 768,
    readonly metric: VectorizeDistanceMetric = "cosine",
  ) {}

  async describe(): Promise<VectorizeIndexInfo & VectorizeIndexDetails> {
    return {
      id: "fake-index",
      name: "fake-index",
      config: { dimensions: this.dimensions, metric: this.metric },
      vectorsCount: this.vectors.size,
      vectorCount: this.vectors.size,
      dimensions: this.dimensions,
      processedUpToDatetime: Date.now(),
      processedUpToMutation: this.mutations,
    };
  }

  private check(v: VectorizeVector) {
    if (!v.id || bytes(v.id) > 64)
      throw new Error(`VECTOR_INSERT_ERROR (code = 40007): id must be 1..64 bytes: ${v.id}`);
    if (v.values.length !== this.dimensions) {
      throw new Error(
        `VECTOR_INSERT_ERROR (code = 40012): invalid vector for id="${v.id}", expected ${this.dimensions} dimensions, and got ${v.values.length} dimensions`,
      );
    }
    if (v.namespace !== undefined && bytes(v.namespace) > 64)
      throw new Error("VECTOR_INSERT_ERROR: namespace longer than 64 bytes");
    for (const k of Object.keys(v.metadata ?? {}))
      if (!k || k.includes(".") || k.includes('"') || k.startsWith("$")) throw new Error(`invalid metadata key ${k}`);
  }

  private mutation(ids: string[]): Mutation {
    this.mutations++;
    return { mutationId: `m${this.mutations}`, ids, count: ids.length };
  }

  private write(vectors: VectorizeVector[], replace: boolean): Mutation {
    if (vectors.length > 1000) throw new Error("VECTOR_UPSERT_ERROR: more than 1000 vectors in one batch");
    for (const v of vectors) this.check(v);
    const done: string[] = [];
    for (const v of vectors) {
      if (!replace && this.vectors.has(v.id)) continue;
      this.vectors.set(v.id, {
        id: v.id,
        values: Array.from(v.values, (x) => Math.fround(x)),
        ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
        ...(v.metadata ? { metadata: structuredClone(v.metadata) } : {}),
      });
      done.push(v.id);
    }
    return this.mutation(done);
  }

  async insert(vectors: VectorizeVector[]): Promise<Mutation> {
    return this.write(vectors, false);
  }

  async upsert(vectors: VectorizeVector[]): Promise<Mutation> {
    return this.write(vectors, true);
  }

  async deleteByIds(ids: string[]): Promise<Mutation> {
    return this.mutation(ids.filter((id) => this.vectors.delete(id)));
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return ids.flatMap((id) => {
      const v = this.vectors.get(id);
      return v ? [structuredClone(v)] : [];
    });
  }

  async queryById(vectorId: string, options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const v = this.vectors.get(vectorId);
    return v ? this.query(v.values, options) : { matches: [], count: 0 };
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    if (vector.length !== this.dimensions)
      throw new Error(
        `VECTOR_QUERY_ERROR (code = 40006): expected ${this.dimensions} dimensions, got ${vector.length}`,
      );
    const topK = options.topK ?? 5;
    const rm = options.returnMetadata ?? "none";
    const heavy = options.returnValues === true || rm === true || rm === "all" || rm === "indexed";
    if (topK < 1 || topK > (heavy ? 20 : 100))
      throw new Error(`VECTOR_QUERY_ERROR (code = 40025): topK must be 1..${heavy ? 20 : 100}, got ${topK}`);
    const matches = [...this.vectors.values()]
      .filter((v) => options.namespace === undefined || v.namespace === options.namespace)
      .filter((v) => matchesFilter(v.metadata ?? {}, options.filter))
      .map((v) => ({ v, score: this.score(vector, v.values) }))
      .sort((a, b) => (this.metric === "euclidean" ? a.score - b.score : b.score - a.score))
      .slice(0, topK)
      .map(
        ({ v, score }): VectorizeMatch => ({
          id: v.id,
          score,
          ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
          ...(rm === true || rm === "all" || rm === "indexed" ? { metadata: structuredClone(v.metadata ?? {}) } : {}),
          ...(options.returnValues ? { values: [...v.values] } : {}),
        }),
      );
    return { matches, count: matches.length };
  }

  /** Cosine and dot-product: higher is closer. Euclidean: the distance, lower is closer. */
  private score(a: ArrayLike<number>, b: number[]): number {
    if (this.metric === "cosine") return cosine(a, b);
    let d = 0;
    for (let i = 0; i < b.length; i++)
      d +=
        this.metric === "euclidean" ? ((a[i] as number) - (b[i] as number)) ** 2 : (a[i] as number) * (b[i] as number);
    return this.metric === "euclidean" ? Math.sqrt(d) : d;
  }
}

type Scalar = Exclude<VectorizeVectorMetadataValue, string[]> | null;

function matchesFilter(
  md: Record<string, VectorizeVectorMetadata>,
  filter: VectorizeVectorMetadataFilter | undefined,
): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, cond]) => {
    const raw = md[field];
    const v: Scalar = raw === undefined || Array.isArray(raw) || (typeof raw === "object" && raw !== null) ? null : raw;
    if (cond === null || typeof cond !== "object") return v === cond;
    return Object.entries(cond).every(([op, arg]) => {
      switch (op) {
        case "$eq":
          return v === arg;
        case "$ne":
          return v !== arg;
        case "$in":
          return Array.isArray(arg) && v !== null && (arg as Scalar[]).includes(v);
        case "$nin":
          return Array.isArray(arg) && !(v !== null && (arg as Scalar[]).includes(v));
        case "$lt":
          return v !== null && arg !== null && v < (arg as Scalar & {});
        case "$lte":
          return v !== null && arg !== null && v <= (arg as Scalar & {});
        case "$gt":
          return v !== null && arg !== null && v > (arg as Scalar & {});
        case "$gte":
          return v !== null && arg !== null && v >= (arg as Scalar & {});
        default:
          throw new Error(`VECTOR_QUERY_ERROR: unsupported filter operator ${op}`);
      }
    });
  });
}
