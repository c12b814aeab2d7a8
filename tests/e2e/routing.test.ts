// Routing in real browsers: two agents of different teams are signed in; a customer's refund question
// (a billing article that always needs a person) lands assigned to the billing agent, live in both
// consoles with its tier and SLA countdown; the billing agent passes it to the security team.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { startHarness, type Harness } from "./harness.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

let h: Harness;
const BEA = {
  email: "bea@lumen.example",
  password: "bea-billing-pass",
  name: "Bea Billing",
  role: "agent",
  teams: ["billing"],
};
const SOL = {
  email: "sol@lumen.example",
  password: "sol-security-pass",
  name: "Sol Security",
  role: "agent",
  teams: ["security"],
};

beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), BEA);
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), SOL);
});
afterAll(async () => h?.stop());

async function console_(browser: Browser, who: typeof BEA): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, who);
  // Online once the inbox socket has sent presence: the availability toggle turns on.
  await expect.poll(() => p.getByTestId("availability-toggle").isEnabled(), { timeout: 10_000 }).toBe(true);
  expect(await p.getByTestId("availability-toggle").getAttribute("data-away")).toBe("false");
  return p;
}

it("routes a billing handoff to the billing agent, live with its SLA countdown, and reassigns it to a team", async () => {
  const bea = await console_(h.browser, BEA);
  const sol = await console_(h.browser, SOL);

  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/?page=billing`);
  const launcher = customer.locator("button[aria-label='Open support chat']");
  await expect.poll(() => launcher.count(), { timeout: 10_000 }).toBe(1);
  await launcher.click();
  const input = customer.getByRole("textbox", { name: /message/i });
  await input.fill("I want a refund for my subscription");
  await input.press("Enter");

  // Both consoles see it arrive, assigned to Bea, routed to billing at tier 1 with about an hour left.
  for (const p of [bea, sol]) {
    const row = p.locator("li.inbox-row").filter({ has: p.locator("[data-testid=inbox-row][data-state=queued]") });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(
        () =>
          row
            .getByTestId("inbox-assignee")
            .getAttribute("data-agent-id")
            .then((v) => v !== null),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await row.getByTestId("inbox-team").textContent()).toBe("billing");
    expect(await row.getByTestId("inbox-tier").textContent()).toBe("Tier 1");
    const sla = row.getByTestId("sla-countdown");
    expect(await sla.getAttribute("data-sla-state")).toBe("ok");
    expect(await sla.textContent()).toMatch(/^due in (59 min|1 h 00)$/);
  }
  expect(await bea.getByTestId("inbox-assignee").first().textContent()).toMatch(/You/);
  expect(await sol.getByTestId("inbox-assignee").first().textContent()).toMatch(/Bea Billing/);

  // "Mine" shows it to Bea and not to Sol.
  await bea.getByTestId("scope-mine").click();
  await sol.getByTestId("scope-mine").click();
  await expect.poll(() => bea.getByTestId("inbox-row").count()).toBe(1);
  await expect.poll(() => sol.getByTestId("inbox-row").count()).toBe(0);
  await bea.screenshot({ path: "test-results/e2e-routing-billing-agent.png" });
  await sol.getByTestId("scope-all").click();
  await sol.screenshot({ path: "test-results/e2e-routing-security-agent.png" });

  // Bea passes it to the security team: it arrives at Sol's, live, as theirs.
  await bea.getByTestId("assign-select").selectOption("team:security");
  await sol.getByTestId("scope-mine").click();
  await expect.poll(() => sol.getByTestId("inbox-row").count(), { timeout: 10_000 }).toBe(1);
  expect(await sol.getByTestId("inbox-assignee").first().textContent()).toMatch(/You/);
  expect(await sol.getByTestId("inbox-team").first().textContent()).toBe("security");
  await expect.poll(() => bea.getByTestId("inbox-row").count()).toBe(0);

  // Sol claims it from the list and it is theirs, with the agent state, in both consoles.
  await sol.getByTestId("row-claim").click();
  await expect
    .poll(() => sol.getByTestId("inbox-row").first().getAttribute("data-state"), { timeout: 10_000 })
    .toBe("agent");
  await expect
    .poll(async () => (await customer.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/Sol Security/);

  // Going away shows in the header and is kept by the server.
  await sol.getByTestId("availability-toggle").click();
  await expect.poll(() => sol.getByTestId("availability-toggle").getAttribute("data-away")).toBe("true");
  await sol.screenshot({ path: "test-results/e2e-routing-claimed-away.png" });

  for (const p of [bea, sol, customer]) await p.context().close();
});
