// The appearance form (pure): what the owner types ↔ the stored look (shared/appearance.ts). Empty
// fields mean "the widget's default", so they are left out rather than saved as empty strings.
import {
  type Appearance,
  appearanceLocales,
  type AppearanceWords,
  COLOR_PATTERN,
  IMAGE_URL_PATTERN,
} from "../../../../shared/appearance.ts";

export type Locale = (typeof appearanceLocales)[number];
export const LOCALES = appearanceLocales;
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", es: "Español" };

export type WordsForm = { launcher: string; greeting: string; team: string };
export type AppearanceForm = {
  color: string;
  position: "left" | "right";
  avatar: string;
  words: Record<Locale, WordsForm>;
};

/** The widget's own colour, shown when the owner has not chosen one. */
export const DEFAULT_COLOR = "#1d4ed8";

const emptyWords = (): WordsForm => ({ launcher: "", greeting: "", team: "" });

export function toForm(a: Appearance): AppearanceForm {
  const words = (l: Locale): WordsForm => ({
    launcher: a.words[l]?.launcher ?? "",
    greeting: a.words[l]?.greeting ?? "",
    team: a.words[l]?.team ?? "",
  });
  return {
    color: a.color ?? "",
    position: a.position ?? "right",
    avatar: a.avatar ?? "",
    words: { en: words("en"), es: words("es") },
  };
}

export const blankForm = (): AppearanceForm => ({
  color: "",
  position: "right",
  avatar: "",
  words: { en: emptyWords(), es: emptyWords() },
});

export type FormErrors = Partial<Record<"color" | "avatar", string>>;

/** What is wrong with the form, per field (empty: nothing). */
export function checkForm(f: AppearanceForm): FormErrors {
  const errors: FormErrors = {};
  const color = f.color.trim();
  if (color && !COLOR_PATTERN.test(color)) errors.color = "A colour is six hex digits after #, like #0f766e.";
  const avatar = f.avatar.trim();
  if (avatar && !IMAGE_URL_PATTERN.test(avatar))
    errors.avatar = "An image address starts with https:// and has no spaces, quotes or brackets.";
  return errors;
}

/** The look to save: trimmed, empty fields left out. */
export function fromForm(f: AppearanceForm): Appearance {
  const words: Appearance["words"] = {};
  for (const l of LOCALES) {
    const w: AppearanceWords = {};
    const launcher = f.words[l].launcher.trim();
    const greeting = f.words[l].greeting.trim();
    const team = f.words[l].team.trim();
    if (launcher) w.launcher = launcher;
    if (greeting) w.greeting = greeting;
    if (team) w.team = team;
    if (Object.keys(w).length) words[l] = w;
  }
  const color = f.color.trim().toLowerCase();
  const avatar = f.avatar.trim();
  return {
    ...(color ? { color } : {}),
    ...(f.position === "left" ? { position: "left" as const } : {}),
    ...(avatar ? { avatar } : {}),
    words,
  };
}
