// Actions in Chromium against `wrangler dev` (docs/actions.md), on the demo page as a newcomer sees it
// after `npm run dev`: the local Lumen account API, the demo's actions and articles. A customer the demo
// page signed in asks to cancel, reads the confirmation card, says yes, and reads the result; asked for
// an order, they get the small form (widget-form.js, fetched only then): a value the form refuses, a
// value the worker refuses, then the right one and the answer; the form's Cancel, then a person; with
// the chunk blocked, the composer takes the value as before; a visitor who is not signed in asks for
// their plan and never sees account data (and never loads the form). Then the owner tries an action in
// Settings → Actions and sees the call in its log.
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type { CallLogEntry } from "../../shared/actions.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AccountApi, startAccountApi } from "../../scripts/lib/account-api.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { demoActions, seedDemoActions } from "../../scripts/lib/demo-actions.ts";
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
const composer = (p: Page) => p.locator("edgedesk-widget textarea");
const orderForm = (p: Page) => panel(p).getByRole("form", { name: "Order number" });
const orderBox = (p: Page) => orderForm(p).getByRole("textbox", { name: "Order number" });
/** The id of the element focused inside the widget's shadow root. */
const focused = (p: Page) =>
  p.evaluate(() => {
    const a = document.querySelector("edgedesk-widget")?.shadowRoot?.activeElement;
    return a ? a.id || a.tagName.toLowerCase() : null;
  });
/** Every request a page makes, for what was loaded and what was not. */
function requests(p: Page): string[] {
  const seen: string[] = [];
  p.on("request", (r) => seen.push(r.url()));
  return seen;
}
const formChunk = (urls: string[]) => urls.filter((u) => u.endsWith("/widget-form.js")).length;
const bots = (p: Page) => p.getByRole("log").locator(".bubble.bot:not(.draft)");
const lastBot = async (p: Page) => (await bots(p).last().textContent()) ?? "";

async function chat(as: "ana" | "sam" | null): Promise<Page> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(`${h.worker.url}/demo/${as ? `?as=${as}` : ""}`);
  if (as) expect(await p.getByTestId("demo-signed-in").count()).toBe(1);
  await p.getByRole("button", { name: "Open support chat" }).click();
  await expect.poll(() => composer(p).count(), { timeout: 10_000 }).toBe(1);
  return p;
}

/** Types into the composer (whatever it is labelled now) and waits for the bot's next message. */
async function say(p: Page, text: string): Promise<string> {
  const before = await bots(p).count();
  const box = composer(p);
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

  await p.context().close();
});

