// A KB snapshot in KV: one value up to SNAPSHOT_PART_BYTES, else its UTF-8 bytes split over parts
// (`<key>/part/<i>`) with a small manifest under the key itself. KV refuses values over 25 MiB, and a
// 5,000-article KB's snapshot is larger than that (docs/performance.md). The manifest says how many
// parts and bytes to expect and a digest of the whole, so a part lost or left from another write is
// noticed and the snapshot rebuilt, never half-read. Pure: no `cloudflare:*`, so scripts can use it.
import * as z from "zod/mini";
import { parseValue } from "../../shared/json.ts";

/** Below KV's 25 MiB value limit with room for its metadata. */
export const SNAPSHOT_PART_BYTES = 20 * 2 ** 20;

export const snapshotManifest = z.object({
  parts: z.number().check(z.int(), z.minimum(1)),
  bytes: z.number().check(z.int(), z.minimum(0)),
  digest: z.string(),
});
export type SnapshotManifest = z.infer<typeof snapshotManifest>;

export const partKey = (key: string, i: number) => `${key}/part/${i}`;

/** FNV-1a over the bytes, hex: enough to notice a part of another write, not a security check. */
function digestOf(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return `${(h >>> 0).toString(16)}:${bytes.length}`;
}

/** The values to write: either the JSON text itself, or a manifest and its parts. */
export function splitSnapshot(
  json: string,
  partBytes = SNAPSHOT_PART_BYTES,
): { whole: string } | { manifest: SnapshotManifest; parts: Uint8Array[] } {
  // Most snapshots are far below the limit; UTF-8 is at most 3 bytes per UTF-16 unit.
  if (json.length * 3 <= partBytes) return { whole: json };
  const bytes = new TextEncoder().encode(json);
  if (bytes.length <= partBytes) return { whole: json };
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += partBytes) parts.push(bytes.subarray(i, i + partBytes));
  return { manifest: { parts: parts.length, bytes: bytes.length, digest: digestOf(bytes) }, parts };
}

/** Whether a value read under a snapshot key is a manifest (an object with `parts`) rather than a snapshot. */
export const isManifest = (v: unknown): boolean =>
  typeof v === "object" && v !== null && "parts" in v && !("articles" in v);

/** The snapshot's JSON value from its parts, or a DataError/Error naming what does not fit. */
export function joinSnapshot(manifestValue: unknown, parts: (ArrayBuffer | null)[], what: string): unknown {
  const m = parseValue(snapshotManifest, manifestValue, `${what} (manifest)`);
  if (parts.length !== m.parts) throw new Error(`${what}: expected ${m.parts} parts, read ${parts.length}`);
  const bytes = new Uint8Array(m.bytes);
  let at = 0;
  for (const [i, p] of parts.entries()) {
    if (!p) throw new Error(`${what}: part ${i} of ${m.parts} is missing`);
    if (at + p.byteLength > m.bytes) throw new Error(`${what}: part ${i} runs past ${m.bytes} bytes`);
    bytes.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  if (at !== m.bytes || digestOf(bytes) !== m.digest) throw new Error(`${what}: its parts do not match the manifest`);
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}
