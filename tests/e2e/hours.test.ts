// Business hours in Chromium against `wrangler dev` (docs/hours.md): an owner sets the workspace's
// hours in Settings → Business hours (Europe/Berlin, 09:00-17:00 every day, today a holiday, so the
// desk is closed now whatever the hour); a customer who then asks for a person hears in the widget
// when the team is back, in the desk's zone, and is offered to leave an email; the agent's inbox shows
// the conversation as arrived while closed, its response target paused. An agent gets no hours page.
// Screenshots: $E2E_SCREENSHOTS (docs/img when refreshing the docs) or test-results.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeOpening, type HoursView, nextOpen, wallAt } from "../../shared/hours.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, type Harness, startHarness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "e2e-owner@lumen.example", password: "e2e-owner-password", name: "Olga Owner", role: "owner" };
const TZ = "Europe/Berlin";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
});
afterAll(async () => h?.stop());

const input = (p: Page) => p.getByRole("textbox", { name: /^message$/i });
const log = (p: Page) => p.getByRole("log");

function todayIn(tz: string): string {
  const w = wallAt(Date.now(), tz);
  return `${w.y}-${String(w.m).padStart(2, "0")}-${String(w.d).padStart(2, "0")}`;
}

it("owner sets business hours; a customer outside them hears when a person is back and is offered email; the inbox shows the paused clock", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await p.getByTestId("nav-settings-hours").click();
  await expect.poll(() => p.getByTestId("hours").count(), { timeout: 15_000 }).toBe(1);
  expect(await p.getByTestId("hours-status").textContent()).toBe("Always open");

  await p.getByTestId("hours-enabled").check();
  await p.getByTestId("hours-timezone").fill(TZ);
  // Weekend too: every day 09:00-17:00, so only the holiday keeps today closed.
  await p.getByTestId("hours-open-sat").check();
  await p.getByTestId("hours-open-sun").check();
  const today = todayIn(TZ);
  await p.getByTestId("hours-holiday").fill(today);
  await p.getByTestId("hours-holiday-add").click();
  expect(await p.getByTestId("hours-holidays").textContent()).toContain(today);
  await p.getByTestId("hours-save").click();
  await expect
    .poll(async () => (await p.getByTestId("hours-status").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/^Closed · opens .* 09:00 \(Europe\/Berlin\)$/);
  await p.screenshot({ path: `${SHOTS}/hours-settings.png`, fullPage: true });

  // What the worker now holds is what the page showed.
  const saved = await admin<HoursView>(h.worker, "GET", inDemo("/admin/v1/hours"));
  const hours = saved.settings.workspace;
  if (!hours) throw new Error("no hours saved");
  expect(hours.timeZone).toBe(TZ);
  expect(hours.holidays).toEqual([today]);
  expect(hours.weekly.sun).toEqual([{ from: "09:00", to: "17:00" }]);

  // A customer asks for a person now.
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  await input(customer).fill("I want to talk to a person about a double charge");
  await input(customer).press("Enter");
  const opensAt = nextOpen(hours, Date.now()) as number;
  const when = describeOpening(opensAt, TZ, "en", Date.now());
  // The whole sentence, once it has streamed to its end.
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 15_000 })
    .toContain("Leave your email address below and their reply will reach you there");
  expect(await log(customer).textContent()).toContain(`back ${when.day} at ${when.time} (${TZ})`);
  expect(await log(customer).textContent()).not.toMatch(/connecting you with a person now/i);
  // …and the form the sentence points at is there.
  await expect.poll(() => customer.getByLabel(/leave your email/i).count(), { timeout: 10_000 }).toBe(1);
  await customer.getByLabel(/leave your email/i).scrollIntoViewIfNeeded();
  await customer.screenshot({ path: `${SHOTS}/hours-widget-closed.png` });

  // The agent's inbox: arrived while closed, listed first, its response target paused until the opening.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /double charge/i });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  expect(await row.getByTestId("inbox-after-hours").textContent()).toBe("Arrived while closed");
  expect(await row.getByTestId("sla-countdown").textContent()).toMatch(/paused/);
  expect(await agent.getByTestId("inbox-row").first().getAttribute("data-id")).toBe(await row.getAttribute("data-id"));
  await agent.screenshot({ path: `${SHOTS}/hours-inbox.png` });

  // An agent has no hours page; the worker refuses them too.
  await agent.goto(`${h.worker.url}/console/#/settings/hours`);
  await expect.poll(() => agent.getByTestId("hours-forbidden").count(), { timeout: 10_000 }).toBe(1);
  const refused = await agent.evaluate(async () => (await fetch("/admin/v1/hours")).status);
  expect(refused).toBe(403);
  await Promise.all([ctx.close(), customerCtx.close(), agentCtx.close()]);
});
