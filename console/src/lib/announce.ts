// Polite screen-reader announcements (new queued conversation, message failed…). The app shell
// renders `announcement` into an aria-live region; re-setting the same text must still be spoken,
// so each announcement gets a key that forces the region to change.
import { signal } from "@preact/signals";

export const announcement = signal<{ text: string; key: number }>({ text: "", key: 0 });

export function announce(text: string): void {
  announcement.value = { text, key: announcement.value.key + 1 };
}
