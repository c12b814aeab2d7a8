// Whether this deployment still has no workspace: then the console shows set-up instead of sign-in.
import { signal } from "@preact/signals";
import { setupStatusSchema } from "../../../../shared/setup.ts";
import { api } from "../../lib/api.ts";

export const setupOpen = signal(false);

export async function checkSetup(): Promise<void> {
  try {
    setupOpen.value = (await api("/api/setup", setupStatusSchema)).open;
  } catch {
    // Unreachable or refused: sign-in shows, with its own notice.
    setupOpen.value = false;
  }
}
