// Sends one bot or agent message of an email conversation through the `send_email` binding and logs
// it in D1, with a daily cap on the bot's mail as the backstop against loops.
import { EmailMessage } from "cloudflare:email";
import type { MessageEvent } from "../../../shared/protocol.ts";
import type { Env } from "../../env.ts";
import { kindOfMime, MIME } from "../../../shared/files.ts";
import { keyOfRef } from "../../attachments/store.ts";
import { composeReply, type EmailThread, type MailFile, newMessageId } from "./compose.ts";
import { maskAddress } from "../../ops/log.ts";
import { botMailsSince, recordOutbound } from "./db.ts";

/** `left`: files of the message too large to carry, named in the mail instead (EMAIL_ATTACH_MAX_BYTES). */
export type DeliverResult = {
  status: "sent" | "failed" | "suppressed";
  messageId: string;
  detail?: string;
  left?: string[];
};

/** Bytes of files one mail carries; past it a file is named, not attached (10 MB: base64 makes 13.3 of a 25 MB message). */
const attachCap = (env: Env) =>
  Number(env.EMAIL_ATTACH_MAX_BYTES) > 0 ? Number(env.EMAIL_ATTACH_MAX_BYTES) : 10 * 1024 * 1024;

/**
 * An agent's files, read back from R2 to travel with the mail as parts of it: the customer gets the
 * file itself, never a link that would have to stay valid (and secret) for as long as mail is kept.
 * Served type only: what was sniffed at upload (or octet-stream).
 */
async function mailFiles(env: Env, conversationId: string, event: MessageEvent): Promise<MailFile[]> {
  let budget = attachCap(env);
  const out: MailFile[] = [];
  for (const ref of event.attachments ?? []) {
    const kind = kindOfMime(ref.type);
    const type = kind ? MIME[kind] : "application/octet-stream";
    const obj = ref.size <= budget ? await env.ATTACHMENTS?.get(keyOfRef(ref, conversationId)) : null;
    if (!obj) {
      out.push({ name: ref.name, type, size: ref.size, left: true });
      continue;
    }
    const bytes = new Uint8Array(await obj.arrayBuffer());
    budget -= bytes.byteLength;
    out.push({ name: ref.name, type, size: bytes.byteLength, bytes });
  }
  return out;
}

/** Bot emails allowed per conversation per day: the backstop against a robot that ignores RFC 3834. */
const botCap = (env: Env) => Number(env.EMAIL_BOT_REPLIES_PER_DAY ?? 5);

/**
 * Sends one bot or agent message of an email conversation to the customer and logs it in D1. Never
 * throws: the caller turns a failure into a note the agent sees.
 */
export async function deliver(
  env: Env,
  c: { conversationId: string; workspaceId: string; thread: EmailThread },
  event: MessageEvent,
  now: number,
): Promise<DeliverResult> {
  const author = event.author === "agent" ? "agent" : "bot";
  const messageId = newMessageId(c.conversationId, c.thread.support);
  const files = await mailFiles(env, c.conversationId, event);
  const left = files.filter((f) => f.left).map((f) => f.name);
  const compose = (withBytes: boolean) =>
    composeReply(
      c.thread,
      {
        author,
        ...(event.name ? { name: event.name } : {}),
        text: event.text,
        ...(event.sources ? { sources: event.sources } : {}),
      },
      { messageId, at: now, fromName: env.EMAIL_FROM_NAME ?? "Support" },
      withBytes ? files : files.map(({ bytes: _bytes, ...f }) => f),
    );
  const raw = compose(true);
  const base = {
    workspaceId: c.workspaceId,
    messageId,
    conversationId: c.conversationId,
    author,
    // The log keeps the mail without the files' bytes (they are in R2, and a D1 row is no place for megabytes).
    raw: files.some((f) => f.bytes) ? compose(false) : raw,
    at: now,
  } as const;
  if (author === "bot" && (await botMailsSince(env.DB, c.conversationId, now - 86_400_000)) >= botCap(env)) {
    const detail = `bot email cap reached (${botCap(env)} a day)`;
    console.warn(`email: suppressed bot reply in ${c.conversationId}: ${detail}`);
    await recordOutbound(env.DB, { ...base, status: "suppressed", detail });
    return { status: "suppressed", messageId, detail };
  }
  try {
    if (!env.SEND_EMAIL) throw new Error("the SEND_EMAIL binding is not configured");
    const sent = await env.SEND_EMAIL.send(new EmailMessage(c.thread.support, c.thread.customer, raw));
    await recordOutbound(env.DB, { ...base, status: "sent" });
    // Should the platform assign its own Message-ID, replies to it must thread too.
    const assigned = sent?.messageId?.replace(/^<|>$/g, "");
    if (assigned && assigned !== messageId)
      await recordOutbound(env.DB, { ...base, messageId: assigned, status: "alias", detail: messageId, raw: null });
    return { status: "sent", messageId, ...(left.length ? { left } : {}) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    console.error(`email: sending to ${maskAddress(env, c.thread.customer)} in ${c.conversationId} failed: ${detail}`);
    await recordOutbound(env.DB, { ...base, status: "failed", detail });
    return { status: "failed", messageId, detail };
  }
}
