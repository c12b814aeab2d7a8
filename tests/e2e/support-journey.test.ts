// The product's spine in a real browser: a customer on another website asks, gets a streamed answer
// with its article link, reloads without losing anything, asks for a person; an agent logged into the
// console sees it with its context, replies, and the customer sees the reply.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { AGENT, startHarness, type Harness } from "./harness.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const launcher = (p: Page) =>
  p.locator("button[aria-label='Open support chat'], button[aria-label='Close support chat']");
const input = (p: Page) => p.getByRole("textbox", { name: /message/i });
const log = (p: Page) => p.getByRole("log");

async function ask(p: Page, text: string) {
  await input(p).fill(text);
  await input(p).press("Enter");
}

it("answers, survives a reload, hands off to a person, and the agent's reply reaches the customer", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/?page=pricing`);

  // The facade: only the loader runs until the customer opens the chat.
  await expect.poll(() => launcher(customer).count()).toBe(1);
  const appLoaded = () =>
    customer.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.includes("widget-app")));
  expect(await appLoaded()).toBe(false);
  // Host CSS does not reach into the widget.
  const launcherBg = await launcher(customer).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(launcherBg).not.toBe("rgb(0, 255, 0)");

  await launcher(customer).click();
  await expect.poll(appLoaded).toBe(true);
  await expect
    .poll(() => input(customer).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
    .toBe(true);
  // ...nor does it leak out: the host's text keeps its own style.
  expect(await customer.locator("#host-text").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(255, 0, 0)");
  expect(await input(customer).evaluate((el) => getComputedStyle(el).display)).not.toBe("none");

  // Streamed answer: watch the bot's text grow, then its article link.
  await ask(customer, "How do I reset my password?");
  const lengths: number[] = [];
  const link = log(customer).getByRole("link", { name: /reset/i });
  for (let i = 0; i < 200 && !(await link.count()); i++) {
    lengths.push(((await log(customer).textContent()) ?? "").length);
    await customer.waitForTimeout(10);
  }
  await expect.poll(() => link.count()).toBe(1);
  expect(new Set(lengths).size).toBeGreaterThan(3); // it grew in steps: streamed, not dropped in whole
  expect(await link.getAttribute("href")).toBe(`${h.worker.url}/hc/demo/articles/reset-password`);
  const answered = (await log(customer).textContent()) ?? "";

  // A reload restores the conversation exactly: nothing lost, nothing twice.
  await customer.reload();
  await expect.poll(() => log(customer).count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => log(customer).getByRole("link", { name: /reset/i }).count()).toBe(1);
  // The restored transcript is the same, word for word: nothing lost, nothing twice.
  await expect.poll(async () => (await log(customer).textContent()) ?? "", { timeout: 10_000 }).toBe(answered);

  await ask(customer, "I want to talk to a person");
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/connecting you with a person/i);

  // The agent, in their own browser context, logs in and finds it in the inbox with its context.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  // A reload keeps the agent signed in (the console restores its session from the cookie).
  await agent.getByTestId("inbox-list").or(agent.getByTestId("inbox-empty")).first().waitFor();
  await agent.reload();
  await expect.poll(() => agent.getByTestId("agent-name").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("login-form").count()).toBe(0);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /talk to a person/i });
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  await row.click();
  const packet = agent.getByTestId("handoff-packet");
  await expect.poll(() => packet.count()).toBe(1);
  expect(await packet.textContent()).toContain(`${h.hostUrl}/?page=pricing`);
  expect(await agent.getByTestId("packet-reason").textContent()).toMatch(/asked for a person|asked-for-person/i);
  expect(await packet.textContent()).toMatch(/reset/i);
  expect(await agent.getByTestId("conversation").textContent()).toContain("How do I reset my password?");

  await agent.getByTestId("composer-input").fill("Hi, I'm Sam. I can help with your password.");
  await agent.getByTestId("composer-send").click();
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 10_000 })
    .toContain("I can help with your password");
  await expect.poll(async () => (await log(customer).textContent()) ?? "").toMatch(/Sam Agent/);

  await customer.screenshot({ path: "test-results/e2e-customer.png" });
  await agent.screenshot({ path: "test-results/e2e-agent.png" });
  await customerCtx.close();
  await agentCtx.close();
});
