// The analytics dashboard in Chromium after a real simulation: 30 conversations driven through the
// public and agent APIs (scripts/lib/simulate.ts), then the four headline figures worked out here from
// what the agent API shows of each conversation (its events, rating and verdict) and the votes the
// customers sent, never from the analytics SQL, and compared with the tiles the owner sees.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../scripts/lib/browser.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ConversationDetail } from "../../shared/api.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import { login, setup, simAccounts, simulate, type SimConversation } from "../../scripts/lib/simulate.ts";
import { startWorker, type LocalWorker } from "../../scripts/lib/worker.ts";
import { signIn } from "../../scripts/lib/console-login.ts";

const AUTO_RESOLVE_MS = 1500;
let worker: LocalWorker;
let browser: Browser;
let state: string;
let log: SimConversation[];
const accounts = simAccounts();
const SIM_OWNER = accounts.owner;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-analytics-"));
  worker = await startWorker({
    persistTo: state,
    quiet: true,
    vars: {
      STREAM_DELAY_MS: "0",
      AUTO_RESOLVE_MS: String(AUTO_RESOLVE_MS),
      RATE_LIMIT: "100000,100000",
    },
  });
  await setup(worker, { publishKb: true, accounts, seed: true });
  log = await simulate(worker, {
    conversations: 30,
    seed: 7,
    concurrency: 8,
    agentDelayMs: [200, 1500],
    autoResolveMs: AUTO_RESOLVE_MS,
    agents: accounts.agents,
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  rmSync(state, { recursive: true, force: true });
});

/** Nearest rank, as docs/analytics.md defines the percentiles. */
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1] ?? null;

it("shows tiles equal to the figures computed independently from the conversations", async () => {
  const cookie = await login(worker, SIM_OWNER);
  const details = await Promise.all(
    log.map(
      async (c) =>
        (await (
          await fetch(`${worker.url}/api/conversations/${c.id}`, { headers: { cookie } })
        ).json()) as ConversationDetail,
    ),
  );
  let auto = 0;
  let decided = 0;
  let correct = 0;
  const firstResponses: number[] = [];
  const ratings: number[] = [];
  details.forEach((d, i) => {
    const messages = d.events.filter((e): e is MessageEvent => e.type === "message");
    const first = messages.find((m) => m.author === "customer");
    if (!first) throw new Error(`conversation ${d.id} has no customer message`);
    const reply = messages.find((m) => m.seq > first.seq && (m.author === "bot" || m.author === "agent"));
    if (reply) firstResponses.push(reply.at - first.at);
    const agentWrote = messages.some((m) => m.author === "agent");
    if (d.state === "resolved" && !agentWrote) auto++;
    if (d.csat) ratings.push(d.csat.score);
    const handedOff = d.events.some((e) => e.type === "state" && e.state === "queued" && e.reason !== "reassigned");
    const answered = messages.some((m) => m.author === "bot" && m.action === "answer");
    const thumbsDown = log[i]?.votes.some((v) => !v.helpful) ?? false;
    if (handedOff && d.handoffNeeded) {
      decided++;
      if (d.handoffNeeded.needed) correct++;
    } else if (!handedOff && answered) {
      decided++;
      if (!thumbsDown) correct++;
    }
  });
  const expected = {
    autoResolution: auto / details.length,
    firstResponse: percentile(firstResponses, 50),
    csat: ratings.reduce((a, b) => a + b, 0) / ratings.length,
    escalationAccuracy: correct / decided,
  };
  // The simulation must have produced every kind of case the figures depend on.
  expect(log.filter((c) => c.handedOff).length).toBeGreaterThan(3);
  expect(ratings.length).toBeGreaterThan(5);

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, worker.url, SIM_OWNER);
  await page.getByTestId("nav-analytics").click();
  await page.locator("[data-testid=analytics][data-loaded=true]").waitFor({ timeout: 20_000 });
  const tile = async (id: string) => Number(await page.getByTestId(`tile-${id}`).getAttribute("data-value"));
  expect(await tile("autoResolution")).toBeCloseTo(expected.autoResolution, 9);
  expect(await tile("firstResponse")).toBe(expected.firstResponse);
  expect(await tile("csat")).toBeCloseTo(expected.csat, 9);
  expect(await tile("escalationAccuracy")).toBeCloseTo(expected.escalationAccuracy, 9);
  await expect.poll(() => page.getByTestId("counts").textContent()).toContain(`${details.length} conversations`);
  // Every chart is drawn and has its CSV; the summary CSV says the same as the tile.
  for (const id of [
    "volume-channel",
    "volume-category",
    "first-response",
    "resolution",
    "csat",
    "handoff-reasons",
    "top-articles",
    "gaps",
  ]) {
    await expect.poll(() => page.getByTestId(`chart-${id}`).count()).toBe(1);
    await expect
      .poll(() => page.getByTestId(`csv-${id}`).getAttribute("href"))
      .toMatch(/^\/api\/analytics\/\w+\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
  }
  const csv = await (
    await page.request.get(`${worker.url}${await page.getByTestId("csv-summary").getAttribute("href")}`)
  ).text();
  expect(csv.split("\r\n")[1]?.split(",")[1]).toBe(String(expected.autoResolution));
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: "test-results/e2e-analytics-dashboard.png", fullPage: true });
}, 120_000);
