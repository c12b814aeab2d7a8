// The one Markdown renderer: help-centre pages, the console editor's preview and transcript, the
// widget's bubbles (HTML), and email (plain text). Pure, no DOM, small enough for the widget bundle.
//
// Safe by construction: the source is parsed into blocks, every piece of text is HTML-escaped before
// any tag is added, and the only tags ever written are the ones below, with no attributes but a link's
// href (http, https, mailto or a same-site path, checked after escaping; never javascript:, data: or
// //host) and, when asked, target/rel. Raw HTML in the source (an article, a model's output, an agent's
// reply) is shown as text, never interpreted.
//
// Supported: # headings, paragraphs, - / * / 1. lists (one nested level), | tables |, ``` code blocks,
// > quotes, **bold**, *italic* / _italic_, `code`, [links](url) and bare https:// URLs.

export type MdOptions = {
  /** Links open in a new tab (widget, console). */
  newTab?: boolean;
  /** Level of the text's highest heading, whatever it is in the source (a page's own h1 comes first). */
  headingBase?: number;
};

type ListItem = { text: string; sub?: { ordered: boolean; items: string[] } };
type Block =
  | { k: "h"; level: number; text: string }
  | { k: "p"; text: string }
  | { k: "list"; ordered: boolean; start: number; items: ListItem[] }
  | { k: "table"; head: string[]; rows: string[][] }
  | { k: "code"; text: string }
  | { k: "quote"; text: string };

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const LIST = /^(\s*)([-*+]|(\d{1,9})[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const cells = (line: string) =>
  line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** Markdown source → blocks. Tolerant: anything it does not understand is a paragraph of text. */
export function parseMarkdown(md: string): Block[] {
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  const out: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ k: "p", text: para.join(" ") });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const li = LIST.exec(line);
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i] as string)) code.push(lines[i] as string);
      out.push({ k: "code", text: code.join("\n") });
    } else if (h) {
      flush();
      out.push({ k: "h", level: (h[1] as string).length, text: h[2] as string });
    } else if (line.includes("|") && TABLE_RULE.test(lines[i + 1] ?? "")) {
      flush();
      const head = cells(line);
      const rows: string[][] = [];
      i++;
      while (i + 1 < lines.length && (lines[i + 1] as string).includes("|") && (lines[i + 1] as string).trim())
        rows.push(cells(lines[++i] as string));
      out.push({ k: "table", head, rows });
    } else if (li && (li[1] as string).length < 2) {
      flush();
      const ordered = li[3] !== undefined;
      const list: Block & { k: "list" } = { k: "list", ordered, start: Number(li[3] ?? 1), items: [] };
      i--;
      // Items of the same kind, their nested items (indented), and lazy continuation lines.
      while (i + 1 < lines.length) {
        const next = lines[i + 1] as string;
        const m = LIST.exec(next);
        const item = list.items.at(-1);
        if (m && (m[1] as string).length < 2) {
          if ((m[3] !== undefined) !== ordered) break;
          list.items.push({ text: m[4] as string });
        } else if (m && item) {
          item.sub ??= { ordered: m[3] !== undefined, items: [] };
          item.sub.items.push(m[4] as string);
        } else if (item && next.trim() && /^\s+/.test(next)) {
          if (item.sub) item.sub.items[item.sub.items.length - 1] += ` ${next.trim()}`;
          else item.text += ` ${next.trim()}`;
        } else if (!next.trim() && LIST.test(lines[i + 2] ?? "") && (lines[i + 2] as string).match(/^\s*/)?.[0]) {
          // A blank line before an indented item keeps the list going.
        } else break;
        i++;
      }
      out.push(list);
    } else if (/^\s*>/.test(line)) {
      flush();
      const q: string[] = [line.replace(/^\s*>\s?/, "")];
      while (i + 1 < lines.length && /^\s*>/.test(lines[i + 1] as string))
        q.push((lines[++i] as string).replace(/^\s*>\s?/, ""));
      out.push({ k: "quote", text: q.join(" ") });
    } else if (!line.trim()) flush();
    else para.push(line.trim());
  }
  flush();
  return out;
}

