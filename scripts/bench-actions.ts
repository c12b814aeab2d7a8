// `node scripts/ts.mjs scripts/bench-actions.ts [--rounds 40]`: what an action adds to the bot's first
// response (docs/actions.md "Figures"). Against `wrangler dev` on fresh state and the local Lumen account
// API (scripts/lib/account-api.ts), a verified customer asks, one question at a time, alternately a
// question an article answers ("How do I reset my password?") and one an action answers ("What plan am I
// on?", the read `my-plan`: one GET to the account API). For each it times the first token the customer
// receives (the first streamed word, over the same SSE exchange the widget's fallback uses) and reads the
// action's own call time from the conversation's `action` event. Prints p50/p95 of each and of the
// difference between the medians. Stops everything it started.
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CreatedConversation, identityCanonicalV2 } from "../shared/api.ts";
import { bearer } from "../shared/credentials.ts";
import type { ConversationEvent } from "../shared/protocol.ts";
import { startAccountApi } from "./lib/account-api.ts";
import { seedDemoActions } from "./lib/demo-actions.ts";
import { inDemo, seedDemo } from "./lib/demo-seed.ts";
import { readKbDir } from "./lib/kb-files.ts";
import { sseFrames } from "./lib/sse.ts";
import { admin, startWorker } from "./lib/worker.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const ROUNDS = Number(arg("rounds", "40"));
const SITE = "bench_actions";
const SECRET = "bench-actions-identity-secret-0123";
const ANA = { id: "u_ana", email: "ana@lumen.example", name: "Ana García" };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : Number.NaN;
};
const round = (n: number) => Math.round(n * 10) / 10;

const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-actions-"));
const accounts = await startAccountApi({ key: randomUUID() });
const worker = await startWorker({
  persistTo: state,
  quiet: true,
  vars: { NOTIFY_ALLOW_PRIVATE_URLS: "true", RATE_LIMIT: "1000,1000", CUSTOMER_MESSAGE_BUDGET: "1000,1000" },
}).catch(async (e: unknown) => {
  await accounts.close();
  throw e;
});
try {
  await seedDemo(worker, [worker.url]);
  await admin(worker, "PUT", inDemo("/admin/v1/kb/articles"), { articles: readKbDir("kb"), replace: true });
  await seedDemoActions(worker, accounts);
  await admin(worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), {
    name: "bench",
    allowedOrigins: [],
    identitySecret: SECRET,
  });

  /** One question in a new conversation of a signed-in Ana: first token (ms) and the action's call time. */
  async function ask(text: string): Promise<{ firstToken: number; action: string; callMs: number | null }> {
    const c = (await (
      await fetch(`${worker.url}/v1/conversations?site=${SITE}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale: "en" }),
      })
    ).json()) as CreatedConversation;
    const ts = Math.floor(Date.now() / 1000);
    const hmac = createHmac("sha256", SECRET).update(identityCanonicalV2(ts, ANA)).digest("hex");
    const id = await fetch(`${worker.url}/v1/conversations/${c.id}/identify?site=${SITE}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(c.token) },
      body: JSON.stringify({ user: ANA, hmac, ts }),
    });
    if (id.status !== 202) throw new Error(`identify: ${id.status} ${await id.text()}`);
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/v1/conversations/${c.id}/messages?site=${SITE}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...bearer(c.token) },
      body: JSON.stringify({ clientId: randomUUID(), text }),
    });
    let firstToken: number | null = null;
    let action = "none";
    for await (const f of sseFrames(res)) {
      const bot = f.t === "event" && f.event.type === "message" && f.event.author === "bot" ? f.event : null;
      if (firstToken === null && (f.t === "delta" || bot)) firstToken = performance.now() - t0;
      if (bot) action = bot.action ?? "none";
    }
    const detail = await admin<{ events: ConversationEvent[] }>(
      worker,
      "GET",
      inDemo(`/admin/v1/conversations/${c.id}`),
    );
    const step = detail.events.find((e) => e.type === "action");
    return {
      firstToken: firstToken ?? performance.now() - t0,
      action,
      callMs: step?.type === "action" ? (step.durationMs ?? null) : null,
    };
  }

  // Warm up both paths (the KB snapshot's first load, the first D1 reads) before timing.
  await ask("How do I reset my password?");
  await ask("What plan am I on?");
  const article: number[] = [];
  const action: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await ask("How do I reset my password?");
    if (a.action !== "answer") throw new Error(`the article question was answered with ${a.action}`);
    article.push(a.firstToken);
    const b = await ask("What plan am I on?");
    if (b.action !== "act") throw new Error(`the action question was answered with ${b.action}`);
    action.push(b.firstToken);
    if (b.callMs !== null) calls.push(b.callMs);
    process.stderr.write(`\r${i + 1}/${ROUNDS}`);
  }
  process.stderr.write("\n");
  const figures = {
    rounds: ROUNDS,
    articleFirstTokenMs: { p50: round(pct(article, 50)), p95: round(pct(article, 95)) },
    actionFirstTokenMs: { p50: round(pct(action, 50)), p95: round(pct(action, 95)) },
    addedMs: {
      p50: round(pct(action, 50) - pct(article, 50)),
      p95: round(pct(action, 95) - pct(article, 95)),
    },
    accountApiCallMs: { p50: round(pct(calls, 50)), p95: round(pct(calls, 95)) },
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await worker.stop();
  await accounts.close();
  rmSync(state, { recursive: true, force: true });
}
