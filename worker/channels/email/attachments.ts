// Attachments of inbound mail live in R2 (binding ATTACHMENTS) under the conversation's prefix; the
// message event lists them with a console URL that streams them back to signed-in agents only.
import { nanoid } from "nanoid";
import type { AttachmentRef } from "../../../shared/protocol.ts";
import type { MimeAttachment } from "./mime.ts";

export const attachmentKey = (conversationId: string, id: string) => `conversations/${conversationId}/${id}`;
export const attachmentUrl = (conversationId: string, id: string) =>
  `/api/conversations/${conversationId}/attachments/${id}`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is stripped
const safeName = (name: string) => name.replace(/[\u0000-\u001f\u007f/\\]+/g, "_").slice(0, 200) || "attachment";

/**
 * Puts every attachment; on any failure removes the ones already put and rethrows, so a message never
 * points at half its files. `keys` is filled as objects land, for the caller's own rollback.
 */
export async function storeAttachments(
  bucket: R2Bucket,
  conversationId: string,
  files: MimeAttachment[],
  keys: string[],
): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  for (const f of files) {
    const id = nanoid(16);
    const key = attachmentKey(conversationId, id);
    const name = safeName(f.filename);
    await bucket.put(key, f.content, {
      httpMetadata: { contentType: f.contentType },
      customMetadata: { filename: name, conversationId },
    });
    keys.push(key);
    refs.push({ id, name, type: f.contentType, size: f.content.byteLength, url: attachmentUrl(conversationId, id) });
  }
  return refs;
}

export async function removeObjects(bucket: R2Bucket | undefined, keys: string[]): Promise<void> {
  if (bucket && keys.length) await bucket.delete(keys);
}

/** A download response that a browser never renders in our origin: always a file, never HTML. */
export function downloadResponse(obj: R2ObjectBody): Response {
  const name = obj.customMetadata?.filename ?? "attachment";
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return new Response(obj.body, {
    headers: {
      "content-type": obj.httpMetadata?.contentType ?? "application/octet-stream",
      "content-length": String(obj.size),
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    },
  });
}
