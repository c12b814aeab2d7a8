// Accessibility checked by a tool nobody here wrote: axe-core (WCAG 2.0/2.1 A and AA, plus its
// best-practice rules) in Chromium over the widget (inside its shadow root: closed, open, streaming,
// handed off, and the small form for a value an action asks for, with and without its error) on our
// demo host page, the agent console's pages and the help centre. Any violation
// fails the test, listed by rule and element. Set AXE_REPORT=file.json to keep the per-page results.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AccountApi, startAccountApi } from "../../scripts/lib/account-api.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { seedDemoActions } from "../../scripts/lib/demo-actions.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { startHarness, type Harness } from "./harness.ts";

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
const OWNER = { email: "axe-owner@lumen.example", password: "axe-owner-password", name: "Avery Owner", role: "owner" };

type Violation = { id: string; impact: string | null; help: string; targets: string[] };
type Result = { page: string; violations: Violation[]; passes: number; incomplete: number };

let h: Harness;
let api: AccountApi;
let ctx: BrowserContext;
const results: Result[] = [];

beforeAll(async () => {
  // Slow enough streaming that an answer is still arriving when axe looks at it; the demo's account
  // API and actions for the form a value is asked with (docs/actions.md).
  api = await startAccountApi({ key: "axe-account-api-key-0123" });
  h = await startHarness({ STREAM_DELAY_MS: "60", NOTIFY_ALLOW_PRIVATE_URLS: "true", DEMO_SIGN_IN: "on" });
  await seedDemoActions(h.worker, api);
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  // Our demo page embeds the demo site from the worker's own origin.
  await admin(h.worker, "PUT", "/admin/v1/sites/demo_site?workspace=demo", {
    name: "Lumen demo site",
    allowedOrigins: [h.worker.url],
  });
  ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  await h?.stop();
  await api?.close();
  if (process.env.AXE_REPORT) writeFileSync(process.env.AXE_REPORT, JSON.stringify(results, null, 2));
  for (const r of results)
    console.log(
      `axe ${r.page.padEnd(34)} ${String(r.violations.length).padStart(2)} violations  ${String(r.passes).padStart(3)} rules passed  ${r.incomplete} to review`,
    );
});

/**
 * Waits for running finite animations (the panel fading in, a message sliding in) to end: mid-fade
 * colours are not the ones a reader gets, and axe would measure contrast on them. Infinite ones (the
 * typing dots) stay.
 */
async function settle(page: Page): Promise<void> {
  // Two frames first: an element shown by the last click gets its style (and its animation) in them.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForFunction(
    () => {
      const roots: (Document | ShadowRoot)[] = [document];
      for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
      return roots
        .flatMap((r) => r.getAnimations())
        .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Number.POSITIVE_INFINITY);
    },
    undefined,
    { timeout: 5000 },
  );
}

/** Runs axe over the whole document (open shadow roots included) and records the outcome. */
async function audit(page: Page, name: string): Promise<Violation[]> {
  await settle(page);
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const run = await page.evaluate(async (tags) => {
    type AxeNode = { target: unknown[] };
    type AxeRule = { id: string; impact: string | null; help: string; nodes: AxeNode[] };
    type AxeResults = { violations: AxeRule[]; passes: AxeRule[]; incomplete: AxeRule[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<AxeResults> } }).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      })),
      passes: r.passes.length,
      incomplete: r.incomplete.length,
    };
  }, TAGS);
  results.push({ page: name, ...run });
  return run.violations;
}

/** Soft: every page is audited and reported even when an earlier one fails. */
const expectClean = (violations: Violation[], page: string) =>
  expect
    .soft(
      violations,
      `${page}:\n${violations.map((v) => `  ${v.id} (${v.impact}): ${v.help} @ ${v.targets.join(", ")}`).join("\n")}`,
    )
    .toEqual([]);

