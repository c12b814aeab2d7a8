// The help centre in a real browser: home → search → article → "was this helpful?" (a plain form,
// with JavaScript off too) → the widget opened from the article page answers, hands off, and the
// agent's packet shows the article the customer was reading.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { AGENT, startHarness, type Harness } from "./harness.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const log = (p: Page) => p.getByRole("log");

it("reads without JavaScript: home, search, article, helpful vote", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/hc/demo/`);
  expect(await p.getAttribute("html", "lang")).toBe("en");
  await expect.poll(() => p.getByRole("heading", { level: 2, name: "Account" }).count()).toBe(1);
  await p.screenshot({ path: `${SHOTS}/portal-home.png`, fullPage: true });

  await p.getByRole("searchbox").first().fill("my backup stopped");
  await p.getByRole("searchbox").first().press("Enter");
  await p.waitForURL(/\/hc\/demo\/search\?q=/);
  const first = p.locator("ol.hits li a").first();
  expect(await first.getAttribute("href")).toBe("/hc/demo/articles/auto-backup-not-working");
  await p.screenshot({ path: `${SHOTS}/portal-search.png`, fullPage: true });

  await first.click();
  await p.waitForURL(/\/articles\/auto-backup-not-working$/);
  expect(await p.getByRole("heading", { level: 1 }).textContent()).toMatch(/backup/i);
  expect(await p.getByRole("navigation", { name: "Breadcrumb" }).textContent()).toMatch(/Help centre.*Backup/);
  await p.getByRole("button", { name: "Yes" }).click();
  await p.waitForURL(/voted=yes/);
  expect(await p.getByTestId("vote-thanks").textContent()).toMatch(/thanks/i);
  await p.screenshot({ path: `${SHOTS}/portal-voted.png`, fullPage: true });
  await ctx.close();
});

it("opens the widget from an article with the article as context; the agent's packet shows it", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/hc/demo/articles/reset-password`);
  // The "chat with us" button appears once scripts run, and opens the widget.
  const ask = p.getByRole("button", { name: "Chat with us" });
  await expect.poll(() => ask.isVisible()).toBe(true);
  await ask.click();
  const input = p.getByRole("textbox", { name: /message/i });
  await expect.poll(() => input.count(), { timeout: 10_000 }).toBe(1);
  await input.fill("The reset email never arrives");
  await input.press("Enter");
  await expect.poll(() => log(p).locator(".bubble.bot").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await input.fill("I want to talk to a person");
  await input.press("Enter");
  await expect
    .poll(async () => (await log(p).textContent()) ?? "", { timeout: 15_000 })
    .toMatch(/connecting you with a person/i);
  await p.screenshot({ path: `${SHOTS}/portal-widget.png` });

  const agent = await (await h.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(agent, h.worker.url, AGENT);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /talk to a person/i });
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  await row.click();
  await expect.poll(() => agent.getByTestId("packet-context-article").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("packet-context-article").textContent()).toBe("reset-password");
  expect(await agent.getByTestId("packet-page").textContent()).toContain("/hc/demo/articles/reset-password");
  await agent.screenshot({ path: `${SHOTS}/portal-agent-packet.png`, fullPage: true });
  await ctx.close();
});
