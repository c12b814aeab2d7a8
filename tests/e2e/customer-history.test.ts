// A verified customer's past conversations in the widget, in Chromium against `wrangler dev`: Dana
// wrote to support by email; on the shop's site (which signs her identity server-side) she opens the
// widget, finds that email conversation under "Your conversations", reads it, goes back to chat, and
// on a second device picks up the chat she started on the first. A visitor whose identity is not
// signed never sees the entry point.
import { bearer } from "../../shared/credentials.ts";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { identityCanonical } from "../../shared/api.ts";
import type { HistorySession, PastConversations } from "../../shared/customer-history.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { listen, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const SITE = "e2e_history";
const IDENTITY_SECRET = "e2e-history-identity-secret-0123";
const DANA = { id: "u_dana", email: "dana@example.com", name: "Dana Ruiz" };

let h: Harness;
let host: Server;
let hostUrl = "";

function signature(user: { id: string; email?: string }) {
  const ts = Math.floor(Date.now() / 1000);
  return {
    hmac: createHmac("sha256", IDENTITY_SECRET)
      .update(identityCanonical(ts, user.id, user.email))
      .digest("hex"),
    ts,
  };
}

/** The shop's pages: `/account` signs Dana's identity as its server would; `/guest` only claims it. */
function page(path: string, locale: string | null): string {
  const call = path.startsWith("/account") ? ["identify", DANA, signature(DANA)] : ["identify", DANA];
  return `<!doctype html><html><head><meta charset="utf-8"><title>Acme account</title></head><body><h1>Your account</h1>
<script>window.EdgeDesk = window.EdgeDesk || { q: [] }; window.EdgeDesk.q.push(${JSON.stringify(call)});</script>
<script src="${h.worker.url}/widget.js" data-site="${SITE}"${locale ? ` data-locale="${locale}"` : ""} async></script></body></html>`;
}

/** Mail as Email Routing hands it to the worker (wrangler dev's local email endpoint). */
async function sendEmail(messageId: string, text: string): Promise<void> {
  const raw = [
    // Email Routing's authentication stamp: only an authenticated sender joins a history (worker/channels/email/auth.ts).
    `ARC-Authentication-Results: i=1; mx.cloudflare.net; dmarc=pass header.from=${DANA.email.split("@")[1]}`,
    `From: Dana Ruiz <${DANA.email}>`,
    "To: Lumen Support <support@lumen.test>",
    "Subject: Password",
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    "MIME-Version: 1.0",
    'Content-Type: text/plain; charset="utf-8"',
    "",
    text,
    "",
  ].join("\r\n");
  const r = await fetch(
    `${h.worker.url}/cdn-cgi/handler/email?from=${encodeURIComponent(DANA.email)}&to=support@lumen.test`,
    { method: "POST", body: raw },
  );
  expect(r.status, await r.text()).toBeLessThan(300);
}

