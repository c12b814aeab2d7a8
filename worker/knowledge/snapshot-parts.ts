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

/** FNV-1a over bytes, continued from `h`: enough to notice a part of another write, not a security check. */
function fnv(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h;
}
const digestText = (h: number, length: number) => `${(h >>> 0).toString(16)}:${length}`;

/** UTF-8 length of a string, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The values to write: either the JSON text itself, or its UTF-8 in parts of at most `partBytes`,
 * encoded one at a time as they are taken (the whole text's bytes, 29 MB at 5,000 articles, are never
 * held beside the text), and then the manifest, the generator's return value.
 */
export function splitSnapshot(
  json: string,
  partBytes = SNAPSHOT_PART_BYTES,
): { whole: string } | { parts: Generator<Uint8Array, SnapshotManifest> } {
  // Most snapshots are far below the limit; UTF-8 is at most 3 bytes per UTF-16 unit.
  if (json.length * 3 <= partBytes || utf8Length(json) <= partBytes) return { whole: json };
  return { parts: encodeParts(json, partBytes) };
}

function* encodeParts(json: string, partBytes: number): Generator<Uint8Array, SnapshotManifest> {
  const enc = new TextEncoder();
  let h = 0x811c9dc5;
  let bytes = 0;
  let n = 0;
  for (let i = 0; i < json.length; ) {
    let end = Math.min(json.length, i + partBytes);
    // Never end a slice inside a surrogate pair (encodeInto would write U+FFFD for its first half).
    const last = json.charCodeAt(end - 1);
    if (end < json.length && last >= 0xd800 && last <= 0xdbff) end--;
    const buf = new Uint8Array(partBytes);
    // Stops before a character that does not fit, never inside one.
    const r = enc.encodeInto(json.slice(i, end), buf);
    if (r.read === 0) throw new Error(`a part of ${partBytes} bytes cannot hold one character`);
    const part = buf.subarray(0, r.written);
    h = fnv(part, h);
    bytes += r.written;
    n++;
    i += r.read;
    yield part;
  }
  return { parts: n, bytes, digest: digestText(h, bytes) };
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
  if (at !== m.bytes || digestText(fnv(bytes), bytes.length) !== m.digest)
    throw new Error(`${what}: its parts do not match the manifest`);
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}
