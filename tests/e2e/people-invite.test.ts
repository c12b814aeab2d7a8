// People in Chromium against `wrangler dev` (issue 16): an owner invites a teammate by email from
// Settings → People; the teammate, in a second browser context, opens the link from the mail wrangler
// dev wrote (its log holds only the file's path, never the token), chooses a name and password, is
// signed in, signs out and in again, and claims a customer's handoff. Then the owner emails the
// teammate a reset link: the teammate's open console drops to sign-in when the new password is set.
// Screenshots go to test-results/ (E2E_SCREENSHOTS=docs/img refreshes the docs' own).
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { joinWhenQueued, mailedLink } from "./desk.ts";
import { startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = {
  email: "e2e-people-owner@lumen.example",
  password: "e2e-people-owner-pw",
  name: "Olga Owner",
  role: "owner",
};
const MATE = { email: "new.teammate@lumen.example", name: "Teo Teammate", password: "teo's own password" };

let h: Harness;
const problems: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
});
afterAll(async () => h?.stop());

async function context(): Promise<{ ctx: BrowserContext; p: Page }> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  p.on("pageerror", (e) => problems.push(String(e)));
  return { ctx, p };
}

const linkTo = (to: string, kind: "invite" | "reset") => mailedLink(h.worker, to, kind);

let mate: { ctx: BrowserContext; p: Page };
let owner: { ctx: BrowserContext; p: Page };

it("an owner invites a teammate; the teammate accepts from the mailed link, signs in and claims a handoff", async () => {
  owner = await context();
  await signIn(owner.p, h.worker.url, OWNER);
  await owner.p.getByTestId("agent-name").waitFor();
  await owner.p.goto(`${h.worker.url}/console/#/settings/people`);
  await owner.p.getByTestId("invite-form").waitFor();
  await owner.p.getByTestId("invites-empty").waitFor();
  await owner.p.getByTestId("invite-email").fill(MATE.email);
  await owner.p.getByLabel("Teams (optional, comma-separated)").fill("support");
  await owner.p.getByTestId("invite-send").click();
  await owner.p.getByTestId("invite-sent").waitFor();
  await owner.p.locator(`[data-testid="invite"][data-email="${MATE.email}"]`).waitFor();
  await owner.p.screenshot({ path: `${SHOTS}/people-invite.png`, fullPage: true });

  await expect.poll(() => linkTo(MATE.email, "invite"), { timeout: 10_000 }).not.toBeNull();
  const link = linkTo(MATE.email, "invite") as { url: string; token: string };
  expect(link.url).toBe(`${h.worker.url}/console/#/invite/${link.token}`);
  // The token is only in the mail: not in wrangler's log (requests, the mail's path) nor on the owner's page.
  expect(h.worker.log()).not.toContain(link.token);
  expect(await owner.p.content()).not.toContain(link.token);

  mate = await context();
  await mate.p.goto(link.url);
  await mate.p.getByTestId("invite-accept").waitFor();
  expect(await mate.p.getByTestId("invite-email").textContent()).toBe(MATE.email);
  // Off the address bar (and so the history) as soon as it is read.
  expect(mate.p.url()).not.toContain(link.token);
  await mate.p.getByTestId("link-name").fill(MATE.name);
  await mate.p.getByTestId("link-password").fill(MATE.password);
  await mate.p.getByTestId("link-again").fill(MATE.password);
  await mate.p.screenshot({ path: `${SHOTS}/people-accept.png` });
  await mate.p.getByTestId("link-submit").click();
  await expect.poll(() => mate.p.getByTestId("agent-name").textContent(), { timeout: 10_000 }).toBe(MATE.name);

  // The link works once: opened again, it says so.
  const again = await context();
  await again.p.goto(link.url);
  await again.p.getByTestId("invite-refused").waitFor();
  expect(await again.p.getByTestId("invite-refused").textContent()).toMatch(/already accepted/i);
  await again.ctx.close();

  // Signs out and in again with the password they chose.
  await mate.p.getByTestId("logout").click();
  await signIn(mate.p, h.worker.url, MATE);
  await mate.p.getByTestId("inbox-list").or(mate.p.getByTestId("inbox-empty")).first().waitFor();

  // A customer on the shop's site asks for a person; the teammate claims it.
  const customer = await context();
  await customer.p.goto(`${h.hostUrl}/`);
  await customer.p.locator("button[aria-label='Open support chat']").click();
  const input = customer.p.getByRole("textbox", { name: /^message$/i });
  await input.fill("I want to talk to a person about my invoice");
  await input.press("Enter");
  await expect
    .poll(async () => (await customer.p.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/connecting you with a person/i);
  const row = mate.p.getByTestId("inbox-row").filter({ hasText: /invoice/i });
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  // Routing gave it to the teammate (the only one online); they join it.
  await joinWhenQueued(row, mate.p.getByTestId("row-claim"));
  await expect
    .poll(async () => (await customer.p.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/Teo Teammate/);
  await customer.ctx.close();

  // The owner sees the teammate in the list with the invited team; the invitation is no longer open.
  await owner.p.reload();
  const person = owner.p.locator(`[data-testid="person"][data-email="${MATE.email}"]`);
  await person.waitFor();
  expect(await person.getByTestId("person-routing").textContent()).toMatch(/Teams support · Capacity 5 \(default\)/);
  await owner.p.getByTestId("invites-empty").waitFor();
  await expect
    .poll(async () => (await owner.p.getByTestId("audit-table").textContent()) ?? "")
    .toMatch(/invite accepted/);
});

it("an owner sets the teammate's capacity and emails a reset link; the new password ends the teammate's open console", async () => {
  const person = owner.p.locator(`[data-testid="person"][data-email="${MATE.email}"]`);
  await person.getByTestId("person-routing-edit").click();
  await person.getByTestId("routing-capacity").fill("2");
  await person.getByTestId("routing-save").click();
  await expect.poll(() => person.getByTestId("person-routing").textContent()).toMatch(/Capacity 2$/);
  await person.getByTestId("person-reset-link").click();
  await expect.poll(() => linkTo(MATE.email, "reset"), { timeout: 10_000 }).not.toBeNull();
  await expect
    .poll(async () => (await owner.p.getByTestId("audit-table").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/password reset sent/);
  await owner.p.screenshot({ path: `${SHOTS}/people-list.png`, fullPage: true });
  const link = linkTo(MATE.email, "reset") as { url: string; token: string };
  expect(h.worker.log()).not.toContain(link.token);

  const other = await context();
  await other.p.goto(link.url);
  await other.p.getByTestId("reset-form").waitFor();
  await other.p.getByTestId("link-password").fill("teo's newer password");
  await other.p.getByTestId("link-again").fill("teo's newer password");
  await other.p.screenshot({ path: `${SHOTS}/people-reset.png` });
  await other.p.getByTestId("link-submit").click();
  await other.p.getByTestId("reset-done").waitFor();
  // Every session of the teammate ended: their open console goes back to sign-in.
  await mate.p.getByTestId("login-form").waitFor({ timeout: 15_000 });
  await signIn(other.p, h.worker.url, { email: MATE.email, password: "teo's newer password" });
  await expect.poll(() => other.p.getByTestId("agent-name").textContent(), { timeout: 10_000 }).toBe(MATE.name);
  await other.ctx.close();
  await mate.ctx.close();
  await owner.ctx.close();
  expect(problems).toEqual([]);
});
