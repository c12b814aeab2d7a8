// `node scripts/ts.mjs scripts/lighthouse.ts [--out DIR]`: Lighthouse over the demo page, a help-centre
// article, the help centre's home and the console's login, against a fresh local worker (the demo KB
// published), with Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Lighthouse is not a
// dependency of the project: it runs through `npx lighthouse@12` (12.x runs on Node 20; 13 wants 22),
// or LIGHTHOUSE_BIN when set. Prints each page's four category scores; --out keeps the JSON reports.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readKbDir } from "./lib/kb-files.ts";
import { admin, startWorker } from "./lib/worker.ts";

const outArg = process.argv.indexOf("--out");
const out = outArg >= 0 ? (process.argv[outArg + 1] as string) : mkdtempSync(join(tmpdir(), "edgedesk-lh-"));
mkdirSync(out, { recursive: true });
const chrome = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const [bin, ...binArgs] = process.env.LIGHTHOUSE_BIN
  ? [process.env.LIGHTHOUSE_BIN]
  : ["npx", "--yes", "lighthouse@12.8.2"];

const state = mkdtempSync(join(tmpdir(), "edgedesk-lh-state-"));
const worker = await startWorker({ persistTo: state, quiet: true });
try {
  await admin(worker, "PUT", "/admin/v1/kb/articles", { articles: readKbDir("kb"), replace: true });
  await admin(worker, "PUT", "/admin/v1/sites/demo_site?workspace=demo", {
    name: "Lumen demo site",
    allowedOrigins: [worker.url],
  });
  const pages: [string, string][] = [
    ["demo", "/demo/"],
    ["hc-article", "/hc/demo/articles/reset-password"],
    ["hc-home", "/hc/demo/"],
    ["console-login", "/console/"],
  ];
  console.log("page            performance accessibility best-practices seo   JS transferred");
  for (const [name, path] of pages) {
    const report = join(out, `${name}.json`);
    const r = spawnSync(
      bin as string,
      [
        ...binArgs,
        `${worker.url}${path}`,
        "--quiet",
        "--output=json",
        `--output-path=${report}`,
        "--chrome-flags=--headless=new --no-sandbox",
      ],
      { env: { ...process.env, CHROME_PATH: chrome }, encoding: "utf8", timeout: 180_000 },
    );
    if (r.status !== 0) throw new Error(`lighthouse ${path} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
    const lhr = JSON.parse(readFileSync(report, "utf8")) as {
      categories: Record<string, { score: number | null }>;
      audits: Record<string, { details?: { items?: { resourceType?: string; transferSize?: number }[] } }>;
    };
    const score = (k: string) => String(Math.round((lhr.categories[k]?.score ?? 0) * 100)).padStart(3);
    const js = (lhr.audits["network-requests"]?.details?.items ?? [])
      .filter((i) => i.resourceType === "Script")
      .reduce((a, i) => a + (i.transferSize ?? 0), 0);
    console.log(
      `${name.padEnd(16)}${score("performance").padEnd(12)}${score("accessibility").padEnd(14)}${score("best-practices").padEnd(15)}${score("seo").padEnd(6)}${(js / 1024).toFixed(1)} KB`,
    );
  }
  console.log(`reports: ${out}`);
} finally {
  await worker.stop();
  rmSync(state, { recursive: true, force: true });
}
