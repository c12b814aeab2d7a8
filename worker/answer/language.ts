// The language of a customer's message, from its text. The widget's `data-locale` and the browser's
// language only say what the page is in; a Spanish question asked on an English page is Spanish.
//
// Detector: `eld` (Nito-ELD, Apache-2.0, pure JS, no dependencies), its extra-small database (60
// languages). Chosen because support questions are short: on the 1,890 English questions of the
// banking77 dev set it calls one (with a clear margin) something other than English, where franc-min
// calls 142 Portuguese, Italian or Dutch; tinyld's light build misreads "Can I get a refund?" as German.
// Its cost is the database: about 290 KB gzip in the worker bundle and ~30 MB of heap once loaded, so
// it is imported lazily, the first time a message needs it (one ~0.2 s load per isolate), and each
// detection then takes ~60 µs.
//
// Detection decides only when the text says enough. A short message ("ok", "help"), a mixed one, or
// one the detector is unsure of keeps the conversation's current language (the last one the text made
// clear, at first the page's), so a Spanish speaker who writes "gracias" or "iPhone 13" stays in Spanish.

type Eld = { detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean } };

let loading: Promise<Eld> | null = null;

/** The detector, loaded once per isolate on first use. */
function detector(): Promise<Eld> {
  loading ??= import("eld/extrasmall").then((m) => {
    const d = m.eld as unknown as Eld & { enableTextCleanup(on: boolean): void };
    // Drop URLs, emails and codes ("order 48213", "iOS 17"): they are no language.
    d.enableTextCleanup(true);
    return d;
  });
  return loading;
}

// Words that settle a very short message on their own: greetings and thanks, where the detector has
// too few letters to go on.
const SHORT: Record<string, string> = {
  hola: "es",
  gracias: "es",
  buenas: "es",
  buenos: "es",
  vale: "es",
  ayuda: "es",
  hello: "en",
  hi: "en",
  hey: "en",
  thanks: "en",
  thank: "en",
  help: "en",
  bonjour: "fr",
  merci: "fr",
  salut: "fr",
  hallo: "de",
  danke: "de",
  ola: "pt",
  obrigado: "pt",
  obrigada: "pt",
  ciao: "it",
  grazie: "it",
};

export type LanguageChoice = {
  /** ISO 639-1 code of the language to answer in. */
  lang: string;
  /** "text": the message settled it; "conversation": it did not, so the current language stands. */
  from: "text" | "conversation";
};

const letters = (s: string) => (s.match(/\p{L}/gu) ?? []).length;

/**
 * The language to answer `text` in. `current` is the conversation's language so far. `preferred` are
 * languages the KB has articles in: the detector's scores for close languages (Spanish/Portuguese/
 * Catalan/Italian) are near each other on short text, so a preferred one within `closeMargin` of the
 * top wins.
 */
export async function chooseLanguage(
  text: string,
  current: string,
  preferred: readonly string[] = [],
  closeMargin = 0.04,
): Promise<LanguageChoice> {
  const cur = current.slice(0, 2).toLowerCase() || "en";
  const stay: LanguageChoice = { lang: cur, from: "conversation" };
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (!words.length) return stay;
  if (words.length <= 2) {
    const hit = words.map((w) => SHORT[w.normalize("NFKD").replace(/\p{M}/gu, "")]).find(Boolean);
    if (hit) return { lang: hit, from: "text" };
  }
  // ¿ and ¡ are Spanish only.
  if (/[¿¡]/.test(text) && words.length >= 2) return { lang: "es", from: "text" };
  if (words.length < 2 || letters(text) < 12) return stay;
  const d = await detector();
  const r = d.detect(text);
  if (!r.language || !r.isReliable()) return stay;
  const scores = Object.entries(r.getScores()).sort((a, b) => b[1] - a[1]);
  const [top, topScore] = scores[0] ?? ["", 0];
  const second = scores[1]?.[1] ?? 0;
  const score = (l: string) => r.getScores()[l] ?? 0;
  // Two words decide only for a language the KB has, and clearly ("quiero cancelar", not "password reset").
  if (words.length === 2 && (!preferred.includes(top) || topScore - score(cur) < 0.1)) return stay;
  // The current language close behind the top: not enough to switch (mixed or ambiguous text).
  if (top !== cur && topScore - score(cur) < 0.05) return stay;
  if (top === cur) return { lang: cur, from: "text" };
  const near = preferred.filter((l) => l !== top && topScore - score(l) <= closeMargin);
  if (!preferred.includes(top) && near.length) return { lang: near[0] as string, from: "text" };
  // A weak lead over the runner-up in a language the KB does not have is no reason to leave.
  if (!preferred.includes(top) && topScore - second < 0.03) return stay;
  return { lang: top, from: "text" };
}

/** English names of languages, for agents (the packet) and for the bot's "no articles in …" line. */
export const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  es: "Spanish",
  fr: "French",
  de: "German",
  pt: "Portuguese",
  it: "Italian",
  nl: "Dutch",
  ca: "Catalan",
  pl: "Polish",
  sv: "Swedish",
  da: "Danish",
  no: "Norwegian",
  fi: "Finnish",
  ro: "Romanian",
  tr: "Turkish",
  ru: "Russian",
  uk: "Ukrainian",
  el: "Greek",
  cs: "Czech",
  hu: "Hungarian",
  ja: "Japanese",
  zh: "Chinese",
  ko: "Korean",
  ar: "Arabic",
  he: "Hebrew",
  hi: "Hindi",
  vi: "Vietnamese",
  th: "Thai",
};
