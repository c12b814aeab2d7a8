// Settings → Sites in Chromium against `wrangler dev`: an owner creates a site for their shop's origin,
// copies its embed tag into the shop, and the chat answers there. The same page reached on another
// origin (localhost instead of 127.0.0.1: same server, different origin) is refused: the visitor reads a
// calm "chat is unavailable" and the widget stops asking, the page's console names the origin and what
// to fix, and the Sites page shows "refused from" that origin until the owner allows it in one click.
// Then the identity secret: generated, shown once, gone after a reload. An agent gets no Sites page.
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, type Harness, listen, startHarness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "e2e-owner@lumen.example", password: "e2e-owner-password", name: "Olga Owner", role: "owner" };

let h: Harness;
let shop: Server;
/** The shop's page: whatever embed tag the owner copied from the console. */
let embed = "";
let shopPort = 0;

beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  shop = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1>${embed}</body></html>`);
  });
  shopPort = Number(new URL(await listen(shop)).port);
});
afterAll(async () => {
  await new Promise<void>((r) => (shop ? shop.close(() => r()) : r()));
  await h?.stop();
});

const launcher = (p: Page) => p.locator("button[aria-label='Open support chat']");
const input = (p: Page) => p.getByRole("textbox", { name: /message/i });
const log = (p: Page) => p.getByRole("log");

async function openAndAsk(p: Page, text: string) {
  await expect.poll(() => launcher(p).count(), { timeout: 10_000 }).toBe(1);
  await launcher(p).click();
  await expect.poll(() => input(p).count(), { timeout: 10_000 }).toBe(1);
  await input(p).fill(text);
  await input(p).press("Enter");
}

it("owner: create a site → embed it → chat works on its origin, is calmly unavailable on another, and the console says what to fix", async () => {
  const allowed = `http://127.0.0.1:${shopPort}`;
  const other = `http://localhost:${shopPort}`;
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.worker.url });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await p.getByTestId("nav-settings-sites").click();
  await expect.poll(() => p.getByTestId("sites-list").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("nav-settings-sites").getAttribute("aria-current")).toBe("page");

  // A page address is refused with the origin to use instead, before any request.
  const form = p.getByTestId("site-new-form");
  await form.getByTestId("site-name").fill("Acme shop EU");
  await form.getByTestId("site-origins").fill(`${allowed}/checkout`);
  await form.getByTestId("site-save").click();
  expect(await form.getByTestId("site-form-error").textContent()).toContain(`allow the whole origin ${allowed}`);
  await form.getByTestId("site-origins").fill(allowed);
  await form.getByTestId("site-save").click();

  const card = p.getByTestId("site").filter({ hasText: "Acme shop EU" });
  await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
  const key = ((await card.getByTestId("site-key").textContent()) ?? "").trim();
  expect(key).toMatch(/^site_[0-9a-f]{16}$/);
  expect(await card.getByTestId("site-seen").textContent()).toContain("Not seen yet");
  // The new site's embed tag is open, with its copy button.
  embed = ((await card.getByTestId("site-embed").textContent()) ?? "").trim();
  expect(embed).toBe(`<script src="${h.worker.url}/widget.js" data-site="${key}" async></script>`);
  await card.getByTestId("site-copy-embed").click();
  await expect.poll(() => card.getByText("Copied.").count()).toBe(1);
  expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(embed);

  // On the allowed origin the chat answers.
  const visitor = await (await h.browser.newContext()).newPage();
  await visitor.goto(`${allowed}/`);
  await openAndAsk(visitor, "How do I reset my password?");
  await expect.poll(() => log(visitor).getByRole("link", { name: /reset/i }).count(), { timeout: 15_000 }).toBe(1);

  // On another origin: calm "unavailable", a console warning naming what to fix, and no retry loop.
  const stranger = await (await h.browser.newContext()).newPage();
  const warnings: string[] = [];
  stranger.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
  });
  let creates = 0;
  stranger.on("request", (r) => {
    if (r.url().includes("/v1/conversations") && r.method() === "POST") creates++;
  });
  await stranger.goto(`${other}/`);
  await openAndAsk(stranger, "Hello?");
  const status = stranger.getByText("Chat is unavailable right now. Please try again later.");
  await expect.poll(() => status.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  expect(await stranger.getByText(/Not sent: Chat is unavailable/).count()).toBe(1);
  await expect.poll(() => warnings.length).toBe(1);
  expect(warnings[0]).toContain(`origin ${other} is not allowed for the site "${key}"`);
  expect(warnings[0]).toContain("Settings → Sites");
  await stranger.waitForTimeout(6_000);
  expect(creates).toBe(1);
  await stranger.screenshot({ path: `${SHOTS}/sites-widget-unavailable.png` });

  // The console: last seen on the shop, refused from the other origin, with the fix one click away.
  await p.reload();
  await expect.poll(() => card.getByTestId("site-refused").count(), { timeout: 10_000 }).toBe(1);
  expect(await card.getByTestId("site-seen").textContent()).toContain(`Last seen just now on ${allowed}`);
  expect(await card.getByTestId("site-refused").textContent()).toContain(`Refused from ${other}`);
  await p.screenshot({ path: `${SHOTS}/sites-page.png`, fullPage: true });
  await card.getByTestId("site-allow").click();
  await expect.poll(() => card.getByTestId("site-refused").count(), { timeout: 10_000 }).toBe(0);
  expect(await card.getByTestId("site-origins-list").textContent()).toContain(other);

  // Identity secret: generated, shown once, never again; the snippet in each language.
  await card.getByText("Identity secret and signing code").click();
  await card.getByTestId("site-secret-generate").click();
  const value = card.getByTestId("site-secret-value");
  await expect.poll(() => value.count(), { timeout: 10_000 }).toBe(1);
  const secret = ((await value.textContent()) ?? "").trim();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  await card.getByTestId("site-lang-python").click();
  expect(await card.getByTestId("site-snippet").textContent()).toContain("def sign_identity");
  await p.screenshot({ path: `${SHOTS}/sites-identity-secret.png`, fullPage: true });
  await card.getByTestId("site-secret-done").click();
  await p.reload();
  await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
  expect(await p.locator("main").textContent()).not.toContain(secret);
  await card.getByText("Identity secret and signing code").click();
  expect(await card.getByTestId("site-secret-state").textContent()).toContain("An identity secret is set");
  expect(await card.getByTestId("site-secret-generate").textContent()).toBe("Rotate secret");
  await ctx.close();
});

it("agent: no Sites link, and the page says it is for owners", async () => {
  const ctx = await h.browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, AGENT);
  await expect.poll(() => p.getByTestId("agent-name").count(), { timeout: 10_000 }).toBe(1);
  await p.goto(`${h.worker.url}/console/#/settings/sites`);
  await expect.poll(() => p.getByTestId("sites-forbidden").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("nav-settings-security").count()).toBe(1);
  expect(await p.getByTestId("nav-settings-sites").count()).toBe(0);
  await ctx.close();
});
