// The widget's look and words for a workspace, and the help centre's branding: what an owner sets in the
// console (`PUT /api/appearance`), what the widget fetches with its config (`GET /v1/config`), and what
// the help centre reads. Every field is optional: unset means the widget's and help centre's defaults.
import * as z from "zod/mini";
import { COLOR_PATTERN, IMAGE_URL_PATTERN } from "./color.ts";

export { COLOR_PATTERN, IMAGE_URL_PATTERN };

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;
// No trim here: the widget checks answers against shapes generated from this schema, which know only
// lengths and patterns (the console trims before it sends).
const words = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(NO_CONTROL, "no control characters"));

/** The words of one language; each shown as text (never HTML) by the widget. */
export const appearanceWordsSchema = z.object({
  /** Visible next to the launcher's icon, and its accessible name. */
  launcher: z.optional(words(40)),
  /** The first line of the chat, in place of the default welcome. */
  greeting: z.optional(words(280)),
  /** The panel's title, in place of "Support". */
  team: z.optional(words(60)),
});
export type AppearanceWords = z.infer<typeof appearanceWordsSchema>;

/** The languages the widget speaks (widget/locale.ts supportedLocales). */
export const appearanceLocales = ["en", "es"] as const;

export const appearanceSchema = z.object({
  color: z.optional(z.string().check(z.regex(COLOR_PATTERN, "colour is a hex colour like #1d4ed8"))),
  position: z.optional(z.enum(["left", "right"])),
  /** The team's avatar in the widget's header, and the help centre's logo. */
  avatar: z.optional(
    z.string().check(z.regex(IMAGE_URL_PATTERN, "avatar is an https URL without quotes, spaces or brackets")),
  ),
  words: z.object({ en: z.optional(appearanceWordsSchema), es: z.optional(appearanceWordsSchema) }),
});
export type Appearance = z.infer<typeof appearanceSchema>;

/**
 * What `GET /v1/config` answers: the site's look, and the text colour that reads on its colour
 * (computed here so the widget's loader does not carry the contrast rule); one request, cached by the browser.
 */
export const widgetConfigSchema = z.object({
  appearance: appearanceSchema,
  ink: z.optional(z.enum(["#fff", "#111"])),
});
export type WidgetConfigAnswer = z.infer<typeof widgetConfigSchema>;

/** What `GET /api/appearance` answers (and `PUT` echoes): the look and who changed it last. */
export const appearanceViewSchema = z.object({
  appearance: appearanceSchema,
  updatedAt: z.nullable(z.number()),
});
export type AppearanceView = z.infer<typeof appearanceViewSchema>;

export const DEFAULT_APPEARANCE: Appearance = { words: {} };
