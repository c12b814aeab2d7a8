// The app's own chunks, fetched only when a visitor needs them: a language's words (widget-es.js), what
// only uploading needs (widget-upload.js, widget/upload/) and the form for a value an action asks for
// (widget-form.js, widget/form/). Each is a classic script from the
// directory widget-app.js came from (no CORS, no module loader, like the app itself: widget/README.md),
// and hands its value to the <script> element the app made (`edgedesk`), so no global is added to the
// host page. A chunk that fails to load is asked for again next time.
import type { ChunkScript } from "../contract.ts";
import { pickLocale } from "../locale.ts";
import { type Dict, loaded } from "./i18n.ts";

// Captured while widget-app.js itself is running: `currentScript` is only set then.
const base = typeof document === "undefined" ? undefined : (document.currentScript as HTMLScriptElement | null)?.src;
const chunks = new Map<string, Promise<unknown>>();

export function chunk<T>(file: string): Promise<T> {
  let p = chunks.get(file) as Promise<T> | undefined;
  if (!p) {
    p = new Promise<T>((resolve, reject) => {
      const s = document.createElement("script") as ChunkScript<T>;
      s.src = new URL(file, base ?? location.href).href;
      s.async = true;
      s.edgedesk = resolve;
      s.onerror = () => {
        chunks.delete(file);
        s.remove();
        // Nobody reads why: a chunk that did not load is simply asked for again.
        reject();
      };
      document.head.append(s);
    });
    chunks.set(file, p);
  }
  return p;
}

/**
 * A chunk that hands over a maker, made once with `host` and kept in `ref`: what it made, or undefined
 * when it did not load (asked for again next time: the upload chunk on the next file, the form on the
 * next value asked).
 */
export function made<H, T>(
  ref: { current: Promise<T | undefined> | null },
  file: string,
  host: H,
): Promise<T | undefined> {
  return (ref.current ??= chunk<(h: H) => T>(file).then(
    (make) => make(host),
    () => {
      ref.current = null;
      return undefined;
    },
  ));
}

/** Makes sure the words of `locale` are here (English always is); the view re-renders when they arrive. */
export function speak(locale: string): Promise<void> {
  const lang = pickLocale([locale]);
  if (lang === "en" || loaded.peek()[lang]) return Promise.resolve();
  return chunk<Dict>(`widget-${lang}.js`).then((d) => {
    loaded.value = { ...loaded.peek(), [lang]: d };
  });
}
