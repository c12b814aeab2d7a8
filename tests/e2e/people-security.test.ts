// People and account security in Chromium against `wrangler dev` (docs/security.md): an owner sets up
// two-factor sign-in from the secret the page shows and signs in again with a code; requires it for
// the workspace, so an agent can only enrol; disables the agent, whose open console drops to the
// sign-in page at once. No page breaks the Content-Security-Policy on the way.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { base32Decode, hotp, stepAt } from "../../worker/auth/totp.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER = { email: "e2e-security@lumen.example", password: "e2e-security-owner", name: "Sol Owner", role: "owner" };

let h: Harness;
const violations: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
});
afterAll(async () => h?.stop());

async function page(): Promise<{ ctx: BrowserContext; p: Page }> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  p.on("pageerror", (e) => violations.push(String(e)));
  return { ctx, p };
}

const code = (secret: string, offset: number) =>
  hotp(base32Decode(secret.replace(/\s/g, "")) as Uint8Array, stepAt(Date.now() / 1000) + offset);

let secret = "";
let recovery: string[] = [];

it("an owner sets up two-factor from the page and signs in with a code", async () => {
  const { ctx, p } = await page();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("nav-integrations").waitFor();
  await p.goto(`${h.worker.url}/console/#/settings/security`);
  await p.getByTestId("two-factor-start").click();
  secret = (await p.getByTestId("totp-secret").textContent()) ?? "";
  expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
  expect(await p.getByTestId("totp-uri").inputValue()).toMatch(/^otpauth:\/\/totp\/EdgeDesk:/);
  await p.getByTestId("two-factor-code").fill(await code(secret, 0));
  await p.getByTestId("two-factor-enable").click();
  await expect.poll(() => p.getByTestId("recovery-codes").locator("li").count()).toBe(10);
  recovery = await p.getByTestId("recovery-codes").locator("li").allTextContents();
  await p.screenshot({ path: `${SHOTS}/e2e-security-recovery-codes.png` });
  await p.getByTestId("recovery-codes-done").click();
  await p.getByTestId("two-factor-on").waitFor();

  await p.getByTestId("logout").click();
  await signIn(p, h.worker.url, OWNER);
  await p.getByTestId("login-code").fill("000000");
  await p.getByTestId("login-code-submit").click();
  await p.getByTestId("login-code-error").waitFor();
  await p.getByTestId("login-code").fill(await code(secret, 1));
  await p.getByTestId("login-code-submit").click();
  await p.getByTestId("nav-integrations").waitFor();
  await ctx.close();
});

it("requiring two-factor leaves an agent only the enrolment page; disabling them closes their console", async () => {
  const owner = await page();
  await signIn(owner.p, h.worker.url, OWNER);
  // The app's codes were used up to the next step a moment ago; a recovery code works at once.
  await owner.p.getByTestId("login-code").fill(recovery[0] as string);
  await owner.p.getByTestId("login-code-submit").click();
  await owner.p.getByTestId("nav-integrations").waitFor();
  await owner.p.goto(`${h.worker.url}/console/#/settings/people`);
  const agentRow = owner.p.locator(`[data-testid="person"][data-email="${AGENT.email}"]`);
  await agentRow.waitFor();

  // The agent is working in the console before the rule changes.
  const agent = await page();
  await signIn(agent.p, h.worker.url, AGENT);
  await agent.p.getByTestId("availability-toggle").and(agent.p.locator(":enabled")).waitFor({ timeout: 15_000 });

  await owner.p.getByTestId("require-two-factor").check();
  await expect.poll(() => owner.p.getByTestId("require-two-factor").isChecked()).toBe(true);
  // A fresh load: the agent sees only the enrolment screen.
  await agent.p.reload();
  await agent.p.getByTestId("security-page").waitFor();
  await agent.p.getByTestId("two-factor-start").waitFor();
  expect(await agent.p.getByTestId("nav-inbox").count()).toBe(0);
  await agent.p.screenshot({ path: `${SHOTS}/e2e-security-enrol-required.png` });

  // Offboarding: disabled, the agent's open page goes back to sign-in without a reload.
  await owner.p.getByTestId("require-two-factor").uncheck();
  await expect.poll(() => owner.p.getByTestId("require-two-factor").isChecked()).toBe(false);
  await agent.p.reload();
  await agent.p.getByTestId("availability-toggle").and(agent.p.locator(":enabled")).waitFor({ timeout: 15_000 });
  await agentRow.getByTestId("person-disable").click();
  await expect.poll(() => agentRow.textContent()).toMatch(/Disabled/);
  await agent.p.getByTestId("login-form").waitFor({ timeout: 15_000 });
  expect(await agent.p.getByTestId("login-error").textContent()).toMatch(/session has ended/i);
  await owner.p.screenshot({ path: `${SHOTS}/e2e-security-people.png`, fullPage: true });
  // The audit log on the same page names what happened.
  await owner.p.reload();
  await owner.p.getByTestId("audit-table").waitFor();
  const log = (await owner.p.getByTestId("audit-table").textContent()) ?? "";
  expect(log).toMatch(/agent updated: disabled false → true/);
  expect(log).toMatch(/workspace security: requireTwoFactor false → true/);
  await owner.ctx.close();
  await agent.ctx.close();
});

it("broke no Content-Security-Policy rule on any page", () => {
  expect(violations).toEqual([]);
});
