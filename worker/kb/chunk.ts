// Splits an article body into passages: the unit that BM25 ranks and that the extractive answer
// quotes. A passage is a paragraph, or an intro line together with the list it introduces, so a
// quoted answer never starts with a dangling "Do this now:" or loses its steps.

export interface Passage {
  /** Nearest Markdown heading above the passage, if any. */
  heading: string;
  /** Markdown-cleaned text; list items stay on their own "1. " / "- " lines. */
  text: string;
}

/** Removes Markdown emphasis, links, code marks and HTML while keeping list markers readable. */
export function cleanMarkdown(md: string): string {
  return md
    .split("\n")
    .map((line) =>
      line
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .replace(/(\*\*|__)(.+?)\1/g, "$2")
        .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, "$1$2")
        .replace(/`([^`]*)`/g, "$1")
        .replace(/^\s*[*+]\s+/, "- ")
        .replace(/^\s*>\s?/, "")
        .replace(/[ \t]+/g, " ")
        .trimEnd(),
    )
    .join("\n")
    .trim();
}

const isListLine = (l: string) => /^\s*([-*+]|\d+[.)])\s+/.test(l);
const wordCount = (s: string) => (s.match(/\S+/g) ?? []).length;

/**
 * Blocks are separated by blank lines; a heading starts a new section; a block ending in ":" is
 * joined to the list that follows; very short blocks are merged forward so passages carry context.
 */
export function chunkArticle(body: string, minWords: number): Passage[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const blocks: { heading: string; text: string }[] = [];
  let heading = "";
  let cur: string[] = [];
  const flush = () => {
    const text = cleanMarkdown(cur.join("\n"));
    if (text) blocks.push({ heading, text });
    cur = [];
  };
  for (const line of lines) {
    const h = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      flush();
      heading = cleanMarkdown((h[1] ?? "").replace(/#+\s*$/, ""));
      continue;
    }
    if (!line.trim()) {
      // A blank line between an intro ending in ":" (or between list items) and a list keeps them together.
      const last = cur.at(-1) ?? "";
      if (cur.length && (last.trimEnd().endsWith(":") || isListLine(last))) continue;
      flush();
      continue;
    }
    if (cur.length && isListLine(cur.at(-1) ?? "") && !isListLine(line) && !/^\s/.test(line)) flush();
    cur.push(line);
  }
  flush();
  // Merge short blocks forward (within the same heading) so a passage is never a lone fragment.
  const out: Passage[] = [];
  for (const b of blocks) {
    const prev = out.at(-1);
    if (prev && prev.heading === b.heading && wordCount(prev.text) < minWords) {
      prev.text = `${prev.text}\n${b.text}`;
    } else out.push({ heading: b.heading, text: b.text });
  }
  return out;
}
