// Proactive outreach in a real browser (docs/customer-health.md "Outreach"): Rita, a verified customer,
// wrote angrily three times; an owner's rule drafted a message for her, which an agent approves in the
// console; the agent also writes to her from the at-risk list, "in the widget". On her next visit to the
// shop (which signs her identity), Rita finds the message under "Your conversations", continues it and
// replies; the agent sees her reply in that conversation.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CreatedConversation } from "../../shared/api.ts";
import { identityCanonical } from "../../shared/api.ts";
import type { Outreach } from "../../shared/customer-health.ts";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { AGENT, listen, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const SITE = "e2e_outreach";
const SECRET = "e2e-outreach-identity-secret-01234";
const OWNER = {
  email: "e2e-outreach-owner@lumen.example",
  password: "e2e-outreach-owner-pw",
  name: "Oona Owner",
  role: "owner",
};
const RITA = { id: "u_rita_o", email: "rita@umbrella.example", name: "Rita Ruiz" };
const DRAFT = "Hi, this is Lumen support: sorry the last conversations went badly. What is still not working?";
const MESSAGE = "Hi Rita, I fixed the invoice totals on your account. Could you check this month's invoice?";

let h: Harness;
let host: Server;
let hostUrl = "";

const sign = () => {
  const ts = Math.floor(Date.now() / 1000);
  return {
    hmac: createHmac("sha256", SECRET)
      .update(identityCanonical(ts, RITA.id, RITA.email))
      .digest("hex"),
    ts,
  };
};

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
  // The shop's account page: its server signs Rita's identity.
  host = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Umbrella account</title></head><body><h1>Your account</h1>
<script>window.EdgeDesk = window.EdgeDesk || { q: [] }; window.EdgeDesk.q.push(${JSON.stringify(["identify", RITA, sign()])});</script>
<script src="${h.worker.url}/widget.js" data-site="${SITE}" async></script></body></html>`);
  });
  hostUrl = await listen(host);
  await admin(h.worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "Umbrella",
    allowedOrigins: [h.worker.url, hostUrl],
    identitySecret: SECRET,
  });
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  // The owner's rule: three unhappy conversations in two weeks draft a message, nobody is alerted.
  const login = await fetch(`${h.worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(OWNER),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const rule = await fetch(`${h.worker.url}/api/customer-health/rules`, {
    method: "POST",
    headers: { cookie, origin: h.worker.url, "content-type": "application/json" },
    body: JSON.stringify({
      name: "Three unhappy in two weeks",
      signal: "negative",
      threshold: 3,
      days: 14,
      notify: "email",
      alert: false,
      outreach: { channel: "widget", text: DRAFT },
    }),
  });
  expect(rule.status, await rule.clone().text()).toBe(201);
  for (let i = 0; i < 3; i++) {
    const c = await pub<CreatedConversation>("", { locale: "en" });
    await pub(`/${c.id}/identify`, { user: RITA, ...sign() }, c.token);
    await pub(
      `/${c.id}/messages`,
      {
        clientId: `e2e-outreach-${i}-${c.id.slice(0, 6)}`,
        text: "This is useless, my invoice is wrong again. Terrible.",
      },
      c.token,
    );
  }
});
afterAll(async () => {
  if (host) await new Promise((r) => host?.close(r));
  await h?.stop();
});

const panel = (p: Page) => p.getByRole("dialog");

