// Webhooks end to end: the worker under `wrangler dev` delivers to a real Node receiver that answers
// 500 to the first tries and hangs once; the receiver verifies every signature and dedups by
// delivery id. Then an owner in Chromium finds a dead letter on Settings → Integrations and retries
// it. Retry delays are shortened through `vars` (250 ms doubling, 1 s timeout, 5 attempts).
// Set E2E_SCREENSHOTS=dir to keep screenshots of the page.
import { bearer } from "../../shared/credentials.ts";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../scripts/lib/browser.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CreatedConversation, Delivery, WebhookEvent, WebhookWithSecret } from "../../shared/api.ts";
import { inDemo, seedDemo } from "../../scripts/lib/demo-seed.ts";
import { admin, startWorker, type LocalWorker } from "../../scripts/lib/worker.ts";
import { startReceiver, type Log, type Receiver } from "../receiver/webhook-receiver.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

const OWNER = { email: "e2e-owner@lumen.example", password: "e2e-owner-password", name: "Olive Owner", role: "owner" };
const SECRET = `whsec_${Buffer.from("e2e-webhook-secret-0123456789-abc").toString("base64")}`;
const shots = process.env.E2E_SCREENSHOTS;

let worker: LocalWorker;
let receiver: Receiver;
let browser: Browser;
let state: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-notify-"));
  worker = await startWorker({
    persistTo: state,
    quiet: true,
    vars: {
      STREAM_DELAY_MS: "0",
      NOTIFY_MAX_ATTEMPTS: "5",
      NOTIFY_RETRY_BASE_MS: "250",
      NOTIFY_RETRY_MAX_MS: "2000",
      NOTIFY_TIMEOUT_MS: "1000",
      // The receiver listens on 127.0.0.1, which the worker refuses by default (worker/insights/notify/target.ts).
      NOTIFY_ALLOW_PRIVATE_URLS: "true",
    },
  });
  receiver = await startReceiver();
  await seedDemo(worker, [worker.url]);
  await admin(worker, "POST", inDemo("/admin/v1/agents"), OWNER);
  browser = await launchChromium();
  if (shots) mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await worker?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