it("asked for an order number, a customer gets a small form: refused values are explained beside the field, the right one answered", async () => {
  const p = await chat("ana");
  const loaded = requests(p);
  await say(p, "What plan am I on?");
  // A plain exchange, an action's answer included: the form chunk is not fetched.
  expect(formChunk(loaded)).toBe(0);

  const ask = await say(p, "Where is my print order?");
  expect(ask).toContain("order number");
  await expect.poll(() => orderBox(p).count(), { timeout: 10_000 }).toBe(1);
  expect(formChunk(loaded)).toBe(1);
  // The form takes the focus; the message box is the message box again, for anything else.
  await expect.poll(() => focused(p)).toBe("ed-askf-in");
  expect(await composer(p).getAttribute("aria-label")).toBe("Message");
  expect(await orderBox(p).getAttribute("maxlength")).toBe("7");
  const sendOrder = orderForm(p).getByRole("button", { name: "Send" });
  const cancel = orderForm(p).getByRole("button", { name: "Cancel" });
  expect([await sendOrder.count(), await cancel.count()]).toEqual([1, 1]);

  // A value the form itself refuses: said beside the field, nothing sent.
  const customerBubbles = () => p.getByRole("log").locator(".bubble.customer").count();
  const sentBefore = await customerBubbles();
  const ordersAsked = () => seen.filter((r) => r.url.startsWith("/orders/")).length;
  const ordersBefore = ordersAsked();
  await orderBox(p).fill("4821");
  await orderBox(p).press("Enter");
  const alert = panel(p)
    .getByRole("alert")
    .filter({ hasText: /order number/ });
  await expect
    .poll(() => alert.textContent(), { timeout: 5000 })
    .toBe("That doesn't look like a valid order number. Please check it.");
  expect(await orderBox(p).getAttribute("aria-invalid")).toBe("true");
  expect(await orderBox(p).getAttribute("aria-describedby")).toContain("ed-askf-err");
  expect(await customerBubbles()).toBe(sentBefore);
  await p.screenshot({ path: `${SHOTS}/e2e-actions-form-error.png` });

  // The worker never trusts the form: the owner tightens the pattern while the customer types, so a
  // value the form still takes is refused by the worker, which asks again; the form says why.
  const order = demoActions(api.url).find((d) => d.name === "order-status");
  if (!order) throw new Error("no order-status in the demo actions");
  const strict = {
    ...order,
    inputs: [order.inputs?.[0], { ...order.inputs?.[1], pattern: "^LM-48\\d{2}$" }],
  };
  await admin(h.worker, "PUT", inDemo("/admin/v1/actions/order-status"), strict);
  try {
    const before = await bots(p).count();
    await orderBox(p).fill("LM-1234");
    await sendOrder.click();
    await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
    expect(await lastBot(p)).toMatch(/doesn't look like a valid order number/);
    await expect.poll(() => alert.textContent(), { timeout: 5000 }).toMatch(/valid order number/);
    // The same form: what they typed is still there to correct.
    expect(await orderBox(p).inputValue()).toBe("LM-1234");
    expect(ordersAsked()).toBe(ordersBefore);
  } finally {
    await admin(h.worker, "PUT", inDemo("/admin/v1/actions/order-status"), order);
  }

  const before = await bots(p).count();
  await orderBox(p).fill("LM-4821");
  await orderBox(p).press("Enter");
  await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
  expect(await lastBot(p)).toBe("Order LM-4821 is shipped with DHL, expected on 2026-07-18.");
  expect(ordersAsked()).toBe(ordersBefore + 1);
  // Answered: the form goes, the focus back to the message box.
  await expect.poll(() => orderBox(p).count()).toBe(0);
  await expect.poll(() => focused(p)).toBe("textarea");
  expect(formChunk(loaded)).toBe(1);
  await p.context().close();
});

it("the form's Cancel drops the question and leaves a person one click away; a form that did not load leaves the composer", async () => {
  const p = await chat("ana");
  await say(p, "Where is my print order?");
  await expect.poll(() => orderBox(p).count(), { timeout: 10_000 }).toBe(1);
  const before = await bots(p).count();
  await orderForm(p).getByRole("button", { name: "Cancel" }).click();
  await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
  expect(await lastBot(p)).toMatch(/I've left that.*Talk to a person/);
  await expect.poll(() => orderBox(p).count()).toBe(0);
  // The focus was on Cancel, which waited (aria-disabled) for the reply: it goes to the message box.
  await expect.poll(() => focused(p)).toBe("textarea");
  await panel(p).getByRole("button", { name: "Talk to a person" }).click();
  await expect
    .poll(async () => (await p.getByRole("log").textContent()) ?? "", { timeout: 15_000 })
    .toMatch(/A person will reply here/);
  await p.context().close();

  // The chunk blocked: the composer asks by name and takes the value, as before the form.
  const q = await chat("ana");
  await q.route("**/widget-form.js", (r) => r.abort());
  expect(await say(q, "Where is my print order?")).toContain("order number");
  await expect.poll(() => q.getByRole("textbox", { name: "Order number" }).count()).toBe(1);
  expect(await composer(q).getAttribute("aria-label")).toBe("Order number");
  expect(await say(q, "LM-4821")).toBe("Order LM-4821 is shipped with DHL, expected on 2026-07-18.");
  expect(await composer(q).getAttribute("aria-label")).toBe("Message");
  await q.context().close();
});

it("an agent approves in the console a write the owner marked for approval; only then does it run", async () => {
  const cancel = demoActions(api.url).find((d) => d.name === "cancel-subscription");
  if (!cancel) throw new Error("no cancel-subscription in the demo actions");
  await admin(h.worker, "PUT", inDemo("/admin/v1/actions/cancel-subscription"), { ...cancel, requiresApproval: true });
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  try {
    const p = await chat("sam");
    const posts = () => seen.filter((r) => r.method === "POST" && r.url.startsWith("/accounts/sam"));
    expect(await say(p, "Please cancel my subscription")).toContain("sam@lumen.example");
    const before = await bots(p).count();
    await panel(p).getByRole("button", { name: "Yes, go ahead" }).click();
    await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(before + 1);
    expect(await lastBot(p)).toMatch(/approves this kind of change/);
    expect(posts()).toEqual([]);

    const a = await ctx.newPage();
    await signIn(a, h.worker.url, OWNER);
    await a.goto(`${h.worker.url}/console/#/approvals`);
    const row = a.getByTestId("approval-row");
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.textContent()).toContain("cancel-subscription");
    expect(await axe(a), "axe: an approval waiting").toEqual([]);
    expect(posts()).toEqual([]);
    const waiting = await bots(p).count();
    await row.getByTestId("approval-approve").click();
    await expect.poll(() => bots(p).count(), { timeout: 15_000 }).toBe(waiting + 1);
    expect(await lastBot(p)).toMatch(/^Done: your .+ subscription is cancelled/);
    expect(posts().map((r) => r.url)).toEqual(["/accounts/sam%40lumen.example/cancel"]);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await p.context().close();
  } finally {
    await ctx.close();
    await admin(h.worker, "PUT", inDemo("/admin/v1/actions/cancel-subscription"), cancel);
  }
});

it("a visitor who is not signed in never sees account data", async () => {
  const gets = () => seen.filter((r) => r.method === "GET" && r.url.startsWith("/accounts/")).length;
  const before = gets();
  const p = await chat(null);
  const loaded = requests(p);
  const answer = await say(p, "What plan am I on?");
  expect(formChunk(loaded)).toBe(0);
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
  // Ana's (Sam's, approved above, is in the log too): her email's redaction starts with "an".
  const convo = calls.calls.find((c) => c.conversationId && c.inputs.email?.startsWith("an"))?.conversationId ?? "";
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
