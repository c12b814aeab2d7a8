// What several browser tests do the same way: read the mail wrangler dev "sent", and join a handed-off
// conversation from the inbox the way a person does.
import { readFileSync } from "node:fs";
import type { Locator } from "playwright-core";
import { expect } from "vitest";
import type { LocalWorker } from "../../scripts/lib/worker.ts";

/** The mails `worker` sent so far, oldest first (wrangler dev's send_email writes each to a file and logs its path). */
export const sentMails = (worker: LocalWorker): string[] =>
  [...worker.log().matchAll(/(\/\S+\.eml)\b/g)].map((m) => readFileSync(m[1] as string, "utf8"));

/** The newest `#/<kind>/<token>` link mailed to `to`, quoted-printable undone; null before it is sent. */
export function mailedLink(
  worker: LocalWorker,
  to: string,
  kind: "invite" | "reset",
): { url: string; token: string } | null {
  for (const raw of sentMails(worker).reverse()) {
    const text = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    if (!text.includes(`To: <${to}>`)) continue;
    const m = new RegExp(`(http\\S+#/${kind}/([\\w-]{43}))`).exec(text);
    if (m) return { url: m[1] as string, token: m[2] as string };
  }
  return null;
}

/**
 * Joins the conversation of inbox `row` until it is the agent's. The inbox can show the row a moment
 * before the conversation itself has left the bot (a 409 "in state bot" then, shown at the row): like a
 * person, this clicks again.
 */
export async function joinWhenQueued(row: Locator, join: Locator): Promise<void> {
  await expect
    .poll(
      async () => {
        if ((await row.getAttribute("data-state")) !== "agent" && (await join.count())) await join.click();
        return row.getAttribute("data-state");
      },
      { timeout: 15_000, interval: 1000 },
    )
    .toBe("agent");
}
