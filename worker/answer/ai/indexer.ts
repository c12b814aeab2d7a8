// The publish hook of hybrid retrieval: after a KB version is built, embed each article passage and
// upsert it into Vectorize; delete vectors of passages that no longer exist. A manifest in KV
// (vector id → hash of model + embedded text) makes republishing cheap: only changed passages are
// embedded again, which matters because every resolved conversation republishes the index.
import type { SnapshotArticle } from "../engine/snapshot.ts";
import type { Embedder } from "./embeddings.ts";
import { passageVectorId, type PassageVector, type PassageVectors } from "./vectors.ts";
import { safeParseJson } from "../../../shared/json.ts";
import * as z from "zod/mini";

export type IndexSync = { embedded: number; deleted: number; unchanged: number };

/** What store.ts calls after building a snapshot; implemented here, or absent when retrieval is embedded. */
export interface PassageIndexer {
  sync(workspaceId: string, kbVersion: number, articles: SnapshotArticle[]): Promise<IndexSync>;
}

/** Per passage vector id, the hash of what was embedded for it (KV, one value per workspace). */
const manifestSchema = z.object({ entries: z.record(z.string(), z.string()) });
type Manifest = z.infer<typeof manifestSchema>;

/** The text a passage is embedded as: its article title and heading give it context. */
export function passageText(a: Pick<SnapshotArticle, "title">, p: { heading: string; text: string }): string {
  return [a.title, p.heading && p.heading !== a.title ? p.heading : "", p.text].filter(Boolean).join("\n");
}

async function hash(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  return [...d.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const manifestKey = (workspaceId: string) => `vec/${workspaceId}/manifest`;

export class VectorizeIndexer implements PassageIndexer {
  constructor(
    private readonly embedder: Embedder,
    private readonly vectors: PassageVectors,
    private readonly kv: KVNamespace,
  ) {}

  async sync(workspaceId: string, kbVersion: number, articles: SnapshotArticle[]): Promise<IndexSync> {
    // An unreadable manifest counts as none (as a missing one always has): every passage is re-embedded.
    const stored = await this.kv.get(manifestKey(workspaceId));
    const before =
      (stored && safeParseJson(manifestSchema, stored, `${manifestKey(workspaceId)} in KV`)?.entries) || {};
    const entries: Record<string, string> = {};
    const todo: { meta: Omit<PassageVector, "values">; text: string }[] = [];
    for (const a of articles) {
      for (let i = 0; i < a.passages.length; i++) {
        const p = a.passages[i] as SnapshotArticle["passages"][number];
        const text = passageText(a, p);
        const id = await passageVectorId(workspaceId, a.id, i);
        const h = await hash(`${this.embedder.model}\n${text}`);
        entries[id] = h;
        if (before[id] !== h)
          todo.push({ meta: { id, workspaceId, articleId: a.id, passageIndex: i, kbVersion }, text });
      }
    }
    const gone = Object.keys(before).filter((id) => !(id in entries));
    if (todo.length) {
      const values = await this.embedder.embed(todo.map((t) => t.text));
      await this.vectors.upsert(todo.map((t, i) => ({ ...t.meta, values: values[i] as number[] })));
    }
    if (gone.length) await this.vectors.delete(gone);
    // Written last: a failure above leaves the old manifest, so the next publish retries the work.
    await this.kv.put(manifestKey(workspaceId), JSON.stringify({ entries } satisfies Manifest));
    return { embedded: todo.length, deleted: gone.length, unchanged: Object.keys(entries).length - todo.length };
  }
}
