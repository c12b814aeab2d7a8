// Message text. A customer's words are plain text with bare http(s) URLs made clickable; the bot's and
// agents' are Markdown (steps, bold, tables) rendered by the one sanitising renderer in shared/, which
// escapes everything before it writes its own few tags: never HTML from the wire.
import type { JSX } from "preact";
import { renderMarkdown } from "../../shared/markdown.ts";

export function Markdown({ text }: { text: string }): JSX.Element {
  // The one place HTML is set: renderMarkdown escapes all input first (shared/markdown.test.ts).
  return <div class="md" dangerouslySetInnerHTML={{ __html: renderMarkdown(text, { newTab: true }) }} />;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

export function safeHref(url: string, base: string): string | undefined {
  try {
    const u = new URL(url, base);
    // Article links come from the KB: refuse `javascript:` and friends even if one slipped in.
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function RichText({ text }: { text: string }): JSX.Element {
  const parts: (string | JSX.Element)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const i = m.index ?? 0;
    if (i > last) parts.push(text.slice(last, i));
    parts.push(
      <a href={m[0]} target="_blank" rel="noopener noreferrer">
        {m[0]}
      </a>,
    );
    last = i + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
