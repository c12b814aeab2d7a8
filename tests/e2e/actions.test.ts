// Actions in Chromium against `wrangler dev` (docs/actions.md), on the demo page as a newcomer sees it
// after `npm run dev`: the local Lumen account API, the demo's actions and articles. A customer the demo
// page signed in asks to cancel, reads the confirmation card, says yes, and reads the result; asked for
// an order, they type its number into the composer, labelled with what is asked; a visitor who is not
// signed in asks for their plan and never sees account data. Then the owner tries an action in
// Settings → Actions and sees the call in its log.
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type { CallLogEntry } from "../../shared/actions.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AccountApi, startAccountApi } from "../../scripts/lib/account-api.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { seedDemoActions } from "../../scripts/lib/demo-actions.ts";
import { ensureAgent, inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { type Harness, startHarness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "owner@lumen.example", password: "owner-e2e-password", name: "Olga Owner", role: "owner" };

let h: Harness;
let api: AccountApi;
/** Requests the account API received: its own log, per path, for what ran and what did not. */
const seen: { method: string; url: string; key: string | null }[] = [];

beforeAll(async () => {
  api = await startAccountApi({ key: "e2e-account-api-key-0123" });
  api.server.on("request", (req) =>
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      key: (req.headers["idempotency-key"] as string | undefined) ?? null,
    }),
  );
  h = await startHarness({ NOTIFY_ALLOW_PRIVATE_URLS: "true", DEMO_SIGN_IN: "on" });
  await seedDemoActions(h.worker, api);
  await ensureAgent(h.worker, OWNER);
});
afterAll(async () => {
  await h?.stop();
  await api?.close();
});

/**
 * axe-core (WCAG 2.0/2.1 A and AA, best practice) over the page and its open shadow roots, once the
 * last animation has ended, as tests/e2e/axe.test.ts does for the other pages: the violations' ids.
 */
const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;
async function axe(p: Page): Promise<string[]> {
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await p.waitForFunction(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
    return roots
      .flatMap((r) => r.getAnimations())
      .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Number.POSITIVE_INFINITY);
  });
  if (!(await p.evaluate(() => "axe" in window))) await p.addScriptTag({ content: axeSource });
  return p.evaluate(async () => {
    type Rule = { id: string; nodes: { target: unknown[] }[] };
    const run = (window as unknown as { axe: { run(d: Document, o: unknown): Promise<{ violations: Rule[] }> } }).axe;
    const r = await run.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => `${v.id} @ ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
}

const panel = (p: Page) => p.getByRole("dialog");
const bots = (p: Page) => p.getByRole("log").locator(".bubble.bot:not(.draft)");
const lastBot = async (p: Page) => (await bots(p).last().textContent()) ?? "";

async function chat(as: "ana" | null): Promise<Page> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/demo/${as ? `?as=${as}` : ""}`);
  await p.getByRole("button", { name: "Open support chat" }).click();
  await expect.poll(() => p.getByRole("textbox").count(), { timeout: 10_000 }).toBe(1);
  return p;
}

/** Types into the composer (whatever it is labelled now) and waits for the bot's next message. */
async function say(p: Page, text: string): Promise<string> {
  const before = await bots(p).count();
  const box = p.getByRole("textbox");
  await box.fill(text);
  await box.press("Enter");
  await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
  return lastBot(p);
}

