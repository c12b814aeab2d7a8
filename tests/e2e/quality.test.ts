// Quality review in a real browser (docs/quality-review.md): an agent answers a handed-off customer and
// resolves; the conversation is scored on its own; the owner reviews the sample on the Quality page,
// gives their own score with a comment and sees the disagreement count; the agent sees the override on
// their own scorecard and nobody else's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const LEAD = {
  email: "e2e-quality-lead@lumen.example",
  password: "e2e-quality-lead-pw",
  name: "Quinn Lead",
  role: "owner",
};
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), LEAD);
});
afterAll(async () => h?.stop());

it("a resolved conversation is scored; the owner overrides it in review; the agent sees it on their card", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  await expect.poll(() => agent.getByTestId("availability-toggle").isEnabled(), { timeout: 15_000 }).toBe(true);

  await customer.goto(`${h.hostUrl}/`);
  await customer.getByRole("button", { name: "Open support chat" }).click();
  const input = customer.getByRole("textbox", { name: /^message$/i });
  await input.fill("A person please, my album export keeps failing");
  await input.press("Enter");

  const row = agent.getByTestId("inbox-row").filter({ hasText: "album export" });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await row.click();
  const box = agent.getByTestId("composer-input");
  await expect.poll(() => box.isEnabled(), { timeout: 15_000 }).toBe(true);
  await box.fill("Sorry about that! I have restarted the export for you.");
  await box.press("Enter");
  await expect
    .poll(() => customer.getByText("I have restarted the export for you.").count(), { timeout: 15_000 })
    .toBe(1);
  await agent.getByTestId("resolve").click();

  // The owner's review: the agent's card is in the sample.
  const leadCtx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const lead = await leadCtx.newPage();
  await signIn(lead, h.worker.url, LEAD);
  await lead.getByTestId("nav-quality").click();
  const item = lead.getByTestId("review-item").filter({ hasText: AGENT.name });
  await expect
    .poll(
      async () => {
        if ((await item.count()) === 0) await lead.reload();
        return item.count();
      },
      { timeout: 20_000, interval: 1500 },
    )
    .toBe(1);
  const auto = Number(await item.getByTestId("auto-score").textContent());
  expect(auto).toBeGreaterThanOrEqual(70);
  expect(await item.textContent()).toContain("1 reply, no tone issue");
  // Performance: Sam's row for the last 30 days, and the same figures as CSV.
  const samRow = lead.getByTestId("perf-agents").getByTestId("perf-row").filter({ hasText: AGENT.name });
  await expect.poll(() => samRow.count(), { timeout: 10_000 }).toBe(1);
  expect((await samRow.locator("td").first().textContent())?.trim()).toBe("1");
  const csv = await lead.evaluate(() =>
    fetch(document.querySelector<HTMLAnchorElement>('[data-testid="performance"] a[download]')?.href ?? "").then((r) =>
      r.text(),
    ),
  );
  expect(csv.split("\r\n").some((l) => l.startsWith(`agent,${AGENT.name},1,`))).toBe(true);
  await lead.screenshot({ path: `${SHOTS}/quality-review.png`, fullPage: true });
  await item.getByLabel("Your score").fill("40");
  await item.getByLabel("Why").fill("Restarting is not a fix: the export limit was the cause");
  await item.getByRole("button", { name: "Save my score" }).click();
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(0);
  await expect
    .poll(() => lead.getByTestId("override-stats").textContent(), { timeout: 10_000 })
    .toMatch(/^1 overrides; 1 differ/);

  // The agent's own page: their card, with the lead's score and words beside the automatic one.
  await agent.getByTestId("nav-quality").click();
  const mine = agent.getByTestId("scorecard-row");
  await expect.poll(() => mine.count(), { timeout: 10_000 }).toBe(1);
  expect(await mine.textContent()).toContain("40");
  await mine.getByRole("button", { name: "Why" }).click();
  expect(await agent.getByTestId("override-score").textContent()).toContain("Restarting is not a fix");
  expect(await agent.getByTestId("review").count()).toBe(0);
  await agent.screenshot({ path: `${SHOTS}/quality-agent.png`, fullPage: true });

  // The weekly report, made on demand from the Analytics page's link.
  await lead.goto(`${h.worker.url}/console/#/analytics`);
  await lead.getByTestId("to-reports").click();
  await lead.getByTestId("report-run").click();
  await expect.poll(() => lead.getByTestId("weekly-report").count(), { timeout: 15_000 }).toBe(1);
  expect(await lead.getByTestId("weekly-report").textContent()).toContain("Made on demand");
  await lead.screenshot({ path: `${SHOTS}/weekly-report.png`, fullPage: true });

  await customerCtx.close();
  await agentCtx.close();
  await leadCtx.close();
});
