// The handoff packet's extractive summary: what an agent needs before they type a word. The
// customer's problem (their own words, not "I want a person"), the facts they gave (order numbers,
// devices, dates, amounts, addresses), what the bot already said, and the language they wrote in,
// with the labels in the agent's language. The LLM summary (worker/answer/ai/summary.ts) replaces it
// when configured; this one is always there first.
import { LANGUAGE_NAMES } from "../answer/language.ts";
import { smallTalk } from "../answer/smalltalk.ts";
import type { ConversationEvent, MessageEvent } from "../../shared/protocol.ts";
import { asksForPerson } from "../answer/engine/decide.ts";

const LABELS = {
  en: {
    none: "The customer asked for a person before writing anything.",
    problem: "Problem",
    also: "Also said",
    facts: "Facts",
    bot: "Bot so far",
    answered: "answered with",
    declined: "could not help",
    unsure: "asked them to rephrase",
    nothing: "nothing yet",
    wrote: "Customer writes in",
    asked: "then asked for a person",
  },
  es: {
    none: "El cliente pidió una persona antes de escribir nada.",
    problem: "Problema",
    also: "También dijo",
    facts: "Datos",
    bot: "El bot",
    answered: "respondió con",
    declined: "no pudo ayudar",
    unsure: "pidió que lo dijera de otra forma",
    nothing: "nada todavía",
    wrote: "El cliente escribe en",
    asked: "luego pidió una persona",
  },
};
type Labels = (typeof LABELS)["en"];

const NAMES_ES: Record<string, string> = {
  en: "inglés",
  es: "español",
  fr: "francés",
  de: "alemán",
  pt: "portugués",
  it: "italiano",
};

const clip = (s: string, n = 200) => {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre";

// Each finds one kind of fact a customer states; what it captures is quoted as written.
const FACTS: RegExp[] = [
  // Order, invoice, ticket and case numbers, with or without a label.
  /\b(?:order|pedido|invoice|factura|ticket|case|ref(?:erence)?|n[ºo°]\.?)\s*(?:number|n[ºo°]|#|:)?\s*#?\s*[A-Z0-9][A-Z0-9-]{3,}\b/gi,
  /(?:^|\s)#\d{4,}\b/g,
  // Devices, systems and browsers.
  /\b(?:iphone|ipad)(?:\s?\d{1,2})?(?:\s(?:pro|max|mini|plus|air))*\b/gi,
  /\b(?:samsung(?:\sgalaxy)?(?:\s[a-z]?\d{1,3})?|galaxy\s[a-z]?\d{1,3}|pixel\s?\d{1,2}[a-z]?|oneplus\s?\d*|xiaomi|huawei)\b/gi,
  /\b(?:android|ios|ipados|macos|windows)(?:\s\d{1,2}(?:\.\d)?)?\b/gi,
  /\b(?:macbook(?:\s(?:air|pro))?|chrome|safari|firefox|edge browser)\b/gi,
  // Dates and times.
  /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b/g,
  new RegExp(
    `\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s(?:of\\s|de\\s)?(?:${MONTHS})|(?:${MONTHS})\\s\\d{1,2}(?:st|nd|rd|th)?)\\b`,
    "gi",
  ),
  /\b(?:yesterday|today|last (?:night|week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:two|three|\d+) (?:days|weeks|months) ago|ayer|hoy|la semana pasada|el mes pasado)\b/gi,
  // Amounts.
  /[$€£]\s?\d+(?:[.,]\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:€|eur|euros?|usd|dollars?|gbp)\b/gi,
  // Email addresses.
  /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g,
];

/** The facts a text states, in order of appearance, each once. */
export function extractFacts(texts: readonly string[]): string[] {
  const found: { at: number; text: string }[] = [];
  texts.forEach((t, k) => {
    for (const re of FACTS)
      for (const m of t.matchAll(re)) found.push({ at: k * 1e5 + (m.index ?? 0), text: m[0].trim() });
  });
  found.sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (const f of found) {
    const key = f.text.toLowerCase();
    // "iPhone 13" also matched as "ios"? keep the longer, first mention.
    if (out.some((o) => o.toLowerCase().includes(key))) continue;
    out.push(f.text);
  }
  return out.slice(0, 8);
}

function botSaid(events: readonly ConversationEvent[], l: Labels): string {
  const parts: string[] = [];
  for (const e of events) {
    if (e.type !== "message" || e.author !== "bot" || e.action === "handoff") continue;
    if (e.action === "answer") {
      const titles = (e.sources ?? []).map((s) => `"${s.title}"`).join(", ");
      parts.push(`${l.answered} ${titles || `"${clip(e.text, 60)}"`}`);
    } else parts.push(l.declined);
  }
  // "could not help; could not help" says nothing twice.
  const out = parts.filter((p, i) => p !== parts[i - 1]);
  return out.length ? out.join("; ") : l.nothing;
}

/**
 * The summary, in the agent's language (`agentLocale`, English by default). `locale` is the
 * customer's language as the bot understood it.
 */
export function summarizeConversation(
  events: readonly ConversationEvent[],
  locale: string,
  agentLocale = "en",
): string {
  const l: Labels = agentLocale.startsWith("es") ? LABELS.es : LABELS.en;
  // Words only: a file the customer sent on its own is listed in the packet, not summarised.
  const customer = events
    .filter((e): e is MessageEvent => e.type === "message" && e.author === "customer" && e.text.trim() !== "")
    .map((e) => e.text);
  if (!customer.length) return l.none;
  // The problem is what they asked about, not "talk to a person", "hi" or "thanks".
  const substantive = customer.filter((t) => !asksForPerson(t) && !smallTalk(t));
  const askedPerson = customer.some((t) => asksForPerson(t));
  const lines: string[] = [];
  if (substantive.length) {
    lines.push(`${l.problem}: "${clip(substantive[0] as string)}"`);
    const more = substantive.slice(1).slice(-2);
    if (more.length) lines.push(`${l.also}: ${more.map((t) => `"${clip(t, 140)}"`).join("; ")}`);
  } else lines.push(`${l.problem}: "${clip(customer[0] as string)}"`);
  const facts = extractFacts(customer);
  if (facts.length) lines.push(`${l.facts}: ${facts.join(" · ")}`);
  lines.push(`${l.bot}: ${botSaid(events, l)}${askedPerson && substantive.length ? `; ${l.asked}` : ""}.`);
  const lang = locale.slice(0, 2).toLowerCase();
  if (lang !== agentLocale.slice(0, 2)) {
    const name = agentLocale.startsWith("es") ? (NAMES_ES[lang] ?? lang) : (LANGUAGE_NAMES[lang] ?? lang);
    lines.push(`${l.wrote} ${name}.`);
  }
  return lines.join("\n");
}
