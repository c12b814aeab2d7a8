// Settings → API keys in Chromium against `wrangler dev`: an owner creates a key, sees it once, uses
// it on the REST API, finds it listed (prefix only, last use) after a reload, revokes it, and the key
// stops working on `/rest/v1`. An agent sees neither the link nor the page's data.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "e2e-owner@lumen.example", password: "e2e-owner-password", name: "Olga Owner", role: "owner" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
});
afterAll(async () => h?.stop());

/** Starts a REST conversation with the key, as a customer's backend would; the status tells whether the key works. */
const restStatus = async (key: string) =>
  (
    await fetch(`${h.worker.url}/rest/v1/conversations`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en" }),
    })
  ).status;

const focusedTestId = (p: Page) =>
  p.evaluate(
    () =>
      document.activeElement?.closest("[data-testid]")?.getAttribute("data-testid") ??
      document.activeElement?.tagName ??
      "",
  );

it("owner: create → the key shown once → it works → listed after a reload → revoke → it stops working", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await p.getByTestId("nav-settings-api-keys").click();
  await expect.poll(() => p.getByTestId("api-keys-empty").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("nav-settings-api-keys").getAttribute("aria-current")).toBe("page");

  // An empty name is refused at the field, before any request.
  await p.getByTestId("api-key-create").click();
  expect(await p.getByTestId("api-key-name-error").textContent()).toBe("name the key (what uses it)");
  expect(await p.getByTestId("api-key-name").getAttribute("aria-invalid")).toBe("true");

  await p.getByLabel("Key name").fill("Mobile app");
  await p.getByLabel("Key name").press("Enter");
  const secret = p.getByTestId("api-key-secret-value");
  await expect.poll(() => secret.count(), { timeout: 10_000 }).toBe(1);
  const key = ((await secret.textContent()) ?? "").trim();
  expect(key).toMatch(/^ek_[\w-]{32}$/);
  // Focus lands on the new key's box, so nobody misses it.
  await expect.poll(() => focusedTestId(p)).toBe("api-key-secret");
  const row = p.getByTestId("api-key").filter({ hasText: "Mobile app" });
  expect(await row.getByTestId("api-key-prefix").textContent()).toBe(`${key.slice(0, 10)}…`);
  expect(await row.getByTestId("api-key-use").textContent()).toBe("Never used");
  await p.screenshot({ path: `${SHOTS}/e2e-api-keys-created.png` });

  expect(await restStatus(key)).toBe(201);

  // Dismissed, or after a reload, the key is never shown again: only its prefix and its last use.
  await p.getByTestId("api-key-secret-done").click();
  expect(await p.getByTestId("api-key-secret").count()).toBe(0);
  await p.reload();
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  expect(await p.locator("main").textContent()).not.toContain(key);
  expect(await row.getByTestId("api-key-use").textContent()).toMatch(/^Last used /);
  expect(await row.getAttribute("data-revoked")).toBe("false");

  // Revoke asks first; Cancel is the default.
  await row.getByTestId("api-key-revoke").click();
  await expect.poll(() => focusedTestId(p)).toBe("api-key-revoke-cancel");
  await p.screenshot({ path: `${SHOTS}/e2e-api-keys-revoke.png` });
  await row.getByTestId("api-key-revoke-confirm").click();
  await expect.poll(() => row.getAttribute("data-revoked"), { timeout: 10_000 }).toBe("true");
  expect(await row.getByTestId("api-key-use").textContent()).toMatch(/^Revoked /);
  expect(await row.getByTestId("api-key-revoke").count()).toBe(0);
  expect(await p.getByTestId("announcer").textContent()).toContain("revoked");

  // Immediate in the isolate that revoked it, within 30 s in any other (keys are cached per isolate).
  await expect.poll(() => restStatus(key), { timeout: 35_000, interval: 1000 }).toBe(401);
  await ctx.close();
});

it("an agent has no API keys link, and the page neither shows nor calls anything", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  const calls: string[] = [];
  p.on("request", (r) => void (r.url().includes("/api/api-keys") && calls.push(r.url())));
  await signIn(p, h.worker.url, AGENT);
  await expect.poll(() => p.getByTestId("agent-name").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("nav-integrations").count()).toBe(0);
  await p.goto(`${h.worker.url}/console/#/settings/api-keys`);
  await expect.poll(() => p.getByTestId("api-keys-forbidden").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("api-key-form").count()).toBe(0);
  expect(calls).toEqual([]);
  // And the API refuses the agent's session, whatever the page does.
  const status = await p.evaluate(async () => (await fetch("/api/api-keys", { credentials: "same-origin" })).status);
  expect(status).toBe(403);
  await ctx.close();
});
