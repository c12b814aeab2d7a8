// The whole path a new site owner takes (issue 16), in Chromium against `wrangler dev` on EMPTY state,
// through the console's own pages only: set-up → the shop's origin on the checklist → the embed tag
// copied (clipboard) into the shop's page, on a second origin → the help centre imported from a zip of
// Markdown → the first customer question on the shop answered by the bot → a teammate invited from
// Settings → People accepts in a second browser context, signs in and claims the customer's handoff.
//
// It counts what the owner and the customer do up to the first answer (clicks, fields filled, files
// chosen) and how long it took, printed as `[first-answer e2e] {…}`. Screenshots of each settings page
// and the finished checklist go to E2E_SCREENSHOTS (default test-results/first-answer).
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { zip } from "../../worker/privacy/zip.ts";
import { joinWhenQueued, mailedLink } from "./desk.ts";
import { type Harness, listen, startHarness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results/first-answer";
const OWNER = { name: "Nia Owner", email: "nia@northwind.example", password: "nia's long password" };
const MATE = { email: "omar@northwind.example", name: "Omar Mate", password: "omar's own password" };

let h: Harness;
let shop: Server;
let shopUrl = "";
/** The shop's page holds whatever the owner pasted from the console: nothing until then. */
let pasted = "";

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startHarness({}, { seed: false });
  shop = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Northwind shop</title></head>
<body><h1>Northwind shop</h1>${pasted}</body></html>`);
  });
  // The shop's own origin: `localhost`, where the worker and the harness's host page are on 127.0.0.1.
  shopUrl = (await listen(shop)).replace("127.0.0.1", "localhost");
});
afterAll(async () => {
  await new Promise<void>((r) => (shop ? shop.close(() => r()) : r()));
  await h?.stop();
});

/** What a person does, counted: every click, every field filled, every file chosen. */
const acts = { clicks: 0, fields: 0, files: 0 };
const click = async (p: Page, id: string) => (acts.clicks++, p.getByTestId(id).click());
const fill = async (p: Page, id: string, v: string) => (acts.fields++, p.getByTestId(id).fill(v));
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

async function context(): Promise<{ ctx: BrowserContext; p: Page }> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  return { ctx, p: await ctx.newPage() };
}

/** The help centre as a content team keeps it: the repository's demo articles, zipped. */
function helpCentreZip(): Uint8Array {
  const files = readdirSync("kb").filter((f) => f.endsWith(".md") && f !== "README.md");
  return zip(files.map((f) => ({ name: `help/${f}`, data: readFileSync(`kb/${f}`, "utf8") })));
}

const inviteLink = (to: string): string | null => mailedLink(h.worker, to, "invite")?.url ?? null;

const bots = (p: Page) => p.getByRole("log").locator(".bubble.bot");

let owner: { ctx: BrowserContext; p: Page };
let customer: { ctx: BrowserContext; p: Page };

it("empty deployment → set-up → origin → embed on the shop → articles → first answer on the shop's origin", async () => {
  const started = Date.now();
  owner = await context();
  await owner.ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.worker.url });
  const o = owner.p;
  await o.goto(`${h.worker.url}/console/`);

  // Set-up: the deployment's token, the workspace, the first owner.
  await fill(o, "setup-setupToken", h.worker.adminToken);
  await fill(o, "setup-workspaceName", "Northwind");
  await fill(o, "setup-ownerName", OWNER.name);
  await fill(o, "setup-email", OWNER.email);
  await fill(o, "setup-password", OWNER.password);
  await click(o, "setup-submit");
  await o.locator("[data-testid=checklist][data-loaded=true]").waitFor();

  // 1. The shop's origin, on the checklist.
  await fill(o, "origin-input", shopUrl);
  await click(o, "origin-add");
  await expect.poll(() => o.getByTestId("step-origin").getAttribute("data-done"), { timeout: 10_000 }).toBe("true");

  // 2. The embed tag, copied with its button and pasted into the shop's page.
  await click(o, "embed-copy");
  pasted = await o.evaluate(() => navigator.clipboard.readText());
  expect(pasted).toMatch(/<script src="[^"]+\/widget\.js" data-site="site_[\w-]+"/);

  // 3. The help centre: Knowledge → Import → a zip of Markdown → preview → publish.
  await click(o, "step-articles-link");
  await click(o, "kb-tab-import");
  await o.getByTestId("import-source").selectOption("markdown-zip");
  acts.fields++;
  await o
    .getByTestId("import-file")
    .setInputFiles({ name: "help-centre.zip", mimeType: "application/zip", buffer: Buffer.from(helpCentreZip()) });
  acts.files++;
  await click(o, "import-preview-button");
  await expect.poll(() => o.getByTestId("import-row").count(), { timeout: 10_000 }).toBeGreaterThan(20);
  await shot(o, "import-preview");
  await click(o, "import-apply-publish");
  await expect
    .poll(() => o.getByTestId("publish-progress").getAttribute("data-status"), { timeout: 90_000 })
    .toBe("done");

  // 4. A customer on the shop (its own origin) asks; the bot answers from the imported article.
  customer = await context();
  const c = customer.p;
  await c.goto(shopUrl);
  acts.clicks++;
  await c.locator("button[aria-label='Open support chat']").click();
  const before = await bots(c).count();
  acts.fields++;
  await c.getByRole("textbox", { name: /message/i }).fill("I forgot my password, how do I reset it?");
  await c.getByRole("textbox", { name: /message/i }).press("Enter");
  await expect.poll(() => bots(c).count(), { timeout: 20_000 }).toBeGreaterThan(before);
  await expect
    .poll(
      () =>
        c
          .getByRole("log")
          .getByRole("link", { name: /password/i })
          .count(),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  const firstAnswerMs = Date.now() - started;
  console.log(`[first-answer e2e] ${JSON.stringify({ ...acts, firstAnswerMs })}`);
  await shot(c, "shop-first-answer");

  // The checklist, from real state: four of five (nobody invited yet).
  await o.goto(`${h.worker.url}/console/#/start`);
  await expect
    .poll(
      async () => {
        await o.getByTestId("checklist-refresh").click();
        return o.getByTestId("checklist-progress").textContent();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe("4 of 5 done");
  expect(await o.getByTestId("step-teammate").getAttribute("data-done")).toBe("false");
});

it("a teammate invited from Settings → People accepts in another browser, signs in and claims the handoff", async () => {
  const o = owner.p;
  await o.goto(`${h.worker.url}/console/#/settings/people`);
  await o.getByTestId("invite-form").waitFor();
  await o.getByTestId("invite-email").fill(MATE.email);
  await o.getByTestId("invite-send").click();
  await o.getByTestId("invite-sent").waitFor();
  await expect.poll(() => inviteLink(MATE.email), { timeout: 10_000 }).not.toBeNull();
  await expect
    .poll(
      async () => {
        await o.goto(`${h.worker.url}/console/#/start`);
        await o.getByTestId("checklist-refresh").click();
        return o.getByTestId("checklist-progress").textContent();
      },
      { timeout: 15_000, interval: 1000 },
    )
    .toBe("5 of 5 done");
  await shot(o, "checklist-done");

  // Every settings page an owner has, for the closing note.
  for (const [page, ready] of [
    ["sites", "sites-list"],
    ["people", "people-list"],
    ["appearance", "look-preview"],
    ["workspace", "workspace-name"],
  ] as const) {
    await o.goto(`${h.worker.url}/console/#/settings/${page}`);
    await o.getByTestId(ready).waitFor({ timeout: 10_000 });
    await shot(o, `settings-${page}`);
  }
  // The owner leaves: the handoff can only go to the teammate.
  await owner.ctx.close();

  const mate = await context();
  await mate.p.goto(inviteLink(MATE.email) as string);
  await mate.p.getByTestId("invite-accept").waitFor();
  await mate.p.getByTestId("link-name").fill(MATE.name);
  await mate.p.getByTestId("link-password").fill(MATE.password);
  await mate.p.getByTestId("link-again").fill(MATE.password);
  await mate.p.getByTestId("link-submit").click();
  await expect.poll(() => mate.p.getByTestId("agent-name").textContent(), { timeout: 10_000 }).toBe(MATE.name);
  // Signs in again with the password they chose, as they will tomorrow.
  await mate.p.getByTestId("logout").click();
  await signIn(mate.p, h.worker.url, MATE);
  await mate.p.getByTestId("inbox-list").or(mate.p.getByTestId("inbox-empty")).first().waitFor();

  // The customer asks for a person; the teammate claims the conversation and the customer sees them.
  const c = customer.p;
  await c.getByRole("button", { name: /talk to a person/i }).click();
  await expect
    .poll(async () => (await c.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/connecting you with a person/i);
  const row = mate.p.getByTestId("inbox-row").filter({ hasText: /password/i });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await joinWhenQueued(row, mate.p.getByTestId("row-claim"));
  await expect
    .poll(async () => (await c.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/Omar Mate/);
  // The teammate reads the whole context: the customer's question and the bot's answer are in the packet's transcript.
  await row.click();
  await expect
    .poll(async () => (await mate.p.locator("main").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/forgot my password/i);
  await mate.ctx.close();
  await customer.ctx.close();
});
