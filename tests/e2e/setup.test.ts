// First run in a real browser, from an empty deployment: the console opens set-up (not sign-in), the
// owner creates the workspace and lands on the checklist with nothing ticked; each step ticks from what
// the worker stores: the origin added on the page, articles published, a teammate, and the widget on
// the owner's own site (another origin) opened and sent a message. Screenshots go to docs/img/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { admin } from "../../scripts/lib/worker.ts";
import { startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { seed: false });
});
afterAll(async () => h?.stop());

const done = (p: Page, id: string) => p.getByTestId(`step-${id}`).getAttribute("data-done");
const shot = (p: Page, name: string) => p.screenshot({ path: `docs/img/${name}.png`, fullPage: true });

it("sets up an empty deployment and ticks the checklist from real state", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const owner = await ctx.newPage();
  await owner.goto(`${h.worker.url}/console/`);
  await owner.getByTestId("setup-form").waitFor();
  expect(await owner.getByTestId("login-form").count()).toBe(0);

  // A wrong token is refused at its field, and nothing is created.
  await owner.getByTestId("setup-setupToken").fill("not-the-token");
  await owner.getByTestId("setup-workspaceName").fill("Acme Support");
  expect(await owner.getByTestId("setup-address").inputValue()).toBe("acme-support");
  await owner.getByTestId("setup-ownerName").fill("Ada Owner");
  await owner.getByTestId("setup-email").fill("ada@acme.example");
  await owner.getByTestId("setup-password").fill("a long enough password");
  await owner.getByTestId("setup-submit").click();
  await owner.getByTestId("setup-setupToken-error").waitFor();
  const none = await admin<{ workspaces: unknown[] }>(h.worker, "GET", "/admin/v1/workspaces");
  expect(none.workspaces).toEqual([]);

  await owner.getByTestId("setup-setupToken").fill(h.worker.adminToken);
  await shot(owner, "setup");
  await owner.getByTestId("setup-submit").click();

  // Signed in as the owner, on the checklist, nothing done yet.
  await owner.locator("[data-testid=checklist][data-loaded=true]").waitFor();
  expect(owner.url()).toContain("#/start");
  expect(await owner.getByTestId("checklist-progress").textContent()).toBe("0 of 5 done");
  for (const id of ["origin", "embed", "articles", "teammate", "message"]) expect(await done(owner, id)).toBe("false");

  // 1. The owner's site's origin, added right here.
  await owner.getByTestId("origin-input").fill("not an origin");
  await owner.getByTestId("origin-add").click();
  await owner.getByTestId("origin-error").waitFor();
  await owner.getByTestId("origin-input").fill(h.hostUrl);
  await owner.getByTestId("origin-add").click();
  await expect.poll(() => done(owner, "origin"), { timeout: 10_000 }).toBe("true");

  // 2. The embed tag names the site the set-up made.
  const tag = (await owner.getByTestId("embed-tag").textContent()) ?? "";
  const key = /data-site="([\w-]+)"/.exec(tag)?.[1] ?? "";
  expect(key).toMatch(/^site_/);
  expect(tag).toContain(`${h.worker.url}/widget.js`);

  // 3 and 4: articles and a teammate, through the API a console page or script would use.
  await admin(h.worker, "PUT", "/admin/v1/kb/articles?workspace=acme-support", {
    articles: [{ id: "returns", title: "Returns", body: "Send shoes back within 30 days for a full refund." }],
  });
  await admin(h.worker, "POST", "/admin/v1/agents?workspace=acme-support", {
    email: "sam@acme.example",
    name: "Sam",
    password: "another long password",
  });
  await owner.getByTestId("checklist-refresh").click();
  await expect.poll(() => done(owner, "articles"), { timeout: 10_000 }).toBe("true");
  await expect.poll(() => done(owner, "teammate"), { timeout: 10_000 }).toBe("true");
  expect(await done(owner, "embed")).toBe("false");
  await shot(owner, "checklist-progress");

  // 5. The widget on the owner's site (another origin), opened and sent a message.
  const customer = await (await h.browser.newContext()).newPage();
  await customer.goto(`${h.hostUrl}/?site=${key}`);
  const launcher = customer.locator("button[aria-label='Open support chat']");
  await launcher.click();
  const input = customer.getByRole("textbox", { name: /message/i });
  await input.fill("Can I return shoes?");
  await input.press("Enter");
  await customer.getByRole("log").getByText("Can I return shoes?").waitFor({ timeout: 15_000 });

  await expect
    .poll(
      async () => {
        await owner.getByTestId("checklist-refresh").click();
        return owner.getByTestId("checklist-progress").textContent();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe("5 of 5 done");
  expect(await done(owner, "embed")).toBe("true");
  expect(await done(owner, "message")).toBe("true");
  await shot(owner, "checklist");

  // Settings → Workspace: renamed, and the checklist's heading follows.
  await owner.goto(`${h.worker.url}/console/#/settings/workspace`);
  await expect.poll(() => owner.getByTestId("workspace-name").inputValue()).toBe("Acme Support");
  await owner.getByTestId("workspace-name").fill("Acme Help");
  await owner.getByTestId("workspace-rename-save").click();
  await expect.poll(() => owner.getByTestId("workspace-message").textContent()).toBe("Renamed to Acme Help.");
  await shot(owner, "workspace-settings");

  // Set-up is closed now: a second browser gets sign-in.
  const stranger = await (await h.browser.newContext()).newPage();
  await stranger.goto(`${h.worker.url}/console/`);
  await stranger.getByTestId("login-form").waitFor();
  expect(await stranger.getByTestId("setup-form").count()).toBe(0);
});
