// The project's side of inbound MIME: postal-mime (the parser Cloudflare's Email Workers documentation
// uses, zero dependencies, written for this runtime) reads the message; this adapter gives the rest of
// the email channel the small shape it needs and keeps our own rules on top: the limits, the reasons a
// message is refused, which parts are files, and two repairs the library leaves to its callers
// (text labelled US-ASCII that is really UTF-8, calendar files with their CRLF line endings).
import PostalMime, { type Address, type Attachment, type Email } from "postal-mime";

export class MalformedMail extends Error {}

export type Header = { name: string; value: string };

export type MimeAttachment = {
  filename: string;
  contentType: string;
  content: Uint8Array;
  inline: boolean;
  contentId?: string;
};

export type Mailbox = { name?: string; address: string };

export type ParsedMail = {
  /** The message's own header fields in order, names lowercase, values unfolded and not decoded. */
  headers: Header[];
  /** Lowercase media type of the whole message, e.g. "multipart/report". */
  contentType: string;
  contentTypeParams: Record<string, string>;
  /** The first mailbox of From / Reply-To, display names decoded (RFC 2047 and raw UTF-8 alike). */
  from?: Mailbox;
  replyTo?: Mailbox;
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  /**
   * Every inline text part in message order, joined; an HTML part among them (one with no plain
   * alternative) is in it as text. Absent when the message has no plain text part at all.
   */
  text?: string;
  /** The HTML parts, for mail that has no plain text part. */
  html?: string;
  attachments: MimeAttachment[];
  /** Media types of every leaf part, for classification (delivery reports carry message/delivery-status). */
  partTypes: string[];
};

// Our limits, not the library's defaults (256 levels, 10,000 parts): a support message needs neither.
const MAX_DEPTH = 8;
const MAX_PARTS = 200;

// Machine parts of reports: read by classify() from partTypes, never stored as files for people.
const REPORT_PARTS = new Set(["message/delivery-status", "message/feedback-report", "text/rfc822-headers"]);

export const header = (headers: Header[], name: string): string | undefined =>
  headers.find((h) => h.name === name)?.value;

/** `type/subtype; a=b; c="d"`: only the top-level Content-Type is read here (classification). */
export function parseContentType(value: string): { value: string; params: Record<string, string> } {
  const [type = "", ...rest] = value.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const v = p.slice(eq + 1).trim();
    params[p.slice(0, eq).trim().toLowerCase()] =
      v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  }
  return { value: type.trim().toLowerCase(), params };
}

/**
 * A Content-Type that says US-ASCII over 8-bit bytes is almost always UTF-8 (or a legacy charset)
 * written by a client that never looked. postal-mime reads the label as windows-1252, which turns
 * UTF-8 into "cafÃ©"; a label it does not know makes it read the bytes as UTF-8 when they are
 * valid UTF-8 and as windows-1252 otherwise. True ASCII reads the same either way. Only
 * Content-Type fields (and their folded lines) are touched; one linear pass.
 */
export function relabelAscii(bytes: Uint8Array): Uint8Array {
  let raw = "";
  for (let i = 0; i < bytes.length; i += 0x8000) raw += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  let changed = false;
  const out = raw.replace(/^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim, (field) =>
    field.replace(/charset\s*=\s*"?(?:us-ascii|ascii)"?(?=[\s;]|$)/gi, () => {
      changed = true;
      return "charset=unknown-8bit";
    }),
  );
  if (!changed) return bytes;
  const relabelled = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) relabelled[i] = out.charCodeAt(i) & 0xff;
  return relabelled;
}

const firstMailbox = (a: Address | Address[] | undefined): Mailbox | undefined => {
  for (const x of Array.isArray(a) ? a : a ? [a] : []) {
    const m = x.group ? x.group[0] : x;
    if (m?.address) return { address: m.address, ...(m.name ? { name: m.name } : {}) };
  }
  return undefined;
};

function defaultName(type: string, n: number): string {
  if (type === "message/rfc822") return `message-${n}.eml`;
  const ext = type.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
  return `attachment-${n}.${ext}`;
}

function content(a: Attachment): Uint8Array {
  const c = a.content;
  const bytes = typeof c === "string" ? new TextEncoder().encode(c) : new Uint8Array(c);
  // postal-mime gives calendar parts back as UTF-8 with LF line endings; RFC 5545 wants CRLF, and
  // calendar clients that import the file are strict about it.
  if (a.mimeType === "text/calendar" || a.mimeType === "application/ics")
    return new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\r?\n/g, "\r\n"));
  return bytes;
}

const REASONS: Record<string, string> = {
  EMAXNESTINGDEPTH: "multiparts nested too deeply",
  EMAXPARTCOUNT: "too many MIME parts",
  EMAXHEADERSIZE: "header block too large",
  EMAXFORWARDEDADDRESSES: "too many addresses in forwarded messages",
};

/** Parses a whole message. Throws MalformedMail with a human reason when a limit is exceeded. */
export async function parseMail(bytes: Uint8Array): Promise<ParsedMail> {
  let email: Email;
  try {
    email = await PostalMime.parse(relabelAscii(bytes), {
      maxNestingDepth: MAX_DEPTH,
      maxPartCount: MAX_PARTS,
      // A forwarded message stays a file the agent can open, as it arrived; rendered inline its
      // headers would read as quoted history and be cut from the customer's text.
      rfc822Attachments: true,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const reason = code ? REASONS[code] : undefined;
    if (reason) throw new MalformedMail(reason);
    throw e;
  }
  const headers = email.headers.map((h) => ({ name: h.key.trim(), value: h.value }));
  const ct = parseContentType(header(headers, "content-type") ?? "text/plain");
  const partTypes: string[] = [];
  if (email.text !== undefined) partTypes.push("text/plain");
  if (email.html !== undefined) partTypes.push("text/html");
  const attachments: MimeAttachment[] = [];
  for (const a of email.attachments) {
    partTypes.push(a.mimeType);
    if (REPORT_PARTS.has(a.mimeType)) continue;
    const cid = a.contentId?.replace(/^<|>$/g, "");
    attachments.push({
      filename: a.filename || defaultName(a.mimeType, attachments.length + 1),
      contentType: a.mimeType,
      content: content(a),
      inline: a.disposition === "inline",
      ...(cid ? { contentId: cid } : {}),
    });
  }
  // RFC 5322 allows one In-Reply-To and one References; some clients write two. postal-mime keeps the
  // first; every Message-ID named is a chance to find the thread, so the others are added.
  const all = (name: string, first: string | undefined) =>
    [
      first,
      ...headers
        .filter((h) => h.name === name)
        .slice(1)
        .map((h) => h.value),
    ]
      .filter(Boolean)
      .join(" ") || undefined;
  const references = all("references", email.references);
  const inReplyTo = all("in-reply-to", email.inReplyTo);
  const from = firstMailbox(email.from);
  const replyTo = firstMailbox(email.replyTo);
  return {
    headers,
    contentType: ct.value.includes("/") ? ct.value : "text/plain",
    contentTypeParams: ct.params,
    ...(from ? { from } : {}),
    ...(replyTo ? { replyTo } : {}),
    subject: email.subject ?? "",
    ...(email.messageId ? { messageId: email.messageId } : {}),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references ? { references } : {}),
    ...(email.text !== undefined ? { text: email.text } : {}),
    ...(email.html !== undefined ? { html: email.html } : {}),
    attachments,
    partTypes,
  };
}