it("finds no violation in the widget, closed, open, streaming and handed off, on our demo page", async () => {
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/demo/`);
  const launcher = p.getByRole("button", { name: "Open support chat" });
  await expect.poll(() => launcher.count(), { timeout: 10_000 }).toBe(1);
  expectClean(await audit(p, "widget closed (demo page)"), "widget closed");

  await launcher.click();
  const input = p.getByRole("textbox", { name: /message/i });
  await expect.poll(() => input.count(), { timeout: 10_000 }).toBe(1);
  expectClean(await audit(p, "widget open"), "widget open");

  await input.fill("How do I reset my password?");
  await input.press("Enter");
  const log = p.getByRole("log");
  await expect.poll(async () => ((await log.textContent()) ?? "").length, { timeout: 10_000 }).toBeGreaterThan(40);
  const streaming = await audit(p, "widget streaming");
  expect(await log.getByRole("link", { name: /reset/i }).count()).toBe(0); // still mid-answer when axe looked
  expectClean(streaming, "widget streaming");
  await expect.poll(() => log.getByRole("link", { name: /reset/i }).count(), { timeout: 15_000 }).toBe(1);

  await input.fill("I want to talk to a person");
  await input.press("Enter");
  await expect
    .poll(async () => (await log.textContent()) ?? "", { timeout: 15_000 })
    .toMatch(/connecting you with a person/i);
  expectClean(await audit(p, "widget handed off"), "widget handed off");
  await p.close();
}, 90_000);

it("finds no violation in the widget's form for a value an action asks for, with and without its error", async () => {
  // A context of its own: the first test left a handed-off conversation in this origin's storage.
  const own = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const p = await own.newPage();
  await p.goto(`${h.worker.url}/demo/?as=ana`);
  expect(await p.getByTestId("demo-signed-in").count()).toBe(1);
  await p.getByRole("button", { name: "Open support chat" }).click();
  const input = p.getByRole("textbox", { name: /message/i });
  await expect.poll(() => input.count(), { timeout: 10_000 }).toBe(1);
  await input.fill("Where is my print order?");
  await input.press("Enter");
  const form = p.getByRole("form", { name: "Order number" });
  await expect.poll(() => form.count(), { timeout: 15_000 }).toBe(1);
  // The streamed question has landed (no draft left) before axe looks.
  await expect.poll(() => p.locator("edgedesk-widget .bubble.draft").count(), { timeout: 15_000 }).toBe(0);
  expectClean(await audit(p, "widget form (value asked)"), "widget form");
  const box = form.getByRole("textbox", { name: "Order number" });
  await box.fill("4821");
  await box.press("Enter");
  await expect.poll(() => form.getByRole("alert").textContent(), { timeout: 5000 }).toMatch(/valid order number/);
  expectClean(await audit(p, "widget form with its error"), "widget form with its error");
  await own.close();
}, 90_000);

it("finds no violation on the help centre's pages", async () => {
  const p = await ctx.newPage();
  for (const [name, path] of [
    ["help centre home", "/hc/demo/"],
    ["help centre article", "/hc/demo/articles/reset-password"],
    ["help centre search", "/hc/demo/search?q=password"],
    ["help centre article (es)", "/hc/demo/articles/es-reset-password"],
    ["help centre not found", "/hc/demo/articles/no-such-article"],
  ] as const) {
    await p.goto(`${h.worker.url}${path}`);
    await p.waitForLoadState("load");
    expectClean(await audit(p, name), name);
  }
  await p.close();
}, 90_000);

it("finds no violation on the agent console's pages", async () => {
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/console/`);
  await p.getByTestId("login-form").waitFor();
  expectClean(await audit(p, "console login"), "console login");

  // A conversation waiting for a person, so the inbox and the conversation page have content.
  const c = (await (
    await fetch(`${h.worker.url}/v1/conversations?site=demo_site`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: h.worker.url },
      body: JSON.stringify({ locale: "en" }),
    })
  ).json()) as { id: string; token: string };
  await fetch(`${h.worker.url}/v1/conversations/${c.id}/handoff?site=demo_site`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: h.worker.url, authorization: `Bearer ${c.token}` },
    body: JSON.stringify({ reason: "customer-requested" }),
  });

  await signIn(p, h.worker.url, OWNER);
  await expect.poll(() => p.getByTestId("inbox-row").count(), { timeout: 15_000 }).toBeGreaterThan(0);
  expectClean(await audit(p, "console inbox"), "console inbox");

  await p.getByTestId("inbox-row").first().click();
  await p.getByTestId("handoff-packet").waitFor({ timeout: 15_000 });
  expectClean(await audit(p, "console conversation"), "console conversation");
  // Its Later panel with a form open (docs/conversations.md "Later").
  await p.getByTestId("later-remind").click();
  await p.getByTestId("later-when").selectOption("pick");
  expectClean(await audit(p, "console conversation (later form)"), "console conversation (later form)");

  const pages: [string, string, string][] = [
    ["console knowledge list", "#/kb", "kb-row"],
    ["console article editor + preview", "#/kb/a/reset-password", "kb-preview"],
    ["console new article (empty preview)", "#/kb/new", "kb-field-title"],
    ["console knowledge gaps", "#/kb/gaps", "nav-knowledge"],
    ["console try the bot", "#/kb/try", "try-text"],
    ["console canned replies", "#/canned", "nav-canned"],
    ["console surge", "#/surge", "nav-surge"],
    ["console analytics", "#/analytics", "analytics"],
    ["console integrations", "#/settings/integrations", "webhooks"],
    ["console API keys", "#/settings/api-keys", "nav-settings-api-keys"],
    ["console business hours", "#/settings/hours", "hours-save"],
  ];
  for (const [name, hash, ready] of pages) {
    await p.goto(`${h.worker.url}/console/${hash}`);
    await p.getByTestId(ready).first().waitFor({ timeout: 15_000 });
    await p.waitForTimeout(400); // let the page's data arrive
    expectClean(await audit(p, name), name);
  }

  // A long article: the preview scrolls, and a scrolling region must be reachable by keyboard.
  await p.goto(`${h.worker.url}/console/#/kb/new`);
  await p.getByTestId("kb-field-title").fill("Every setting, explained");
  await p
    .getByTestId("kb-field-body")
    .fill(
      Array.from({ length: 40 }, (_, i) => `## Setting ${i + 1}\n\nWhat it does and when to change it.`).join("\n\n"),
    );
  await expect.poll(() => p.locator("aside.kb-preview").evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  expectClean(await audit(p, "console new article (long preview)"), "console new article (long preview)");
  await p.close();
}, 180_000);
