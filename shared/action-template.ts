// The templates of an action (docs/actions.md): `{{name}}` inserts a value, `{{secret.NAME}}` a secret
// (URL, headers and body only), and, in answers, `{{#list}}…{{/list}}` repeats for each item of a list
// (inside it `{{field}}` is the item's field, `{{.}}` the item itself) or shows its text when a value
// is there, `{{^name}}…{{/name}}` when it is not. Each place escapes what it inserts its own way: a
// URL encodes, a header refuses line breaks, JSON quotes, and Markdown escapes every character the
// one renderer (shared/markdown.ts) would read as a mark, a link or a block, so data can never turn
// into a link, a heading or HTML.

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

type Token =
  | { k: "text"; s: string }
  | { k: "var"; name: string }
  | { k: "open"; name: string; inverted: boolean }
  | { k: "close"; name: string };

const TAG = /\{\{\s*([#^/]?)\s*([^{}\s]*)\s*\}\}/g;
const NAME = /^(\.|[A-Za-z_][\w-]*(\.[A-Za-z0-9_-]+)?)$/;

function tokens(t: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of t.matchAll(TAG)) {
    const i = m.index ?? 0;
    if (i > last) out.push({ k: "text", s: t.slice(last, i) });
    const sigil = m[1] ?? "";
    const name = m[2] ?? "";
    out.push(
      sigil === "/" ? { k: "close", name } : sigil ? { k: "open", name, inverted: sigil === "^" } : { k: "var", name },
    );
    last = i + m[0].length;
  }
  if (last < t.length) out.push({ k: "text", s: t.slice(last) });
  return out;
}

/** What is wrong with a template's syntax (an unclosed section, a bad name), or null. */
export function templateProblems(t: string, sections = true): string | null {
  const open: string[] = [];
  for (const tok of tokens(t)) {
    if (tok.k === "text") {
      if (tok.s.includes("{{")) return "a {{ without a matching }}, or a name with spaces";
      continue;
    }
    if (!NAME.test(tok.name)) return `{{${tok.name}}} is not a value name`;
    if (tok.k === "open") {
      if (!sections) return "sections ({{#…}}) only in the answer";
      open.push(tok.name);
    } else if (tok.k === "close" && open.pop() !== tok.name) return `{{/${tok.name}}} closes no open section`;
    else if (tok.k === "var" && tok.name === "." && !open.length) return "{{.}} only inside a section";
  }
  return open.length ? `{{#${open.at(-1)}}} is not closed` : null;
}

/** The names a template reads at its top level (inside a section, names are the item's fields). */
export function placeholdersOf(t: string): string[] {
  const names = new Set<string>();
  let depth = 0;
  for (const tok of tokens(t)) {
    if (tok.k === "open") {
      if (!depth) names.add(tok.name);
      depth++;
    } else if (tok.k === "close") depth = Math.max(0, depth - 1);
    else if (tok.k === "var" && !depth) names.add(tok.name);
  }
  return [...names];
}

/** A value as text: lists of plain values joined, anything else (objects) shown as nothing. */
export function asText(v: Value | undefined): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map(asText).filter(Boolean).join(", ");
  if (typeof v === "object") return "";
  return String(v);
}

const present = (v: Value | undefined): boolean =>
  v !== undefined && v !== null && v !== false && v !== "" && !(Array.isArray(v) && v.length === 0);

/** At most this many items of a list are shown: a big response must not become a wall of text. */
export const MAX_ITEMS = 20;

/**
 * Renders `t` with `lookup` (names → values), passing every inserted text through `quote`. Sections
 * repeat over lists; an item's fields shadow the outer names.
 */
export function renderTemplate(
  t: string,
  lookup: (name: string) => Value | undefined,
  quote: (s: string) => string,
): string {
  const toks = tokens(t);
  const run = (from: number, to: number, scope: (name: string) => Value | undefined): string => {
    let out = "";
    for (let i = from; i < to; i++) {
      const tok = toks[i] as Token;
      if (tok.k === "text") out += tok.s;
      else if (tok.k === "var") out += quote(asText(scope(tok.name)));
      else if (tok.k === "open") {
        const end = closing(i);
        const v = scope(tok.name);
        if (tok.inverted) {
          if (!present(v)) out += run(i + 1, end, scope);
        } else if (Array.isArray(v)) {
          for (const item of v.slice(0, MAX_ITEMS)) out += run(i + 1, end, itemScope(item, scope));
        } else if (present(v)) out += run(i + 1, end, itemScope(v as Value, scope));
        i = end;
      }
    }
    return out;
  };
  const closing = (i: number): number => {
    let depth = 0;
    for (let j = i; j < toks.length; j++) {
      const tok = toks[j] as Token;
      if (tok.k === "open") depth++;
      else if (tok.k === "close" && --depth === 0) return j;
    }
    return toks.length;
  };
  return run(0, toks.length, lookup);
}

function itemScope(item: Value, outer: (name: string) => Value | undefined): (name: string) => Value | undefined {
  return (name) => {
    if (name === ".") return item;
    if (item && typeof item === "object" && !Array.isArray(item) && name in item) return item[name];
    return outer(name);
  };
}

/**
 * A value for Markdown: one line, and every character the renderer reads as syntax backslash-escaped
 * (emphasis, code, link brackets, table cells, a block marker at the start, the `:` of a bare http(s)
 * URL), so the customer reads the data exactly and nothing else. HTML needs nothing here: the renderer
 * escapes all text before it writes a tag.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .replace(/[\\`*_[\]|]/g, "\\$&")
    .replace(/(https?):(?=\/\/)/gi, "$1\\:")
    .replace(/^(\s*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|\d+(?=[.)](?:\s|$)))/, (_, sp: string, m: string) =>
      /\d/.test(m) ? `${sp}${m}\\` : `${sp}\\${m}`,
    );
}

/** Reads a JSON pointer (RFC 6901) out of a parsed body; undefined when it leads nowhere. */
export function readPointer(body: Value, pointer: string): Value | undefined {
  if (pointer === "") return body;
  let cur: Value | undefined = body;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else if (cur && typeof cur === "object") {
      cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}
