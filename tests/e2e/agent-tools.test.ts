// Working a conversation in two real browsers: the host page identifies its signed-in user with a
// server-made HMAC; the customer asks for a person; the agent sees the packet with the verified
// identity, chats live both ways with typing indicators, writes a private note the customer never
// sees, uses a canned reply, resolves; the widget asks for a rating and the agent sees it.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { identityCanonicalV2 } from "../../shared/api.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, listen, startHarness, type Harness } from "./harness.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

const SITE = "e2e_ident";
const IDENTITY_SECRET = "e2e-identity-secret-0123456789";
const EDITOR = {
  email: "e2e-editor@lumen.example",
  password: "e2e-editor-password",
  name: "Eddie Editor",
  role: "editor",
};
const NOTE = "Private: customer is on the legacy plan, check before refunding";
const USER = { id: "u_4821", email: "dana@example.com", name: "Dana Ruiz", attributes: { plan: "pro" } };

let h: Harness;
let host: Server;
let hostUrl = "";

/** The customer's site renders the signature server-side, as a real integration would. */
function page(workerUrl: string): string {
  const ts = Math.floor(Date.now() / 1000);
  // v2: every field signed, so the name and the plan count too (docs/identity.md).
  const hmac = createHmac("sha256", IDENTITY_SECRET).update(identityCanonicalV2(ts, USER)).digest("hex");
  const call = JSON.stringify(["identify", USER, { hmac, ts }]);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Acme account</title></head><body><h1>Your account</h1>
<script>window.EdgeDesk = window.EdgeDesk || { q: [] }; window.EdgeDesk.q.push(${call});</script>
<script src="${workerUrl}/widget.js" data-site="${SITE}" async></script></body></html>`;
}

beforeAll(async () => {
  h = await startHarness();
  host = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(h.worker.url));
  });
  hostUrl = await listen(host);
  await admin(h.worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "Acme account",
    allowedOrigins: [hostUrl],
    identitySecret: IDENTITY_SECRET,
  });
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), EDITOR);
  // An editor writes the canned reply the agent will use.
  const login = await fetch(`${h.worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(EDITOR),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const canned = await fetch(`${h.worker.url}/api/canned`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", origin: h.worker.url },
    body: JSON.stringify({
      title: "Refund policy",
      shortcut: "refund",
      text: "Refunds are possible within 14 days of purchase.",
    }),
  });
  expect(canned.status).toBe(201);
});
afterAll(async () => {
  // A setup that failed before the host page listened must not hang the teardown.
  if (host) await new Promise((r) => host?.close(r));
  await h?.stop();
});

const log = (p: Page) => p.getByRole("log");
const logText = async (p: Page) => (await log(p).textContent()) ?? "";
const input = (p: Page) => p.getByRole("textbox", { name: /^message$/i });

