// Shared setup of the AI-path unit tests: the bank fixtures as a loaded KB, fakes, and stream helpers.
import { buildSnapshot, loadIndex } from "../engine/snapshot.ts";
import type { LoadedKb } from "../../knowledge/store.ts";
import { articles } from "../engine/test-fixtures.ts";

export const snapshot = buildSnapshot({ version: "1", articles, history: [] });
export const kb: LoadedKb = { version: 1, index: loadIndex(snapshot) };
export { articles };

export function streamOf(
  chunks: (string | Uint8Array)[],
  opts: { delayMs?: number; errorAt?: number } = {},
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.errorAt !== undefined && i === opts.errorAt) return c.error(new Error("boom"));
      const x = chunks[i++];
      if (x === undefined) c.close();
      else c.enqueue(typeof x === "string" ? enc.encode(x) : x);
    },
  });
}

export async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const t of it) out.push(t);
  return out;
}
