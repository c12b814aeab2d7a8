// An owner in Chromium against `wrangler dev`: Settings → Privacy finds a customer's conversation by
// address, downloads the export (a real zip with the contact and the conversation), erases it with the
// address typed twice (the REST API then answers 404, the audit trail says what happened without the
// address), sets retention; Operations charts the requests that just happened from local metrics.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { unzip } from "../../worker/privacy/zip.ts";
import { startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = {
  email: "e2e-privacy-owner@lumen.example",
  password: "e2e-owner-password",
  name: "Olga Owner",
  role: "owner",
};
const CUSTOMER = "pia.privacy@example.com";

let h: Harness;
let key = "";
let conversation = "";
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  key = (await admin<{ key: string }>(h.worker, "POST", inDemo("/admin/v1/api-keys"), { name: "e2e" })).key;
  const rest = (path: string, body: unknown) =>
    fetch(`${h.worker.url}/rest/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const created = await rest("/conversations", {
    locale: "en",
    customer: { id: "u_pia", email: CUSTOMER, name: "Pia" },
  });
  conversation = ((await created.json()) as { id: string }).id;
  expect((await rest(`/conversations/${conversation}/messages`, { text: "Where is my invoice?" })).status).toBe(200);
}, 120_000);
afterAll(async () => h?.stop());

it("privacy: find → download the archive → erase with the address typed twice → retention", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await p.getByTestId("nav-settings-privacy").click();
  await p.getByLabel("Customer's email address").fill(CUSTOMER.toUpperCase());
  await p.getByTestId("privacy-find-submit").click();
  const row = p.locator(`[data-testid=privacy-conversations] tr[data-id="${conversation}"]`);
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  expect(await row.textContent()).toContain("contact, identify()");

  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("privacy-export").click()]);
  expect(download.suggestedFilename()).toMatch(/^contact-export-\d{4}-\d\d-\d\d\.zip$/);
  const files = unzip(new Uint8Array(readFileSync((await download.path()) as string)));
  expect([...files.keys()]).toEqual(
    expect.arrayContaining(["manifest.json", "contact.json", `conversations/${conversation}/conversation.json`]),
  );
  expect(new TextDecoder().decode(files.get(`conversations/${conversation}/conversation.json`))).toContain(
    "Where is my invoice?",
  );
  await p.screenshot({ path: `${SHOTS}/e2e-privacy-found.png`, fullPage: true });

  await p.getByTestId("privacy-erase").click();
  await p.getByTestId("privacy-confirm").fill("someone.else@example.com");
  await p.getByTestId("privacy-erase-confirm").click();
  await expect
    .poll(() => p.getByTestId("privacy-error").textContent(), { timeout: 10_000 })
    .toContain("does not match");
  await p.getByTestId("privacy-confirm").fill(CUSTOMER);
  await p.getByTestId("privacy-erase-confirm").click();
  await expect
    .poll(() => p.getByTestId("privacy-erased").textContent(), { timeout: 15_000 })
    .toMatch(/^Erased: 1 conversation/);
  const gone = await fetch(`${h.worker.url}/rest/v1/conversations/${conversation}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(gone.status).toBe(404);
  const trail = p.getByTestId("privacy-audit");
  await expect.poll(() => trail.textContent(), { timeout: 10_000 }).toContain("Erased a contact: 1 conversation");
  expect(await trail.textContent()).not.toContain(CUSTOMER);

  await p.getByTestId("privacy-keep").uncheck();
  await p.getByTestId("privacy-days").fill("90");
  await p.getByTestId("privacy-mode").selectOption("anonymise");
  await p.getByTestId("privacy-retention-save").click();
  await expect
    .poll(() => p.getByTestId("privacy-retention-now").textContent(), { timeout: 10_000 })
    .toContain("quiet for 90 days are anonymised");
  await p.screenshot({ path: `${SHOTS}/e2e-privacy-erased.png`, fullPage: true });
  await ctx.close();
});

it("operations: the requests just made, by route, from local metrics", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-ops").click();
  await p.locator("[data-testid=ops][data-loaded=true]").waitFor({ timeout: 15_000 });
  expect(await p.getByTestId("ops-source").textContent()).toContain("Local metrics (D1)");
  const requests = Number(await p.getByTestId("ops-tile-requests").locator(".tile-value").textContent());
  expect(requests).toBeGreaterThan(5);
  // The busiest twelve: the privacy page this test just used is among them (one erase call may not be).
  expect(await p.getByTestId("ops-route-table").textContent()).toMatch(/(GET|POST) \/api\/privacy\//);
  expect(await p.getByTestId("ops-errors-none").count()).toBe(1);
  await p.getByTestId("ops-window-day").click();
  await p.locator("[data-testid=ops][data-loaded=true]").waitFor({ timeout: 15_000 });
  await p.screenshot({ path: `${SHOTS}/e2e-operations.png`, fullPage: true });
  await ctx.close();
});
