// Whether the inbox shows search results instead of its live list. In the entry chunk (the inbox page
// reads it); everything else of search is its own chunk (SearchPanel.tsx).
import { signal } from "@preact/signals";

export const searchActive = signal(false);
