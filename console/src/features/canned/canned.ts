// Canned replies in the composer: which ones match what the agent typed after "/", and how a chosen
// one goes into the text. Pure, so the picker's behaviour is unit-tested without a DOM.
import type { CannedReply } from "../../../../shared/api.ts";

/** Shortcut prefix matches first, then titles, then anything containing the words; at most `limit`. */
export function filterCanned(items: readonly CannedReply[], query: string, limit = 8): CannedReply[] {
  const q = query.trim().toLowerCase().replace(/^\//, "");
  if (!q) return items.slice(0, limit);
  const rank = (c: CannedReply): number => {
    if (c.shortcut?.startsWith(q)) return 0;
    if (c.title.toLowerCase().startsWith(q)) return 1;
    const hay = `${c.shortcut ?? ""} ${c.title} ${c.text}`.toLowerCase();
    return q.split(/\s+/).every((w) => hay.includes(w)) ? 2 : -1;
  };
  return items
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r)
    .slice(0, limit)
    .map((x) => x.c);
}

/** Puts `insert` in place of the selection [start, end); returns the new text and where the caret goes. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  return { text: text.slice(0, s) + insert + text.slice(e), caret: s + insert.length };
}

/** Labels typed as "billing, VIP" → ["billing", "vip"]: trimmed, lower-case, no blanks or repeats. */
export function parseLabels(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(",")
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}
