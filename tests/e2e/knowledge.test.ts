// Content team in a real browser: an editor writes an article in the console (a field error first),
// publishes it with progress, and the customer's widget answer changes; then an edit, republished,
// changes the answer's words; history shows both versions with a diff.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { startHarness, type Harness } from "./harness.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

const EDITOR = {
  email: "e2e-editor@lumen.example",
  password: "e2e-editor-password",
  name: "Eve Editor",
  role: "editor",
};
const SHOTS = process.env.E2E_SCREENSHOTS;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), EDITOR);
});
afterAll(async () => h?.stop());

const shot = async (p: Page, name: string) => {
  if (SHOTS) await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

/** The bot's stored messages (the greeting is one); an answer still streaming is a `.draft` beside them. */
const stored = (p: Page) => p.getByRole("log").locator(".bubble.bot:not(.draft)");

/**
 * Asks and returns the answer once it is stored, whole. Counted from the messages there once the
 * greeting is: a count fixed in advance, or a text that stopped changing for 150 ms, returned the
 * greeting or half a streamed answer ("Wipe") on a busy machine.
 */
async function ask(p: Page, text: string): Promise<string> {
  await expect.poll(() => stored(p).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  const before = await stored(p).count();
  const input = p.getByRole("textbox", { name: /message/i });
  await input.fill(text);
  await input.press("Enter");
  await expect.poll(() => stored(p).count(), { timeout: 15_000 }).toBeGreaterThan(before);
  return (await stored(p).last().textContent()) ?? "";
}

it("edits and publishes an article in the console, and the widget's answer changes", async () => {
  const question = "How do I clean my camera lens with a microfiber cloth?";
  const customer = await (await h.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  const before = await ask(customer, question);
  expect(before).not.toMatch(/microfiber/i);

  const ed = await (await h.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(ed, h.worker.url, EDITOR);
  await ed.getByTestId("nav-knowledge").click();
  await expect.poll(() => ed.getByTestId("kb-row").count(), { timeout: 10_000 }).toBeGreaterThan(20);
  await ed.getByTestId("kb-search").fill("invoices");
  await expect.poll(() => ed.getByTestId("kb-row").count()).toBeLessThan(10);
  expect(await ed.locator("[data-testid=kb-row][data-id=invoices-and-receipts]").count()).toBe(1);
  await shot(ed, "kb-list");

  await ed.getByTestId("kb-new").click();
  await ed.getByTestId("kb-field-body").fill("Wipe the lens gently with a dry microfiber cloth, in small circles.");
  await ed.getByTestId("kb-save").click();
  // Missing title: the error sits at the title field, and nothing was saved.
  await expect.poll(() => ed.getByTestId("kb-error-title").textContent()).toMatch(/title is required/);
  expect(await ed.evaluate(() => document.activeElement?.id)).toBe("kb-title");
  await ed.getByTestId("kb-field-title").fill("How do I clean my camera lens?");
  expect(await ed.getByTestId("kb-field-id").inputValue()).toBe("how-do-i-clean-my-camera-lens");
  await ed.getByTestId("kb-field-id").fill("clean-camera-lens");
  await ed.getByTestId("kb-field-tags").fill("lens, cleaning, microfiber");
  await expect.poll(() => ed.getByTestId("kb-preview").textContent()).toMatch(/microfiber cloth/);
  await shot(ed, "kb-editor-new");
  await ed.getByTestId("kb-save").click();
  await expect.poll(() => ed.url()).toMatch(/#\/kb\/a\/clean-camera-lens$/);
  await expect.poll(() => ed.getByTestId("kb-editor-status").textContent()).toMatch(/Draft/);

  await ed.getByTestId("kb-publish").click();
  await expect
    .poll(() => ed.getByTestId("publish-progress").getAttribute("data-status"), { timeout: 30_000 })
    .toBe("done");
  await shot(ed, "kb-published");

  const answered = await ask(customer, question);
  expect(answered).toMatch(/microfiber/i);
  await expect
    .poll(() =>
      customer
        .getByRole("log")
        .getByRole("link", { name: /clean my camera lens/i })
        .count(),
    )
    .toBeGreaterThan(0);

  // Edit the published article: a new sentence, a new version, a new answer.
  await ed
    .getByTestId("kb-field-body")
    .fill("Breathe on the lens and polish it with a soft lens tissue. Never use window cleaner.");
  await ed.getByTestId("kb-publish").click();
  await expect.poll(() => ed.getByTestId("kb-version").count(), { timeout: 30_000 }).toBe(2);
  const changed = await ask(customer, question);
  expect(changed).toMatch(/lens tissue/i);

  // History: diff against the first version, and roll back in one click.
  await ed.getByTestId("kb-diff").last().click();
  await expect.poll(() => ed.getByTestId("kb-diff-view").locator("[data-op='del']").count()).toBeGreaterThan(0);
  await shot(ed, "kb-history-diff");
  await ed.getByTestId("kb-rollback").last().click();
  await expect.poll(() => ed.getByTestId("kb-version").count(), { timeout: 30_000 }).toBe(3);
  expect(await ed.getByTestId("kb-field-body").inputValue()).toMatch(/microfiber/);
  const rolledBack = await ask(customer, question);
  expect(rolledBack).toMatch(/microfiber/i);
  await shot(customer, "widget-answer");

  // Try a question: ranking with scores and the decision, against the published KB.
  await ed.getByTestId("kb-tab-try").click();
  await ed.getByTestId("try-text").fill(question);
  await ed.getByTestId("try-submit").click();
  await expect.poll(() => ed.getByTestId("try-result").getAttribute("data-action")).toBe("answer");
  expect(await ed.getByTestId("try-candidate").first().getAttribute("data-article-id")).toBe("clean-camera-lens");
  await shot(ed, "kb-try");
});
