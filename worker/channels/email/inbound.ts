// The Email Workers entry: mail to a support address becomes a customer message. Everything that can
// refuse a message (size, syntax, address) is checked before anything is written; refusals go back to
// the sending server with `setReject(reason)` and a log line. Machine mail (bounces, auto-replies) is
// dropped with a log line and never answered, never rejected: a rejection of a bounce is another bounce.
import { MAX_MESSAGE_CHARS } from "../../../shared/protocol.ts";
import { b64url, sha256 } from "../../auth/crypto.ts";
import type { Env } from "../../env.ts";
import {
  emailConversationId,
  normaliseEmail,
  replyAddress,
  replyToken,
  splitPlus,
  validAddress,
  verifyReplyToken,
} from "./address.ts";
import { removeObjects, storeAttachments } from "./attachments.ts";
import { checkSender } from "./auth.ts";
import { classify } from "./classify.ts";
import { claimInbound, findThread, linkContact, releaseInbound, unlinkContact, workspaceFor } from "./db.ts";
import { MalformedMail, parseMail, type ParsedMail } from "./mime.ts";
import { log as logLine, type LogFields, maskAddress } from "../../ops/log.ts";
import { htmlToText, MAX_HTML_CHARS, stripQuotedAndSignature } from "./text.ts";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ATTACHMENTS = 10;

class TooLarge extends Error {}

export type InboundResult =
  | { outcome: "stored"; conversationId: string; created: boolean; seq: number }
  | { outcome: "rejected"; reason: string }
  | { outcome: "dropped"; reason: string };

