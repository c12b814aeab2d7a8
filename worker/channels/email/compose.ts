// The outgoing message itself, as RFC 5322 text: threaded (In-Reply-To and References carry the
// customer's chain), answerable (Reply-To carries the signed reply token), and, for the bot, marked
// `Auto-Submitted: auto-replied` so that other robots stay quiet (RFC 3834). Pure: no bindings.
import { markdownToText } from "../../../shared/markdown.ts";
import type { MessageEvent } from "../../../shared/protocol.ts";

/** What an email conversation keeps in its meta to reply in the customer's thread. */
export type EmailThread = {
  customer: string;
  customerName?: string;
  /** The support mailbox the customer wrote to; replies are sent from it. */
  support: string;
  /** support+<token>@domain: where replies come back to. */
  replyTo: string;
  subject: string;
  /** false when Email Routing did not vouch for the From address of the first message (auth.ts). */
  verified?: boolean;
  /** The customer's latest Message-ID: what our next reply answers. */
  lastInbound?: string;
  /** The thread's Message-IDs, oldest first (the first and the latest few). */
  references: string[];
};

export const MAX_REFERENCES = 10;

export function withReference(refs: string[], id: string): string[] {
  if (refs.includes(id)) return refs;
  const next = [...refs, id];
  // RFC 5322 §3.6.4: keep the root and the most recent ones when the chain grows long.
  return next.length > MAX_REFERENCES ? [next[0] as string, ...next.slice(-(MAX_REFERENCES - 1))] : next;
}

const needsEncoding = (s: string) => /[^\x20-\x7e]/.test(s);

/** An RFC 2047 encoded word for non-ASCII header text. */
function encodeWord(s: string): string {
  if (!needsEncoding(s)) return s;
  const bytes = new TextEncoder().encode(s);
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}

function mailbox(address: string, name?: string): string {
  if (!name) return `<${address}>`;
  const clean = name.replace(/[\r\n]/g, " ");
  return needsEncoding(clean)
    ? `${encodeWord(clean)} <${address}>`
    : `"${clean.replace(/(["\\])/g, "\\$1")}" <${address}>`;
}

/** Quoted-printable over UTF-8, lines of at most 76 characters. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const bytes = new TextEncoder().encode(line);
    let cur = "";
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      const last = i === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const piece = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`;
      if (cur.length + piece.length > 75) {
        out.push(`${cur}=`);
        cur = "";
      }
      cur += piece;
    }
    out.push(cur);
  }
  return out.join("\r\n");
}

export const rfc5322Date = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, "+0000");

const headerSafe = (s: string) => s.replace(/[\r\n]+/g, " ").trim();

export function replySubject(subject: string): string {
  const s = headerSafe(subject) || "Your question";
  return /^(re|aw|sv|antw):/i.test(s) ? s : `Re: ${s}`;
}

/**
 * A file an agent attached, carried by the mail (docs/attachments.md "Email"): `bytes` absent writes the
 * part without its body, as the outbound log in D1 keeps it; `left` names one too large to carry.
 */
export type MailFile = { name: string; type: string; size: number; bytes?: Uint8Array; left?: boolean };

/** Base64 in lines of 76 characters (RFC 2045). */
export function base64Lines(bytes: Uint8Array): string {
  let b64 = "";
  // 3-byte multiples, so the pieces join without padding in between.
  for (let i = 0; i < bytes.length; i += 3 * 8192)
    b64 += btoa(String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 3 * 8192))));
  return b64.replace(/.{76}/g, "$&\r\n").replace(/\r\n$/, "");
}

