// Issue #15 in a real browser: the widget on a customer's site answers a Spanish question from the
// Spanish article with its steps as a numbered list and speaks Spanish itself; a vague question gets
// "Do you mean …?" buttons, and clicking one answers from that article; hostile Markdown never runs.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ STREAM_DELAY_MS: "0" });
});
afterAll(async () => h?.stop());

const input = (p: Page) => p.getByRole("textbox", { name: /message|mensaje/i });
const botBubbles = (p: Page) => p.locator("edgedesk-widget .bubble.bot:not(.draft)");

async function open(locale = "en-US") {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await ctx.newPage();
  await page.goto(h.hostUrl);
  await page.locator("button[aria-label='Open support chat']").click();
  await input(page).waitFor();
  return { ctx, page };
}

async function ask(p: Page, text: string, answers: number) {
  await input(p).fill(text);
  await input(p).press("Enter");
  await expect.poll(() => botBubbles(p).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(answers + 1);
}

it("answers a Spanish question on an English page in Spanish, with the steps as a numbered list", async () => {
  const { ctx, page } = await open();
  await ask(page, "¿cómo recupero fotos borradas?", 1);
  const answer = botBubbles(page).nth(1);
  await expect.poll(() => answer.locator("ol > li").count()).toBe(3);
  expect(await answer.locator("ol > li").first().textContent()).toMatch(/^Abre Biblioteca > Papelera/);
  expect(await answer.locator("strong").first().textContent()).toBe("Papelera durante 30 días");
  // The widget's own words follow the customer's language.
  // (The words are a chunk fetched once the chat turns Spanish: English until they are here.)
  await expect.poll(() => page.getByRole("button", { name: "Hablar con una persona" }).count()).toBe(1);
  await ctx.close();
});

it("asks 'Do you mean …?' with buttons and answers from the one the customer clicks", async () => {
  const { ctx, page } = await open();
  // Vague enough that two or three articles stay close ("my album" was, before the demo's questions: blocks).
  await ask(page, "my account", 1);
  const options = page.locator("edgedesk-widget .opts button");
  await expect.poll(() => options.count()).toBeGreaterThanOrEqual(3);
  expect(await options.last().textContent()).toBe("None of these");
  const first = (await options.first().textContent()) ?? "";
  await options.first().click();
  await expect.poll(() => botBubbles(page).count(), { timeout: 15_000 }).toBe(3);
  // The buttons are gone once answered; the answer links the chosen article.
  expect(await options.count()).toBe(0);
  expect(await botBubbles(page).nth(2).locator(".src a").first().textContent()).toContain(first);
  await ctx.close();
});

it("shows a hostile message as text and runs nothing from it", async () => {
  const { ctx, page } = await open();
  await page.evaluate(() => {
    (window as unknown as { hacked: boolean }).hacked = false;
  });
  // A customer cannot inject into the bot's words; the renderer is checked on what the bot says back.
  await ask(page, '<img src=x onerror="window.hacked=true"> how do I reset my password? [x](javascript:alert(1))', 1);
  const html = await botBubbles(page).nth(1).innerHTML();
  expect(html).not.toMatch(/<script|onerror=|javascript:/i);
  expect(await page.evaluate(() => (window as unknown as { hacked: boolean }).hacked)).toBe(false);
  // The customer's own bubble shows their text as text.
  expect(await page.locator("edgedesk-widget .bubble.customer img").count()).toBe(0);
  await ctx.close();
});
