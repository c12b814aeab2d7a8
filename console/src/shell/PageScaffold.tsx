import type { ComponentChild } from "preact";
import { useFocusOnMount } from "../lib/hooks.ts";

/** What a page shows instead of its content: not allowed, on its way, or could not be loaded. */
export type PageState =
  | { forbidden: string; testId: string }
  | { loading: string }
  | { failed: string; testId?: string };

/**
 * The one frame for a page that has nothing of its own to show yet: the owner-only pages' "not allowed"
 * text, a lazily loaded page's "Loading…" and "could not be loaded". Every page answers these three the
 * same way (the heading takes focus on arrival, failures are alerts), so they are written once.
 */
export function PageScaffold({
  title,
  class: cls,
  nav,
  state,
}: {
  /** The page's heading; absent while a lazily loaded page is on its way (it does not know it yet). */
  title?: string;
  /** The page's own class next to `page`, so the scaffold sits where the page will. */
  class?: string;
  /** Drawn above the heading, e.g. the settings tabs, so the person can go elsewhere. */
  nav?: ComponentChild;
  state: PageState;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const forbidden = "forbidden" in state;
  return (
    <main id="main" class={cls ? `page ${cls}` : "page"} aria-busy={forbidden ? undefined : "loading" in state}>
      {nav}
      {title && (
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
      )}
      {"forbidden" in state ? (
        <p class="empty" data-testid={state.testId}>
          {state.forbidden}
        </p>
      ) : "failed" in state ? (
        <p class="alert" role="alert" data-testid={state.testId}>
          {state.failed}
        </p>
      ) : (
        <p class="empty">{state.loading}</p>
      )}
    </main>
  );
}
