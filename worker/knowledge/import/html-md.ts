// Vendor article HTML → the Markdown subset shared/markdown.ts renders. Pure, no DOM (the worker has
// none). Safe by construction, like the renderer: the HTML is parsed into a small tree and only text,
// a few formatting tags and http(s)/mailto links are written back out. Attributes other than a link's
// href are never read (so no event handlers, styles or classes survive), script/style/iframe/object
// and friends are dropped with their content, and a link whose target is not a plain web or mail
// address (javascript:, data:, vbscript:, relative paths to the old help centre) keeps only its text.
// What cannot be carried over (images, video, embeds, forms) is dropped and named in `warnings`.
// The Markdown it writes is still rendered by the one sanitising path, which escapes any HTML left.

export type Converted = { markdown: string; warnings: string[] };

type El = { tag: string; href?: string; children: Node[] };
type Node = El | string;

/** Dropped together with everything inside them. */
const DROP = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "noscript",
  "template",
  "svg",
  "math",
  "head",
  "title",
  "video",
  "audio",
  "canvas",
  "select",
  "textarea",
  "button",
  "form",
  "frameset",
  "frame",
  "applet",
]);
const VOID = new Set([
  "br",
  "hr",
  "img",
  "input",
  "meta",
  "link",
  "source",
  "col",
  "wbr",
  "area",
  "base",
  "param",
  "track",
]);
/** Raw-text elements: their content is not markup, so a "<b>" inside does not open a tag. */
const RAW = new Set(["script", "style", "textarea", "title", "xmp", "noscript", "iframe"]);
const BLOCK = new Set([
  "p",
  "div",
  "section",
  "article",
  "header",
  "footer",
  "main",
  "aside",
  "nav",
  "figure",
  "figcaption",
  "details",
  "summary",
  "dl",
  "dt",
  "dd",
  "center",
  "address",
]);
const MAX_DEPTH = 64;

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  copy: "©",
  reg: "®",
  trade: "™",
  euro: "€",
  bull: "•",
  middot: "·",
  times: "×",
  rarr: "→",
  larr: "←",
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** A link target worth keeping: absolute http(s) or mailto, after entities and hidden characters are gone. */
export function importableUrl(raw: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: "java\tscript:" hides behind control characters
  const u = decodeEntities(raw).replace(/[\u0000-\u0020\u007f]/g, "");
  if (!/^(https?:\/\/[^/\s]|mailto:)/i.test(u)) return null;
  // The Markdown link syntax ends at ")" and whitespace; encode them rather than break the link.
  return u.replace(/\(/g, "%28").replace(/\)/g, "%29");
}

function attr(attrs: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i");
  const m = re.exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? "") : undefined;
}

/** HTML → a tolerant tree: unknown end tags are ignored, unclosed elements close with their parent. */
function parse(html: string, warn: (w: string) => void): El {
  const root: El = { tag: "#root", children: [] };
  const stack: El[] = [root];
  const top = () => stack[stack.length - 1] as El;
  const TAG =
    /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<\/?([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let last = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    if (m.index > last) top().children.push(decodeEntities(html.slice(last, m.index)));
    last = TAG.lastIndex;
    const name = m[1]?.toLowerCase();
    if (!name) continue; // comment, doctype, processing instruction
    const closing = m[0][1] === "/";
    if (closing) {
      const at = stack.map((e) => e.tag).lastIndexOf(name);
      if (at > 0) stack.length = at;
      continue;
    }
    if (RAW.has(name)) {
      // Skip to the matching end tag: nothing inside is markup.
      const endTag = new RegExp(`</${name}[^>]*>`, "gi");
      endTag.lastIndex = last;
      const end = endTag.exec(html);
      const stop = end ? endTag.lastIndex : html.length;
      last = stop;
      TAG.lastIndex = stop;
      noteDropped(name, warn);
      continue;
    }
    const href = name === "a" ? attr(m[2] ?? "", "href") : undefined;
    const el: El = { tag: name, ...(href !== undefined ? { href } : {}), children: [] };
    if (name === "img") warn("images are not imported (their alt text is kept)");
    if (name === "img") {
      const alt = attr(m[2] ?? "", "alt");
      if (alt) top().children.push(decodeEntities(alt));
      continue;
    }
    if (VOID.has(name) || m[0].endsWith("/>")) {
      if (!VOID.has(name) && DROP.has(name)) noteDropped(name, warn);
      top().children.push(el);
      continue;
    }
    // Too deep to be an article: the tags are ignored, the text kept.
    if (stack.length > MAX_DEPTH) continue;
    top().children.push(el);
    stack.push(el);
  }
  if (last < html.length) top().children.push(decodeEntities(html.slice(last)));
  return root;
}

function noteDropped(tag: string, warn: (w: string) => void): void {
  if (tag === "script" || tag === "noscript") warn("scripts were removed");
  else if (tag === "iframe" || tag === "object" || tag === "embed" || tag === "applet")
    warn("embedded content (iframes, objects) is not imported");
  else if (tag === "video" || tag === "audio") warn("video and audio are not imported");
  else if (tag === "form" || tag === "button" || tag === "select" || tag === "textarea") warn("forms are not imported");
}

const squash = (s: string) => s.replace(/[ \t\r\n\f\u00a0]+/g, " ");

/** Inline content of a node as one Markdown line (line breaks from <br> become "\n"). */
function inline(n: Node, warn: (w: string) => void): string {
  if (typeof n === "string") return squash(n);
  if (DROP.has(n.tag)) {
    noteDropped(n.tag, warn);
    return "";
  }
  if (n.tag === "br") return "\n";
  const inner = n.children.map((c) => inline(c, warn)).join("");
  const wrap = (mark: string) => {
    const t = inner.trim();
    return t ? `${inner.startsWith(" ") ? " " : ""}${mark}${t}${mark}${inner.endsWith(" ") ? " " : ""}` : inner;
  };
  switch (n.tag) {
    case "strong":
    case "b":
      return wrap("**");
    case "em":
    case "i":
      return wrap("*");
    case "code":
    case "kbd":
    case "samp":
      return inner.trim() ? `\`${inner.replace(/`/g, "'").trim()}\`` : "";
    case "a": {
      const label = inner.trim().replace(/[[\]]/g, "");
      const url = n.href === undefined ? null : importableUrl(n.href);
      if (n.href !== undefined && !url && n.href.trim() && !n.href.trim().startsWith("#"))
        warn("links that are not http(s) or mailto were reduced to their text");
      return url && label ? `[${label}](${url})` : inner;
    }
    default:
      return inner;
  }
}

