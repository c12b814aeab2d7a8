// Text normalisation shared by publishing (buildSnapshot) and answering (retrieve): both sides must
// turn text into the same terms, so this module is the single definition of "a word".

/** Lowercase, fold accents (so "más" matches "mas"), unify apostrophes (so "don't" ≈ "dont"). */
export function normalize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/(\p{L})'(\p{L})/gu, "$1$2");
}

/** Unicode letter/digit runs of the normalised text; anything else separates words. */
export function words(text: string): string[] {
  return normalize(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Function words carry little topical signal for BM25. The classifier keeps them (see `features`),
// because "why", "not" and "can" distinguish intents such as "card not working" vs "can I get a card".
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be been being but by can could did do does doing for from had has have having he her " +
    "hers him his how i if im in into is it its ive me my myself of on or our ours please she so some than that " +
    "the their them then there these they this those to too us was we were what when where which who whom why " +
    "will with would you your yours yourself hi hello hey thanks thank just also get got am dont doesnt cant " +
    // Spanish and other common Latin-script function words, so Spanish text does not drown in them.
    "el la los las un una unos unas de del y o que en por para con se su sus mi mis es al lo le les como " +
    "pero mas muy ya yo tu me te nos este esta estos estas ese esa hay ser fue son"
  ).split(" "),
);

/**
 * A deliberately light English stemmer: it strips common inflections only, so it cannot mangle
 * non-English words badly (a full Porter stemmer over-conflates, and its rules are English-only).
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("es") && /(ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is|os|as)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith("ed") && !w.endsWith("eed")) w = undouble(w.slice(0, -2));
  else if (w.length > 5 && w.endsWith("ly")) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

// "stopped" → "stopp" → "stop", so inflected and base forms meet.
function undouble(w: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w) ? w.slice(0, -1) : w;
}

/** Stemmed words with stopwords kept: the classifier's view. */
export function stems(text: string): string[] {
  return words(text).map(stem);
}

/** Stemmed content words: the lexical (BM25) view. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (!STOPWORDS.has(w)) out.push(stem(w));
  return out;
}
