// Search, merge and split in the agent console, in Chromium against `wrangler dev` (docs/search.md):
// an agent finds a conversation by an order number typed the way the customer did not, narrows by a
// label, sees the customer's text as text (markup in it stays words), opens the hit, merges the same
// customer's other conversation into it, and moves a mistaken message into a conversation of its own.
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { identityCanonical } from "../../shared/api.ts";
import type { CreatedConversation, EventsPage } from "../../shared/api.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const SITE = "e2e_search";
const SECRET = "e2e-search-identity-secret-0123456";
const NINA = { id: "u_nina", email: "nina@example.com", name: "Nina Berg" };
const OMAR = { id: "u_omar", email: "omar@example.com", name: "Omar Haddad" };

let h: Harness;
let cookie = "";
const ids = { nina1: "", nina2: "", omar: "" };

/** The public API as the widget calls it, from an allowed origin. */
async function pub<T>(path: string, body: unknown, token?: string): Promise<T> {
  const r = await fetch(`${h.worker.url}/v1/conversations${path}?site=${SITE}`, {
    method: "POST",
    headers: {
      origin: h.worker.url,
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

/** Polls `read` until `ok` (expect.poll works inside tests only; this runs in beforeAll too). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A verified customer's chat with its messages, each answered by the bot before the next. */
async function chat(who: typeof NINA, texts: string[]): Promise<string> {
  const c = await pub<CreatedConversation>("", { locale: "en" });
  const ts = Math.floor(Date.now() / 1000);
  const hmac = createHmac("sha256", SECRET)
    .update(identityCanonical(ts, who.id, who.email))
    .digest("hex");
  await pub(`/${c.id}/identify`, { user: who, hmac, ts }, c.token);
  for (const [i, text] of texts.entries()) {
    const sent = await pub<{ seq: number }>(
      `/${c.id}/messages`,
      { clientId: `e2e-search-${c.id.slice(0, 6)}-${i}`, text },
      c.token,
    );
    // The bot's answer follows it, unless a person has the conversation by now (a handoff).
    await until(
      async () => {
        const r = await fetch(`${h.worker.url}/v1/conversations/${c.id}/events?site=${SITE}`, {
          headers: { origin: h.worker.url, authorization: `Bearer ${c.token}` },
        });
        return (await r.json()) as EventsPage;
      },
      (page) => page.lastSeq > sent.seq || page.state !== "bot",
    );
  }
  return c.id;
}

/** The agent API with a session of the harness's agent. */
async function agentCall(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${h.worker.url}${path}`, {
    method,
    headers: { cookie, origin: h.worker.url, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "Acme account",
    allowedOrigins: [h.worker.url],
    identitySecret: SECRET,
  });
  const login = await fetch(`${h.worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: h.worker.url },
    body: JSON.stringify({ email: AGENT.email, password: AGENT.password }),
  });
  expect(login.status).toBe(200);
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  ids.nina1 = await chat(NINA, ["My order #A-1029 never arrived.", "Also, can I change my plan to yearly?"]);
  ids.nina2 = await chat(NINA, ["Please send the parcel for A-1029 to my office instead."]);
  ids.omar = await chat(OMAR, ["Refund for order 48213 please.", "<img src=x onerror=window.__xss=1> still 48213"]);
  expect((await agentCall("PATCH", `/api/conversations/${ids.omar}`, { labels: ["billing"] })).status).toBe(200);
  // Indexed: the search follower has run for all three.
  await until(
    async () => ((await (await agentCall("GET", "/api/search?q=48213")).json()) as { items: unknown[] }).items.length,
    (n) => n === 1,
  );
}, 120_000);
afterAll(async () => h?.stop());

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

/** axe-core's WCAG 2.1 A/AA and best-practice violations on the page as it is (the states axe.test.ts does not visit). */
async function axe(p: Page): Promise<string[]> {
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
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

const hits = (p: Page) => p.getByTestId("search-hit");
const hitIds = (p: Page) => hits(p).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));

