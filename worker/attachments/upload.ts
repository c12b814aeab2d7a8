// One upload, the same for a customer (the widget, their conversation token) and an agent (the
// console, their session): the caller's route has already decided who may write to which conversation.
// In order, so that nothing is read or stored that would be refused: the client id and the name, the
// workspace's policy, the conversation's gate (a retry answered from its log; a customer's budget), the
// body read within the limit and judged by its bytes, R2, then the message in the conversation's log.
// If the conversation refuses at the end, the object goes again.
import type { Context } from "hono";
import { nanoid } from "nanoid";
import { type Uploaded, uploadClientIdSchema } from "../../shared/attachments.ts";
import { fileSize, MIME, storedName } from "../../shared/files.ts";
import type { AttachmentRef } from "../../shared/protocol.ts";
import type { ConversationDO } from "../conversation/do.ts";
import type { Uploader } from "../conversation/files.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, parseOr400 } from "../http/errors.ts";
import { readUpload } from "./body.ts";
import { loadFilePolicy } from "./policy.ts";
import { attachmentKey, attachmentUrl, putFile } from "./store.ts";

/** The file's name from `x-file-name` (percent-encoded UTF-8, so any name survives a header). */
function nameOf(c: Context<AppEnv>): string {
  const raw = c.req.header("x-file-name") ?? "";
  try {
    return decodeURIComponent(raw).slice(0, 500);
  } catch {
    return raw.slice(0, 500);
  }
}

/** The refusals a client shows: the same codes on both doors, and in the widget's and console's words. */
function refused(c: Context<AppEnv>, error: string, message: string, retryAfterMs?: number): ApiFailure {
  const status =
    error === "file_too_large"
      ? 413
      : error === "file_type"
        ? 415
        : error === "rate_limited"
          ? 429
          : error === "not_found"
            ? 404
            : error === "empty"
              ? 400
              : 409;
  if (retryAfterMs !== undefined) c.header("retry-after", String(Math.ceil(retryAfterMs / 1000)));
  return new ApiFailure(status, error, message);
}

export async function upload(
  c: Context<AppEnv>,
  conv: { id: string; workspaceId: string; stub: DurableObjectStub<ConversationDO> },
  who: Uploader,
): Promise<Response> {
  const clientId = parseOr400(uploadClientIdSchema, c.req.header("x-client-id") ?? "", "header");
  const bucket = c.env.ATTACHMENTS;
  if (!bucket) throw new ApiFailure(503, "files_unavailable", "this deployment keeps no files (no ATTACHMENTS bucket)");
  const policy = await loadFilePolicy(c.env.DB, conv.workspaceId);
  if (!policy.types.length) throw refused(c, "files_off", "this workspace does not take files");

  const gate = await conv.stub.fileGate(who, clientId);
  if (!gate.ok) throw refused(c, gate.error, gate.message, gate.retryAfterMs);
  if (gate.prior) {
    await c.req.raw.body?.cancel().catch(() => undefined);
    return c.json(gate.prior satisfies Uploaded, 200);
  }

  const length = c.req.header("content-length");
  const read = await readUpload(c.req.raw.body, length ? Number(length) : null, policy);
  if (!read.ok) {
    if (read.error === "file_too_large")
      throw refused(c, read.error, `the file is larger than this desk takes (${fileSize(policy.maxBytes)})`);
    if (read.error === "file_type")
      throw refused(
        c,
        read.error,
        `this kind of file is not taken here (${policy.types.join(", ")}); its bytes decide, not its name`,
      );
    throw refused(c, "empty", "the upload has no bytes");
  }

  const id = nanoid(16);
  const key = attachmentKey(conv.id, id);
  const name = storedName(nameOf(c) || "file", read.kind);
  const ref: AttachmentRef = {
    id,
    name,
    type: MIME[read.kind],
    size: read.bytes.byteLength,
    url: attachmentUrl(conv.id, id),
  };
  await putFile(bucket, key, read.bytes, { name, type: ref.type, conversationId: conv.id });
  const r = await conv.stub.attachFile(who, clientId, ref).catch(async (e: unknown) => {
    await bucket.delete(key).catch(() => undefined);
    throw e;
  });
  if (!r.ok || r.value.duplicate) await bucket.delete(key).catch(() => undefined);
  if (!r.ok) throw refused(c, r.error, r.message);
  return c.json(r.value satisfies Uploaded, r.value.duplicate ? 200 : 201);
}
