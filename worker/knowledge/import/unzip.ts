// Reads an uploaded ZIP of Markdown articles (PKWARE APPNOTE: the central directory, "stored" and
// "deflate" entries). The platform's DecompressionStream("deflate-raw") inflates (workerd and Node
// both have it), so no library ships into the worker; worker/privacy/zip.ts only writes archives.
//
// Hostile archives are the norm here, so every number is checked before it is trusted: the entry
// count, each entry's declared size and the total, the ratio of declared to compressed size, and
// while inflating the ACTUAL bytes produced, which stop at the declared size (a zip bomb lies in its
// header and is cut off at the first byte over). Names with "..", absolute paths, backslashes or
// drive letters are refused; encrypted and ZIP64 entries too. The CRC of every entry is verified.
import { crc32 } from "../../privacy/zip.ts";

export type UnzipLimits = {
  /** Entries in the central directory, folders and skipped files included. */
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of every entry read, together. */
  maxTotalBytes: number;
  /** Largest declared uncompressed / compressed ratio (text compresses ~4–10×; bombs 1000×). */
  maxRatio: number;
};

export const UNZIP_LIMITS: UnzipLimits = {
  maxEntries: 2000,
  maxEntryBytes: 512 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  maxRatio: 200,
};

export class ZipError extends Error {}

export type ZipFile = { name: string; bytes: Uint8Array };

const decoder = new TextDecoder();

/** A safe relative name, or the reason it is not one. */
export function entryNameProblem(name: string): string | null {
  if (!name || name.length > 255) return "name is empty or too long";
  if (name.includes("\\")) return "name holds a backslash";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "name is an absolute path";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a name are refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return "name holds control characters";
  if (name.split("/").some((part) => part === "..")) return "name climbs out of the archive (..)";
  return null;
}

/** Inflates raw deflate data, refusing to produce more than `max` bytes (whatever the header said). */
async function inflate(data: Uint8Array, max: number): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) throw new ZipError("an entry inflates to more than it declares");
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError("an entry's compressed data is corrupt");
  } finally {
    reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The archive's files for which `want(name)` holds, checked against `limits`. Throws ZipError for an
 * archive that is malformed or breaks a limit; names that are refused come back in `refused`.
 */
export async function unzip(
  archive: Uint8Array,
  want: (name: string) => boolean,
  limits: UnzipLimits = UNZIP_LIMITS,
): Promise<{ files: ZipFile[]; refused: { name: string; reason: string }[]; skipped: string[] }> {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes, at the end.
  let eocd = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("not a zip archive (no end of central directory)");
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
  if (count > limits.maxEntries) throw new ZipError(`too many entries: ${count} (at most ${limits.maxEntries})`);
  if (cdOffset + cdSize > eocd) throw new ZipError("the central directory lies outside the archive");

  const files: ZipFile[] = [];
  const refused: { name: string; reason: string }[] = [];
  const skipped: string[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50) throw new ZipError("the central directory is corrupt");
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(archive.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;

    if (name.endsWith("/")) continue; // a folder
    const problem = entryNameProblem(name);
    if (problem) {
      refused.push({ name: name.slice(0, 120), reason: problem });
      continue;
    }
    if (!want(name)) {
      skipped.push(name);
      continue;
    }
    if (flags & 1) throw new ZipError(`${name}: encrypted entries are not supported`);
    if (size === 0xffffffff || compressed === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
    if (method !== 0 && method !== 8) throw new ZipError(`${name}: compression method ${method} is not supported`);
    if (size > limits.maxEntryBytes)
      throw new ZipError(`${name} is ${size} bytes; an article file may be at most ${limits.maxEntryBytes}`);
    if (method === 8 && size > Math.max(1024, compressed * limits.maxRatio))
      throw new ZipError(`${name}: declared size ${size} is implausible for ${compressed} compressed bytes`);
    if (method === 0 && size !== compressed) throw new ZipError(`${name}: stored entry sizes disagree`);
    total += size;
    if (total > limits.maxTotalBytes)
      throw new ZipError(`the articles add up to more than ${limits.maxTotalBytes} bytes uncompressed`);

    // The local header repeats the name; its data follows it (its own extra field may differ in length).
    if (localOffset + 30 > archive.length || view.getUint32(localOffset, true) !== 0x04034b50)
      throw new ZipError(`${name}: local header is missing`);
    const start = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (start + compressed > archive.length) throw new ZipError(`${name}: data runs past the end of the archive`);
    const raw = archive.subarray(start, start + compressed);
    const bytes = method === 0 ? raw.slice() : await inflate(raw, size);
    if (bytes.length !== size) throw new ZipError(`${name}: inflates to ${bytes.length} bytes, declares ${size}`);
    if (crc32(bytes) !== crc) throw new ZipError(`${name}: checksum mismatch`);
    files.push({ name, bytes });
  }
  return { files, refused, skipped };
}

export const utf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
