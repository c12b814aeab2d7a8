// `npm run bench:quality -- --kb DIR --queries Q.jsonl [--history H.jsonl] [--exclude-articles a,b] --out P.jsonl`
// Starts the real worker (wrangler dev, fresh state), publishes the KB through the admin API, feeds
// past resolved tickets through the resolved-questions API, then asks every query as a new
// conversation through the public chat API (the widget's SSE path) and writes one prediction a line.
// Reads only `id` and `text` from the queries. With --clarify, a simulated customer (scripts/lib/
// customer.ts, the one reader of the labels besides the scorer) answers the bot's "Do you mean …?" the
// way the asker would; without it such a question counts as a decline.
import { bearer } from "../shared/credentials.ts";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CreatedConversation, HistoryResult, PublishResult } from "../shared/api.ts";
import { readKbDir } from "./lib/kb-files.ts";
import { SimulatedCustomer } from "./lib/customer.ts";
import { sseFrames } from "./lib/sse.ts";
import { inDemo, seedDemo } from "./lib/demo-seed.ts";
import { admin, startWorker } from "./lib/worker.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const kbDir = arg("kb");
const queriesPath = arg("queries");
const out = arg("out");
if (!kbDir || !queriesPath || !out) {
  console.error(
    "usage: npm run bench:quality -- --kb DIR --queries FILE.jsonl [--history FILE.jsonl] [--exclude-articles id,id] --out PREDICTIONS.jsonl [--concurrency 8] [--port P (default: a free one)]",
  );
  process.exit(2);
}
const exclude = new Set((arg("exclude-articles") ?? "").split(",").filter(Boolean));
const concurrency = Number(arg("concurrency") ?? 8);
const readJsonl = (p: string) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
// Only id and text: the labels are for the scorer (and the simulated customer).
const labelled = readJsonl(queriesPath);
const queries = labelled.map((q) => ({ id: String(q.id), text: String(q.text) }));
const customer = process.argv.includes("--clarify")
  ? new SimulatedCustomer(
      labelled.map((q) => ({ id: String(q.id), article: q.article ? String(q.article) : undefined })),
    )
  : null;
let asked = 0;

const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-"));
const worker = await startWorker({
  ...(arg("port") ? { port: Number(arg("port")) } : {}),
  persistTo: state,
  quiet: true,
  vars: { RATE_LIMIT: "100000,100000" },
});
const site = "bench_site";
try {
  await seedDemo(worker, [worker.url]);
  const articles = readKbDir(kbDir, exclude);
  const pub = await admin<PublishResult>(worker, "PUT", inDemo("/admin/v1/kb/articles"), { articles, replace: true });
  console.error(`published ${pub.articles} articles (${exclude.size} excluded) in ${pub.ms} ms`);
  const historyPath = arg("history");
  if (historyPath) {
    const items = readJsonl(historyPath).map((h) => ({ text: String(h.text), article: String(h.article) }));
    const t0 = Date.now();
    const r = await admin<HistoryResult>(worker, "POST", inDemo("/admin/v1/kb/history"), { items });
    console.error(`recorded ${r.recorded} resolved questions (KB version ${r.version}) in ${Date.now() - t0} ms`);
  }
  await admin(worker, "PUT", inDemo(`/admin/v1/sites/${site}`), { name: "bench", allowedOrigins: [] });

  const results: string[] = new Array(queries.length);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const progress = () => {
    const s = (Date.now() - started) / 1000;
    process.stderr.write(
      `\r${done}/${queries.length} questions · ${s.toFixed(0)} s · ${(done / Math.max(s, 0.001)).toFixed(1)}/s   `,
    );
  };
  const timer = setInterval(progress, 500);

  async function one(q: { id: string; text: string }) {
    const created = (await (
      await fetch(`${worker.url}/v1/conversations?site=${site}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale: "en", channel: "api" }),
      })
    ).json()) as CreatedConversation;
    const t0 = performance.now();
    const say = (text: string, choice?: string) =>
      fetch(`${worker.url}/v1/conversations/${created.id}/messages?site=${site}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...bearer(created.token) },
        body: JSON.stringify({ clientId: randomUUID(), text, ...(choice ? { choice } : {}) }),
      });
    let firstToken: number | null = null;
    let action = "decline";
    let article: string | null = null;
    let options: { articleId: string; title: string }[] = [];
    const read = async (res: Response) => {
      for await (const f of sseFrames(res)) {
        const bot = f.t === "event" && f.event.type === "message" && f.event.author === "bot" ? f.event : null;
        if (firstToken === null && (f.t === "delta" || bot)) firstToken = performance.now() - t0;
        if (bot) {
          action = bot.action ?? "decline";
          article = bot.sources?.[0]?.articleId ?? null;
          options = bot.options ?? [];
        }
      }
    };
    await read(await say(q.text));
    if (action === "clarify") {
      asked++;
      if (customer) {
        const choice = customer.choose(q.id, options);
        await read(await say(options.find((o) => o.articleId === choice)?.title ?? "None of these", choice));
      }
      // Unanswered, "Do you mean …?" decided nothing: scored as a decline.
      if (action === "clarify") action = "decline";
    }
    const total = performance.now() - t0;
    // The article a handoff rests on is in the conversation's handoff packet, kept for agents.
    if (action === "handoff") article = await handoffArticle(created.id);
    return { id: q.id, action, article, first_token_ms: round(firstToken ?? total), total_ms: round(total) };
  }

  async function handoffArticle(id: string): Promise<string | null> {
    const r = await admin<{ handoff?: { tried: { articleId: string }[]; article?: string } }>(
      worker,
      "GET",
      inDemo(`/admin/v1/conversations/${id}`),
    );
    return r.handoff?.article ?? null;
  }

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queries.length) {
        const k = next++;
        results[k] = JSON.stringify(await one(queries[k] as { id: string; text: string }));
        done++;
      }
    }),
  );
  clearInterval(timer);
  progress();
  process.stderr.write("\n");
  writeFileSync(out, `${results.join("\n")}\n`);
  console.error(`asked "Do you mean …?" ${asked} times${customer ? " (answered by the simulated customer)" : ""}`);
  console.error(`wrote ${results.length} predictions to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`\nbenchmark failed: ${(e as Error).message}\n--- worker log (last lines) ---\n${worker.logTail()}`);
  process.exitCode = 1;
} finally {
  await worker.stop();
  rmSync(state, { recursive: true, force: true });
}

function round(ms: number) {
  return Math.round(ms * 10) / 10;
}
