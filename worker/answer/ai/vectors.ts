// Passage vectors in Vectorize. One namespace per workspace (namespaces need no metadata index and
// keep tenants apart); ids are hashes because Vectorize ids are capped at 64 bytes; metadata
// `{ workspaceId, articleId, passageIndex, kbVersion }` maps a match back to the KB.

/**
 * What this module needs of the binding. Both `Vectorize` (V2 indexes, what `wrangler vectorize
 * create` makes today) and the legacy `VectorizeIndex` satisfy it.
 */
export type VectorBinding = Pick<Vectorize, "query"> & {
  upsert(vectors: VectorizeVector[]): Promise<unknown>;
  deleteByIds(ids: string[]): Promise<unknown>;
};

export type PassageMetadata = { workspaceId: string; articleId: string; passageIndex: number; kbVersion: number };
export type PassageVector = PassageMetadata & { id: string; values: number[] };
export type SemanticHit = { articleId: string; passageIndex: number; score: number };

/** Vectors per upsert/delete call (the Workers binding accepts up to 1000). */
const WRITE_BATCH = 500;

/** A stable id of at most 64 bytes: base64url of SHA-256 over the passage's coordinates. */
export async function passageVectorId(workspaceId: string, articleId: string, passageIndex: number): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`${workspaceId}\u0000${articleId}\u0000${passageIndex}`),
  );
  let s = "";
  for (const b of new Uint8Array(digest)) s += String.fromCharCode(b);
  return `p_${btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "").slice(0, 40)}`;
}

const namespaceOf = (workspaceId: string) => workspaceId.slice(0, 64);

export class PassageVectors {
  constructor(private readonly index: VectorBinding) {}

  async upsert(vectors: PassageVector[]): Promise<void> {
    for (let i = 0; i < vectors.length; i += WRITE_BATCH) {
      await this.index.upsert(
        vectors.slice(i, i + WRITE_BATCH).map(({ id, values, workspaceId, articleId, passageIndex, kbVersion }) => ({
          id,
          values,
          namespace: namespaceOf(workspaceId),
          metadata: { workspaceId, articleId, passageIndex, kbVersion },
        })),
      );
    }
  }

  async delete(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += WRITE_BATCH) await this.index.deleteByIds(ids.slice(i, i + WRITE_BATCH));
  }

  /** Nearest passages of one workspace, best first. Matches without usable metadata are skipped. */
  async query(workspaceId: string, vector: number[], topK: number): Promise<SemanticHit[]> {
    const res = await this.index.query(vector, {
      topK: Math.min(20, topK),
      namespace: namespaceOf(workspaceId),
      returnMetadata: "all",
    });
    const hits: SemanticHit[] = [];
    for (const m of res.matches) {
      const md = m.metadata;
      if (!md || md.workspaceId !== workspaceId) continue;
      const { articleId, passageIndex } = md;
      if (typeof articleId !== "string" || typeof passageIndex !== "number") continue;
      hits.push({ articleId, passageIndex, score: m.score });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
