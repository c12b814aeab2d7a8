// The owner's look and words (GET /v1/config, shared/appearance.ts), reduced to what the widget applies,
// each field checked again here whatever the server said: a colour reaches a stylesheet only as a
// six-digit hex colour, an image only as an https URL without quote, space or bracket, and words are
// strings that the loader and the app only ever set as text (textContent, Preact text), never as HTML.
// Shared by the loader (launcher) and the app (panel), so it must stay tiny.
import { COLOR_PATTERN, IMAGE_URL_PATTERN } from "../shared/color.ts";
import type { Look } from "./contract.ts";

export type { Look };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

const text = (v: unknown, max: number): string | undefined =>
  typeof v === "string" && v.trim() && v.length <= max ? v.trim() : undefined;

/**
 * The look for `locale` from a `/v1/config` answer (`{ appearance, ink }`). Launcher label and greeting come from the visitor's
 * language only (an English greeting is no greeting to a Spanish reader: the widget's own one is); the
 * team name, a proper name, falls back to the English one.
 */
export function lookOf(answer: unknown, locale: string): Look {
  const appearance = isObject(answer) ? answer.appearance : null;
  if (!isObject(appearance)) return {};
  const words = isObject(appearance.words) ? appearance.words : {};
  const mine = isObject(words[locale]) ? (words[locale] as Record<string, unknown>) : {};
  const en = isObject(words.en) ? (words.en as Record<string, unknown>) : {};
  const look: Look = {};
  const c = appearance.color;
  // The text colour on it is the server's (shared/color.ts inkOn), one of two known values.
  const ink = (answer as { ink?: unknown }).ink;
  if (typeof c === "string" && COLOR_PATTERN.test(c) && (ink === "#fff" || ink === "#111")) {
    look.color = c;
    look.ink = ink;
  }
  if (appearance.position === "left" || appearance.position === "right") look.position = appearance.position;
  const a = appearance.avatar;
  if (typeof a === "string" && IMAGE_URL_PATTERN.test(a)) look.avatar = a;
  const launcher = text(mine.launcher, 40);
  const greeting = text(mine.greeting, 280);
  const team = text(mine.team, 60) ?? text(en.team, 60);
  if (launcher) look.launcher = launcher;
  if (greeting) look.greeting = greeting;
  if (team) look.team = team;
  return look;
}

/**
 * The colour as custom properties on the loader's host element: the launcher's stylesheet and the
 * app's (styles.css `.ed`) read them, inherited into the shadow tree.
 */
export function paint(el: { style: Pick<CSSStyleDeclaration, "setProperty"> }, look: Look): void {
  if (!look.color || !look.ink) return;
  el.style.setProperty("--edb", look.color);
  el.style.setProperty("--edi", look.ink);
}
