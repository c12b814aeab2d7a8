// Reading an upload's body without ever holding more than the workspace allows: a declared length over
// the limit is refused before a byte is read, the kind is decided from the first bytes as soon as they
// are in (so a refused type stops the read there), and a body that goes on past the limit, whatever it
// declared, is cancelled at the first chunk over it. What is held is at most `maxBytes` plus one chunk.
import { checkFile, type FileKind, type FilePolicy, SNIFF_BYTES } from "../../shared/files.ts";

export type BodyRead =
  | { ok: true; kind: FileKind; bytes: Uint8Array }
  | { ok: false; error: "file_type" | "file_too_large" | "empty" };

export async function readUpload(
  body: ReadableStream<Uint8Array> | null,
  declared: number | null,
  policy: FilePolicy,
): Promise<BodyRead> {
  if (declared !== null && declared > policy.maxBytes) {
    await body?.cancel().catch(() => undefined);
    return { ok: false, error: "file_too_large" };
  }
  if (!body) return { ok: false, error: "empty" };
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let kind: FileKind | null = null;
  const stop = async (error: "file_type" | "file_too_large"): Promise<BodyRead> => {
    await reader.cancel().catch(() => undefined);
    return { ok: false, error };
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > policy.maxBytes) return stop("file_too_large");
    parts.push(value);
    if (kind === null && size >= SNIFF_BYTES) {
      const v = checkFile(join(parts, size), 0, policy);
      if (!v.ok) return stop(v.error);
      kind = v.kind;
    }
  }
  if (size === 0) return { ok: false, error: "empty" };
  const bytes = join(parts, size);
  if (kind === null) {
    // Shorter than any signature.
    const v = checkFile(bytes, size, policy);
    if (!v.ok) return { ok: false, error: v.error };
    kind = v.kind;
  }
  return { ok: true, kind, bytes };
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
