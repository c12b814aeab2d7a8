// A small RFC 5322 / MIME reader for inbound support mail: headers (folded, RFC 2047 encoded words),
// nested multiparts, base64 and quoted-printable, charsets, RFC 2231 file names. It refuses what it
// cannot read faithfully (MalformedMail with the reason) instead of guessing: a half-read message must
// never reach a conversation.

export class MalformedMail extends Error {}

export type Header = { name: string; value: string };

export type MimeAttachment = {
  filename: string;
  contentType: string;
  content: Uint8Array;
  inline: boolean;
  contentId?: string;
};

export type ParsedMail = {
  headers: Header[];
  /** Lowercase media type of the whole message, e.g. "multipart/report". */
  contentType: string;
  contentTypeParams: Record<string, string>;
  text?: string;
  html?: string;
  attachments: MimeAttachment[];
  /** Media types of every leaf part, for classification (delivery reports carry message/delivery-status). */
  partTypes: string[];
};

const MAX_DEPTH = 8;
const MAX_PARTS = 200;

/** Bytes as a "binary" string (one char per byte) so structure can be found without decoding text. */
export function binaryString(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

const binaryBytes = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? "utf-8").trim().toLowerCase() || "utf-8";
  try {
    return new TextDecoder(label === "us-ascii" || label === "ascii" ? "utf-8" : label).decode(bytes);
  } catch {
    // An unknown label: UTF-8 is what most such mail really is.
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** Splits a header block into unfolded fields; a line that is neither a field nor a continuation is malformed. */
export function parseHeaderBlock(block: string): Header[] {
  const headers: Header[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === "") continue;
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1];
      if (!last) throw new MalformedMail("header block starts with a continuation line");
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!/^[!-9;-~]+$/.test(name))
      throw new MalformedMail(`header line without a field name: ${JSON.stringify(line.slice(0, 60))}`);
    headers.push({ name: name.toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export const header = (headers: Header[], name: string): string | undefined =>
  headers.find((h) => h.name === name)?.value;

/** RFC 2047 encoded words (=?utf-8?B?…?= / =?iso-8859-1?Q?…?=); whitespace between two of them is dropped. */
export function decodeWords(value: string): string {
  const word = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, "$1")
    .replace(word, (all, charset: string, enc: string, text: string) => {
      try {
        const bytes =
          enc.toUpperCase() === "B"
            ? base64Bytes(text)
            : binaryBytes(
                text
                  .replace(/_/g, " ")
                  .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              );
        return decodeCharset(bytes, charset.split("*")[0]);
      } catch {
        return all;
      }
    });
}

/** `type/subtype; a=b; c="d"` with RFC 2231 (`name*=utf-8''…`, `name*0=`) parameters. */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '"') quoted = !quoted;
    if (ch === "\\" && quoted) {
      cur += value[++i] ?? "";
      continue;
    }
    if (ch === ";" && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  const params: Record<string, string> = {};
  const continued: Record<string, { i: number; v: string; enc: boolean }[]> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    const m = /^([^*]+)\*(\d+)?(\*)?$/.exec(key);
    if (m) {
      const base = m[1] as string;
      (continued[base] ??= []).push({ i: Number(m[2] ?? 0), v, enc: !!m[3] || m[2] === undefined });
    } else params[key] = v;
  }
  for (const [base, pieces] of Object.entries(continued)) {
    pieces.sort((a, b) => a.i - b.i);
    let charset = "utf-8";
    const bytes: number[] = [];
    pieces.forEach((p, n) => {
      let v = p.v;
      if (p.enc && n === 0) {
        const q = /^([^']*)'[^']*'(.*)$/.exec(v);
        if (q) {
          charset = q[1] || "utf-8";
          v = q[2] as string;
        }
      }
      const raw = p.enc ? v.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : v;
      for (let i = 0; i < raw.length; i++) bytes.push(raw.charCodeAt(i) & 0xff);
    });
    params[base] = decodeCharset(new Uint8Array(bytes), charset);
  }
  return { value: (parts[0] ?? "").trim().toLowerCase(), params };
}

function base64Bytes(s: string): Uint8Array {
  const clean = s.replace(/[\s]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean))
    throw new MalformedMail("base64 content has characters outside the alphabet");
  // Senders drop padding now and then; restore it rather than refuse the part.
  const padded = clean.replace(/=+$/, "");
  if (padded.length % 4 === 1) throw new MalformedMail("base64 content is truncated");
  return binaryBytes(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)));
}

