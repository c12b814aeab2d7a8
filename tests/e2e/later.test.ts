// Snooze, scheduled replies and reminders in Chromium against `wrangler dev` (docs/conversations.md
// "Later"): the agent snoozes a conversation until the customer replies; it leaves the active inbox
// and comes back, marked, when the customer writes. A reply scheduled for an hour ahead is cancelled;
// one scheduled a few seconds ahead reaches the customer's open widget once, at its time. A reminder
// comes up as an alert over the console and is marked done.
// Screenshots: $E2E_SCREENSHOTS (docs/img when refreshing the docs) or test-results.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { wallAt } from "../../shared/zoned.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { AGENT, type Harness, startHarness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const input = (p: Page) => p.getByRole("textbox", { name: /^message$/i });
const log = (p: Page) => p.getByRole("log");
const pad = (n: number) => String(n).padStart(2, "0");

/** A date-and-time input's value `ms` from now in the page's own zone, to the second. */
async function inputValueIn(p: Page, ms: number): Promise<{ value: string; at: number }> {
  const tz = await p.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const at = Math.ceil((Date.now() + ms) / 1000) * 1000;
  const w = wallAt(at, tz);
  return { value: `${w.y}-${pad(w.m)}-${pad(w.d)}T${pad(w.hh)}:${pad(w.mm)}:${pad(w.ss)}`, at };
}

