// Surge triage end to end in Chromium: 50 conversations seeded through the public API, then a lead
// and an approver (owner) run a sweep from the alert to reflect; one reply is undone; the snapshot's
// figures are checked against the conversations' own events and the audit trail. Measures the time
// from approval to the last executed step. Screenshots of each stage go to test-results/.
import { bearer } from "../../shared/credentials.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { AuditEntry, ConversationDetail, CreatedConversation, SurgeSnapshot, Sweep } from "../../shared/api.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { SITE, startHarness, type Harness } from "./harness.ts";
import { signIn as signInPage } from "../../scripts/lib/console-login.ts";

let h: Harness;
const LEAD = { email: "lee@lumen.example", password: "lee-lead-password", name: "Lee Lead", role: "agent" };
const OWNER = { email: "olive@lumen.example", password: "olive-owner-password", name: "Olive Owner", role: "owner" };
const N = 50;
const shots = "test-results";

// Five incidents and some noise, worded differently per customer.
const QUESTIONS: ((i: number) => string)[] = [
  (i) => `How do I reset my password? I forgot it (ticket ${i})`,
  (i) => `I forgot my password, how can I reset it? ${i}`,
  (i) => `I think my account was hacked, someone logged in from another country. Ref ${i}`,
  (i) => `This is ridiculous, my storage is full and I cannot upload anything!! (${i})`,
  (i) => `Where can I find my invoices and receipts? Order ${i}`,
  (i) => `I want a refund for a wrong charge on my card, order ${i}`,
  (i) => `zqx blorf wibble quux ${i}`,
];

beforeAll(async () => {
  h = await startHarness({ RATE_LIMIT: "1000,1000" });
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), LEAD);
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => h?.stop());

