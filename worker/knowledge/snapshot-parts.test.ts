// A snapshot past one KV value is written as UTF-8 parts and a manifest (snapshot-parts.ts): the parts
// join back to the same value whatever characters fall on a part's edge, and a part that is missing,
// foreign or out of order is refused rather than parsed.
import { describe, expect, it } from "vitest";
import { isManifest, joinSnapshot, splitSnapshot, type SnapshotManifest } from "./snapshot-parts.ts";

const value = {
  articles: [{ title: "Über 🎉 emoji, ñ, 漢字 and \uD83D\uDE00 pairs", body: "x".repeat(40) }],
  note: "🎉".repeat(20),
};

function split(json: string, partBytes: number): { manifest: SnapshotManifest; parts: Uint8Array[] } {
  const s = splitSnapshot(json, partBytes);
  if ("whole" in s) throw new Error("expected parts");
  const parts: Uint8Array[] = [];
  for (let r = s.parts.next(); ; r = s.parts.next()) {
    if (r.done) return { manifest: r.value, parts };
    parts.push(r.value.slice());
  }
}

const buffers = (parts: Uint8Array[]) =>
  parts.map((p) => p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength) as ArrayBuffer);

describe("snapshot parts", () => {
  it("keeps a small snapshot whole", () => {
    const json = JSON.stringify(value);
    expect(splitSnapshot(json, 10_000)).toEqual({ whole: json });
  });

  it("splits into parts no larger than the limit that join back to the same value, at every edge", () => {
    const json = JSON.stringify(value);
    const total = new TextEncoder().encode(json).length;
    for (const partBytes of [4, 5, 6, 7, 11, 64]) {
      const { manifest, parts } = split(json, partBytes);
      expect(manifest.parts).toBe(parts.length);
      expect(manifest.bytes).toBe(total);
      for (const p of parts) expect(p.length).toBeLessThanOrEqual(partBytes);
      expect(isManifest(manifest)).toBe(true);
      expect(joinSnapshot(manifest, buffers(parts), "v")).toEqual(value);
    }
  });

  it("refuses a missing, foreign or reordered part", () => {
    const { manifest, parts } = split(JSON.stringify(value), 16);
    const ok = buffers(parts);
    expect(() => joinSnapshot(manifest, [...ok.slice(0, 2), null, ...ok.slice(3)], "v")).toThrow("part 2 of");
    expect(() => joinSnapshot(manifest, [ok[1] ?? null, ok[0] ?? null, ...ok.slice(2)], "v")).toThrow(
      "do not match the manifest",
    );
    expect(() => joinSnapshot(manifest, ok.slice(1), "v")).toThrow(`expected ${manifest.parts} parts`);
    expect(() => joinSnapshot({ parts: "3" }, ok, "v")).toThrow("(manifest)");
  });
});
