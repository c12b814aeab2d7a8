// Follow-up by email in a real browser: a customer waiting for a person is offered to leave an email
// address, gets a refusal for a malformed one, saves a good one, types the code mailed to it (a wrong
// one first) and closes the page; the agent sees in the console where replies will go, replies, and
// the console records that the reply was emailed (wrangler dev's send_email stands in for the mail
// service: it writes each mail to a file and logs the path).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signIn } from "../../scripts/lib/console-login.ts";
import { sentMails } from "./desk.ts";
import { AGENT, startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const input = (p: Page) => p.getByRole("textbox", { name: /^message$/i });

const mails = (): string[] => sentMails(h.worker);
const log = (p: Page) => p.getByRole("log");
const shots = "test-results";

it("a customer who can't wait leaves an email; the agent's reply after they left is emailed, and the console says so", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  await customer.goto(`${h.hostUrl}/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  await input(customer).fill("I want to talk to a person about a double charge");
  await input(customer).press("Enter");
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/connecting you with a person/i);

  // Offered once handed off; a malformed address is refused where it was typed.
  const email = customer.getByLabel(/leave your email/i);
  await expect.poll(() => email.count(), { timeout: 10_000 }).toBe(1);
  await email.fill("ana at mail");
  await email.press("Enter");
  await expect
    .poll(() =>
      customer
        .getByRole("alert")
        .filter({ hasText: /doesn't look right/i })
        .count(),
    )
    .toBe(1);
  expect(await email.getAttribute("aria-invalid")).toBe("true");
  await email.fill("ana@mail.example.com");
  await customer.getByRole("button", { name: "Save" }).click();

  // A code goes to the address first; the widget asks for it. A wrong one is refused where it was typed.
  const codeBox = customer.getByLabel(/^code$/i);
  await expect.poll(() => codeBox.count(), { timeout: 10_000 }).toBe(1);
  await expect
    .poll(() => mails().find((m) => /Subject: Confirm your email address/.test(m)) ?? "", { timeout: 10_000 })
    .toMatch(/To: <ana@mail\.example\.com>/);
  const mail = mails().find((m) => /Subject: Confirm your email address/.test(m)) ?? "";
  expect(mail).not.toMatch(/double charge/);
  const code = /code in the chat: (\d{6})/.exec(mail.replace(/=\r?\n/g, ""))?.[1] ?? "";
  expect(code).toMatch(/^\d{6}$/);
  await codeBox.fill(code === "000000" ? "111111" : "000000");
  await codeBox.press("Enter");
  await expect
    .poll(() =>
      customer
        .getByRole("alert")
        .filter({ hasText: /code isn't right/i })
        .count(),
    )
    .toBe(1);
  await customer.screenshot({ path: `${shots}/e2e-follow-up-code.png` });
  await codeBox.fill(code);
  await customer.getByRole("button", { name: "Confirm" }).click();
  await expect
    .poll(
      async () =>
        (await customer
          .getByRole("status")
          .filter({ hasText: /email replies to/i })
          .textContent()) ?? "",
    )
    .toContain("ana@mail.example.com");
  await customer.screenshot({ path: `${shots}/e2e-follow-up-widget.png` });
  await customerCtx.close();

  // The agent sees where replies go, replies, and is told it went by email.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /double charge/i });
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  await row.click();
  const change = agent.getByTestId("change-note").filter({ hasText: /asked for replies by email/i });
  await expect.poll(() => change.count(), { timeout: 10_000 }).toBe(1);
  expect(await change.textContent()).toContain("ana@mail.example.com (unverified, awaiting the customer's code)");
  const confirmed = agent.getByTestId("change-note").filter({ hasText: /confirmed ana@mail\.example\.com/i });
  await expect.poll(() => confirmed.count(), { timeout: 10_000 }).toBe(1);
  // …and keeps it in view next to the customer's identity.
  await expect
    .poll(async () => (await agent.getByTestId("packet-follow-up").textContent()) ?? "")
    .toMatch(/ana@mail\.example\.com \(unverified, typed and confirmed/);
  await agent.getByTestId("composer-input").fill("Hi Ana, the second charge is a hold; it drops off within 3 days.");
  await agent.getByTestId("composer-send").click();
  const emailed = agent.getByTestId("private-note").filter({ hasText: /also emailed to ana@mail\.example\.com/ });
  await expect.poll(() => emailed.count(), { timeout: 10_000 }).toBe(1);
  await agent.screenshot({ path: `${shots}/e2e-follow-up-console.png` });
  await agentCtx.close();
});
