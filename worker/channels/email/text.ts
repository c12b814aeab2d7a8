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

/** Longest HTML converted: the text kept is at most a few thousand characters, and what a person
 * wrote comes first; the rest of a larger part is quoted history, tracking markup or an attack. */
export const MAX_HTML_CHARS = 1_000_000;

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,8}|#\d{1,8}|[a-z]{1,32});/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const BLOCK = new Set(
  "p div br tr li h1 h2 h3 h4 h5 h6 table ul ol pre hr section article header footer blockquote dd dt".split(" "),
);
const PARAGRAPH = new Set("p h1 h2 h3 h4 h5 h6 table ul ol blockquote pre".split(" "));
// Elements whose content is never text for a person; skipped up to their end tag.
const SKIPPED = new Set(["script", "style", "head", "title", "template", "svg"]);
const NAME = /[a-zA-Z][a-zA-Z0-9]*/y;
const QUOTE_DIV =
  /class\s*=\s*["'][^"']*(gmail_quote|moz-cite-prefix|yahoo_quoted)|id\s*=\s*["']?(divRplyFwdMsg|appendonsend)/i;

/**
 * HTML → text in one forward pass: every search (indexOf) starts where the last one ended, so the
 * time is linear in the input whatever it holds (unclosed comments and tags end the text, as in a
 * browser). Text inside <blockquote> (how mail clients quote history) comes out prefixed with "> "
 * so quote stripping treats it like quoted plain text; Gmail's and Outlook's quote containers too.
 * Input past MAX_HTML_CHARS is not read.
 */
export function htmlToText(input: string): string {
  const src = input.length > MAX_HTML_CHARS ? input.slice(0, MAX_HTML_CHARS) : input;
  const lower = src.toLowerCase();
  const out: string[] = [];
  let depth = 0;
  let line = "";
  const flush = (always = false) => {
    const t = line.replace(/[ \t\u00a0]+/g, " ").trim();
    if (t || always) out.push(`${depth > 0 ? "> ".repeat(depth) + t : t}\n`);
    line = "";
  };
  const text = (s: string) => {
    line += decodeEntities(s.replace(/\s+/g, " "));
  };
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    if (lt < 0) {
      text(src.slice(i));
      break;
    }
    if (lt > i) text(src.slice(i, lt));
    if (src.startsWith("<!--", lt)) {
      const end = src.indexOf("-->", lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const c = src[lt + 1] ?? "";
    if (c === "!" || c === "?") {
      const end = src.indexOf(">", lt);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const closing = c === "/";
    NAME.lastIndex = lt + (closing ? 2 : 1);
    const m = NAME.exec(src);
    if (!m) {
      line += "<";
      i = lt + 1;
      continue;
    }
    const gt = src.indexOf(">", NAME.lastIndex);
    if (gt < 0) break;
    const name = m[0].toLowerCase();
    i = gt + 1;
    if (!closing && SKIPPED.has(name)) {
      const end = lower.indexOf(`</${name}`, i);
      if (end < 0) break;
      const endGt = src.indexOf(">", end);
      if (endGt < 0) break;
      i = endGt + 1;
      continue;
    }
    if (BLOCK.has(name)) flush(name === "br");
    // Paragraph-like blocks are separated by a blank line, list items and rows are not.
    if (PARAGRAPH.has(name)) out.push("\n");
    if (closing) {
      if (name === "blockquote" && depth > 0) depth--;
      continue;
    }
    if (name === "blockquote") depth++;
    // Everything from a client's quote container on is history (the attributes of one tag only).
    else if (name === "div" && QUOTE_DIV.test(src.slice(NAME.lastIndex, Math.min(gt, NAME.lastIndex + 2000)))) {
      line = "";
      out.push("\n-----Original Message-----\n");
    } else if (name === "li") line += "- ";
  }
  flush();
  return out
    .join("")
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