it("an agent approves a rule's draft and writes to an at-risk customer; she reads it in the widget and replies", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await ctx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  await agent.goto(`${h.worker.url}/console/#/customers`);
  const draft = agent.getByTestId("outreach-draft").filter({ hasText: RITA.email });
  await expect
    .poll(
      async () => {
        if ((await draft.count()) === 0) await agent.reload();
        return draft.count();
      },
      { timeout: 30_000, interval: 2000 },
    )
    .toBe(1);
  expect(await draft.textContent()).toContain(
    '3 conversations with negative messages in 14 days (rule "Three unhappy in two weeks")',
  );
  await agent.getByTestId("outreach-approvals").screenshot({ path: `${SHOTS}/outreach-approval.png` });
  await draft.getByRole("button", { name: "Approve and send" }).click();
  await expect.poll(() => draft.count(), { timeout: 10_000 }).toBe(0);

  // From the at-risk list: a message of the agent's own, shown in the widget on her next visit.
  const row = agent.getByTestId("at-risk-contacts").getByTestId("health-row").filter({ hasText: RITA.email });
  await row.getByRole("button", { name: "Reach out" }).click();
  const form = row.getByTestId("outreach-form");
  await form.getByLabel("Send").selectOption("widget");
  await form.getByLabel(`Message to ${RITA.email}`).fill(MESSAGE);
  await form.getByRole("button", { name: "Send" }).click();
  const sent = row.getByTestId("outreach-sent");
  await expect.poll(() => sent.count(), { timeout: 10_000 }).toBe(1);
  expect(await sent.textContent()).toContain("Sent in the widget, on their next visit.");
  await agent.screenshot({ path: `${SHOTS}/outreach-sent.png`, fullPage: true });

  // Rita's next visit, signed in by the shop: both messages wait under "Your conversations".
  const rctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const rita = await rctx.newPage();
  await rita.goto(`${hostUrl}/account`);
  await rita.getByRole("button", { name: "Open support chat" }).click();
  const entry = panel(rita).getByRole("button", { name: "Your conversations" });
  await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(1);
  await entry.click();
  const mine = panel(rita).getByRole("listitem").getByRole("button").filter({ hasText: "I fixed the invoice totals" });
  await expect.poll(() => mine.count(), { timeout: 10_000 }).toBe(1);
  expect(
    await panel(rita)
      .getByRole("listitem")
      .getByRole("button")
      .filter({ hasText: "sorry the last conversations" })
      .count(),
  ).toBe(1);
  await rita.screenshot({ path: `${SHOTS}/outreach-widget-list.png` });
  await mine.click();
  const transcript = panel(rita).getByRole("region", { name: "Earlier conversation" });
  await expect.poll(() => transcript.locator(".bubble.agent").count(), { timeout: 10_000 }).toBe(1);
  expect(await transcript.textContent()).toContain(MESSAGE);
  await panel(rita).getByRole("button", { name: "Continue this conversation" }).click();
  const input = rita.getByRole("textbox", { name: /^message$/i });
  await expect.poll(() => input.count(), { timeout: 10_000 }).toBe(1);
  await input.fill("Thanks! The invoice looks right now.");
  await input.press("Enter");
  await expect
    .poll(async () => (await rita.getByRole("log").textContent()) ?? "", { timeout: 10_000 })
    .toContain("Thanks! The invoice looks right now.");
  // Delivered, not only shown: the "Sending…" mark goes once the conversation took it.
  await expect.poll(async () => (await panel(rita).textContent()) ?? "", { timeout: 10_000 }).not.toContain("Sending");
  await rita.screenshot({ path: `${SHOTS}/outreach-widget-reply.png` });

  // The agent opens the conversation from the list: her reply is there, after the message.
  await sent.getByRole("link", { name: "Open the conversation" }).click();
  await expect
    .poll(
      async () =>
        (await agent
          .getByTestId("conversation")
          .textContent()
          .catch(() => "")) ?? "",
      {
        timeout: 15_000,
      },
    )
    .toContain("Thanks! The invoice looks right now.");
  expect(await agent.getByTestId("conversation").textContent()).toContain(MESSAGE);
  // The side panel says who began it: the bot never had this conversation.
  expect(await agent.getByTestId("packet-none").getAttribute("data-why")).toBe("outreach");
  await agent.screenshot({ path: `${SHOTS}/outreach-conversation.png`, fullPage: true });

  // And in the inbox, like any conversation someone works on: held by the agent, her reply last.
  await agent.goto(`${h.worker.url}/console/#/inbox`);
  const inboxRow = agent.getByTestId("inbox-row").filter({ hasText: "The invoice looks right now" });
  await expect.poll(() => inboxRow.count(), { timeout: 15_000 }).toBe(1);

  // What the API says: the rule's draft sent (approved), the agent's sent; nothing waiting.
  const list = await agent.evaluate(() => fetch("/api/outreach").then((r) => r.json()));
  const statuses = (list as { outreach: Outreach[] }).outreach.map((o) => `${o.status}:${o.ruleId ? "rule" : "agent"}`);
  expect(statuses.sort()).toEqual(["sent:agent", "sent:rule"]);
  await ctx.close();
  await rctx.close();
});