/** Reads the raw stream but never more than `limit` bytes (rawSize is the sender's claim, not a bound). */
async function readBounded(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge(`message exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const bareId = (v: string) => v.trim().replace(/^<|>$/g, "").trim();
/** Message-IDs in an In-Reply-To or References value, in order. */
export const messageIds = (v: string | undefined): string[] =>
  (v?.match(/<[^<>\s]+>/g) ?? []).map(bareId).filter((x) => x.length > 2 && x.length <= 250);

/** Every inline text part, in order (mime.ts); HTML-only mail through the linear converter. */
function bodyText(mail: ParsedMail): string {
  // Quote stripping is linear too; the cap only bounds the work on text no one will read.
  if (mail.text?.trim()) return mail.text.slice(0, MAX_HTML_CHARS);
  return mail.html ? htmlToText(mail.html) : "";
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS
    ? `${text.slice(0, MAX_MESSAGE_CHARS - 40).trimEnd()}\n\n[… message shortened]`
    : text;
}

/**
 * The recipient as logs may show it: the support address without its plus tag, which is a reply
 * token (a credential to write into a conversation), and whether there was one.
 */
const loggedTo = (to: string) => {
  const { base, tag } = splitPlus(to.trim());
  return tag === undefined ? base : base.replace("@", "+…@");
};

export async function handleEmail(message: ForwardableEmailMessage, env: Env): Promise<InboundResult> {
  // The sender's address is customer data: logs get its domain only (worker/ops/log.ts).
  const log = (outcome: string, reason: string, extra: LogFields = {}) =>
    logLine(env, outcome === "rejected" || outcome === "warning" ? "warn" : "info", "email", {
      channel: "email",
      outcome,
      reason,
      from: maskAddress(env, message.from),
      to: loggedTo(message.to),
      ...extra,
    });
  const reject = (reason: string): InboundResult => {
    log("rejected", reason);
    message.setReject(reason);
    return { outcome: "rejected", reason };
  };
  const drop = (reason: string, extra: LogFields = {}): InboundResult => {
    log("dropped", reason, extra);
    return { outcome: "dropped", reason };
  };

  const limit = Number(env.EMAIL_MAX_BYTES ?? DEFAULT_MAX_BYTES);
  if (message.rawSize > limit) return reject(`message too large: ${message.rawSize} bytes, the limit is ${limit}`);
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(message.raw, limit);
  } catch (e) {
    if (e instanceof TooLarge) return reject(`message too large: ${e.message}`);
    throw e;
  }
  let mail: ParsedMail;
  try {
    mail = await parseMail(bytes);
  } catch (e) {
    if (e instanceof MalformedMail) return reject(`malformed message: ${e.message}`);
    throw e;
  }

  const site = await workspaceFor(env.DB, message.to);
  if (!site) return reject(`no support address ${splitPlus(message.to).base} here`);

  const kind = classify(mail, message.from);
  if (kind.kind !== "person") return drop(`${kind.kind}: ${kind.why}`);

  const from = mail.from;
  if (!from || !validAddress(from.address)) return reject("malformed message: no valid From address");
  // Our own outbound mail coming back (a forward rule, a misrouted copy) is a loop in the making.
  const own = await env.DB.prepare("SELECT 1 AS x FROM email_addresses WHERE address = ?")
    .bind(splitPlus(from.address).base)
    .first();
  if (own) return drop("sent from one of our own support addresses");
  // A From line proves nothing by itself: only Email Routing's authentication results do. An
  // unverified sender still gets a conversation, but never joins a contact, its history, or a thread
  // by Message-ID (those are not secrets); the console marks it.
  const sender = checkSender(mail.headers, from.address);
  const replyTo = mail.replyTo;
  const customer =
    replyTo && validAddress(replyTo.address)
      ? { address: replyTo.address, ...(from.name ? { name: from.name } : {}) }
      : from;
  const messageId =
    messageIds(mail.messageId)[0] ?? `${b64url(await crypto.subtle.digest("SHA-256", bytes))}@edgedesk.invalid`;
  const subject = mail.subject.replace(/\s+/g, " ").trim().slice(0, 300);

  // Threading: the signed token in the address we were written to, else the Message-IDs the client
  // quotes, and only for the same sender. Never the subject.
  let conversationId: string | null = null;
  let threadedBy = "";
  const tag = splitPlus(message.to).tag;
  if (tag) {
    const id = await verifyReplyToken(env.SECRET, tag);
    const row = id
      ? await env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
          .bind(id)
          .first<{ workspace_id: string }>()
      : null;
    if (id && row?.workspace_id === site.workspaceId) {
      conversationId = id;
      threadedBy = "reply-token";
    } else log("ignored", "reply token does not verify", { tag });
  }
  if (!conversationId && sender.verified) {
    const refs = [...messageIds(mail.inReplyTo), ...messageIds(mail.references).reverse()];
    const hit = await findThread(env.DB, site.workspaceId, refs);
    if (hit) {
      const same = await env.DB.prepare(
        "SELECT 1 AS x FROM contact_conversations cc JOIN contacts c ON c.id = cc.contact_id WHERE cc.conversation_id = ? AND c.workspace_id = ? AND c.email = ?",
      )
        .bind(hit.conversationId, site.workspaceId, normaliseEmail(from.address))
        .first();
      if (same) {
        conversationId = hit.conversationId;
        threadedBy = "in-reply-to";
      } else
        log("ignored", "thread headers name a conversation of another sender", { conversation: hit.conversationId });
    }
  }

  const created = conversationId === null;
  const text = clip(stripQuotedAndSignature(bodyText(mail)) || (created ? subject : ""));
  const maxFiles = Number(env.EMAIL_MAX_ATTACHMENTS ?? DEFAULT_MAX_ATTACHMENTS);
  if (mail.attachments.length > maxFiles)
    return reject(`too many attachments: ${mail.attachments.length}, the limit is ${maxFiles}`);
  if (!text && !mail.attachments.length) return drop("nothing new in the message (only quoted text)");

  const id = conversationId ?? emailConversationId();
  const now = Date.now();
  if (!(await claimInbound(env.DB, site.workspaceId, messageId, id, now)))
    return drop("already received (same Message-ID)", { messageId });

  const keys: string[] = [];
  let contactId: string | undefined;
  try {
    const files = mail.attachments.length && !env.ATTACHMENTS ? [] : mail.attachments;
    if (files.length !== mail.attachments.length)
      log("warning", "attachments not kept: no ATTACHMENTS bucket bound", { count: mail.attachments.length });
    const attachments = env.ATTACHMENTS ? await storeAttachments(env.ATTACHMENTS, id, files, keys) : [];
    contactId = sender.verified
      ? await linkContact(env.DB, {
          workspaceId: site.workspaceId,
          email: from.address,
          ...(from.name ? { name: from.name } : {}),
          conversationId: id,
          channel: "email",
          now,
        })
      : undefined;
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
    const token = await replyToken(env.SECRET, id);
    const r = await stub.receiveEmail({
      clientId: `email:${await sha256(messageId)}`,
      messageId,
      text: text || "(attachments only)",
      attachments,
      ...(contactId ? { contactId } : {}),
      ...(created
        ? {
            init: {
              id,
              workspaceId: site.workspaceId,
              siteKey: `email:${site.supportAddress}`,
              channel: "email",
              locale: env.EMAIL_LOCALE ?? "en",
              baseUrl: env.PUBLIC_URL ?? "",
              ...(contactId ? { contactId } : {}),
              email: {
                verified: sender.verified,
                customer: customer.address,
                ...(customer.name ? { customerName: customer.name } : {}),
                support: site.supportAddress,
                replyTo: replyAddress(site.supportAddress, token),
                subject: subject || "Your question",
                references: [],
              },
            },
          }
        : {}),
    });
    log("stored", created ? "new conversation" : `threaded by ${threadedBy}`, {
      conversation: id,
      messageId,
      attachments: attachments.length,
      verified: sender.verified,
      ...(sender.verified ? {} : { unverified: sender.why }),
    });
    return { outcome: "stored", conversationId: id, created, seq: r.seq };
  } catch (e) {
    // Nothing half-stored: the files, the Message-ID claim and a new contact link go with the failure.
    await removeObjects(env.ATTACHMENTS, keys).catch(() => undefined);
    await releaseInbound(env.DB, site.workspaceId, messageId).catch(() => undefined);
    if (created && contactId) await unlinkContact(env.DB, contactId, id).catch(() => undefined);
    logLine(env, "error", "email", {
      channel: "email",
      outcome: "failed",
      reason: e instanceof Error ? e.message : String(e),
      from: maskAddress(env, message.from),
      to: loggedTo(message.to),
    });
    throw e;
  }
}
