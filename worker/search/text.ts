// Pure text rules of search: what goes into the index, how the agent's words become an FTS5 query (never
// FTS syntax from the user: every word is quoted), and how a snippet comes back as plain parts.

/** Snippet markers: control characters that never survive into indexed text (`indexable`). */
export const HIT_START = "\u0002";
export const HIT_END = "\u0003";

/** Text as it is indexed: control characters out (they would fake snippet markers), length bounded. */
export function indexable(text: string, max = 8000): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ").slice(0, max);
}

/** The first non-empty line, for a conversation's subject when it has none of its own. */
export function firstLine(text: string, max = 140): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l) ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Words as the index's tokenizer (unicode61) sees them: runs of letters and digits. */
const pieces = (s: string): string[] => s.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];

/** At most this many terms: a pasted paragraph is not a query. */
export const MAX_TERMS = 12;

/**
 * The FTS5 MATCH expression for what an agent typed, or null when it holds no word. "quoted words" are
 * a phrase; any other word becomes a phrase of its pieces ("#A-1029" → "a 1029", so "A-1029", "a 1029"
 * and "#A-1029" all match), exact when it holds a digit (order numbers: "4821" must not find "48213")
 * or ends in a word shorter than three letters ("a" must not find every word starting with a), else also
 * as a prefix ("refund" finds "refunds"). All terms must match.
 */
export function matchExpression(input: string): string | null {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) && terms.length < MAX_TERMS) {
    const quoted = m[1] !== undefined;
    const words = pieces(quoted ? (m[1] ?? "") : (m[2] ?? ""));
    if (!words.length) continue;
    const phrase = `"${words.join(" ").toLowerCase()}"`;
    const exact = quoted || /\p{N}/u.test(phrase) || (words[words.length - 1] ?? "").length < 3;
    terms.push(exact ? phrase : `${phrase}*`);
  }
  return terms.length ? terms.join(" ") : null;
}

/** A snippet as FTS5 marked it, split into text and hits; the text is the customer's and stays text. */
export function snippetParts(marked: string): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let hit = false;
  let buf = "";
  const flush = () => {
    if (buf) parts.push({ text: buf, hit });
    buf = "";
  };
  for (const ch of marked) {
    if (ch === HIT_START || ch === HIT_END) {
      flush();
      hit = ch === HIT_START;
    } else buf += ch;
  }
  flush();
  return parts;
}

/** A LIKE pattern that matches `s` literally somewhere (with ESCAPE '\'). */
export const containsPattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Labels as stored for whole-label matching: one per line, with a newline before the first and after the last. */
export const labelLines = (labels: readonly string[]): string => (labels.length ? `\n${labels.join("\n")}\n` : "");

export const labelsOf = (lines: string | null): string[] => (lines ?? "").split("\n").filter(Boolean);
