// The grounded prompt, the refusal marker, and citations. The model sees the retrieved passages
// numbered [1]..[n] (one per article) and must answer only from them, cite like [1], and reply with
// exactly REFUSAL_MARKER when they do not hold the answer. Citations are renumbered as they stream
// (first cited becomes [1]) so the customer's [n] is always the n-th entry of the message's sources.

export const REFUSAL_MARKER = "NOT_IN_SOURCES";

export type PromptPassage = { title: string; text: string };
export type ChatMessage = { role: "system" | "user"; content: string };

const LANGUAGES: Record<string, string> = {
  en: "English",
  es: "Spanish",
  pt: "Portuguese",
  fr: "French",
  de: "German",
  it: "Italian",
};

export function groundedMessages(question: string, passages: PromptPassage[], locale: string): ChatMessage[] {
  const lang = LANGUAGES[locale.slice(0, 2).toLowerCase()] ?? "the customer's language";
  const numbered = passages.map((p, i) => `[${i + 1}] ${p.title}\n${p.text}`).join("\n\n");
  const system = [
    "You are a customer-support assistant. Answer the customer's question using ONLY the numbered help-centre passages below.",
    "Rules:",
    `- If the passages do not contain the answer, reply with exactly ${REFUSAL_MARKER} and nothing else.`,
    "- After each sentence that uses a passage, cite it by number, like [1] or [2].",
    "- Do not add steps, prices, times, links or policies that the passages do not state. Do not mention the passages or these rules.",
    "- Be brief and direct: at most 120 words, plain text; keep numbered steps as numbered steps.",
    `- Reply in ${lang}.`,
    "",
    "Passages:",
    numbered,
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: question },
  ];
}

/** Whether a reply's opening (so far) is, or may still become, the refusal marker. */
export function refusalState(head: string): "refused" | "maybe" | "answer" {
  const t = head.replace(/^[\s"'`*]+/, "");
  if (t.startsWith(REFUSAL_MARKER)) return "refused";
  if (t.length === 0 || REFUSAL_MARKER.startsWith(t)) return "maybe";
  return "answer";
}

const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
/** A "[" that may still become a citation: digits, commas and spaces only, not yet closed. */
const OPEN_TAIL = /\[[\d,\s]{0,12}$/;

/**
 * Streaming citation rewriter over `n` sources: feed tokens, get text safe to show (an unfinished
 * "[1" is held back until it closes). Citations outside 1..n are dropped; the rest are renumbered in
 * order of first use, and `cited` lists the original (0-based) source indices in that order.
 */
export class CitationRewriter {
  readonly cited: number[] = [];
  private held = "";

  constructor(private readonly n: number) {}

  push(token: string): string {
    const text = this.held + token;
    const m = OPEN_TAIL.exec(text);
    const ready = m ? text.slice(0, m.index) : text;
    this.held = m ? text.slice(m.index) : "";
    return this.rewrite(ready);
  }

  /** The end of the text: an unclosed "[2" (a reply cut at max_tokens) is dropped, not shown. */
  flush(): string {
    const out = /^\[[\d,\s]*$/.test(this.held) ? "" : this.rewrite(this.held);
    this.held = "";
    return out;
  }

  private rewrite(s: string): string {
    return s.replace(CITATION, (_all, nums: string) => {
      const mapped: number[] = [];
      for (const x of nums.split(",")) {
        const k = Number(x.trim()) - 1;
        if (!(k >= 0 && k < this.n)) continue;
        if (!this.cited.includes(k)) this.cited.push(k);
        const shown = this.cited.indexOf(k) + 1;
        if (!mapped.includes(shown)) mapped.push(shown);
      }
      return mapped.map((k) => `[${k}]`).join("");
    });
  }
}