/** An RFC 2231 parameter next to a plain fallback, for names in any script. */
function fileParams(name: string): string {
  const ascii = headerSafe(name).replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(headerSafe(name))}`;
}

const sizeWords = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

/** The whole outgoing message: headers CRLF-separated, a quoted-printable UTF-8 text body, and the agent's files. */
export function composeReply(
  t: EmailThread,
  m: { author: "bot" | "agent"; name?: string; text: string; sources?: MessageEvent["sources"] },
  ids: { messageId: string; at: number; fromName: string; boundary?: string },
  files: readonly MailFile[] = [],
): string {
  const sources = m.sources?.length ? `\n\n${m.sources.map((s) => `${s.title}: ${s.url}`).join("\n")}` : "";
  const carried = files.filter((f) => !f.left);
  const left = files.filter((f) => f.left);
  const named = (fs: MailFile[]) => fs.map((f) => `${headerSafe(f.name)} (${sizeWords(f.size)})`).join(", ");
  const listed = [
    ...(carried.length ? [`Attached: ${named(carried)}`] : []),
    ...(left.length ? [`Too large to attach to this email: ${named(left)}`] : []),
  ].join("\n");
  const words = [markdownToText(m.text) + sources, listed].filter((x) => x.trim()).join("\n\n");
  const headers = [
    `From: ${mailbox(t.support, m.author === "agent" && m.name ? `${m.name} (${ids.fromName})` : ids.fromName)}`,
    `To: ${mailbox(t.customer, t.customerName)}`,
    `Reply-To: <${t.replyTo}>`,
    `Subject: ${encodeWord(replySubject(t.subject))}`,
    `Date: ${rfc5322Date(ids.at)}`,
    `Message-ID: <${ids.messageId}>`,
    ...(t.lastInbound ? [`In-Reply-To: <${t.lastInbound}>`] : []),
    ...(t.references.length ? [`References: ${t.references.map((r) => `<${r}>`).join("\r\n ")}`] : []),
    // The bot's mail is an automatic response; an agent's is not.
    ...(m.author === "bot" ? ["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"] : []),
    "MIME-Version: 1.0",
  ];
  const textPart = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"];
  // Answers and replies are Markdown (the KB's steps, an agent's bold): plain text keeps their shape.
  if (!carried.length) return `${[...headers, ...textPart].join("\r\n")}\r\n\r\n${quotedPrintable(words)}\r\n`;
  const b = ids.boundary ?? `edgedesk-${ids.messageId.replace(/[^\w.-]/g, "")}`;
  const parts = [
    `${textPart.join("\r\n")}\r\n\r\n${quotedPrintable(words)}`,
    ...carried.map((f) => {
      const head = [
        `Content-Type: ${f.type}`,
        `Content-Disposition: attachment; ${fileParams(f.name)}`,
        `Content-Transfer-Encoding: ${f.bytes ? "base64" : "7bit"}`,
      ].join("\r\n");
      return `${head}\r\n\r\n${f.bytes ? base64Lines(f.bytes) : `(${f.size} bytes, not kept in this log)`}`;
    }),
  ];
  return `${[...headers, `Content-Type: multipart/mixed; boundary="${b}"`].join("\r\n")}\r\n\r\n${parts
    .map((p) => `--${b}\r\n${p}\r\n`)
    .join("")}--${b}--\r\n`;
}

export function newMessageId(conversationId: string, support: string): string {
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${rand}.${conversationId}@${support.slice(support.lastIndexOf("@") + 1)}`;
}

/**
 * A notice of our own (the follow-up address confirmation): a fixed subject, no thread, marked
 * automatic. Nothing in it comes from the customer.
 */
export function composeNotice(
  n: { customer: string; support: string; subject: string; text: string },
  ids: { messageId: string; at: number; fromName: string },
): string {
  const headers = [
    `From: ${mailbox(n.support, ids.fromName)}`,
    `To: ${mailbox(n.customer)}`,
    `Subject: ${encodeWord(headerSafe(n.subject))}`,
    `Date: ${rfc5322Date(ids.at)}`,
    `Message-ID: <${ids.messageId}>`,
    "Auto-Submitted: auto-generated",
    "X-Auto-Response-Suppress: All",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
  ];
  return `${headers.join("\r\n")}\r\n\r\n${quotedPrintable(n.text)}\r\n`;
}