const control = (name: string, method: string, body?: unknown) =>
  fetch(`${receiver.url}/_scenarios/${name}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const received = async (name: string) => (await (await control(name, "GET")).json()) as Log;
const deliveries = async (status = "") =>
  (
    await admin<{ deliveries: Delivery[] }>(
      worker,
      "GET",
      inDemo(`/admin/v1/notifications/deliveries?limit=200${status ? `&status=${status}` : ""}`),
    )
  ).deliveries;

async function chat(path: string, body: unknown, c?: CreatedConversation): Promise<Response> {
  const q = c ? `/${c.id}/${path}?site=demo_site` : `?site=demo_site`;
  return fetch(`${worker.url}/v1/conversations${q}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(c ? bearer(c.token) : {}) },
    body: JSON.stringify(body),
  });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out; last: ${JSON.stringify(v).slice(0, 1500)}\n${worker.logTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function snap(p: Page, name: string): Promise<void> {
  if (shots) await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

it("delivers every event of a conversation exactly once to a receiver that fails the first tries and hangs once", async () => {
  await control("journey", "PUT", { secret: SECRET, failFirst: 3, hang: [4], hangMs: 2500 });
  const events = [
    "conversation.created",
    "conversation.handed_off",
    "conversation.assigned",
    "conversation.resolved",
    "message.created",
  ];
  await admin<WebhookWithSecret>(worker, "POST", inDemo("/admin/v1/notifications/webhooks"), {
    url: `${receiver.url}/hook/journey`,
    events,
    secret: SECRET,
    description: "Order system",
  });

  const c = (await (await chat("", { locale: "en" })).json()) as CreatedConversation;
  expect((await chat("handoff", {}, c)).status).toBe(202);
  expect((await chat("messages", { clientId: "e2e-notify-c1", text: "My prints arrived torn" }, c)).status).toBe(202);
  const login = await fetch(`${worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(OWNER),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const agent = (path: string, body?: unknown) =>
    fetch(`${worker.url}/api/conversations/${c.id}/${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  expect((await agent("claim")).status).toBe(200);
  expect(
    (await agent("messages", { clientId: "e2e-notify-a1", text: "Sorry about that, a new set is on its way." })).status,
  ).toBe(201);
  expect((await agent("resolve")).status).toBe(200);

  const all = await until(deliveries, (d) => d.length === 6 && d.every((x) => x.status === "delivered"));
  const log = await received("journey");
  const types = log.processed.map((p) => (p.body as WebhookEvent).type).sort();
  expect(types).toEqual([
    "conversation.assigned",
    "conversation.created",
    "conversation.handed_off",
    "conversation.resolved",
    "message.created",
    "message.created",
  ]);
  expect(new Set(log.processed.map((p) => p.deliveryId))).toEqual(new Set(all.map((d) => d.id)));
  expect(log.processed).toHaveLength(6); // each once, though more requests than that came in
  expect(log.requests.length).toBeGreaterThanOrEqual(6 + 4);
  expect(log.requests.filter((r) => r.answered === 500)).toHaveLength(3);
  expect(log.requests.filter((r) => r.hung)).toHaveLength(1);
  expect(log.duplicates).toBe(1);
  expect(log.requests.every((r) => r.signatureValid)).toBe(true);
  const timedOut = all.find((d) => d.log.some((a) => a.error?.startsWith("timed out")));
  expect(timedOut?.status).toBe("delivered");
});

it("lets an owner find a dead letter on Settings → Integrations and retry it", async () => {
  await control("slack", "PUT", {});
  await admin(worker, "PUT", inDemo("/admin/v1/notifications/slack"), { url: `${receiver.url}/slack/slack` });
  await control("journey", "PATCH", { failFirst: 1_000_000 });
  const c = (await (await chat("", { locale: "en" })).json()) as CreatedConversation;
  const [dead] = await until(
    () => deliveries("dead"),
    (d) => d.length === 1,
  );
  expect(dead?.eventType).toBe("conversation.created");
  expect(dead?.log).toHaveLength(5);

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await signIn(p, worker.url, OWNER);
  await p.getByTestId("nav-integrations").click();
  await expect.poll(() => p.getByTestId("dead-letter").count(), { timeout: 10_000 }).toBe(1);
  expect(await p.getByTestId("webhook").count()).toBe(1);
  expect(await p.getByTestId("slack-status").textContent()).toContain("Connected");
  expect(await p.getByTestId("dead-letter").getAttribute("data-id")).toBe(dead?.id);
  expect(await p.getByTestId("dead-letter").textContent()).toContain("HTTP 500");
  expect(await p.locator("[data-testid=delivery][data-status=delivered]").count()).toBeGreaterThanOrEqual(6);
  await snap(p, "integrations-dead-letter");

  // Adding a webhook from the page shows its secret once.
  await p.getByTestId("webhook-url").fill(`${receiver.url}/hook/ui`);
  await p.getByTestId("event-conversation.handed_off").uncheck();
  await p.getByTestId("event-conversation.resolved").uncheck();
  await p.getByTestId("webhook-add").click();
  await expect.poll(() => p.getByTestId("webhook-secret").count()).toBe(0);
  expect(await p.getByText("Choose at least one event.").count()).toBe(1);
  await p.getByTestId("event-sla.breached").check();
  await p.getByTestId("webhook-add").click();
  await expect.poll(() => p.getByTestId("webhook").count()).toBe(2);
  expect(await p.getByTestId("webhook-secret").textContent()).toMatch(/whsec_[A-Za-z0-9+/]{32}/);
  await snap(p, "integrations-new-webhook-secret");
  await p.getByTestId("webhook-secret").getByRole("button", { name: "Done" }).click();

  // The receiver is fixed; the owner retries from the console.
  await control("journey", "PATCH", { failFirst: 0 });
  await p.getByTestId("dead-retry").click();
  await expect.poll(() => p.getByTestId("dead-empty").count(), { timeout: 15_000 }).toBe(1);
  await expect
    .poll(async () => (await deliveries()).find((d) => d.id === dead?.id)?.status, { timeout: 15_000 })
    .toBe("delivered");
  const log = await received("journey");
  expect(log.processed.filter((x) => x.deliveryId === dead?.id)).toHaveLength(1);
  expect(
    (log.processed.find((x) => x.deliveryId === dead?.id)?.body as WebhookEvent | undefined)?.data.conversation?.id,
  ).toBe(c.id);
  await p.getByTestId("integrations-refresh").click();
  await expect
    .poll(() => p.locator(`[data-testid=delivery][data-id="${dead?.id}"]`).getAttribute("data-status"))
    .toBe("delivered");
  await snap(p, "integrations-after-retry");

  await ctx.close();
});
