// Desktop alerts in a real browser: an agent turns them on in Settings → Your account, puts the console
// in the background, a customer asks for a person on the host page, and exactly one notification is
// created with the customer's words; the favicon gets a count dot; clicking the notification opens the
// conversation. Headless Chromium shows no OS notification, so window.Notification is replaced with a
// recording stub (context.addInitScript) after granting the 'notifications' permission to the origin.
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

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

it("a background console gets one desktop notification for a handoff, a favicon badge, and opens it on click", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.grantPermissions(["notifications"], { origin: h.worker.url });
  await ctx.addInitScript(() => {
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
  });
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