async function searchFor(p: Page, q: string): Promise<void> {
  await p.getByTestId("search-input").fill(q);
  await p.getByTestId("search-input").press("Enter");
}

it("finds conversations by order number, label and status, and shows the customer's text as text", async () => {
  // No CSP: markup rendered as HTML would run here (the page's own policy would otherwise hide that), and
  // axe-core goes in as a script tag.
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, AGENT);
  await expect.poll(() => p.getByTestId("search-input").count(), { timeout: 15_000 }).toBe(1);

  // Written "#A-1029" and "A-1029" by the customer; typed "a 1029" by the agent.
  await searchFor(p, "a 1029");
  await expect.poll(() => hitIds(p), { timeout: 10_000 }).toEqual(expect.arrayContaining([ids.nina1, ids.nina2]));
  expect((await hitIds(p)).length).toBe(2);
  expect(await p.getByTestId("inbox-list").count()).toBe(0);
  const nina1 = p.locator(`[data-testid="search-hit"][data-id="${ids.nina1}"]`);
  expect(await nina1.locator("mark").allTextContents()).toEqual(["A", "1029"]);
  expect(await nina1.textContent()).toContain("My order #A-1029 never arrived.");

  // Markup in a customer's message is shown as the words it is.
  await searchFor(p, "still 48213");
  await expect.poll(() => hitIds(p), { timeout: 10_000 }).toEqual([ids.omar]);
  const omar = p.locator(`[data-testid="search-hit"][data-id="${ids.omar}"]`);
  await expect.poll(() => omar.textContent()).toContain("<img src=x onerror=window.__xss=1>");
  expect(await omar.locator("img").count()).toBe(0);
  expect(await p.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

  // Filters: a label, then a status that excludes it.
  await p.getByTestId("search-input").fill("");
  await p.getByTestId("search-filters-toggle").click();
  await p.getByTestId("search-label").fill("billing");
  await expect.poll(() => hitIds(p), { timeout: 10_000 }).toEqual([ids.omar]);
  await p.getByTestId("search-status").selectOption("resolved");
  await expect.poll(() => p.getByTestId("search-summary").textContent(), { timeout: 10_000 }).toMatch(/^0 /);
  await p.getByTestId("search-status").selectOption("");
  await p.getByTestId("search-label").fill("");
  await p.getByTestId("search-filters-toggle").click();

  await searchFor(p, "order");
  await expect.poll(async () => (await hitIds(p)).length, { timeout: 10_000 }).toBe(2);
  await p.getByTestId("search-filters-toggle").click();
  await p.getByTestId("search-channel").selectOption("chat");
  await expect.poll(async () => (await hitIds(p)).length, { timeout: 10_000 }).toBe(2);
  await p.screenshot({ path: `${SHOTS}/search-results.png` });
  expect(await axe(p)).toEqual([]);

  // A hit opens its conversation; back in the inbox, the search is as it was.
  await p.locator(`[data-testid="search-hit"][data-id="${ids.nina1}"] a`).click();
  await expect.poll(() => p.getByTestId("conversation").getAttribute("data-id"), { timeout: 10_000 }).toBe(ids.nina1);
  await p.getByTestId("back-to-inbox").click();
  await expect.poll(() => p.getByTestId("search-input").inputValue(), { timeout: 10_000 }).toBe("order");
  await p.getByTestId("search-clear").click();
  await expect.poll(() => p.getByTestId("inbox-list").count(), { timeout: 10_000 }).toBe(1);
  await ctx.close();
});

