import { useLayoutEffect, useRef } from "preact/hooks";

/**
 * Moves focus to a page's heading when the page appears, so keyboard and screen-reader users land
 * on the new content instead of on a link that no longer exists.
 */
export function useFocusOnMount<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  // Layout, not passive, effect: it runs right after the page renders, before the next input event. A
  // passive effect can run a frame or more later (much later on a busy machine) and pull focus away
  // from wherever the person has already clicked or started typing.
  useLayoutEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [key]);
  return ref;
}

/**
 * Focus for after an action that removed the focused button (claim, resolve): only if focus really was
 * lost. The answer can come back late, and by then the person may be typing somewhere else.
 */
export function focusIfLost(el: HTMLElement | null | undefined): void {
  const active = document.activeElement;
  if (!active || active === document.body) el?.focus();
}
