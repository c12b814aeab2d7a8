// Customer health in a real browser (docs/customer-health.md): a verified customer writes angrily in
// three conversations; the agent's Customer health page lists them at risk with the reasons, and their
// company too; the owner adds an alert rule with the form.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { identityCanonical } from "../../shared/api.ts";
import type { CreatedConversation } from "../../shared/api.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const SITE = "e2e_health";
const SECRET = "e2e-health-identity-secret-0123456";
const OWNER = {
  email: "e2e-health-owner@lumen.example",
  password: "e2e-health-owner-pw",
  name: "Olga Owner",
  role: "owner",
};
const RITA = { id: "u_rita", email: "rita@initech.example", name: "Rita Ruiz" };
let h: Harness;

async function pub<T>(path: string, body: unknown, token?: string): Promise<T> {
  const r = await fetch(`${h.worker.url}/v1/conversations${path}?site=${SITE}`, {
    method: "POST",
    headers: {
      origin: h.worker.url,
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "Initech",
    allowedOrigins: [h.worker.url],
    identitySecret: SECRET,
  });
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  for (let i = 0; i < 3; i++) {
    const c = await pub<CreatedConversation>("", { locale: "en" });
    const ts = Math.floor(Date.now() / 1000);
    const hmac = createHmac("sha256", SECRET)
      .update(identityCanonical(ts, RITA.id, RITA.email))
      .digest("hex");
    await pub(`/${c.id}/identify`, { user: RITA, hmac, ts }, c.token);
    await pub(
      `/${c.id}/messages`,
      {
        clientId: `e2e-health-${i}-${c.id.slice(0, 6)}`,
        text: "This is useless, my invoice is wrong again. Terrible.",
      },
      c.token,
    );
  }
});
afterAll(async () => h?.stop());

it("the at-risk list shows the angry customer and their company with reasons; an owner adds a rule", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await ctx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  await agent.goto(`${h.worker.url}/console/#/customers`);
  const row = agent
    .getByTestId("at-risk-contacts")
    .getByTestId("health-row")
    .filter({ hasText: "rita@initech.example" });
  await expect
    .poll(
      async () => {
        if ((await row.count()) === 0) await agent.reload();
        return row.count();
      },
      { timeout: 30_000, interval: 2000 },
    )
    .toBe(1);
  expect(await row.getAttribute("data-level")).toBe("at-risk");
  expect(await row.textContent()).toContain("3 conversations with negative messages in 30 days");
  expect(await agent.getByTestId("at-risk-companies").textContent()).toContain("initech.example");
  // Agents read; rules are the owners'.
  expect(await agent.getByTestId("health-rules").count()).toBe(0);
  await agent.screenshot({ path: `${SHOTS}/customer-health.png`, fullPage: true });

  const owner = await (await h.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(owner, h.worker.url, OWNER);
  await owner.goto(`${h.worker.url}/console/#/customers`);
  const rules = owner.getByTestId("health-rules");
  await rules.getByLabel("Name").fill("Three angry in two weeks");
  await rules.getByRole("button", { name: "Add rule" }).click();
  await expect
    .poll(() => rules.textContent(), { timeout: 10_000 })
    .toContain("Three angry in two weeks: 3 or more conversations with negative messages in 14 days → slack");
  await ctx.close();
  await owner.context().close();
});
