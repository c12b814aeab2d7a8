// Publish time and customer question latency while a publish runs, through the real worker under
// `wrangler dev`: `node scripts/ts.mjs scripts/measure-publish.ts --kb DIR [--kb DIR2 ...] [--port P]`.
// For each KB: publish a baseline (the demo KB), then publish DIR as a job (replace) while two
// customers keep asking questions; prints the job's time and the questions' p50/p95 and failures.
import { bearer } from "../shared/credentials.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CreatedConversation, KbJob } from "../shared/api.ts";
import { readKbDir } from "./lib/kb-files.ts";
import { inDemo, seedDemo } from "./lib/demo-seed.ts";
import { admin, startWorker } from "./lib/worker.ts";

const dirs: string[] = [];
for (const [i, a] of process.argv.entries())
  if (a === "--kb" && process.argv[i + 1]) dirs.push(process.argv[i + 1] as string);
const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : undefined;
if (!dirs.length) {
  console.error("usage: node scripts/ts.mjs scripts/measure-publish.ts --kb DIR [--kb DIR2] [--port P]");
  process.exit(2);
}

const ORIGIN = "http://measure.local";
const SITE = "measure_site";
const QUESTIONS = [
  "How do I reset my password?",
  "Where can I download my invoices?",
  "my card payment was declined",
  "how do I cancel my subscription",
  "can I get a refund",
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : NaN;
};

const state = mkdtempSync(join(tmpdir(), "edgedesk-measure-"));
const w = await startWorker({
  ...(port ? { port } : {}),
  persistTo: state,
  quiet: true,
  vars: { STREAM_DELAY_MS: "0", RATE_LIMIT: "1000,1000" },
});
try {
  await seedDemo(w, [w.url]);
  await admin(w, "PUT", inDemo(`/admin/v1/sites/${SITE}`), { name: "measure", allowedOrigins: [ORIGIN] });

  /** One customer question: create a conversation, send, read the SSE exchange to the bot's reply. */
  async function question(text: string): Promise<number> {
    const c = (await (
      await fetch(`${w.url}/v1/conversations?site=${SITE}`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ locale: "en" }),
      })
    ).json()) as CreatedConversation;
    const t = performance.now();
    const r = await fetch(`${w.url}/v1/conversations/${c.id}/messages?site=${SITE}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", accept: "text/event-stream", ...bearer(c.token) },
      body: JSON.stringify({ clientId: `m-${Math.random().toString(36).slice(2, 12)}`, text }),
    });
    const body = await r.text();
    if (!r.ok || !body.includes('"author":"bot"'))
      throw new Error(`question failed: ${r.status} ${body.slice(0, 200)}`);
    return performance.now() - t;
  }

  for (const dir of dirs) {
    const articles = readKbDir(dir);
    await admin(w, "PUT", inDemo("/admin/v1/kb/articles"), { articles: readKbDir("kb"), replace: true });
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push(await question(QUESTIONS[i % QUESTIONS.length] as string));

    const started = performance.now();
    let job = await admin<KbJob>(w, "PUT", inDemo("/admin/v1/kb/articles?wait=0"), { articles, replace: true });
    const during: number[] = [];
    let failed = 0;
    let running = true;
    const customer = async (k: number) => {
      for (let i = k; running; i += 2) {
        try {
          during.push(await question(QUESTIONS[i % QUESTIONS.length] as string));
        } catch (e) {
          failed++;
          console.error(String(e));
        }
      }
    };
    const customers = [customer(0), customer(1)];
    const stages: string[] = [];
    while (job.status !== "done" && job.status !== "failed") {
      await new Promise((r) => setTimeout(r, 500));
      job = await admin<KbJob>(w, "GET", inDemo(`/admin/v1/kb/jobs/${job.id}`));
      const s = `${job.stage} ${Math.round(job.progress * 100)}%`;
      if (stages.at(-1) !== s) stages.push(s);
    }
    const wall = performance.now() - started;
    running = false;
    await Promise.all(customers);
    console.log(
      JSON.stringify(
        {
          kb: dir,
          articles: articles.length,
          status: job.status,
          error: job.error,
          publishWallMs: Math.round(wall),
          jobMs: job.result?.ms,
          version: job.version,
          progressSeen: stages.length,
          idleQuestionMs: { p50: Math.round(pct(idle, 50)), p95: Math.round(pct(idle, 95)) },
          duringPublish: {
            questions: during.length,
            failed,
            p50: Math.round(pct(during, 50)),
            p95: Math.round(pct(during, 95)),
            max: Math.round(Math.max(...during)),
          },
        },
        null,
        2,
      ),
    );
  }
} finally {
  await w.stop();
  rmSync(state, { recursive: true, force: true });
}