function quotedPrintable(s: string): Uint8Array {
  const text = s.replace(/[ \t]+(\r?\n)/g, "$1").replace(/=\r?\n/g, "");
  return binaryBytes(text.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
}

function transferDecode(body: string, encoding: string | undefined): Uint8Array {
  const enc = (encoding ?? "7bit").trim().toLowerCase();
  if (enc === "base64") return base64Bytes(body);
  if (enc === "quoted-printable") return quotedPrintable(body);
  return binaryBytes(body);
}

function splitHead(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { head: raw, body: "" };
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Parses a whole message. Throws MalformedMail with a human reason. */
export function parseMail(bytes: Uint8Array): ParsedMail {
  const raw = binaryString(bytes);
  if (!/\r?\n\r?\n/.test(raw)) throw new MalformedMail("no blank line between headers and body");
  const { head, body } = splitHead(raw);
  const headers = parseHeaderBlock(head);
  if (!headers.length) throw new MalformedMail("no headers");
  const mail: ParsedMail = {
    headers: headers.map((h) => ({ name: h.name, value: decodeWords(h.value) })),
    contentType: "text/plain",
    contentTypeParams: {},
    attachments: [],
    partTypes: [],
  };
  const ct = parseParams(header(headers, "content-type") ?? "text/plain");
  mail.contentType = ct.value || "text/plain";
  mail.contentTypeParams = ct.params;
  const counter = { parts: 0 };
  walk(headers, body, mail, 0, counter, "multipart/mixed");
  return mail;
}

function walk(
  headers: Header[],
  body: string,
  mail: ParsedMail,
  depth: number,
  counter: { parts: number },
  parentType: string,
): void {
  if (depth > MAX_DEPTH) throw new MalformedMail("multiparts nested too deeply");
  if (++counter.parts > MAX_PARTS) throw new MalformedMail("too many MIME parts");
  const defaultType = parentType === "multipart/digest" ? "message/rfc822" : "text/plain";
  const ct = parseParams(header(headers, "content-type") ?? defaultType);
  const type = ct.value.includes("/") ? ct.value : defaultType;
  if (type.startsWith("multipart/")) {
    const boundary = ct.params.boundary;
    if (!boundary) throw new MalformedMail(`${type} without a boundary`);
    for (const part of splitMultipart(body, boundary)) {
      const { head, body: partBody } = splitHead(part.replace(/^\r?\n/, ""));
      // A part that starts with a blank line has no headers of its own.
      const partHeaders = /^\r?\n/.test(part) ? [] : parseHeaderBlock(head);
      walk(partHeaders, /^\r?\n/.test(part) ? part.replace(/^\r?\n/, "") : partBody, mail, depth + 1, counter, type);
    }
    return;
  }
  mail.partTypes.push(type);
  const disposition = parseParams(header(headers, "content-disposition") ?? "");
  const filename = decodeWords(disposition.params.filename ?? ct.params.name ?? "");
  const content = transferDecode(body, header(headers, "content-transfer-encoding"));
  const isText = type === "text/plain" || type === "text/html";
  if (isText && disposition.value !== "attachment" && !filename) {
    const text = decodeCharset(content, ct.params.charset);
    if (type === "text/plain" && mail.text === undefined) mail.text = text;
    else if (type === "text/html" && mail.html === undefined) mail.html = text;
    return;
  }
  // Delivery-status and feedback parts are machine text for classification, not files for people.
  if (type === "message/delivery-status" || type === "message/feedback-report" || type === "text/rfc822-headers")
    return;
  const cid = header(headers, "content-id")?.replace(/^<|>$/g, "");
  mail.attachments.push({
    filename: filename || defaultName(type, mail.attachments.length + 1),
    contentType: type,
    content,
    inline: disposition.value === "inline",
    ...(cid ? { contentId: cid } : {}),
  });
}

function defaultName(type: string, n: number): string {
  if (type === "message/rfc822") return `message-${n}.eml`;
  const ext = type.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
  return `attachment-${n}.${ext}`;
}

/** The parts between `--boundary` lines; a multipart whose boundary never appears is malformed. */
function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/(?<=\n)/);
  const open = `--${boundary}`;
  const parts: string[] = [];
  let cur: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    const bare = line.replace(/[ \t]*\r?\n$/, "");
    if (bare === open || bare === `${open}--`) {
      if (cur) parts.push(stripTrailingNewline(cur.join("")));
      if (bare === `${open}--`) {
        closed = true;
        break;
      }
      cur = [];
      continue;
    }
    cur?.push(line);
  }
  if (!parts.length && !cur) throw new MalformedMail(`multipart boundary "${boundary}" never appears in the body`);
  if (!closed && cur) {
    // No closing delimiter: the message was cut short somewhere in the last part.
    throw new MalformedMail(`multipart is truncated: no closing "--${boundary}--"`);
  }
  return parts;
}

const stripTrailingNewline = (s: string) => s.replace(/\r?\n$/, "");