async function seed(i: number): Promise<CreatedConversation> {
  const headers = { origin: h.hostUrl, "content-type": "application/json" };
  const r = await fetch(`${h.worker.url}/v1/conversations?site=${SITE}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ locale: "en" }),
  });
  expect(r.status).toBe(201);
  const c = (await r.json()) as CreatedConversation;
  const qs = `site=${SITE}`;
  const text = (QUESTIONS[i % QUESTIONS.length] as (i: number) => string)(i);
  expect(
    (
      await fetch(`${h.worker.url}/v1/conversations/${c.id}/messages?${qs}`, {
        method: "POST",
        headers: { ...headers, ...bearer(c.token) },
        body: JSON.stringify({ clientId: `seed-${String(i).padStart(4, "0")}`, text }),
      })
    ).status,
  ).toBe(202);
  expect(
    (
      await fetch(`${h.worker.url}/v1/conversations/${c.id}/handoff?${qs}`, {
        method: "POST",
        headers: { ...headers, ...bearer(c.token) },
        body: "{}",
      })
    ).status,
  ).toBe(202);
  return c;
}

async function customerEvents(c: CreatedConversation): Promise<ConversationEvent[]> {
  const r = await fetch(`${h.worker.url}/v1/conversations/${c.id}/events?site=${SITE}&after=0`, {
    headers: { origin: h.hostUrl, ...bearer(c.token) },
  });
  return ((await r.json()) as { events: ConversationEvent[] }).events;
}

async function signIn(browser: Browser, who: typeof LEAD): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p = await ctx.newPage();
  await signInPage(p, h.worker.url, who);
  await expect.poll(() => p.getByTestId("availability-toggle").isEnabled(), { timeout: 10_000 }).toBe(true);
  return p;
}

const apiGet = <T>(p: Page, path: string): Promise<T> =>
  p.evaluate(async (u) => (await fetch(u, { credentials: "same-origin" })).json(), path) as Promise<T>;

it("runs a sweep over 50 conversations from alert to reflect, with approval, undo and an audit trail", {
  timeout: 300_000,
}, async () => {
  const convs: CreatedConversation[] = [];
  for (let i = 0; i < N; i += 10)
    convs.push(...(await Promise.all(Array.from({ length: Math.min(10, N - i) }, (_, k) => seed(i + k)))));
  const lead = await signIn(h.browser, LEAD);

  // Alert: the inbox shows the surge with SLA countdowns and integration health.
  const alert = lead.getByTestId("surge-alert");
  await expect.poll(() => alert.getAttribute("data-surge"), { timeout: 20_000 }).toBe("true");
  expect(await lead.getByTestId("surge-countdown").count()).toBeGreaterThan(0);
  expect(await lead.getByTestId("surge-integrations").textContent()).toMatch(/Integrations/);
  await lead.screenshot({ path: `${shots}/e2e-surge-1-alert.png` });

  // Define: scope and safeguards, saved and locked.
  await lead.getByTestId("surge-start").click();
  await lead.getByTestId("sd-title").fill("Monday login surge");
  await lead.screenshot({ path: `${shots}/e2e-surge-2-define.png`, fullPage: true });
  await lead.getByTestId("sd-save").click();
  await expect.poll(() => lead.getByTestId("sweep-state").textContent()).toBe("draft");
  await lead.getByTestId("lock-brief").click();
  await expect.poll(() => lead.getByTestId("sweep-state").textContent()).toBe("locked");

  // Plan: batch size adjusted, 50 conversations ordered with their actions; alternatives collapsed.
  await lead.getByTestId("t-batch").fill("10");
  await lead.getByTestId("propose-plan").click();
  await expect.poll(() => lead.getByTestId("plan-step").count(), { timeout: 60_000 }).toBe(N);
  expect(await lead.getByTestId("plan-totals").textContent()).toMatch(/50 conversations in \d+ incidents/);
  expect(await lead.locator("[data-testid=plan-alternatives]").getAttribute("open")).toBeNull();
  await lead.locator("[data-testid=plan-alternatives] summary").click();
  expect(await lead.locator("[data-testid=plan-alternatives] li[data-risky=true]").count()).toBe(1);
  await lead.screenshot({ path: `${shots}/e2e-surge-3-plan.png`, fullPage: true });
  const link = (await lead.getByTestId("approval-link").getAttribute("href")) as string;
  expect(link).toContain("#/surge/approve/");
  const sweepId = decodeURIComponent(/#\/surge\/s\/([^/]+)/.exec(lead.url())?.[1] ?? "");

  // Approve: the owner opens the link, reads the summary, approves with a comment.
  const owner = await signIn(h.browser, OWNER);
  await owner.goto(link);
  await expect.poll(() => owner.getByTestId("affected").textContent(), { timeout: 10_000 }).toBe(String(N));
  await owner.getByTestId("approval-comment").fill("Go ahead; keep an eye on the hacked-account ones.");
  await owner.screenshot({ path: `${shots}/e2e-surge-4-approve.png`, fullPage: true });
  const approvedAt = Date.now();
  await owner.getByTestId("approve").click();
  await expect.poll(() => owner.getByTestId("approval-result").textContent()).toMatch(/Approved by Olive Owner/);

  // Execute: the live checklist runs to the end.
  // Back to the sweep (not a reload: the console's reload path asks /api/me, which has no route).
  await lead.goto(`${h.worker.url}/console/#/surge`);
  await lead.goto(`${h.worker.url}/console/#/surge/s/${encodeURIComponent(sweepId)}`);
  await lead.getByTestId("run-plan").click();
  await expect
    .poll(() => lead.getByTestId("surge-sweep").getAttribute("data-state"), { timeout: 180_000, interval: 200 })
    .toBe("done");
  const finishedAt = Date.now();
  const sweep = await apiGet<Sweep>(lead, `/api/surge/sweeps/${sweepId}`);
  const lastStepAt = Math.max(...sweep.steps.map((s) => s.at ?? 0));
  const approvalAt =
    (await apiGet<{ items: AuditEntry[] }>(lead, `/api/surge/sweeps/${sweepId}/audit`)).items.find(
      (a) => a.action === "approval.granted",
    )?.at ?? approvedAt;
  const timing = {
    approvalToLastStepMs: lastStepAt - approvalAt,
    approvalClickToChecklistDoneMs: finishedAt - approvedAt,
    steps: sweep.steps.length,
  };
  writeFileSync(`${shots}/e2e-surge-timing.json`, JSON.stringify(timing, null, 2));
  console.log(`[surge e2e] ${JSON.stringify(timing)}`);
  await lead.screenshot({ path: `${shots}/e2e-surge-5-execute.png`, fullPage: true });

  // Undo one reply inside the window: gone from the customer's view.
  const first = lead.locator("[data-testid=checklist-item][data-status=sent]").first();
  const undoneId = (await first.getAttribute("data-conversation")) as string;
  const undoneConv = convs.find((c) => c.id === undoneId) as CreatedConversation;
  // The customer has this conversation open in the widget on the shop's page and sees the reply.
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await customerCtx.addInitScript(
    ([k, v]) => localStorage.setItem(k as string, v as string),
    [`edgedesk:conv:${SITE}`, JSON.stringify({ id: undoneConv.id, token: undoneConv.token })],
  );
  const customer = await customerCtx.newPage();
  await customer.goto(h.hostUrl);
  const launcher = customer.locator("button[aria-label='Open support chat']");
  await expect.poll(() => launcher.count(), { timeout: 10_000 }).toBe(1);
  await launcher.click();
  const transcript = customer.getByRole("log");
  await expect.poll(() => transcript.textContent(), { timeout: 10_000 }).toContain("More in our help article");
  await customer.screenshot({ path: `${shots}/e2e-surge-5a-widget-before-undo.png` });
  await first.getByTestId("undo").click();
  await expect
    .poll(() =>
      lead.locator(`[data-testid=checklist-item][data-conversation="${undoneId}"]`).getAttribute("data-status"),
    )
    .toBe("undone");
  // Gone from the open widget, live, and after a reload.
  await expect.poll(() => transcript.textContent(), { timeout: 10_000 }).not.toContain("More in our help article");
  await customer.reload();
  // The widget remembers it was open in this tab.
  await expect
    .poll(() => customer.locator("button[aria-label='Close support chat']").count(), { timeout: 10_000 })
    .toBe(1);
  await expect
    .poll(() => customer.getByRole("log").textContent(), { timeout: 10_000 })
    .toContain(
      (QUESTIONS[convs.indexOf(undoneConv) % QUESTIONS.length] as (i: number) => string)(
        convs.indexOf(undoneConv),
      ).slice(0, 20),
    );
  expect(await customer.getByRole("log").textContent()).not.toContain("More in our help article");
  await customer.screenshot({ path: `${shots}/e2e-surge-5b-widget-after-undo.png` });
  const seen = await customerEvents(undoneConv);
  expect(seen.some((e) => e.type === "message" && e.author === "agent")).toBe(false);
  expect(seen.some((e) => e.type === "retract")).toBe(true);

  // Reflect: the snapshot, checked against the conversations' events and the audit trail.
  const snapEl = lead.getByTestId("snapshot");
  await expect.poll(() => snapEl.getAttribute("data-undone"), { timeout: 10_000 }).toBe("1");
  const snap = await apiGet<SurgeSnapshot>(lead, `/api/surge/sweeps/${sweepId}/snapshot`);
  let labelled = 0;
  let visibleReplies = 0;
  let retracted = 0;
  let escalatedNotes = 0;
  for (const c of convs) {
    const d = await apiGet<ConversationDetail>(lead, `/api/conversations/${c.id}`);
    if (d.labels?.includes("surge")) labelled++;
    retracted += d.events.filter((e) => e.type === "retract").length;
    escalatedNotes += d.events.filter((e) => e.type === "note" && e.text.startsWith("Surge escalation to")).length;
    if ((await customerEvents(c)).some((e) => e.type === "message" && e.author === "agent")) visibleReplies++;
  }
  expect(snap.triaged).toBe(labelled);
  expect(snap.triaged).toBe(N);
  expect(snap.draftsSent).toBe(visibleReplies);
  expect(snap.draftsUndone).toBe(retracted);
  expect(snap.escalated).toBe(escalatedNotes);
  expect(snap.slaBreaches).toBe(0);
  expect(snap.draftsSent + snap.draftsUndone + snap.held + snap.escalated + snap.left).toBe(N);
  expect(await snapEl.textContent()).toBe(snap.line);
  await lead.getByTestId("feedback-text").fill("Write a short article on hacked accounts for the bot to cite");
  await lead.getByTestId("feedback-send").click();
  await expect.poll(() => lead.getByTestId("tasks").textContent()).toContain("hacked accounts");
  await lead.getByTestId("task-done").check();
  await expect
    .poll(
      async () =>
        (await apiGet<{ items: { status: string }[] }>(lead, `/api/surge/sweeps/${sweepId}/tasks`)).items[0]?.status,
    )
    .toBe("done");
  const [download] = await Promise.all([lead.waitForEvent("download"), lead.getByTestId("report-download").click()]);
  const report = await download
    .path()
    .then((p) => (p ? import("node:fs").then((fs) => fs.readFileSync(p, "utf8")) : ""));
  expect(report).toContain(snap.line);
  expect(report).toContain("- [x] Write a short article on hacked accounts");
  writeFileSync(`${shots}/e2e-surge-report.md`, report);
  await lead.screenshot({ path: `${shots}/e2e-surge-6-reflect.png`, fullPage: true });

  // Audit trail: viewable, complete, and the plan replays to the same decisions.
  await lead.getByTestId("audit-link").click();
  await expect.poll(() => lead.getByTestId("audit-row").count()).toBeGreaterThan(N * 2);
  await lead.getByTestId("replay").click();
  await expect.poll(() => lead.getByTestId("replay-result").textContent()).toMatch(/same decisions/);
  const actions = new Set(
    (await apiGet<{ items: AuditEntry[] }>(lead, `/api/surge/sweeps/${sweepId}/audit`)).items.map((a) => a.action),
  );
  for (const a of [
    "brief.created",
    "brief.locked",
    "plan.proposed",
    "approval.granted",
    "execution.started",
    "step.categorised",
    "reply.undone",
    "execution.finished",
    "feedback.added",
    "task.created",
    "task.done",
    "report.downloaded",
    "plan.replayed",
  ])
    expect(actions, a).toContain(a);
  await lead.screenshot({ path: `${shots}/e2e-surge-7-audit.png`, fullPage: true });
});
