// Where every file of a conversation lives and how it leaves: R2 (binding ATTACHMENTS) under the
// conversation's prefix, whichever way it came (an email, a customer's upload in the widget, an agent's
// in the console), and one way of serving it. Erasure, export and import find them all by the prefix.
//
// Serving never trusts what was stored about the type: the first bytes are sniffed again on the way
// out (shared/files.ts), so the Content-Type is always one of five known kinds or a download of bytes.
// Only raster images are `inline`; a PDF or anything else is an `attachment`. `nosniff` stops a browser
// from guessing otherwise, and `default-src 'none'; sandbox` makes whatever a browser renders at this
// address an opaque, script-less document, on the console's origin or anywhere else.
import { type FileKind, isImage, MIME, SNIFF_BYTES, sniff } from "../../shared/files.ts";
import type { AttachmentRef } from "../../shared/protocol.ts";

export const attachmentKey = (conversationId: string, id: string) => `conversations/${conversationId}/${id}`;
/** The console's address of a file (an agent's session; conversation/agent-routes.ts). */
export const attachmentUrl = (conversationId: string, id: string) =>
  `/api/conversations/${conversationId}/attachments/${id}`;

const URL_OF = /^\/api\/conversations\/([\w-]{10,40})\/attachments\/([\w-]{1,64})$/;

/**
 * The R2 key of a file a message lists. A message merged or moved in from another conversation keeps
 * its file where it was stored, under that conversation, which its `url` names.
 */
export function keyOfRef(ref: AttachmentRef, conversationId: string): string {
  const m = URL_OF.exec(ref.url);
  return m ? attachmentKey(m[1] as string, m[2] as string) : attachmentKey(conversationId, ref.id);
}

/** Stores one file; what R2 keeps besides the bytes is only for people (the name) and for erasure. */
export async function putFile(
  bucket: R2Bucket,
  key: string,
  bytes: Uint8Array | ArrayBuffer,
  meta: { name: string; type: string; conversationId: string },
): Promise<void> {
  await bucket.put(key, bytes, {
    httpMetadata: { contentType: meta.type },
    customMetadata: { filename: meta.name, conversationId: meta.conversationId },
  });
}

/** The first bytes of a stream, and a stream that gives all of them again. */
async function peek(
  body: ReadableStream<Uint8Array>,
): Promise<{ head: Uint8Array; rest: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < SNIFF_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
  }
  const head = new Uint8Array(n);
  let at = 0;
  for (const p of parts) head.set(p, (at += p.byteLength) - p.byteLength);
  return { head, rest: reader };
}

export type ServeOptions = {
  /** The console's route: no other site may embed it (the widget's route is read by CORS fetches). */
  sameOriginOnly?: boolean;
};

/**
 * A stored file as an answer no browser runs: Content-Type from the sniffed bytes only, inline for
 * raster images and a download for anything else, nosniff, a sandboxing CSP, never cached by shared caches.
 */
export async function serveFile(obj: R2ObjectBody, opts: ServeOptions = {}): Promise<Response> {
  const { head, rest } = await peek(obj.body);
  const kind: FileKind | null = sniff(head);
  const name = obj.customMetadata?.filename ?? "attachment";
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const inline = kind !== null && isImage(kind);
  const { readable, writable } = new FixedLengthStream(obj.size);
  void (async () => {
    const w = writable.getWriter();
    try {
      if (head.byteLength) await w.write(head);
      for (;;) {
        const { done, value } = await rest.read();
        if (done) break;
        await w.write(value);
      }
      await w.close();
    } catch (e) {
      await w.abort(e).catch(() => undefined);
    }
  })();
  return new Response(readable, {
    headers: {
      "content-type": kind ? MIME[kind] : "application/octet-stream",
      "content-length": String(obj.size),
      "content-disposition": `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, no-store",
      "referrer-policy": "no-referrer",
      ...(opts.sameOriginOnly ? { "cross-origin-resource-policy": "same-origin" } : {}),
    },
  });
}
