// Settings → Widget look in Chromium against `wrangler dev`: an owner changes the colour, side, launcher
// label, team name and greeting (one with HTML in it) in the console, watches the preview follow as they
// type, saves; then a visitor's fresh browser sees all of it in the real widget on the demo page and on
// a customer's site on another origin (the HTML shown as text), and the help centre wears the colour.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "e2e-look@lumen.example", password: "e2e-look-password", name: "Lola Owner", role: "owner" };
const TEAL = "rgb(15, 118, 110)";
const GREETING = "Hi from Acme! <b>not bold</b> Ask us anything.";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
});
afterAll(async () => h?.stop());

const background = (l: Locator) => l.evaluate((el) => getComputedStyle(el).backgroundColor);

/** The visitor's side: the launcher's colour, side and label, then the open panel's title and greeting. */
async function seesTheLook(p: Page): Promise<void> {
  const launcher = p.locator("edgedesk-widget button.l");
  await expect
    .poll(() => launcher.evaluate((el) => getComputedStyle(el).visibility), { timeout: 10_000 })
    .toBe("visible");
  expect(await background(launcher)).toBe(TEAL);
  expect(await launcher.textContent()).toBe("Ask Acme");
  expect(await launcher.getAttribute("aria-label")).toBe("Ask Acme");
  const box = await launcher.boundingBox();
  expect(box?.x).toBeLessThan(100);
  await launcher.click();
  const title = p.locator("edgedesk-widget #ed-title");
  await expect.poll(() => title.textContent(), { timeout: 10_000 }).toBe("Acme support");
  expect(await background(p.locator("edgedesk-widget .head"))).toBe(TEAL);
  const greeting = p.locator("edgedesk-widget .log .bubble.bot").first();
  expect(await greeting.textContent()).toBe(GREETING);
  // The owner's words are text: no element came out of them.
  expect(await greeting.locator("b").count()).toBe(0);
  const panel = await p.locator("edgedesk-widget #ed-panel").boundingBox();
  expect(panel?.x).toBeLessThan(100);
}

it("owner: colour, side and words in the console, previewed live → the widget and the help centre wear them", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await p.getByTestId("nav-settings-appearance").click();
  await expect.poll(() => p.getByTestId("look-save").isEnabled(), { timeout: 10_000 }).toBe(true);

  // The preview follows the form before anything is saved; a colour with CSS in it is refused at the field.
  await p.getByTestId("look-color").fill("red;background:url(x)");
  expect(await p.getByTestId("look-color").getAttribute("aria-invalid")).toBe("true");
  expect(await p.getByTestId("look-save").isDisabled()).toBe(true);
  await p.getByTestId("look-color").fill("#0f766e");
  await p.getByTestId("look-position-left").check();
  await p.getByTestId("look-team").fill("Acme support");
  await p.getByTestId("look-launcher").fill("Ask Acme");
  await p.getByTestId("look-greeting").fill(GREETING);
  expect(await background(p.getByTestId("look-preview-launcher"))).toBe(TEAL);
  expect(await p.getByTestId("look-preview-team").textContent()).toBe("Acme support");
  expect(await p.getByTestId("look-preview-greeting").textContent()).toBe(GREETING);
  await p.getByTestId("look-save").click();
  await expect.poll(() => p.getByTestId("look-saved").count(), { timeout: 10_000 }).toBe(1);
  await p.screenshot({ path: `${SHOTS}/e2e-widget-look-console.png` });
  await ctx.close();

  // A visitor with a fresh browser (nothing cached), on the demo page served by the worker …
  const visitor = await h.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const demo = await visitor.newPage();
  await demo.goto(`${h.worker.url}/demo/`);
  await seesTheLook(demo);
  // After the panel's opening animation, so the picture shows it as visitors see it.
  await demo
    .locator("edgedesk-widget #ed-panel")
    .evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  await demo.screenshot({ path: `${SHOTS}/e2e-widget-look-demo.png` });

  // … and on a customer's site on another origin, whose CSS paints every button lime.
  const shop = await visitor.newPage();
  await shop.goto(h.hostUrl);
  await seesTheLook(shop);

  // The help centre takes the colour.
  const hc = await visitor.newPage();
  await hc.goto(`${h.worker.url}/hc/demo/`);
  expect(await background(hc.locator("header.top"))).toBe(TEAL);
  expect(await background(hc.locator(".hero"))).toBe(TEAL);
  await hc.screenshot({ path: `${SHOTS}/e2e-widget-look-help-centre.png` });
  await visitor.close();
});