it("a signed-in customer asks to cancel, reads what will happen, says yes, and gets the result", async () => {
  const p = await chat("ana");
  expect(await p.getByTestId("demo-signed-in").textContent()).toContain("Ana García");
  const card = await say(p, "Please cancel my subscription");
  expect(card).toContain("This cancels the subscription of ana@lumen.example");
  const yes = panel(p).getByRole("button", { name: "Yes, go ahead" });
  const no = panel(p).getByRole("button", { name: "No, don't" });
  expect([await yes.count(), await no.count()]).toEqual([1, 1]);
  // "None of these" belongs to "Do you mean …?", not to a confirmation.
  expect(await panel(p).getByRole("button", { name: "None of these" }).count()).toBe(0);
  // Nothing ran before the yes.
  expect(seen.filter((r) => r.method === "POST")).toEqual([]);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-confirm.png` });
  expect(await axe(p), "axe: the confirmation card").toEqual([]);
  const before = await bots(p).count();
  await yes.click();
  await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
  expect(await lastBot(p)).toBe("Done: your Lumen Plus subscription is cancelled. You keep it until 2026-08-01.");
  // Once asked, the card is spent: the buttons went with it.
  expect(await yes.count()).toBe(0);
  const posts = seen.filter((r) => r.method === "POST");
  expect(posts).toHaveLength(1);
  expect(posts[0]?.url).toBe("/accounts/ana%40lumen.example/cancel");
  expect(posts[0]?.key).toMatch(/^act_/);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-done.png` });

  // A value the action needs: the composer asks for it by name, and the answer comes back.
  const ask = await say(p, "Where is my print order?");
  expect(ask).toContain("order number");
  expect(await p.getByRole("textbox", { name: "Order number" }).count()).toBe(1);
  expect(await say(p, "LM-4821")).toBe("Order LM-4821 is shipped with DHL, expected on 2026-07-18.");
  expect(await p.getByRole("textbox", { name: "Order number" }).count()).toBe(0);
  await p.context().close();
});

it("a visitor who is not signed in never sees account data", async () => {
  const gets = () => seen.filter((r) => r.method === "GET" && r.url.startsWith("/accounts/")).length;
  const before = gets();
  const p = await chat(null);
  const answer = await say(p, "What plan am I on?");
  expect(answer).toMatch(/sign in on our website/);
  const shown = (await panel(p).textContent()) ?? "";
  for (const secret of ["Lumen Plus", "61.4", "2026-08-01", "ana@lumen.example"]) expect(shown).not.toContain(secret);
  expect(gets()).toBe(before);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-visitor.png` });
  await p.context().close();
});

it("the owner tries an action in Settings → Actions and finds the call in its log", async () => {
  // bypassCSP: only so axe-core can be injected (as tests/e2e/axe.test.ts does); the console's own code runs as served.
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.goto(`${h.worker.url}/console/#/settings/actions`);
  const row = p.locator('[data-testid="action-row"][data-name="my-plan"]');
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await row.getByTestId("action-open").click();
  await p.getByTestId("try-id:email").fill("sam@lumen.example");
  await p.getByTestId("action-try-run").click();
  const result = p.getByTestId("action-try-result");
  await expect.poll(() => result.getAttribute("data-status"), { timeout: 15_000 }).toBe("ok");
  expect(await p.getByTestId("action-try-answer").textContent()).toContain("Lumen Free");
  // The key was sent, and is shown masked.
  expect(await p.getByTestId("action-try-request").textContent()).toContain("authorization: Bearer ••••");
  expect(await p.content()).not.toContain(api.key);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-try.png`, fullPage: true });
  expect(await axe(p), "axe: Settings → Actions with a try result").toEqual([]);
  await p.getByTestId("action-calls").getByRole("button", { name: "Refresh" }).click();
  await expect.poll(() => p.locator('[data-testid="call-row"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);

  // Ana's conversation in the console: her account, live, on the customer card; the steps in the transcript.
  const calls = await admin<{ calls: CallLogEntry[] }>(
    h.worker,
    "GET",
    inDemo("/admin/v1/actions/cancel-subscription/calls"),
  );
  const convo = calls.calls.find((c) => c.conversationId)?.conversationId ?? "";
  await p.goto(`${h.worker.url}/console/#/c/${encodeURIComponent(convo)}`);
  const card = p.locator('[data-testid="customer-card"][data-name="my-plan"]');
  await expect.poll(() => card.getAttribute("data-status"), { timeout: 15_000 }).toBe("ok");
  expect(await card.textContent()).toContain("Lumen Plus");
  expect(await p.locator('[data-testid="action-note"]').count()).toBeGreaterThanOrEqual(2);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-conversation.png`, fullPage: true });
  expect(await axe(p), "axe: the conversation with the customer card").toEqual([]);
  await p.goto(`${h.worker.url}/console/#/approvals`);
  await expect.poll(() => p.getByTestId("approvals-empty").count(), { timeout: 15_000 }).toBe(1);
  expect(await axe(p), "axe: the approvals queue").toEqual([]);
  await ctx.close();
});