/** A link target we are willing to write: web, mail, or a path on this site. */
export function safeUrl(raw: string): string | null {
  const u = raw.trim();
  // Control characters and spaces are how "java\tscript:" sneaks past a scheme check.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(u)) return null;
  if (/^(https?:\/\/|mailto:)/i.test(u) || /^\/(?!\/)/.test(u) || /^#/.test(u)) return u;
  return null;
}

// A backslash before ASCII punctuation is that character as text (CommonMark): how an action's answer
// inserts data (shared/action-template.ts escapeMarkdown) that must never become a mark or a link.
const INLINE =
  /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|(?<![\p{L}\p{N}*\\])[*_](?![\s*_])(.+?)(?<![\s*_\\])[*_](?![\p{L}\p{N}*])|\[((?:\\.|[^\]\\])+)\]\(([^)\s]+)\)|\bhttps?:\/\/[^\s<>"'()]+[^\s<>"'().,;:!?]|\\([!-/:-@[-`{-~])/gu;

type InlineOut = {
  text(s: string): string;
  code(s: string): string;
  strong(s: string): string;
  em(s: string): string;
  link(label: string, url: string | null): string;
};

function inline(s: string, o: InlineOut): string {
  let out = "";
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    const i = m.index ?? 0;
    out += o.text(s.slice(last, i));
    if (m[1] !== undefined) out += o.code(m[1]);
    else if (m[2] !== undefined || m[3] !== undefined) out += o.strong(inline((m[2] ?? m[3]) as string, o));
    else if (m[4] !== undefined) out += o.em(inline(m[4], o));
    else if (m[5] !== undefined) out += o.link(inline(m[5], o), safeUrl(m[6] as string));
    else if (m[7] !== undefined) out += o.text(m[7]);
    else out += o.link(o.text(m[0]), safeUrl(m[0]));
    last = i + m[0].length;
  }
  return out + o.text(s.slice(last));
}

function htmlInline(opts: MdOptions): InlineOut {
  const target = opts.newTab ? ' target="_blank" rel="noopener noreferrer"' : "";
  return {
    text: esc,
    code: (s) => `<code>${esc(s)}</code>`,
    strong: (s) => `<strong>${s}</strong>`,
    em: (s) => `<em>${s}</em>`,
    link: (label, url) => (url ? `<a href="${esc(url)}"${target}>${label}</a>` : label),
  };
}

/** Markdown → safe HTML. */
export function renderMarkdown(md: string, opts: MdOptions = {}): string {
  const io = htmlInline(opts);
  const base = opts.headingBase ?? 2;
  const il = (s: string) => inline(s, io);
  const items = (b: { ordered: boolean; items: string[] }) =>
    `<${b.ordered ? "ol" : "ul"}>${b.items.map((t) => `<li>${il(t)}</li>`).join("")}</${b.ordered ? "ol" : "ul"}>`;
  const blocks = parseMarkdown(md);
  // The source's highest heading becomes <h{base}> and no level is skipped on the way down (`##` then
  // `####` is h2 then h3), so the outline a screen reader lists follows the text under the page's h1.
  const used = blocks.flatMap((b) => (b.k === "h" ? [b.level] : []));
  const top = used.length ? Math.min(...used) : 1;
  let previous = base - 1;
  return blocks
    .map((b) => {
      switch (b.k) {
        case "h": {
          const l = Math.min(6, Math.max(base, Math.min(previous + 1, base + b.level - top)));
          previous = l;
          return `<h${l}>${il(b.text)}</h${l}>`;
        }
        case "p":
          return `<p>${il(b.text)}</p>`;
        case "quote":
          return `<blockquote>${il(b.text)}</blockquote>`;
        case "code":
          return `<pre><code>${esc(b.text)}</code></pre>`;
        case "table":
          return `<div class="md-table"><table><thead><tr>${b.head.map((c) => `<th>${il(c)}</th>`).join("")}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${b.head.map((_, j) => `<td>${il(r[j] ?? "")}</td>`).join("")}</tr>`)
            .join("")}</tbody></table></div>`;
        case "list": {
          const tag = b.ordered ? "ol" : "ul";
          const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : "";
          return `<${tag}${start}>${b.items.map((it) => `<li>${il(it.text)}${it.sub ? items(it.sub) : ""}</li>`).join("")}</${tag}>`;
        }
      }
      return "";
    })
    .join("\n");
}

const textInline: InlineOut = {
  text: (s) => s,
  code: (s) => s,
  strong: (s) => s,
  em: (s) => s,
  link: (label, url) => (url && url !== label ? `${label} (${url})` : label),
};

/**
 * Markdown → plain text for email and other text-only places: lists keep their "1." and "-" markers,
 * tables become "a: b" lines, emphasis marks go, links show their address.
 */
export function markdownToText(md: string): string {
  const il = (s: string) => inline(s, textInline);
  return parseMarkdown(md)
    .map((b) => {
      switch (b.k) {
        case "h":
          return il(b.text);
        case "p":
          return il(b.text);
        case "quote":
          return `> ${il(b.text)}`;
        case "code":
          return b.text;
        case "table":
          return b.rows.map((r) => b.head.map((h, j) => `${il(h)}: ${il(r[j] ?? "")}`).join(", ")).join("\n");
        case "list":
          return b.items
            .map((it, j) => {
              const head = `${b.ordered ? `${b.start + j}.` : "-"} ${il(it.text)}`;
              const sub = it.sub?.items.map((t, k) => `   ${it.sub?.ordered ? `${k + 1}.` : "-"} ${il(t)}`) ?? [];
              return [head, ...sub].join("\n");
            })
            .join("\n");
      }
      return "";
    })
    .join("\n\n");
}

export { esc as escapeHtml };
