// Files customers and agents attach to a conversation (docs/attachments.md): which kinds exist, how a
// file's kind is told from its first bytes, and the limits a workspace starts with. No zod and no DOM:
// the worker decides with `sniff`, and the widget's upload chunk and the console ask the same question
// before they send anything, so a refusal is said before the bytes travel. The name a file came with
// and the Content-Type a client claims are never asked: only the bytes.

/** Every kind the desk can take: raster images a browser shows safely, and PDF (always a download). */
export const fileKinds = ["png", "jpeg", "gif", "webp", "pdf"] as const;
export type FileKind = (typeof fileKinds)[number];

/** The Content-Type a stored file is served with: its sniffed kind's, never what a client said. */
export const MIME: Record<FileKind, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
};

/** The extension a stored file's name ends with: "photo.jpg" that holds a PDF is kept as "photo.pdf". */
const EXTENSIONS: Record<FileKind, readonly string[]> = {
  png: ["png"],
  jpeg: ["jpg", "jpeg"],
  gif: ["gif"],
  webp: ["webp"],
  pdf: ["pdf"],
};

/** Kinds shown inline (an <img>); everything else is only ever a download. */
export const isImage = (k: FileKind): boolean => k !== "pdf";

/** The kind of a served Content-Type (an AttachmentRef's `type`), or null for anything we did not sniff. */
export function kindOfMime(type: string): FileKind | null {
  for (const k of fileKinds) if (MIME[k] === type) return k;
  return null;
}

/** Bytes `sniff` needs; fewer than this is too short to be any of the kinds. */
export const SNIFF_BYTES = 12;

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/**
 * The kind of a file by its signature (the "magic bytes" of each format's specification), or null. A
 * PDF must start with `%PDF-` at byte 0 (readers tolerate junk before it; we do not). Anything else
 * (SVG, HTML, scripts, archives, office files) is null: refused.
 */
export function sniff(head: Uint8Array): FileKind | null {
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (starts(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (starts(head, ascii("GIF87a")) || starts(head, ascii("GIF89a"))) return "gif";
  if (starts(head, ascii("RIFF")) && starts(head, ascii("WEBP"), 8)) return "webp";
  if (starts(head, ascii("%PDF-"))) return "pdf";
  return null;
}

/** A workspace's rules for files: the largest one taken, and which kinds (none: attaching is off). */
export type FilePolicy = { maxBytes: number; types: FileKind[] };

const MB = 1024 * 1024;
/** What a workspace starts with: 10 MB, images and PDF. */
export const DEFAULT_FILE_POLICY: FilePolicy = { maxBytes: 10 * MB, types: [...fileKinds] };
/** The bounds an owner can set: a file of at least 100 KB, of at most 25 MB (what the worker holds in memory). */
export const MIN_MAX_BYTES = 100 * 1024;
export const MAX_MAX_BYTES = 25 * MB;

/** "2.4 MB", "830 KB": sizes for people. */
export function fileSize(n: number): string {
  return n >= MB ? `${(n / MB).toFixed(n >= 10 * MB ? 0 : 1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

/**
 * A file's name as stored and shown: no control characters or path separators, at most 120
 * characters, and the extension of its sniffed kind (added, or in place of a wrong one).
 */
export function storedName(name: string, kind: FileKind): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is stripped
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]+/g, "_").trim();
  const dot = clean.lastIndexOf(".");
  const ext = dot > 0 ? clean.slice(dot + 1).toLowerCase() : "";
  const stem = (EXTENSIONS[kind].includes(ext) || /^[a-z0-9]{1,5}$/.test(ext) ? clean.slice(0, dot) : clean) || "file";
  const keep = EXTENSIONS[kind].includes(ext) ? ext : (EXTENSIONS[kind][0] as string);
  return `${stem.slice(0, 110)}.${keep}`;
}

/** Why a file is refused before or after it travels: the same verdict on both sides. */
export type FileVerdict = { ok: true; kind: FileKind } | { ok: false; error: "file_type" | "file_too_large" };

/** The policy's verdict on a file's first bytes and size. */
export function checkFile(head: Uint8Array, size: number, policy: FilePolicy): FileVerdict {
  const kind = sniff(head);
  if (!kind || !policy.types.includes(kind)) return { ok: false, error: "file_type" };
  if (size > policy.maxBytes) return { ok: false, error: "file_too_large" };
  return { ok: true, kind };
}
