// Machine translation with Workers AI (`@cf/meta/m2m100-1.2b`, 100 languages): a question in a
// language the KB has no articles in is answered from the best article translated, and agents read
// customers in their own language while their replies go out in the customer's. On whenever the AI
// binding is there (TRANSLATION=off turns it off); any error or timeout answers null, and the caller
// carries on untranslated (the "no articles in your language" reply, the original text for agents).
import type { Env } from "../../env.ts";
import type { AiBinding } from "./embeddings.ts";
import { within } from "./llm.ts";

export const TRANSLATION_MODEL = "@cf/meta/m2m100-1.2b";

export type { Translate } from "../turn-types.ts";
import type { Translate } from "../turn-types.ts";

function translatedText(res: unknown): string {
  if (res && typeof res === "object" && "translated_text" in res && typeof res.translated_text === "string")
    return res.translated_text;
  throw new Error(`expected { translated_text: string }, got ${JSON.stringify(res).slice(0, 200)}`);
}

// A line's Markdown furniture (a list marker, a heading's #, a table's pipes) stays as written; only
// its words go to the model, which would otherwise translate or drop the marks.
const FURNITURE = /^(\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+)?(.*)$/;

export class AiTranslator implements Translate {
  constructor(
    private readonly ai: AiBinding,
    private readonly model = TRANSLATION_MODEL,
    private readonly timeoutMs = 4000,
  ) {}

  async translate(text: string, from: string, to: string): Promise<string | null> {
    const src = from.slice(0, 2).toLowerCase();
    const dst = to.slice(0, 2).toLowerCase();
    if (src === dst || !text.trim()) return text;
    try {
      // Line by line, so a numbered list stays a numbered list; lines are translated together.
      const lines = text.split("\n").slice(0, 60);
      const out = await within(
        Promise.all(
          lines.map(async (line) => {
            const [, mark = "", words = ""] = FURNITURE.exec(line) ?? [];
            if (!/\p{L}/u.test(words) || /^\s*\|?\s*:?-{2,}/.test(words)) return line;
            const res = await this.ai.run(this.model, { text: words, source_lang: src, target_lang: dst });
            return mark + translatedText(res).trim();
          }),
        ),
        this.timeoutMs,
        `${this.model} translation`,
      );
      return out.join("\n");
    } catch (e) {
      console.warn(`[edgedesk] translation ${src}→${dst} failed, left untranslated: ${String(e)}`);
      return null;
    }
  }
}

/** The translator, or null (no AI binding, or TRANSLATION=off). */
export function translator(env: Pick<Env, "AI" | "TRANSLATION" | "TRANSLATION_MODEL">): Translate | null {
  if (!env.AI || env.TRANSLATION?.trim() === "off") return null;
  return new AiTranslator(env.AI, env.TRANSLATION_MODEL?.trim() || TRANSLATION_MODEL);
}
