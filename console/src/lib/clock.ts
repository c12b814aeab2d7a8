// One shared ticking clock: every "3 min ago" label reads it, so they all update together and there
// is a single timer no matter how many rows are on screen.
import { signal } from "@preact/signals";

export const now = signal(Date.now());

setInterval(() => {
  now.value = Date.now();
}, 15_000);
