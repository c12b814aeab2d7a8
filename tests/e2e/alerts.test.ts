// Desktop alerts in a real browser: an agent turns them on in Settings → Your account, puts the console
// in the background, a customer asks for a person on the host page, and exactly one notification is
// created with the customer's words; the favicon gets a count dot; clicking the notification opens the
// conversation. Headless Chromium shows no OS notification, so window.Notification is replaced with a
// recording stub (context.addInitScript) after granting the 'notifications' permission to the origin.
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

type Note = { title: string; body: string; tag: string };
declare global {
  interface Window {
    __notes: Note[];
    __openNote: (i: number) => void;
    __setHidden: (hidden: boolean) => void;
  }
}

/** Runs in the page before its scripts: a recording Notification, and a way to hide the tab. */
function recordNotifications() {
  const notes: Note[] = [];
  const made: { onclick: (() => void) | null }[] = [];
  class RecordingNotification {
    static permission = "granted";
    static requestPermission = () => Promise.resolve("granted");
    onclick: (() => void) | null = null;
    constructor(title: string, o?: { body?: string; tag?: string }) {
      notes.push({ title, body: o?.body ?? "", tag: o?.tag ?? "" });
      made.push(this);
    }
    close() {}
  }
  Object.defineProperty(window, "Notification", { value: RecordingNotification, configurable: true });
  window.__notes = notes;
  window.__openNote = (i) => made[i]?.onclick?.();
  // Used only if headless Chromium keeps the console "visible" after another tab comes to the front
  // (headless pages may all report "visible"): then document.hidden is overridden and visibilitychange sent.
  window.__setHidden = (hidden) => {
    Object.defineProperty(document, "hidden", { get: () => hidden, configurable: true });
    Object.defineProperty(document, "visibilityState", {
      get: () => (hidden ? "hidden" : "visible"),
      configurable: true,
    });
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

it("a background console gets one desktop notification for a handoff, a favicon badge, and opens it on click", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.grantPermissions(["notifications"], { origin: h.worker.url });
  await ctx.addInitScript(recordNotifications);
  const agent = await ctx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  await expect.poll(() => agent.getByTestId("availability-toggle").isEnabled(), { timeout: 15_000 }).toBe(true);

  // Turned on politely, by a click in Settings → Your account (nothing was asked on load).
  await agent.goto(`${h.worker.url}/console/#/settings/security`);
  const settings = agent.getByTestId("alert-settings");
  await settings.getByRole("button", { name: "Turn on desktop alerts" }).click();
  await expect.poll(() => settings.getByRole("button", { name: "Turn off desktop alerts" }).count()).toBe(1);
  await agent.goto(`${h.worker.url}/console/#/inbox`);
  await expect.poll(() => agent.getByTestId("availability-toggle").isEnabled(), { timeout: 15_000 }).toBe(true);
  const plainIcon = await agent.locator('link[rel="icon"]').getAttribute("href");
  expect(plainIcon).toBe("/favicon.svg");

  // Into the background: another tab of the same window comes to the front.
  const other = await ctx.newPage();
  await other.goto("about:blank");
  await other.bringToFront();
  if (!(await agent.evaluate(() => document.hidden))) await agent.evaluate(() => window.__setHidden(true));
  expect(await agent.evaluate(() => document.visibilityState)).toBe("hidden");

  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.getByRole("button", { name: "Open support chat" }).click();
  const input = customer.getByRole("textbox", { name: /^message$/i });
  await input.fill("I want to talk to a person about order 4417");
  await input.press("Enter");

  await expect.poll(() => agent.evaluate(() => window.__notes.length), { timeout: 15_000 }).toBe(1);
  const [note] = await agent.evaluate(() => window.__notes);
  expect(note?.title).toMatch(/New conversation waiting|assigned to you/);
  expect(note?.body).toContain("I want to talk to a person about order 4417");
  await expect
    .poll(() => agent.locator('link[rel="icon"]').getAttribute("href"), { timeout: 5_000 })
    .toMatch(/^data:image\/svg\+xml,/);
  const icon = decodeURIComponent((await agent.locator('link[rel="icon"]').getAttribute("href")) ?? "");
  expect(icon).toContain(">1</text>");

  // A reconnect's snapshot brings the same conversation again: still one notification.
  await agent.evaluate(() => window.dispatchEvent(new Event("offline")));
  await agent.evaluate(() => window.dispatchEvent(new Event("online")));
  await agent.waitForTimeout(1500);
  expect(await agent.evaluate(() => window.__notes.length)).toBe(1);

  // Clicking it opens the conversation.
  await agent.evaluate(() => window.__openNote(0));
  await expect.poll(() => agent.evaluate(() => location.hash), { timeout: 5_000 }).toMatch(/^#\/c\//);

  await customerCtx.close();
  await ctx.close();
});

it("a teammate's @mention in a note reaches a background console once; the card opens the conversation", async () => {
  const LEAD = { email: "e2e-lead@lumen.example", password: "e2e-lead-password", name: "Riley Lead", role: "agent" };
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), LEAD);

  // Sam is online and gets a customer's handoff.
  const samCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const sam = await samCtx.newPage();
  await signIn(sam, h.worker.url, AGENT);
  await expect.poll(() => sam.getByTestId("availability-toggle").isEnabled(), { timeout: 15_000 }).toBe(true);
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.getByRole("button", { name: "Open support chat" }).click();
  const input = customer.getByRole("textbox", { name: /^message$/i });
  await input.fill("A person please: my refund for order 5521 never came");
  await input.press("Enter");
  const row = sam.getByTestId("inbox-row").filter({ hasText: "order 5521" });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);

  // Riley turns desktop alerts on (kept with the account) and leaves the console in the background.
  const rileyCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await rileyCtx.grantPermissions(["notifications"], { origin: h.worker.url });
  await rileyCtx.addInitScript(recordNotifications);
  const riley = await rileyCtx.newPage();
  await signIn(riley, h.worker.url, LEAD);
  await riley.goto(`${h.worker.url}/console/#/settings/security`);
  const settings = riley.getByTestId("alert-settings");
  await settings.getByRole("button", { name: "Turn on desktop alerts" }).click();
  await expect.poll(() => settings.getByRole("button", { name: "Turn off desktop alerts" }).count()).toBe(1);
  await settings.screenshot({ path: `${SHOTS}/alert-settings.png` });
  const saved = await riley.evaluate(() => fetch("/api/me/alerts").then((r) => r.json()));
  expect(saved).toMatchObject({ desktop: true, kinds: { mention: true } });
  await riley.goto(`${h.worker.url}/console/#/inbox`);
  await expect.poll(() => riley.getByTestId("availability-toggle").isEnabled(), { timeout: 15_000 }).toBe(true);
  const other = await rileyCtx.newPage();
  await other.goto("about:blank");
  await other.bringToFront();
  if (!(await riley.evaluate(() => document.hidden))) await riley.evaluate(() => window.__setHidden(true));
  const before = await riley.evaluate(() => window.__notes.length);

  // Sam writes a private note, picking Riley from the @ list with the keyboard.
  await row.click();
  await sam.getByTestId("composer-mode-note").click();
  const box = sam.getByTestId("composer-input");
  await box.pressSequentially("@Ril");
  const option = sam.getByTestId("mention-item").filter({ hasText: "@Riley Lead" });
  await expect.poll(() => option.count(), { timeout: 10_000 }).toBe(1);
  await sam.screenshot({ path: `${SHOTS}/mention-picker.png` });
  await box.press("Enter");
  await expect.poll(() => box.inputValue()).toBe("@Riley Lead ");
  await box.pressSequentially("can you check the refund batch?");
  await box.press("Enter");
  await expect
    .poll(() => sam.getByTestId("transcript").getByText("can you check the refund batch?").count(), { timeout: 10_000 })
    .toBe(1);

  await expect.poll(() => riley.evaluate(() => window.__notes.length), { timeout: 15_000 }).toBe(before + 1);
  const notes = await riley.evaluate(() => window.__notes);
  const mention = notes.at(-1);
  expect(mention?.title).toBe("Sam Agent mentioned you in a note");
  expect(mention?.body).toBe("@Riley Lead can you check the refund batch?");
  // The customer never sees the note.
  await customer.waitForTimeout(500);
  expect(await customer.locator("body").innerText()).not.toContain("refund batch");

  // Back at the console: the mention card is there; Open goes to the conversation and clears it.
  await riley.evaluate(() => window.__setHidden(false));
  await riley.bringToFront();
  const card = riley.getByTestId("mention-alert");
  await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
  expect(await card.innerText()).toContain("Sam Agent mentioned you");
  await riley.screenshot({ path: `${SHOTS}/mention-card.png` });
  await card.getByTestId("mention-open").click();
  await expect.poll(() => riley.evaluate(() => location.hash), { timeout: 5_000 }).toMatch(/^#\/c\//);
  await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0);
  expect(await riley.evaluate(() => fetch("/api/inbox/mentions").then((r) => r.json()))).toEqual({ mentions: [] });

  await customerCtx.close();
  await rileyCtx.close();
  await samCtx.close();
});
