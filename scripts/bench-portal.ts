// The help centre's article page, measured locally under `wrangler dev`: its weight (HTML bytes, raw
// and gzip; what else the browser fetches to read it) and time to first byte, uncached (edge cache
// off: every request renders) and cached (edge cache hits), p50/p95 over N sequential requests.
// Usage: node scripts/ts.mjs scripts/bench-portal.ts [--n 50] [--article reset-password]
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readKbDir } from "./lib/kb-files.ts";
import { inDemo, seedDemo } from "./lib/demo-seed.ts";
import { admin, startWorker, type LocalWorker } from "./lib/worker.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg("n", "50"));
const ARTICLE = arg("article", "reset-password");

/** Milliseconds from sending the request to the first body byte, and the body. */
function ttfb(url: string): Promise<{ ms: number; body: Buffer; cache: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let first = 0;
    const chunks: Buffer[] = [];
    const req = request(url, { agent: false, headers: { "accept-encoding": "identity" } }, (res) => {
      res.once("data", () => (first = Number(process.hrtime.bigint() - t0) / 1e6));
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ ms: first, body: Buffer.concat(chunks), cache: String(res.headers["x-edgedesk-cache"] ?? "") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function run(w: LocalWorker, label: string): Promise<{ p50: number; p95: number; cache: string; body: Buffer }> {
  const url = `${w.url}/hc/demo/articles/${ARTICLE}`;
  // One warm-up: the isolate's first request compiles the worker, which is not what a page costs.
  await ttfb(url);
  const times: number[] = [];
  let last: { body: Buffer; cache: string } = { body: Buffer.alloc(0), cache: "" };
  for (let i = 0; i < N; i++) {
    const r = await ttfb(url);
    times.push(r.ms);
    last = r;
  }
  const out = { p50: pct(times, 50), p95: pct(times, 95), cache: last.cache, body: last.body };
  console.log(
    `${label.padEnd(10)} TTFB p50 ${out.p50.toFixed(1)} ms, p95 ${out.p95.toFixed(1)} ms over ${N} requests (x-edgedesk-cache: ${out.cache})`,
  );
  return out;
}

async function withWorker<T>(vars: Record<string, string>, f: (w: LocalWorker) => Promise<T>): Promise<T> {
  const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-portal-"));
  const w = await startWorker({ persistTo: state, quiet: true, vars: { STREAM_DELAY_MS: "0", ...vars } });
  try {
    await seedDemo(w, [w.url]);
    await admin(w, "PUT", inDemo("/admin/v1/kb/articles"), { articles: readKbDir("kb"), replace: true });
    return await f(w);
  } finally {
    await w.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

const uncached = await withWorker({ PORTAL_CACHE: "off" }, (w) => run(w, "uncached"));
const cached = await withWorker({}, (w) => run(w, "cached"));
const html = cached.body;
const scripts = [...html.toString("utf8").matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
console.log(
  `article page /hc/demo/articles/${ARTICLE}: ${html.length} B HTML, ${gzipSync(html, { level: 9 }).length} B gzip; ` +
    `no stylesheet or font requests; scripts: ${scripts.join(", ") || "none"} (async, the widget loader; the chat app loads only on open)`,
);
if (uncached.body.length !== html.length) console.log(`(uncached body differs in size: ${uncached.body.length} B)`);
