// What a person wrote in an email, without the rest: HTML turned into plain text (no markup survives,
// nothing is executed or fetched), then the quoted history and signature cut off so retrieval and the
// agent see only the new words.

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©",
  reg: "®",
  euro: "€",
  laquo: "«",
  raquo: "»",
  iexcl: "¡",
  iquest: "¿",
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const BLOCK = /^(p|div|br|tr|li|h[1-6]|table|ul|ol|pre|hr|section|article|header|footer|blockquote|dd|dt)$/;

/**
 * HTML → text. Text inside <blockquote> (how mail clients quote history) comes out prefixed with "> "
 * so quote stripping treats it like quoted plain text; Gmail's and Outlook's quote containers too.
 */
export function htmlToText(html: string): string {
  const src = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|head|title|template|svg)\b[\s\S]*?<\/\1\s*>/gi, "");
  let out = "";
  let depth = 0;
  let line = "";
  const flush = (always = false) => {
    const t = line.replace(/[ \t\u00a0]+/g, " ").trim();
    if (t || always) out += `${depth > 0 ? "> ".repeat(depth) + t : t}\n`;
    line = "";
  };
  const tag = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>|([^<]+)|</g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(src))) {
    if (m[3] !== undefined || m[0] === "<") {
      line += decodeEntities((m[3] ?? "<").replace(/\s+/g, " "));
      continue;
    }
    const name = (m[1] as string).toLowerCase();
    const closing = m[0].startsWith("</");
    const attrs = m[2] ?? "";
    const quoteBox =
      name === "blockquote" ||
      (name === "div" && /class\s*=\s*["'][^"']*(gmail_quote|moz-cite-prefix|yahoo_quoted)/i.test(attrs)) ||
      (name === "div" && /id\s*=\s*["']?(divRplyFwdMsg|appendonsend)/i.test(attrs));
    if (BLOCK.test(name)) flush(name === "br");
    // Paragraph-like blocks are separated by a blank line, list items and rows are not.
    if (/^(p|h[1-6]|table|ul|ol|blockquote|pre)$/.test(name)) out += "\n";
    if (quoteBox && !closing && name === "blockquote") depth++;
    if (quoteBox && !closing && name === "div") {
      // Everything from a client's quote container on is history.
      line = "";
      out += "\n-----Original Message-----\n";
    }
    if (closing && name === "blockquote" && depth > 0) depth--;
    if (name === "li" && !closing) line += "- ";
  }
  flush();
  return out
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

// Lines that start the quoted history in the common clients and languages.
const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:?$/i, // Gmail, Apple Mail, Thunderbird (en)
  /^el\b.{0,300}\bescribió:?$/i, // es
  /^le\b.{0,300}\ba écrit\s*:?$/i, // fr
  /^am\b.{0,300}\bschrieb.{0,80}:?$/i, // de
  /^em\b.{0,300}\bescreveu:?$/i, // pt
  /^il\b.{0,300}\bha scritto:?$/i, // it
  /^op\b.{0,300}\bschreef.{0,80}:?$/i, // nl
];
const SEPARATOR = [
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*mensaje original\s*-{2,}$/i,
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^_{10,}$/, // Outlook's line above "From: … Sent: …"
  /^begin forwarded message:?$/i,
];
const SIGN_OFF = [
  /^--\s?$/,
  /^sent from my (iphone|ipad|android|mobile|phone|galaxy)/i,
  /^get outlook for (ios|android)/i,
  /^enviado desde mi /i,
];

/**
 * Cuts the quoted history (an attribution line, an Outlook separator or header block, "> " lines)
 * and the signature (after "-- " or a "Sent from my …" line). Returns the new text only.
 */
export function stripQuotedAndSignature(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trimEnd();
    const t = line.trim();
    // An attribution wrapped over two lines by the client ("On Tue, … Support <\nsupport@x> wrote:").
    const joined = i + 1 < lines.length ? `${t} ${(lines[i + 1] as string).trim()}` : t;
    if (
      ATTRIBUTION.some((r) => r.test(t)) ||
      (/^(on|el|le|am)\b/i.test(t) && !/[.!?]$/.test(t) && ATTRIBUTION.some((r) => r.test(joined)))
    )
      break;
    if (SEPARATOR.some((r) => r.test(t))) break;
    if (
      /^(from|de|von):\s/i.test(t) &&
      /^(sent|date|enviado|fecha|gesendet|to|para):\s/i.test((lines[i + 1] ?? "").trim())
    )
      break;
    if (SIGN_OFF.some((r) => r.test(line))) break;
    if (t.startsWith(">")) continue;
    kept.push(line);
  }
  return kept
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
