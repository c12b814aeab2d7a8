// `npm run dev`: builds the widget and console, starts the worker locally (wrangler dev) with D1,
// KV and Durable Objects on disk under .wrangler/state, seeds the demo workspace (scripts/lib/demo-seed.ts),
// publishes the demo KB from kb/, creates (or resets) the demo owner, and prints where to click. Ctrl-C stops it.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { PublishResult } from "../shared/api.ts";
import { ensureAgent, inDemo, seedDemo } from "./lib/demo-seed.ts";
import { readKbDir } from "./lib/kb-files.ts";
import { admin, startWorker } from "./lib/worker.ts";

const PORT = Number(process.env.PORT ?? 8787);
export const DEMO_AGENT = {
  email: "agent@lumen.example",
  password: "lumen-demo-agent",
  name: "Alex Rivera",
  role: "owner",
};

function devVars(): Record<string, string> {
  // Local secrets live in .dev.vars (git-ignored), made once, so tokens survive restarts.
  if (!existsSync(".dev.vars")) {
    writeFileSync(
      ".dev.vars",
      `SECRET="${randomBytes(24).toString("base64url")}"\nADMIN_TOKEN="${randomBytes(18).toString("base64url")}"\n`,
    );
  }
  const vars: Record<string, string> = {};
  for (const m of readFileSync(".dev.vars", "utf8").matchAll(/^(\w+)\s*=\s*"?([^"\n]*)"?/gm))
    vars[m[1] as string] = m[2] as string;
  return vars;
}

if (!process.argv.includes("--no-build")) {
  const b = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const worker = await startWorker({ port: PORT, vars: devVars(), quiet: true });
worker.process.stderr?.on("data", (d: Buffer) => {
  const s = d.toString();
  if (/error|exception/i.test(s) && !/Request\.cf/.test(s)) process.stderr.write(s);
});
// The demo workspace comes from here, not from a migration (production gets none): its site allows
// the pages this run serves, whatever PORT is.
await seedDemo(worker, [`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`]);
const kb = await admin<PublishResult>(worker, "PUT", inDemo("/admin/v1/kb/articles"), {
  articles: readKbDir("kb"),
  replace: true,
});
await ensureAgent(worker, DEMO_AGENT);

const url = worker.url.replace("127.0.0.1", "localhost");
console.log(`
  EdgeDesk is running (wrangler dev, state in .wrangler/state)

  Demo host page (widget embedded):  ${url}/demo/
  Agent console:                     ${url}/console/
      log in as ${DEMO_AGENT.email} / ${DEMO_AGENT.password}
  Help centre:                       ${url}/hc/demo/

  KB: ${kb.articles} articles from kb/ published as version ${kb.version}. Re-publish after edits: npm run kb -- push
  Ctrl-C to stop.
`);
const stop = async () => {
  await worker.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
worker.process.on("exit", (code) => {
  console.error(`wrangler dev exited (${code})`);
  process.exit(code ?? 1);
});
