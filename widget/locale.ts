// Locale choice, shared by the loader (launcher label) and the app (all other strings), so both agree
// without the loader having to carry the app's dictionaries.

export const supportedLocales = ["en", "es"] as const;
export type Locale = (typeof supportedLocales)[number];

/** First supported language among the candidates (`data-locale` first, then the browser's), else English. */
export function pickLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const c of candidates) {
    const lang = c?.trim().toLowerCase().split(/[-_]/)[0];
    const hit = supportedLocales.find((l) => l === lang);
    if (hit) return hit;
  }
  return "en";
}

/** The only strings the loader needs before the app exists: [open, close]. */
export const launcherLabels: Record<Locale, readonly [string, string]> = {
  en: ["Open support chat", "Close support chat"],
  es: ["Abrir chat de ayuda", "Cerrar chat de ayuda"],
};