it("handoff with verified identity, live chat with typing, a private note, resolve and CSAT", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${hostUrl}/account`);
  await customer.getByRole("button", { name: "Open support chat" }).click();
  await input(customer).fill("I want to talk to a person");
  await input(customer).press("Enter");
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toMatch(/connecting you with a person/i);

  // The agent finds it and reads the packet: the identity is there and verified.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /talk to a person/i });
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  await row.click();
  await expect.poll(() => agent.getByTestId("identity-verified").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("packet-identity").getAttribute("data-verified")).toBe("true");
  expect(await agent.getByTestId("identity-name").textContent()).toBe("Dana Ruiz");
  expect(await agent.getByTestId("identity-email").textContent()).toBe("dana@example.com");
  // A verified email makes the customer a contact: the agent sees their other conversations (none yet).
  await expect.poll(() => agent.getByTestId("contact-history").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("contact-history").textContent()).toContain("dana@example.com");
  expect(await agent.getByTestId("identity-unverified").count()).toBe(0);
  expect(await agent.getByTestId("field-unverified").count()).toBe(0);

  // Claim; the customer sees who joined.
  await agent.getByTestId("claim").click();
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toMatch(/Sam Agent joined the chat/);

  // Agent typing shows in the widget; the reply arrives.
  await agent.getByTestId("composer-input").click();
  await agent.keyboard.type("Hi Dana, I'm Sam", { delay: 20 });
  const typingLine = customer.locator(".typing");
  await expect
    .poll(async () => (await typingLine.textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/Sam Agent is typing/);
  await agent.keyboard.press("Enter");
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toContain("Hi Dana, I'm Sam");
  await expect.poll(async () => (await typingLine.textContent()) ?? "").toBe("");

  // Customer typing shows in the console; their message arrives.
  await input(customer).click();
  await customer.keyboard.type("I was charged twice", { delay: 20 });
  await expect.poll(() => agent.getByTestId("customer-typing").count(), { timeout: 10_000 }).toBe(1);
  await customer.keyboard.press("Enter");
  await expect
    .poll(() => agent.getByTestId("transcript").textContent(), { timeout: 10_000 })
    .toContain("I was charged twice");

  // A private note: distinct in the console, never in the widget.
  await agent.getByTestId("composer-mode-note").click();
  expect(await agent.getByTestId("composer").getAttribute("data-mode")).toBe("note");
  await agent.getByTestId("composer-input").fill(NOTE);
  await agent.getByTestId("composer-send").click();
  await expect.poll(() => agent.getByTestId("private-note").count(), { timeout: 10_000 }).toBe(1);
  expect(await agent.getByTestId("private-note").textContent()).toContain(NOTE);

  // A canned reply through the "/" shortcut, then sent as a normal reply.
  await agent.getByTestId("composer-mode-reply").click();
  await agent.getByTestId("composer-input").click();
  await agent.keyboard.press("/");
  await expect.poll(() => agent.getByTestId("canned-picker").count()).toBe(1);
  // As a person does: type once the search box has the caret (under load the picker renders a beat later).
  await expect
    .poll(() => agent.evaluate(() => document.activeElement?.getAttribute("data-testid")))
    .toBe("canned-search");
  await agent.keyboard.type("refund");
  await expect.poll(() => agent.getByTestId("canned-search").inputValue()).toBe("refund");
  await expect.poll(() => agent.getByTestId("canned-item").count()).toBe(1);
  await agent.keyboard.press("Enter");
  await expect
    .poll(() => agent.getByTestId("composer-input").inputValue())
    .toBe("Refunds are possible within 14 days of purchase.");
  await agent.keyboard.press("Enter");
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toContain("Refunds are possible within 14 days");

  // Priority and a label, recorded with who changed them.
  await agent.getByTestId("priority-select").selectOption("high");
  await agent.getByTestId("label-input").fill("billing, double-charge");
  await agent.getByTestId("label-add").click();
  await expect.poll(() => agent.getByTestId("label-chip").count(), { timeout: 10_000 }).toBe(2);
  const changes = agent.getByTestId("change-note");
  await expect.poll(() => changes.filter({ hasText: /^Sam Agent set/ }).count(), { timeout: 10_000 }).toBe(2);
  expect(await changes.allTextContents()).toEqual([
    expect.stringContaining("Customer identified as Dana Ruiz (verified)"),
    expect.stringContaining("Sam Agent set priority to high"),
    expect.stringContaining("Sam Agent set labels to billing, double-charge"),
  ]);

  // Resolve: the widget asks for a rating.
  await agent.getByTestId("resolve").click();
  await expect
    .poll(() => agent.getByTestId("conversation").getAttribute("data-state"), { timeout: 10_000 })
    .toBe("resolved");
  const four = customer.getByRole("button", { name: "4 of 5" });
  await expect.poll(() => four.count(), { timeout: 10_000 }).toBe(1);
  expect(await customer.getByRole("group", { name: "How did we do?" }).count()).toBe(1);
  // Keyboard: focus the stars and pick with Enter.
  await four.focus();
  await customer.keyboard.press("Enter");
  expect(await four.getAttribute("aria-pressed")).toBe("true");
  await customer.getByRole("textbox", { name: /anything to add/i }).fill("Fast and friendly");
  await customer.screenshot({ path: "test-results/e2e-widget-csat.png" });
  await customer.getByRole("button", { name: "Send rating" }).click();
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toContain("Thanks for your feedback!");

  // The agent sees the rating, and marks the handoff as needed.
  await expect.poll(() => agent.getByTestId("csat").getAttribute("data-score"), { timeout: 10_000 }).toBe("4");
  expect(await agent.getByTestId("csat-comment").textContent()).toContain("Fast and friendly");
  await expect.poll(() => agent.getByTestId("csat-note").count(), { timeout: 10_000 }).toBe(1);
  await agent.getByTestId("needed-yes").click();
  await expect
    .poll(() => agent.getByTestId("handoff-needed").getAttribute("data-value"), { timeout: 10_000 })
    .toBe("true");

  // Nothing private ever reached the customer's page, not even after a reload (a full replay).
  const everything = async () =>
    customer.evaluate(() => document.querySelector("edgedesk-widget")?.shadowRoot?.textContent ?? "");
  expect(await everything()).not.toContain(NOTE);
  expect(await everything()).not.toContain("double-charge");
  await customer.reload();
  await expect.poll(() => log(customer).count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => logText(customer), { timeout: 10_000 }).toContain("Refunds are possible");
  expect(await everything()).not.toContain(NOTE);
  // The rating is remembered: no second prompt.
  expect(await customer.getByRole("button", { name: "4 of 5" }).count()).toBe(0);
  // The reload identified the customer again with the same claims: no second identity entry.
  await agent.waitForTimeout(1000);
  expect(await agent.getByTestId("change-note").filter({ hasText: "Customer identified" }).count()).toBe(1);

  await agent.screenshot({ path: "test-results/e2e-agent-tools.png" });
  await customer.screenshot({ path: "test-results/e2e-widget-after-rating.png" });
  await customerCtx.close();
  await agentCtx.close();
});
