import { useEffect, useRef } from "preact/hooks";

/**
 * Moves focus to a page's heading when the page appears, so keyboard and screen-reader users land
 * on the new content instead of on a link that no longer exists.
 */
export function useFocusOnMount<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [key]);
  return ref;
}
