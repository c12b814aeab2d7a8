// Handoff-to-console latency: the time from a customer's handoff request (POST …/handoff) to the
// conversation's row appearing in a signed-in agent's console, in real Chromium against the real
// worker under `wrangler dev`. Both clocks are this machine's, so the two timestamps compare directly.
//
//   node scripts/ts.mjs scripts/bench-handoff.ts [--n 40] [--port P] [--stream-delay 12]
//
// --stream-delay is STREAM_DELAY_MS (the deployed default is 12 ms between words of the bot's
// "connecting you with a person" reply, which is sent before the conversation joins the queue).
import { bearer } from "../shared/credentials.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./lib/browser.ts";
import { inDemo, seedDemo } from "./lib/demo-seed.ts";
import { admin, startWorker } from "./lib/worker.ts";
import { signIn } from "./lib/console-login.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg("n", "40"));
const PORT = arg("port", "") ? Number(arg("port", "")) : undefined;
const STREAM_DELAY = arg("stream-delay", "12");
const SITE = "bench_site";
const AGENT = {
  email: "bench-agent@lumen.example",
  password: "bench-agent-password",
  name: "Bench Agent",
  role: "agent",
  teams: ["support"],
};

const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-handoff-"));
const worker = await startWorker({
  ...(PORT ? { port: PORT } : {}),
  persistTo: state,
  quiet: true,
  vars: { STREAM_DELAY_MS: STREAM_DELAY, RATE_LIMIT: "1000,1000" },
});
const browser = await launchChromium();
try {
  await seedDemo(worker, [worker.url]);
  await admin(worker, "POST", inDemo("/admin/v1/agents"), AGENT);
  await admin(worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), { name: "bench", allowedOrigins: [worker.url] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(page, worker.url, AGENT);
  await page.getByTestId("availability-toggle").and(page.locator(":enabled")).waitFor({ timeout: 15_000 });
  // Stamp each row the moment it is added to the DOM (the agent could see it from the next paint).
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __seen: Record<string, number> }).__seen = seen;
    const stamp = () => {
      for (const el of document.querySelectorAll<HTMLElement>("[data-testid=inbox-row]")) {
        const id = el.dataset.id;
        if (id && !(id in seen)) seen[id] = Date.now();
      }
    };
    new MutationObserver(stamp).observe(document.body, { childList: true, subtree: true });
    stamp();
  });

  const origin = worker.url;
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const created = await fetch(`${origin}/v1/conversations?site=${SITE}`, {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en", pageUrl: `${origin}/bench` }),
    });
    const c = (await created.json()) as { id: string; token: string };
    const t0 = Date.now();
    const sent = fetch(`${origin}/v1/conversations/${c.id}/handoff?site=${SITE}`, {
      method: "POST",
      headers: { origin, "content-type": "application/json", ...bearer(c.token) },
      body: JSON.stringify({ reason: "customer-requested" }),
    });
    const seenAt = await page.waitForFunction(
      (id) => (window as unknown as { __seen: Record<string, number> }).__seen[id],
      c.id,
      { timeout: 15_000, polling: 5 },
    );
    const ms = ((await seenAt.jsonValue()) as number) - t0;
    if ((await sent).status !== 202) throw new Error(`handoff ${i} failed`);
    samples.push(ms);
    await new Promise((r) => setTimeout(r, 50));
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`handoff → console row, ${samples.length} handoffs, STREAM_DELAY_MS=${STREAM_DELAY}`);
  console.log(
    `p50 ${pct(50)} ms · p95 ${pct(95)} ms · min ${sorted[0]} ms · max ${sorted.at(-1)} ms · mean ${mean.toFixed(1)} ms`,
  );
} catch (e) {
  console.error(worker.logTail());
  throw e;
} finally {
  await browser.close();
  await worker.stop();
  rmSync(state, { recursive: true, force: true });
}