type Out = { blocks: string[]; warn: (w: string) => void };

function paragraph(parts: Node[], out: Out, prefix = ""): void {
  const text = parts
    .map((p) => inline(p, out.warn))
    .join("")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  if (text.length) out.blocks.push(text.map((l) => prefix + l).join("\n"));
}

function list(el: El, out: Out, depth: number): string[] {
  const ordered = el.tag === "ol";
  const lines: string[] = [];
  let n = 0;
  for (const c of el.children) {
    if (typeof c === "string" || c.tag !== "li") {
      if (typeof c !== "string" && (c.tag === "ul" || c.tag === "ol")) lines.push(...list(c, out, depth + 1));
      continue;
    }
    n++;
    const own = c.children.filter((x) => typeof x === "string" || (x.tag !== "ul" && x.tag !== "ol"));
    const text = own
      .map((x) => (typeof x !== "string" && BLOCK.has(x.tag) ? ` ${blockText(x, out)} ` : inline(x, out.warn)))
      .join("")
      .replace(/\s*\n\s*/g, " ")
      .trim();
    // The renderer knows one nested level; deeper lists are flattened into it.
    const indent = depth > 0 ? "  " : "";
    if (text) lines.push(`${indent}${ordered && depth === 0 ? `${n}.` : "-"} ${text}`);
    for (const sub of c.children)
      if (typeof sub !== "string" && (sub.tag === "ul" || sub.tag === "ol")) lines.push(...list(sub, out, depth + 1));
  }
  return lines;
}

const blockText = (el: El, out: Out) =>
  el.children
    .map((c) => inline(c, out.warn))
    .join("")
    .replace(/\s*\n\s*/g, " ")
    .trim();

function table(el: El, out: Out): void {
  const rows: string[][] = [];
  const walk = (n: El) => {
    for (const c of n.children) {
      if (typeof c === "string") continue;
      if (c.tag === "tr")
        rows.push(
          c.children
            .filter((x): x is El => typeof x !== "string" && (x.tag === "td" || x.tag === "th"))
            .map((cell) => blockText(cell, out).replace(/\|/g, "/")),
        );
      else if (c.tag === "thead" || c.tag === "tbody" || c.tag === "tfoot") walk(c);
    }
  };
  walk(el);
  const width = Math.max(0, ...rows.map((r) => r.length));
  if (!rows.length || !width) return;
  const pad = (r: string[]) => `| ${[...r, ...Array(width - r.length).fill("")].join(" | ")} |`;
  out.blocks.push([pad(rows[0] as string[]), `|${" --- |".repeat(width)}`, ...rows.slice(1).map(pad)].join("\n"));
}

function blocks(el: El, out: Out): void {
  let run: Node[] = [];
  const flush = () => {
    paragraph(run, out);
    run = [];
  };
  for (const c of el.children) {
    if (typeof c === "string" || (!BLOCK.has(c.tag) && !SPECIAL.has(c.tag) && !DROP.has(c.tag))) {
      run.push(c);
      continue;
    }
    flush();
    if (DROP.has(c.tag)) noteDropped(c.tag, out.warn);
    else if (/^h[1-6]$/.test(c.tag)) {
      const t = blockText(c, out);
      if (t) out.blocks.push(`${"#".repeat(Number(c.tag[1]))} ${t}`);
    } else if (c.tag === "ul" || c.tag === "ol") {
      const lines = list(c, out, 0);
      if (lines.length) out.blocks.push(lines.join("\n"));
    } else if (c.tag === "pre") {
      const code = text(c).replace(/^\n+|\s+$/g, "");
      if (code) out.blocks.push(`\`\`\`\n${code.replace(/```/g, "'''")}\n\`\`\``);
    } else if (c.tag === "blockquote") {
      const inner: Out = { blocks: [], warn: out.warn };
      blocks(c, inner);
      if (inner.blocks.length)
        out.blocks.push(
          inner.blocks
            .join("\n")
            .split("\n")
            .map((l) => `> ${l}`)
            .join("\n"),
        );
    } else if (c.tag === "table") table(c, out);
    else if (c.tag === "hr") continue;
    else blocks(c, out);
  }
  flush();
}
const SPECIAL = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "table", "hr"]);

/** The raw text of a node (for <pre>), without any tags. */
function text(n: Node): string {
  if (typeof n === "string") return n;
  if (DROP.has(n.tag)) return "";
  if (n.tag === "br") return "\n";
  return n.children.map(text).join("");
}

export function htmlToMarkdown(html: string): Converted {
  const warnings = new Set<string>();
  const warn = (w: string) => warnings.add(w);
  const out: Out = { blocks: [], warn };
  blocks(parse(html, warn), out);
  return { markdown: out.blocks.join("\n\n").trim(), warnings: [...warnings] };
}
