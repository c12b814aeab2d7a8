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

/**
 * `words`, plus the joined form of each hyphenated or slashed compound, so "wi-fi", "wifi" and
 * "Wi Fi" meet, as do "auto-backup" and "autobackup". For the lexical view only: the classifier and
 * its vocabulary coverage keep plain words (an unknown joined form would read as an unknown word).
 */
export function lexicalWords(text: string): string[] {
  const out: string[] = [];
  for (const m of normalize(text).match(/[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*/gu) ?? []) {
    const parts = m.split(/[-/]/);
    out.push(...parts);
    if (parts.length > 1 && parts.length <= 3 && parts.every((p) => /^\p{L}+$/u.test(p))) out.push(parts.join(""));
  }
  return out;
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

/**
 * A light Spanish stemmer (plurals, gender, participles, infinitives, common suffixes), in the same
 * spirit as the English one: "borré", "borradas" and "borrar" meet at "borr"; "recupero",
 * "recuperar" and "recuperación" at "recuper".
 */
export function stemEs(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let w = word;
  for (const suf of ["aciones", "iciones", "acion", "icion", "amientos", "imientos", "amiento", "imiento"]) {
    if (w.endsWith(suf) && w.length - suf.length >= 3) return w.slice(0, -suf.length);
  }
  if (/(ces)$/.test(w)) w = `${w.slice(0, -3)}z`;
  else if (/[^aeiou]es$/.test(w) && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith("s")) w = w.slice(0, -1);
  for (const suf of [
    "iendo",
    "ando",
    "adas",
    "ados",
    "idas",
    "idos",
    "ada",
    "ado",
    "ida",
    "ido",
    "aba",
    "aron",
    "ieron",
    "amos",
    "emos",
    "imos",
    "ar",
    "er",
    "ir",
    "ria",
  ]) {
    if (w.endsWith(suf) && w.length - suf.length >= 3) {
      w = w.slice(0, -suf.length);
      break;
    }
  }
  if (w.length > 4 && /[aeioué]$/.test(w)) w = w.slice(0, -1);
  return w;
}

/**
 * The lexical (BM25) view's English stemmer: the light one with Porter's rule for a final "e" (it
 * stays after a short consonant-vowel-consonant stem and comes back when "-ed"/"-ing" leave one, so
 * "plane" is not "plan", "rate" not "rat", while "saved", "saving" and "save" still meet), and British
 * "-ise" spellings folded into "-ize" ("recognise" meets "recognized"). Chosen on banking77 dev without
 * history (12.2 / 43.5 / 4.8 % wrong / 87.1 handoff recall → 12.2 / 43.7 / 4.7 / 87.9); Porter's final
 * "y" → "i" as well lost two answers there and was left out. The classifier keeps `stem`: its features
 * are what a history-trained model learnt.
 */
export function stemLexical(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word.replace(/^(\p{L}{3,})is(e|es|ed|ing|ation|ations)$/u, "$1iz$2");
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("es") && /(ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is|os|as)$/.test(w)) w = w.slice(0, -1);
  const suffix = w.length > 5 && w.endsWith("ing") ? 3 : w.length > 4 && w.endsWith("ed") && !w.endsWith("eed") ? 2 : 0;
  if (suffix) {
    const base = w.slice(0, -suffix);
    const u = undouble(base);
    // "hoping" → "hope", but "hopping" → "hop".
    w = u !== base ? u : measure(base) === 1 && shortCvc(base) ? `${base}e` : base;
  } else if (w.length > 5 && w.endsWith("ly")) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith("e")) {
    const b = w.slice(0, -1);
    const m = measure(b);
    if (m > 1 || (m === 1 && !shortCvc(b))) w = b;
  }
  return w;
}

const isCons = (w: string, i: number): boolean => {
  const c = w[i] ?? "";
  if ("aeiou".includes(c)) return false;
  return c === "y" ? i === 0 || !isCons(w, i - 1) : true;
};
/** Porter's measure: the number of vowel-consonant sequences. */
function measure(w: string): number {
  let m = 0;
  for (let i = 1; i < w.length; i++) if (isCons(w, i) && !isCons(w, i - 1)) m++;
  return m;
}
/** Ends consonant-vowel-consonant, the last not w, x or y ("plan", "hop", "rat"). */
const shortCvc = (w: string): boolean => {
  const n = w.length;
  return n >= 3 && isCons(w, n - 1) && !isCons(w, n - 2) && isCons(w, n - 3) && !/[wxy]$/.test(w);
};

/** The lexical stemmer for a language: Spanish has its own; every other language gets the light English one. */
export const stemmerFor = (lang?: string): ((w: string) => string) => (lang?.startsWith("es") ? stemEs : stemLexical);

/** Stemmed words with stopwords kept: the classifier's view. */
export function stems(text: string): string[] {
  return words(text).map(stem);
}

/** Stemmed content words: the lexical (BM25) view, stemmed for `lang` when given. */
export function terms(text: string, lang?: string): string[] {
  const st = stemmerFor(lang);
  const out: string[] = [];
  for (const w of lexicalWords(text)) if (!STOPWORDS.has(w)) out.push(st(w));
  return out;
}

/** Levenshtein distance, giving up (returning max + 1) as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * Spelling slips: a query term the KB never uses becomes the KB term it is one edit from (two for
 * long words), the most common one on a tie; terms the KB knows, numbers and short words stay.
 */
export function correctTerms(qTerms: string[], df: ReadonlyMap<string, number>): string[] {
  return qTerms.map((t) => {
    if (df.has(t) || t.length < 5 || /\d/.test(t)) return t;
    const max = t.length >= 8 ? 2 : 1;
    let best = t;
    let bestD = max + 1;
    let bestDf = 0;
    for (const [v, n] of df) {
      if (Math.abs(v.length - t.length) > max || v[0] !== t[0]) continue;
      const d = editDistance(t, v, max);
      // editDistance says max + 1 for "further": such a word is no correction at all (it used to
      // tie with the initial bestD, so "bunch" became "backup" and "router" "remove").
      if (d > max) continue;
      if (d < bestD || (d === bestD && n > bestDf)) {
        best = v;
        bestD = d;
        bestDf = n;
      }
    }
    return best;
  });
}
