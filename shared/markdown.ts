// A small, safe Markdown renderer for article pages and the console editor preview (pure, no DOM): everything is escaped first, then the few
// constructs KB articles use (headings, lists, bold, italics, code, links) become tags. No raw HTML.
const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function inline(s: string): string {
  return esc(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>")
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
}

/**
 * Heading levels under the page's own h1 (the article title): the article's highest heading becomes
 * h2 and no level is skipped on the way down (`##` then `####` is h2 then h3), so the outline a screen
 * reader lists follows the article whatever level its author started at.
 */
function headingLevels(lines: string[]): (level: number) => number {
  const used = lines.map((l) => /^(#{1,6})\s+\S/.exec(l)?.[1]?.length ?? 0).filter((n) => n > 0);
  const top = used.length ? Math.min(...used) : 1;
  let previous = 1;
  return (level) => {
    previous = Math.min(6, Math.max(2, Math.min(previous + 1, 2 + level - top)));
    return previous;
  };
}

export function renderMarkdown(md: string): string {
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  const headingLevel = headingLevels(lines);
  const out: string[] = [];
  let list: "ul" | "ol" | null = null;
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(" "))}</p>`);
    para = [];
  };
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  for (const line of lines) {
    const h = /^(#{1,6})\s+(\S.*)$/.exec(line);
    const ul = /^\s*[-*]\s+(.*)$/.exec(line);
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (h) {
      flush();
      closeList();
      const level = headingLevel((h[1] as string).length);
      out.push(`<h${level}>${inline(h[2] as string)}</h${level}>`);
    } else if (ul || ol) {
      flush();
      const kind = ul ? "ul" : "ol";
      if (list !== kind) {
        closeList();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline(((ul ?? ol) as RegExpExecArray)[1] as string)}</li>`);
    } else if (!line.trim()) {
      flush();
      closeList();
    } else {
      closeList();
      para.push(line.trim());
    }
  }
  flush();
  closeList();
  return out.join("\n");
}

export { esc as escapeHtml };
