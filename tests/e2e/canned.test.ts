// Canned replies managed on their console page and used from the composer, in real Chromium: an
// editor creates one (after the form refuses empty fields and a bad shortcut at the fields), edits
// it; an agent sees the list read-only, takes a handoff and inserts the reply with "/shortcut".
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";
import { signIn as signInPage } from "../../scripts/lib/console-login.ts";

const EDITOR = {
  email: "e2e-canned-editor@lumen.example",
  password: "e2e-canned-editor-pw",
  name: "Erin Editor",
  role: "editor",
};
const TEXT = "Prints ship within 3 working days; you get a tracking link by email.";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), EDITOR);
});
afterAll(async () => {
  await h?.stop();
});

async function signIn(p: Page, who: { email: string; password: string }) {
  await signInPage(p, h.worker.url, who);
  await expect.poll(() => p.getByTestId("nav-canned").count(), { timeout: 10_000 }).toBe(1);
}

it("an editor creates and edits a canned reply on its page; an agent reads it and uses it from the composer", async () => {
  const editorCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const editor = await editorCtx.newPage();
  await signIn(editor, EDITOR);
  await editor.getByTestId("nav-canned").click();
  await expect.poll(() => editor.getByTestId("canned-list-empty").count(), { timeout: 10_000 }).toBe(1);

  // Errors at the fields, and focus on the first bad one.
  await editor.getByTestId("canned-new").click();
  await editor.getByTestId("canned-save").click();
  await expect.poll(() => editor.getByTestId("canned-title-error").textContent()).toBe("title is required");
  expect(await editor.getByTestId("canned-text-error").textContent()).toBe("text is required");
  expect(await editor.getByTestId("canned-title").getAttribute("aria-invalid")).toBe("true");
  await expect.poll(() => editor.evaluate(() => document.activeElement?.id)).toBe("canned-title");
  await editor.getByTestId("canned-title").fill("Shipping times");
  await editor.getByTestId("canned-shortcut").fill("ship it!");
  await editor.getByTestId("canned-text").fill("Prints ship within 3 working days.");
  await editor.getByTestId("canned-save").click();
  await expect.poll(() => editor.getByTestId("canned-shortcut-error").textContent()).toMatch(/letters, digits/);
  expect(await editor.getByTestId("canned-title-error").count()).toBe(0);
  await editor.getByTestId("canned-shortcut").fill("/ship");
  await editor.getByTestId("canned-save").click();
  const row = editor.getByTestId("canned-row");
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  expect(await row.getByTestId("canned-row-shortcut").textContent()).toBe("/ship");

  // A second one may not take the same shortcut: the server's 409 lands at the shortcut field.
  await editor.getByTestId("canned-new").click();
  await editor.getByTestId("canned-title").fill("Shipping again");
  await editor.getByTestId("canned-shortcut").fill("ship");
  await editor.getByTestId("canned-text").fill("Duplicate");
  await editor.getByTestId("canned-save").click();
  await expect
    .poll(() => editor.getByTestId("canned-shortcut-error").textContent(), { timeout: 10_000 })
    .toBe("Another canned reply already uses this shortcut.");
  await editor.getByTestId("canned-cancel").click();

  // Edit the text.
  await row.getByTestId("canned-edit").click();
  expect(await editor.getByTestId("canned-title").inputValue()).toBe("Shipping times");
  await editor.getByTestId("canned-text").fill(TEXT);
  await editor.getByTestId("canned-save").click();
  await expect.poll(() => editor.getByTestId("canned-form").count(), { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => (await row.textContent()) ?? "", { timeout: 5000 }).toContain(TEXT);

  // A customer asks for a person.
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(h.hostUrl);
  await customer.getByRole("button", { name: "Open support chat" }).click();
  const input = customer.getByRole("textbox", { name: /^message$/i });
  await input.fill("When will my prints ship? I want to talk to a person");
  await input.press("Enter");
  const log = async () => (await customer.getByRole("log").textContent()) ?? "";
  await expect.poll(log, { timeout: 10_000 }).toMatch(/connecting you with a person/i);

  // The agent sees the list without the controls to change it.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, AGENT);
  await agent.getByTestId("nav-canned").click();
  await expect.poll(() => agent.getByTestId("canned-row").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("canned-page").getAttribute("data-manage")).toBe("false");
  expect(await agent.getByTestId("canned-new").count()).toBe(0);
  expect(await agent.getByTestId("canned-edit").count()).toBe(0);
  expect(await agent.getByTestId("canned-delete").count()).toBe(0);

  // …and uses it from the composer with "/ship".
  await agent.getByTestId("nav-inbox").click();
  const inboxRow = agent.getByTestId("inbox-row").filter({ hasText: /prints ship/i });
  await expect.poll(() => inboxRow.count(), { timeout: 10_000 }).toBe(1);
  await inboxRow.click();
  await agent.getByTestId("claim").click();
  await expect
    .poll(() => agent.getByTestId("conversation").getAttribute("data-state"), { timeout: 10_000 })
    .toBe("agent");
  await agent.getByTestId("composer-input").click();
  await agent.keyboard.press("/");
  await expect.poll(() => agent.getByTestId("canned-picker").count()).toBe(1);
  await agent.keyboard.type("ship");
  await expect.poll(() => agent.getByTestId("canned-item").count()).toBe(1);
  await agent.keyboard.press("Enter");
  await expect.poll(() => agent.getByTestId("composer-input").inputValue()).toBe(TEXT);
  await agent.keyboard.press("Enter");
  await expect.poll(log, { timeout: 10_000 }).toContain(TEXT);

  // Deleting it empties the page again.
  editor.once("dialog", (d) => void d.accept());
  await row.getByTestId("canned-delete").click();
  await expect.poll(() => editor.getByTestId("canned-list-empty").count(), { timeout: 10_000 }).toBe(1);

  await Promise.all([editorCtx.close(), customerCtx.close(), agentCtx.close()]);
});
