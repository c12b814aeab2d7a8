import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, zip } from "../../privacy/zip.ts";
import { entryNameProblem, unzip, UNZIP_LIMITS, ZipError } from "./unzip.ts";

type Entry = { name: string; data: Uint8Array; declare?: number; crc?: number };

/** A deflate zip (what every OS writes); `declare` and `crc` let a test lie in the headers as a bomb does. */
function deflateZip(entries: Entry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const body = new Uint8Array(deflateRawSync(e.data));
    const crc = e.crc ?? crc32(e.data);
    const size = e.declare ?? e.data.length;
    const local = new Uint8Array(30 + name.length + body.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(8, 8, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, body.length, true);
    l.setUint32(22, size, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, 8, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, x) => n + x.length, 0);
  const end = new Uint8Array(22);
  const d = new DataView(end.buffer);
  d.setUint32(0, 0x06054b50, true);
  d.setUint16(8, entries.length, true);
  d.setUint16(10, entries.length, true);
  d.setUint32(12, cdSize, true);
  d.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const x of [...locals, ...centrals, end]) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const all = () => true;

describe("unzip", () => {
  it("reads deflated and stored entries and verifies each checksum", async () => {
    const deflated = await unzip(deflateZip([{ name: "kb/a.md", data: text("hello ".repeat(200)) }]), all);
    expect(deflated.files.map((f) => [f.name, f.bytes.length])).toEqual([["kb/a.md", 1200]]);
    const stored = await unzip(zip([{ name: "b.md", data: "stored" }]), all);
    expect(new TextDecoder().decode(stored.files[0]?.bytes)).toBe("stored");
  });

  it("refuses names that climb out of the archive or are absolute, and reads the rest", async () => {
    const r = await unzip(
      deflateZip([
        { name: "../../etc/passwd.md", data: text("x") },
        { name: "/abs.md", data: text("x") },
        { name: "a\\..\\b.md", data: text("x") },
        { name: "C:/x.md", data: text("x") },
        { name: "fine/ok.md", data: text("ok") },
      ]),
      all,
    );
    expect(r.files.map((f) => f.name)).toEqual(["fine/ok.md"]);
    expect(r.refused.map((x) => x.name)).toEqual(["../../etc/passwd.md", "/abs.md", "a\\..\\b.md", "C:/x.md"]);
    expect(entryNameProblem("a/../b")).toMatch(/climbs/);
  });

  it("stops a bomb at its declared size: the entry that inflates to more than its header says is refused", async () => {
    // 4 MB of zeros deflate to ~4 KB; the header claims 100 bytes so every size check before inflating passes.
    const bomb = deflateZip([{ name: "bomb.md", data: new Uint8Array(4 * 1024 * 1024), declare: 100 }]);
    expect(bomb.length).toBeLessThan(10_000);
    await expect(unzip(bomb, all)).rejects.toThrow(/inflates to more than it declares/);
  });

  it("refuses implausible ratios, oversized entries and totals before inflating anything", async () => {
    const zeros = new Uint8Array(300 * 1024);
    await expect(unzip(deflateZip([{ name: "z.md", data: zeros }]), all)).rejects.toThrow(/implausible/);
    const big = text("x".repeat(UNZIP_LIMITS.maxEntryBytes + 1));
    await expect(
      unzip(deflateZip([{ name: "big.md", data: big }]), all, { ...UNZIP_LIMITS, maxRatio: 1e9 }),
    ).rejects.toThrow(/at most/);
    const many = Array.from({ length: 3 }, (_, i) => ({ name: `${i}.md`, data: text("y".repeat(1000)) }));
    await expect(unzip(deflateZip(many), all, { ...UNZIP_LIMITS, maxTotalBytes: 2500 })).rejects.toThrow(/add up/);
    await expect(unzip(deflateZip(many), all, { ...UNZIP_LIMITS, maxEntries: 2 })).rejects.toThrow(/too many entries/);
  });

  it("refuses a wrong checksum, a truncated archive and something that is not a zip", async () => {
    await expect(unzip(deflateZip([{ name: "a.md", data: text("abc"), crc: 1 }]), all)).rejects.toThrow(/checksum/);
    const good = deflateZip([{ name: "a.md", data: text("abc".repeat(100)) }]);
    await expect(unzip(good.slice(0, 20), all)).rejects.toBeInstanceOf(ZipError);
    await expect(unzip(text("just text, no archive at all"), all)).rejects.toThrow(/not a zip/);
  });

  it("does not inflate entries it does not want", async () => {
    const r = await unzip(
      deflateZip([
        { name: "a.md", data: text("a") },
        { name: "logo.png", data: new Uint8Array(4 * 1024 * 1024), declare: 10 },
      ]),
      (n) => n.endsWith(".md"),
    );
    expect(r.files.map((f) => f.name)).toEqual(["a.md"]);
    expect(r.skipped).toEqual(["logo.png"]);
  });
});
