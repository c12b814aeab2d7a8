// `npm run simulate -- --conversations N [--seed S] [--concurrency C] [--keep] [--port P] [--screenshot FILE.png] [--ops-screenshot FILE.png] [--pages-screenshots DIR]`
// `npm run simulate -- --url URL [--token ADMIN_TOKEN] [--auto-resolve-ms MS] [--publish-kb] [--allow-remote]`
// Drives N realistic conversations through the real public and agent APIs (scripts/lib/simulate.ts)
// so the analytics dashboard shows figures computed from real events. Without --url it starts the
// worker locally (fresh state, answers sent at once, idle conversations auto-resolved after 2 s) and
// publishes the demo KB; --keep leaves it running and prints the dashboard's address and login;
// --screenshot saves the owner's dashboard as Chromium shows it (CHROMIUM_PATH or /usr/bin/chromium);
// --ops-screenshot FILE.png the operations page (#/ops) after the same run, with a local webhook
// receiver subscribed so webhook attempts show too (docs/operations.md).
// After the conversations, scripts/lib/simulate-health.ts adds what the Quality, Performance, Reports and
// Customer health pages need: the agents' time online in the inbox, verified customers of three companies
// (some at risk), a rule's drafted outreach (one approved, one waiting), an agent's outreach, a lead's
// overrides and the weekly report; --pages-screenshots DIR saves those pages as Chromium shows them.
//
// With --url (e.g. the `npm run dev` server; its ADMIN_TOKEN is read from .dev.vars when --token is
// not given) only this machine is allowed unless --allow-remote says otherwise. The accounts it makes
// have random passwords and are removed at the end (with the site key), unless --keep; the
// conversations stay. Every request has a deadline, so a dead or stuck target ends the run with an error.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./lib/browser.ts";
import { signIn } from "./lib/console-login.ts";
import { type Created, setup, simAccounts, simulate, type Target, teardown } from "./lib/simulate.ts";
import { goOnline, type Presence, simulateHealth } from "./lib/simulate-health.ts";
import { pageScreenshots } from "./lib/simulate-shots.ts";
import { isLocalUrl, parseSimulateArgs } from "./lib/simulate-args.ts";
import { type LocalWorker, startWorker } from "./lib/worker.ts";

/** The dev server's admin token (scripts/dev.ts keeps it in .dev.vars). */
function devToken(): string | undefined {
  if (!existsSync(".dev.vars")) return undefined;
  return /^ADMIN_TOKEN\s*=\s*"?([^"\n]*)"?/m.exec(readFileSync(".dev.vars", "utf8"))?.[1];
}

const urlArg = process.argv[process.argv.indexOf("--url") + 1];
const local = process.argv.includes("--url") && urlArg !== undefined && isLocalUrl(urlArg);
const parsed = parseSimulateArgs(process.argv.slice(2), {
  ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? (local ? devToken() : undefined),
});
if (!parsed.ok) {
  console.error(parsed.message);
  process.exit(2);
}
const args = parsed.args;
const AUTO_RESOLVE_MS = 2000;

let worker: LocalWorker | null = null;
let state: string | null = null;
let target: Target;
if (args.url && args.token) {
  target = { url: args.url, adminToken: args.token, ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}) };
} else {
  state = mkdtempSync(join(tmpdir(), "edgedesk-simulate-"));
  worker = await startWorker({
    ...(args.port ? { port: args.port } : {}),
    persistTo: state,
    quiet: true,
    vars: {
      STREAM_DELAY_MS: "0",
      AUTO_RESOLVE_MS: String(AUTO_RESOLVE_MS),
      RATE_LIMIT: "100000,100000",
    },
  });
  target = args.timeoutMs ? { ...worker, timeoutMs: args.timeoutMs } : worker;
}

const accounts = simAccounts();
let created: Created | null = null;
let presence: Presence | null = null;
// A webhook endpoint on this machine (204 to everything), so the operations page has deliveries to chart.
let receiver: Server | null = null;

/** Removes the accounts and site (unless --keep) and stops a worker this run started. */
async function cleanUp(): Promise<void> {
  await presence?.stop().catch(() => undefined);
  presence = null;
  // A worker this run started goes with its whole state below; removing its accounts first would fail on
  // the last owner (the fresh demo workspace has no other), so only a --url target is tidied up.
  if (created && !args.keep && !worker) {
    const made = created;
    created = null;
    try {
      await teardown(target, made);
      console.log(`removed the simulation's ${made.agentIds.length} accounts and site key ${made.site}`);
    } catch (e) {
      console.error((e as Error).message);
      process.exitCode = 1;
    }
  }
  receiver?.close();
  if (worker) await worker.stop();
  if (state) rmSync(state, { recursive: true, force: true });
}
// Ctrl-C (mid-run, or to end --keep) still removes what the run made and stops its worker.
process.once("SIGINT", () => {
  console.error("\ninterrupted");
  void cleanUp().finally(() => process.exit(130));
});