it("merges the same customer's other conversation into this one, each message marked with where it came from", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, AGENT);
  await p.goto(`${h.worker.url}/console/#/c/${ids.nina1}`);
  const other = p.locator(`[data-testid="contact-conversation"][data-id="${ids.nina2}"]`);
  await expect.poll(() => other.count(), { timeout: 15_000 }).toBe(1);
  // Omar is another customer: his conversation is not offered.
  expect(await p.locator(`[data-testid="contact-conversation"][data-id="${ids.omar}"]`).count()).toBe(0);
  await other.getByTestId("merge-button").click();
  await other.getByTestId("merge-confirm").click();

  const mergedFrom = p.locator('[data-testid="message"][data-link="merged-from"]');
  await expect.poll(() => mergedFrom.count(), { timeout: 15_000 }).toBe(1);
  const copied = p.locator('[data-testid="message"]', {
    hasText: "Please send the parcel for A-1029 to my office instead.",
  });
  await expect.poll(() => copied.count(), { timeout: 10_000 }).toBe(1);
  expect(await copied.getByTestId("origin").textContent()).toBe(`merged from chat · ${ids.nina2.slice(0, 8)}`);
  // This conversation's own messages carry no mark.
  const own = p.locator('[data-testid="message"]', { hasText: "My order #A-1029 never arrived." });
  expect(await own.getByTestId("origin").count()).toBe(0);
  // The customer's other conversation is closed now (the list is read again after the merge).
  await expect.poll(() => other.textContent(), { timeout: 10_000 }).toContain("resolved");
  await mergedFrom.scrollIntoViewIfNeeded();
  await p.screenshot({ path: `${SHOTS}/merge-kept.png` });
  expect(await axe(p)).toEqual([]);

  // The merged conversation is closed and points here.
  await mergedFrom.getByTestId("link-line").click();
  await expect.poll(() => p.getByTestId("merged-banner").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("conversation").getAttribute("data-state")).toBe("resolved");
  expect(await p.getByTestId("split-button").count()).toBe(0);
  await p.getByTestId("merged-banner").getByRole("link").click();
  await expect.poll(() => p.getByTestId("conversation").getAttribute("data-id"), { timeout: 10_000 }).toBe(ids.nina1);
  await ctx.close();
});

it("moves a mistaken message into a new conversation of the same customer", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, AGENT);
  await p.goto(`${h.worker.url}/console/#/c/${ids.nina1}`);
  const line = p.locator('[data-testid="message"][data-author="customer"]', {
    hasText: "Also, can I change my plan to yearly?",
  });
  await expect.poll(() => line.count(), { timeout: 15_000 }).toBe(1);
  await line.getByTestId("split-button").click();
  await line.getByTestId("split-confirm").click();

  await expect
    .poll(() => p.getByTestId("conversation").getAttribute("data-id"), { timeout: 15_000 })
    .not.toBe(ids.nina1);
  const moved = p.locator('[data-testid="message"][data-author="customer"]', {
    hasText: "Also, can I change my plan to yearly?",
  });
  await expect.poll(() => moved.count(), { timeout: 10_000 }).toBe(1);
  expect(await moved.getByTestId("origin").textContent()).toBe(`moved from chat · ${ids.nina1.slice(0, 8)}`);
  await expect
    .poll(() => p.locator('[data-testid="message"][data-link="split-from"]').count(), { timeout: 10_000 })
    .toBe(1);
  expect(await p.getByTestId("conversation").getAttribute("data-state")).toBe("agent");
  // The same customer: their other conversations are listed beside it.
  await expect
    .poll(() => p.locator(`[data-testid="contact-conversation"][data-id="${ids.nina1}"]`).count(), {
      timeout: 10_000,
    })
    .toBe(1);
  await p.screenshot({ path: `${SHOTS}/split-new.png` });
  await moved.getByTestId("split-button").click();
  expect(await axe(p)).toEqual([]);
  await moved.getByRole("button", { name: "Cancel" }).click();

  // The source keeps a line that links here, and no longer the message.
  await p.locator('[data-testid="message"][data-link="split-from"]').getByTestId("link-line").click();
  await expect.poll(() => p.getByTestId("conversation").getAttribute("data-id"), { timeout: 10_000 }).toBe(ids.nina1);
  await expect
    .poll(() => p.locator('[data-testid="message"][data-link="split-to"]').count(), { timeout: 10_000 })
    .toBe(1);
  expect(await p.locator('[data-testid="message"]', { hasText: "Also, can I change my plan to yearly?" }).count()).toBe(
    0,
  );
  await ctx.close();
});