let session: HistorySession | undefined;
/** Dana's history as the API gives it (what the widget will show), through a signed session. */
async function historyOf(): Promise<PastConversations["conversations"]> {
  if (!session || session.expiresAt < Date.now() + 60_000) {
    const headers = { "content-type": "application/json", origin: hostUrl };
    const s = await fetch(`${h.worker.url}/v1/me/session?site=${SITE}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ user: DANA, ...signature(DANA) }),
    });
    expect(s.status, await s.clone().text()).toBe(201);
    session = (await s.json()) as HistorySession;
  }
  const r = await fetch(`${h.worker.url}/v1/me/conversations?site=${SITE}`, {
    headers: { origin: hostUrl, ...bearer(session.token) },
  });
  expect(r.status, await r.clone().text()).toBe(200);
  return ((await r.json()) as PastConversations).conversations;
}
/** History reads share the public rate limit with the browser under test: poll gently. */
const gently = { timeout: 20_000, interval: 500 };

beforeAll(async () => {
  h = await startHarness();
  host = createServer((req, res) => {
    const u = new URL(req.url ?? "/", hostUrl);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(u.pathname, u.searchParams.get("locale")));
  });
  hostUrl = await listen(host);
  await admin(h.worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "Acme account",
    allowedOrigins: [hostUrl],
    identitySecret: IDENTITY_SECRET,
  });
});
afterAll(async () => {
  // A setup that failed before the host page listened must not hang the teardown.
  if (host) await new Promise((r) => host?.close(r));
  await h?.stop();
});

const panel = (p: Page) => p.getByRole("dialog");
const shadowFocus = (p: Page) =>
  p.evaluate(() => document.querySelector("edgedesk-widget")?.shadowRoot?.activeElement?.textContent ?? "");
const input = (p: Page) => p.getByRole("textbox", { name: /^(message|mensaje)$/i });

it("an identified visitor reads a conversation they had by email, and goes back to chat", async () => {
  await sendEmail("e2e-history-1@mail.example.com", "How do I reset my password?");
  // The bot answers the email first; then the conversation has both sides to read.
  await expect
    .poll(async () => (await historyOf()).find((c) => c.channel === "email")?.messages ?? 0, gently)
    .toBeGreaterThanOrEqual(2);

  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await p.goto(`${hostUrl}/account`);
  await p.getByRole("button", { name: "Open support chat" }).click();
  const entry = panel(p).getByRole("button", { name: "Your conversations" });
  await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(1);

  // Keyboard only: the entry point, the list, the conversation.
  await entry.focus();
  await p.keyboard.press("Enter");
  await expect.poll(() => shadowFocus(p)).toBe("Your conversations");
  const row = panel(p).getByRole("listitem").getByRole("button");
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  expect(await row.textContent()).toMatch(/How do I reset my password\?.*Email.*Open.*Assistant: /);
  await p.screenshot({ path: `${SHOTS}/e2e-history-list.png` });
  await p.keyboard.press("Tab");
  await p.keyboard.press("Tab");
  await expect.poll(() => shadowFocus(p)).toContain("How do I reset my password?");
  await p.keyboard.press("Enter");

  const transcript = panel(p).getByRole("region", { name: "Earlier conversation" });
  await expect.poll(() => transcript.locator(".bubble").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  expect(await transcript.locator(".bubble.customer").first().textContent()).toBe("How do I reset my password?");
  expect(await transcript.locator(".bubble.bot").first().textContent()).toMatch(/password/i);
  expect(await transcript.getByRole("link").first().getAttribute("href")).toContain("/hc/demo/articles/");
  expect(await panel(p).textContent()).toContain("Replies to this conversation arrive by email.");
  expect(await panel(p).locator(".titles p").textContent()).toMatch(/^Email · .+ · Open$/);
  // Read-only: no composer, and nothing to continue.
  expect(await input(p).count()).toBe(0);
  expect(await panel(p).getByRole("button", { name: "Continue this conversation" }).count()).toBe(0);
  await p.screenshot({ path: `${SHOTS}/e2e-history-transcript.png` });

  await panel(p).getByRole("button", { name: "Back to your conversations" }).click();
  await expect.poll(() => row.count()).toBe(1);
  await panel(p).getByRole("button", { name: "Back to chat" }).click();
  await expect.poll(() => input(p).count()).toBe(1);
  await expect
    .poll(() => p.evaluate(() => document.querySelector("edgedesk-widget")?.shadowRoot?.activeElement?.tagName))
    .toBe("TEXTAREA");

  // A new chat now: once identified it is in the history too, marked as the current one.
  await input(p).fill("How do I export my photos?");
  await input(p).press("Enter");
  // The welcome bubble is the first bot bubble; the answer is the second.
  await expect.poll(() => p.getByRole("log").locator(".bubble.bot:not(.draft)").count(), { timeout: 15_000 }).toBe(2);
  await expect.poll(async () => (await historyOf()).length, gently).toBe(2);
  await entry.click();
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(2);
  const current = panel(p).locator('button[aria-current="true"]');
  expect(await current.textContent()).toMatch(/How do I export my photos\?.*Chat.*Current/);
  await current.click();
  await expect.poll(() => input(p).count()).toBe(1);
  expect(await p.getByRole("log").textContent()).toContain("How do I export my photos?");
  await ctx.close();
});

it("on another device, the open chat is picked up again and continues", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "es-ES" });
  const p = await ctx.newPage();
  await p.goto(`${hostUrl}/account?locale=es`);
  await p.getByRole("button", { name: /chat/i }).first().click();
  await panel(p).getByRole("button", { name: "Tus conversaciones" }).click();
  const chat = panel(p).getByRole("listitem").getByRole("button").filter({ hasText: "How do I export my photos?" });
  await expect.poll(() => chat.count(), { timeout: 10_000 }).toBe(1);
  expect(await chat.textContent()).toMatch(/Chat.*Abierta/);
  await chat.click();
  await panel(p).getByRole("button", { name: "Continuar esta conversación" }).click();
  await expect
    .poll(async () => (await p.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toContain("How do I export my photos?");
  await input(p).fill("And how do I reset my password?");
  await input(p).press("Enter");
  // Welcome, the answer from the first device, and now this answer.
  const answers = p.getByRole("log").locator(".bubble.bot:not(.draft)");
  await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(3);
  expect(await answers.last().textContent()).toMatch(/password/i);
  await p.screenshot({ path: `${SHOTS}/e2e-history-continued-phone.png` });
  // Still two conversations: the chat went on, no new one was opened.
  expect((await historyOf()).length).toBe(2);
  await ctx.close();
});

it("a visitor whose identity is only claimed, not signed, never sees the history", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await p.goto(`${hostUrl}/guest`);
  await p.getByRole("button", { name: "Open support chat" }).click();
  await expect.poll(() => input(p).count(), { timeout: 10_000 }).toBe(1);
  // Give the refused session request time to come back.
  await p.waitForTimeout(1500);
  expect(await panel(p).getByRole("button", { name: "Your conversations" }).count()).toBe(0);
  await ctx.close();
});
