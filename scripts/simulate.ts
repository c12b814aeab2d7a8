// `npm run simulate -- --conversations N [--seed S] [--concurrency C] [--keep] [--port P] [--screenshot FILE.png] [--ops-screenshot FILE.png]`
// `npm run simulate -- --url URL --token ADMIN_TOKEN --conversations N [--publish-kb]`
// Drives N realistic conversations through the real public and agent APIs (scripts/lib/simulate.ts)
// so the analytics dashboard shows figures computed from real events. Without --url it starts the
// worker locally (fresh state, answers sent at once, idle conversations auto-resolved after 2 s) and
// publishes the demo KB; --keep leaves it running and prints the dashboard's address and login;
// --screenshot saves the owner's dashboard as Chromium shows it (CHROMIUM_PATH or /usr/bin/chromium);
// --ops-screenshot FILE.png the operations page (#/ops) after the same run, with a local webhook
// receiver subscribed so webhook attempts show too (docs/operations.md).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./lib/browser.ts";
import { SIM_OWNER, setup, simulate, type Target } from "./lib/simulate.ts";
import { startWorker, type LocalWorker } from "./lib/worker.ts";
import { signIn } from "./lib/console-login.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const n = Number(arg("conversations") ?? 100);
if (!Number.isInteger(n) || n < 1) {
  console.error(
    "usage: npm run simulate -- --conversations N [--seed S] [--concurrency C] [--keep] [--port P] | --url URL --token ADMIN_TOKEN [--publish-kb]",
  );
  process.exit(2);
}
const AUTO_RESOLVE_MS = 2000;

let worker: LocalWorker | null = null;
let state: string | null = null;
let target: Target;
const url = arg("url");
if (url) {
  const token = arg("token") ?? process.env.ADMIN_TOKEN;
  if (!token) throw new Error("--url needs --token (or ADMIN_TOKEN)");
  target = { url: url.replace(/\/$/, ""), adminToken: token };
} else {
  state = mkdtempSync(join(tmpdir(), "edgedesk-simulate-"));
  worker = await startWorker({
    ...(arg("port") ? { port: Number(arg("port")) } : {}),
    persistTo: state,
    quiet: true,
    vars: {
      STREAM_DELAY_MS: "0",
      AUTO_RESOLVE_MS: String(AUTO_RESOLVE_MS),
      RATE_LIMIT: "100000,100000",
      LOGIN_RATE_LIMIT: "1000,1000",
    },
  });
  target = worker;
}

// A webhook endpoint on this machine (204 to everything), so the operations page has deliveries to chart.
let receiver: Server | null = null;
try {
  await setup(target, { publishKb: !url || flag("publish-kb") });
  if (arg("ops-screenshot") && !url) {
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => receiver?.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    await fetch(`${target.url}/admin/v1/notifications/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${target.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        url: `http://127.0.0.1:${port}/hook`,
        events: ["message.created", "conversation.handed_off"],
      }),
    });
  }
  const started = Date.now();
  const log = await simulate(target, {
    conversations: n,
    seed: Number(arg("seed") ?? 1),
    concurrency: Number(arg("concurrency") ?? 24),
    autoResolveMs: url ? 1_800_000 : AUTO_RESOLVE_MS,
    onProgress: (d, total) =>
      process.stderr.write(`\r${d}/${total} conversations · ${((Date.now() - started) / 1000).toFixed(0)} s   `),
  });
  process.stderr.write("\n");
  const count = (p: (c: (typeof log)[number]) => boolean) => log.filter(p).length;
  console.log(
    `simulated ${n} conversations in ${((Date.now() - started) / 1000).toFixed(1)} s: ${count((c) => c.handedOff)} handed off, ` +
      `${count((c) => c.agentReplied)} with an agent reply, ${count((c) => c.csat !== undefined)} rated, ${count((c) => c.votes.length > 0)} with a vote, ${count((c) => c.reopened)} reopened`,
  );
  console.log(
    `(simulated time is compressed: agents answer in seconds and idle conversations close after ${AUTO_RESOLVE_MS / 1000} s locally)`,
  );
  console.log(`dashboard: ${target.url}/console/#/analytics  (owner ${SIM_OWNER.email} / ${SIM_OWNER.password})`);
  const shot = arg("screenshot");
  if (shot) {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, target.url, SIM_OWNER);
      await page.getByTestId("nav-analytics").click();
      await page.locator("[data-testid=analytics][data-loaded=true]").waitFor({ timeout: 30_000 });
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }
  const opsShot = arg("ops-screenshot");
  if (opsShot) {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, target.url, SIM_OWNER);
      await page.getByTestId("nav-ops").click();
      await page.locator("[data-testid=ops][data-loaded=true]").waitFor({ timeout: 30_000 });
      await page.screenshot({ path: opsShot, fullPage: true });
      console.log(`operations screenshot: ${opsShot}`);
    } finally {
      await browser.close();
    }
  }
  if (worker && flag("keep")) {
    console.log(`worker state: ${state}; press Ctrl+C to stop`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
} catch (e) {
  console.error(
    `\nsimulation failed: ${(e as Error).message}${worker ? `\n--- worker log ---\n${worker.logTail()}` : ""}`,
  );
  process.exitCode = 1;
} finally {
  receiver?.close();
  if (worker) await worker.stop();
  if (state) rmSync(state, { recursive: true, force: true });
}
