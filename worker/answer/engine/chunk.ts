// Splits an article body into passages: the unit that BM25 ranks and that the extractive answer
// quotes. A passage is a section: the text before the first heading (the direct answer help articles
// open with), or a heading with everything under it until the next heading. A section keeps its
// Markdown as written (`md`), so an answer quotes numbered steps as a numbered list, a table as a
// table, and nothing is cut mid-way; `text` is the same section without Markdown, for word statistics.

export interface Passage {
  /** The section's heading ("" for the opening section). */
  heading: string;
  /** Markdown-cleaned text; list items stay on their own "1. " / "- " lines. */
  text: string;
  /** The section's Markdown, as written (without its heading line). */
  md: string;
}

/** Removes Markdown emphasis, links, code marks and HTML while keeping list markers readable. */
export function cleanMarkdown(md: string): string {
  return md
    .split("\n")
    .filter((line) => !/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line))
    .map((line) =>
      line
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .replace(/(\*\*|__)(.+?)\1/g, "$2")
        .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, "$1$2")
        .replace(/`([^`]*)`/g, "$1")
        .replace(/^\s*\|(.*)\|\s*$/, (_, row: string) =>
          row
            .split("|")
            .map((c) => c.trim())
            .join(" · "),
        )
        .replace(/^\s*[*+]\s+/, "- ")
        .replace(/^\s*>\s?/, "")
        .replace(/[ \t]+/g, " ")
        .trimEnd(),
    )
    .join("\n")
    .trim();
}

const wordCount = (s: string) => (s.match(/\S+/g) ?? []).length;

/**
 * One passage per section. A section shorter than `minWords` with no heading of its own is merged
 * into the next, so a passage is never a lone fragment.
 */
export function chunkArticle(body: string, minWords: number): Passage[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const out: Passage[] = [];
  let heading = "";
  let cur: string[] = [];
  let fence = false;
  const flush = () => {
    const md = cur.join("\n").trim();
    const text = cleanMarkdown(md);
    if (text || heading) out.push({ heading, text, md });
    cur = [];
  };
  for (const line of lines) {
    if (/^\s*```/.test(line)) fence = !fence;
    const h = fence ? null : /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      flush();
      heading = cleanMarkdown((h[1] ?? "").replace(/#+\s*$/, ""));
      continue;
    }
    cur.push(line);
  }
  flush();
  // A heading with nothing under it, or a tiny untitled opening, joins what follows.
  const merged: Passage[] = [];
  for (const p of out) {
    const prev = merged.at(-1);
    if (prev && (!prev.text || (!prev.heading && wordCount(prev.text) < Math.min(minWords, 6)))) {
      prev.text = [prev.text, p.heading, p.text].filter(Boolean).join("\n");
      prev.md = [prev.md, p.heading ? `**${p.heading}**` : "", p.md].filter(Boolean).join("\n\n");
      prev.heading ||= p.heading;
    } else merged.push({ ...p });
  }
  return merged;
}