it("snooze until the customer replies, a cancelled and a sent scheduled reply, and a reminder alert", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  await input(customer).fill("I want to talk to a person about my photo book order");
  await input(customer).press("Enter");
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 15_000 })
    .toMatch(/connecting you with a person/i);

  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  const first = agent.getByTestId("inbox-row").filter({ hasText: /photo book order/i });
  await expect.poll(() => first.count(), { timeout: 15_000 }).toBe(1);
  // By id from here: the row's preview follows the customer's latest message.
  const convId = (await first.getAttribute("data-id")) ?? "";
  const row = agent.locator(`[data-testid="inbox-row"][data-id="${convId}"]`);
  await row.click();
  await agent.getByTestId("claim").click();
  await expect.poll(() => agent.getByTestId("later-snooze").count(), { timeout: 10_000 }).toBe(1);

  // Snooze until the customer replies: out of the active inbox, listed under Snoozed.
  await agent.getByTestId("later-snooze").click();
  expect(await agent.getByTestId("later-when").inputValue()).toBe("reply");
  await agent.getByTestId("later-submit").click();
  await expect
    .poll(async () => (await agent.getByTestId("later-snoozed").textContent()) ?? "", { timeout: 10_000 })
    .toContain("until the customer replies");
  await agent.getByTestId("back-to-inbox").click();
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
  await agent.getByTestId("filter-snoozed").click();
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  expect(await row.getByTestId("inbox-snoozed").textContent()).toBe("Snoozed until they reply");
  await agent.screenshot({ path: `${SHOTS}/later-snoozed-inbox.png` });

  // The customer writes: back in the active inbox, marked.
  await input(customer).fill("Any news on the order?");
  await input(customer).press("Enter");
  await agent.getByTestId("filter-all").click();
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  await expect
    .poll(async () => (await row.getByTestId("inbox-woke").textContent()) ?? "", { timeout: 10_000 })
    .toBe("Back: customer replied");
  await agent.screenshot({ path: `${SHOTS}/later-back-inbox.png` });

  // A reply scheduled for tomorrow 9:00, then cancelled.
  await row.click();
  await agent.getByTestId("later-reply").click();
  await agent.getByTestId("later-text").fill("Good morning! This should never be sent.");
  await agent.getByTestId("later-when").selectOption("tomorrow9");
  await agent.getByTestId("later-submit").click();
  const item = agent.getByTestId("later-item");
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
  expect(await item.textContent()).toContain("This should never be sent.");
  await item.getByTestId("later-cancel").click();
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(0);

  // A reply scheduled a few seconds ahead: it waits, then reaches the customer once.
  const text = "Your photo book left our printer this morning.";
  // The socket lists the schedule before the console's own call has re-read the conversation; that
  // re-read held back here, as a loaded machine does. A form the agent opens in between must stay open:
  // the call's end closed whatever form was open (the reminder's select "detached from the DOM" for 30 s
  // in full runs).
  // The re-reads asked for once the scheduling call has its answer (the call's own) are held for 2.5 s;
  // the one the socket's event asks for, earlier, is not: the list shows the new schedule meanwhile.
  let holdFrom = Number.POSITIVE_INFINITY;
  let holding = 0;
  let heldAny = false;
  await agent.route(`**/api/conversations/${convId}`, async (route) => {
    if (route.request().method() === "GET" && Date.now() >= holdFrom) {
      holding++;
      heldAny = true;
      await new Promise((r) => setTimeout(r, 2_500));
      holding--;
    }
    await route.continue();
  });
  await agent.getByTestId("later-reply").click();
  await agent.getByTestId("later-text").fill(text);
  await agent.getByTestId("later-when").selectOption("pick");
  const soon = await inputValueIn(agent, 8_000);
  await agent.getByTestId("later-at").fill(soon.value);
  const scheduled = (r: { url(): string; request(): { method(): string } }) => {
    if (r.request().method() === "POST" && r.url().endsWith(`/api/conversations/${convId}/scheduled-replies`))
      holdFrom = Date.now();
  };
  agent.on("response", scheduled);
  await agent.getByTestId("later-submit").click();
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
  // A reminder a few seconds ahead, too: its form opened while the reply's call is still out.
  await agent.getByTestId("later-remind").click();
  await agent.getByTestId("later-text").fill("Check the courier's tracking");
  await expect.poll(() => heldAny && holding === 0, { timeout: 15_000 }).toBe(true);
  agent.off("response", scheduled);
  holdFrom = Number.POSITIVE_INFINITY;
  await agent.unroute(`**/api/conversations/${convId}`);
  // Once the re-read is in and drawn, the form is still the reminder's, with what was typed.
  await agent.waitForTimeout(500);
  expect(await agent.getByTestId("later-text").inputValue({ timeout: 1_000 })).toBe("Check the courier's tracking");
  await agent.getByTestId("later-when").selectOption("pick");
  await agent.getByTestId("later-at").fill((await inputValueIn(agent, 10_000)).value);
  await agent.getByTestId("later-submit").click();
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(2);
  await agent.screenshot({ path: `${SHOTS}/later-panel.png` });
  expect(await log(customer).textContent()).not.toContain(text);

  await expect.poll(async () => (await log(customer).textContent()) ?? "", { timeout: 30_000 }).toContain(text);
  expect(Date.now()).toBeGreaterThanOrEqual(soon.at);
  const sentNote = agent.getByTestId("schedule-note").filter({ hasText: /Scheduled reply by .* sent/ });
  await expect.poll(() => sentNote.count(), { timeout: 10_000 }).toBe(1);

  // The reminder comes up over the console, and goes once done.
  const alert = agent.getByTestId("reminder-alert");
  await expect.poll(() => alert.count(), { timeout: 30_000 }).toBe(1);
  expect(await alert.textContent()).toContain("Check the courier's tracking");
  await agent.screenshot({ path: `${SHOTS}/later-reminder-alert.png` });
  // The conversation's Later list has caught up: nothing is waiting any more.
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(0);
  await alert.getByTestId("reminder-done").click();
  await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(0);

  // Sent once: the customer's transcript holds it once, after a reload too.
  await customer.reload();
  // The panel was open: the widget reopens it after a reload by itself.
  await expect.poll(async () => (await log(customer).textContent()) ?? "", { timeout: 15_000 }).toContain(text);
  const count = ((await log(customer).textContent()) ?? "").split(text).length - 1;
  expect(count).toBe(1);
  await Promise.all([customerCtx.close(), agentCtx.close()]);
});
