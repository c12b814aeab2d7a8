// Attachments of inbound mail go where every file of a conversation goes (worker/attachments/store.ts:
// R2 under the conversation's prefix); the message event lists them with the console's address, which
// serves them to signed-in agents of the workspace only.
import { nanoid } from "nanoid";
import type { AttachmentRef } from "../../../shared/protocol.ts";
import { attachmentKey, attachmentUrl, putFile } from "../../attachments/store.ts";
import type { MimeAttachment } from "./mime.ts";

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
    await putFile(bucket, key, f.content, { name, type: f.contentType, conversationId });
    keys.push(key);
    refs.push({ id, name, type: f.contentType, size: f.content.byteLength, url: attachmentUrl(conversationId, id) });
  }
  return refs;
}

export async function removeObjects(bucket: R2Bucket | undefined, keys: string[]): Promise<void> {
  if (bucket && keys.length) await bucket.delete(keys);
}