try {
  created = await setup(target, { publishKb: args.publishKb, accounts, seed: !args.url });
  if (args.opsScreenshot && !args.url) {
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => receiver?.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    await fetch(`${target.url}/admin/v1/notifications/webhooks?workspace=demo`, {
      method: "POST",
      headers: { authorization: `Bearer ${target.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        url: `http://127.0.0.1:${port}/hook`,
        events: ["message.created", "conversation.handed_off"],
      }),
    });
  }
  // The agents' consoles are open for the whole run: their time available on the performance page.
  presence = await goOnline(target, accounts.agents);
  const started = Date.now();
  const wait = args.url ? (args.autoResolveMs ?? null) : AUTO_RESOLVE_MS;
  const log = await simulate(target, {
    conversations: args.conversations,
    seed: args.seed,
    concurrency: args.concurrency,
    autoResolveMs: wait,
    agents: accounts.agents,
    onProgress: (d, total) =>
      process.stderr.write(`\r${d}/${total} conversations · ${((Date.now() - started) / 1000).toFixed(0)} s   `),
  });
  process.stderr.write("\n");
  const count = (p: (c: (typeof log)[number]) => boolean) => log.filter(p).length;
  console.log(
    `simulated ${args.conversations} conversations in ${((Date.now() - started) / 1000).toFixed(1)} s: ${count((c) => c.handedOff)} handed off, ` +
      `${count((c) => c.agentReplied)} with an agent reply, ${count((c) => c.csat !== undefined)} rated, ${count((c) => c.votes.length > 0)} with a vote, ${count((c) => c.reopened)} reopened`,
  );
  console.log(
    wait === null
      ? "(conversations the bot kept are left open: the target closes them after its AUTO_RESOLVE_MS; pass --auto-resolve-ms to wait and rate them)"
      : `(simulated time is compressed: agents answer in seconds and idle conversations close after ${wait / 1000} s)`,
  );
  // One agent steps away while the customers below write: a shorter time available than the others'.
  const away = accounts.agents[2];
  if (away) await presence.away(away.email, true);
  const health = await simulateHealth(target, {
    secret: created.identitySecret,
    agents: accounts.agents.slice(0, 2),
    owner: accounts.owner,
    ...(away ? { away: away.name } : {}),
  });
  console.log(
    `customer health: ${health.contacts} contacts in ${health.companies.length} companies (${health.companies.join(", ")}), ` +
      `${health.atRisk.length} at risk; outreach: ${health.proposed} drafted by a rule (${health.approved} approved), ${health.sent} sent by an agent; ` +
      `${health.overrides} scores overridden; weekly report made`,
  );
  const secondsOf = (name: string) => health.available.find(([n]) => n === name)?.[1] ?? 0;
  console.log(`time available: ${accounts.agents.map((a) => `${a.name} ${secondsOf(a.name)} s`).join(", ")}`);
  if (args.pagesScreenshots) {
    const files = await pageScreenshots(target, accounts.owner, args.pagesScreenshots);
    console.log(`page screenshots: ${files.join(", ")}`);
  }
  const shot = args.screenshot;
  if (shot) {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, target.url, accounts.owner);
      await page.getByTestId("nav-analytics").click();
      await page.locator("[data-testid=analytics][data-loaded=true]").waitFor({ timeout: 30_000 });
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }
  const opsShot = args.opsScreenshot;
  if (opsShot) {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, target.url, accounts.owner);
      await page.getByTestId("nav-ops").click();
      await page.locator("[data-testid=ops][data-loaded=true]").waitFor({ timeout: 30_000 });
      await page.screenshot({ path: opsShot, fullPage: true });
      console.log(`operations screenshot: ${opsShot}`);
    } finally {
      await browser.close();
    }
  }
  if (args.keep) {
    console.log(
      `dashboard: ${target.url}/console/#/analytics  (owner ${accounts.owner.email} / ${accounts.owner.password})`,
    );
    if (worker) {
      console.log(`worker state: ${state}; press Ctrl+C to stop`);
      await new Promise<never>(() => {}); // until Ctrl-C, whose handler cleans up and exits
    } else console.log("the simulation's accounts and site are kept (--keep); nothing else to stop");
  } else console.log(`dashboard: ${target.url}/console/#/analytics  (sign in as an owner of the workspace)`);
} catch (e) {
  console.error(
    `\nsimulation failed: ${(e as Error).message}${worker ? `\n--- worker log ---\n${worker.logTail()}` : ""}`,
  );
  process.exitCode = 1;
} finally {
  await cleanUp();
}
