// `npm run dev`: builds the widget and console, starts the worker locally (wrangler dev) with D1,
// KV and Durable Objects on disk under .wrangler/state; on empty state seeds the demo workspace
// (scripts/lib/demo-seed.ts) and publishes the demo KB from kb/ once (`--no-demo`: leaves it empty for
// first-run set-up); resets the demo owner's login when the demo exists; starts the Lumen account API on
// a free loopback port and points the demo's actions at it (docs/actions.md); prints where to click.
// Ctrl-C stops it all.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { startAccountApi } from "./lib/account-api.ts";
import { seedDemoActions } from "./lib/demo-actions.ts";
import { DEMO_WORKSPACE, seedDevOnce } from "./lib/demo-seed.ts";
import { startWorker } from "./lib/worker.ts";

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
const vars = devVars();
// The Lumen account API the demo's actions call, on a free loopback port with a new key each run. The
// worker may call loopback addresses only because this command says so (never in production).
const accounts = await startAccountApi({ key: randomBytes(18).toString("base64url") });
const worker = await startWorker({
  port: PORT,
  vars: { ...vars, NOTIFY_ALLOW_PRIVATE_URLS: "true", DEMO_SIGN_IN: "on" },
  quiet: true,
}).catch(async (e: unknown) => {
  await accounts.close();
  throw e;
});
worker.process.stderr?.on("data", (d: Buffer) => {
  const s = d.toString();
  if (/error|exception/i.test(s) && !/Request\.cf/.test(s)) process.stderr.write(s);
});
// The demo is seeded once, on empty state (no workspace at all), so a restart keeps whatever was
// edited or imported in the console: articles, sites, people. `--no-demo` leaves an empty state empty:
// the console then opens first-run set-up (docs/setup.md). Production never runs this.
const demo = !process.argv.includes("--no-demo");
const seed = await seedDevOnce(worker, {
  // Its site allows the pages this run serves, whatever PORT is.
  origins: [`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`],
  demo,
  kbDir: "kb",
  owner: DEMO_AGENT,
});
const actions = seed.demo ? await seedDemoActions(worker, accounts) : null;
const empty = seed.before.length === 0;
const hasDemo = seed.demo;
const kbLine = seed.published
  ? `KB: ${seed.published.articles} articles from kb/ published as version ${seed.published.version} (once, on empty state)`
  : "KB: kept as it was (the demo is seeded on empty state only; npm run kb -- push re-publishes kb/)";

const url = worker.url.replace("127.0.0.1", "localhost");
const setup =
  empty && !demo
    ? `
  First run: ${url}/console/ opens set-up.
      set-up token (ADMIN_TOKEN in .dev.vars): ${vars.ADMIN_TOKEN}
`
    : "";
console.log(`
  EdgeDesk is running (wrangler dev, state in .wrangler/state; delete it to start empty)
${setup}${
  hasDemo
    ? `
  Demo host page (widget embedded):  ${url}/demo/
  Agent console:                     ${url}/console/
      log in as ${DEMO_AGENT.email} / ${DEMO_AGENT.password}
  Help centre:                       ${url}/hc/demo/
  Actions (docs/actions.md):         ${url}/demo/?as=ana signs you in as a demo customer; ask
      "what plan am I on?" or "cancel my subscription". Define and try them in the console under
      Settings → Actions. Lumen account API (local): ${accounts.url}${
        actions?.created.length
          ? `
      defined: ${actions.created.join(", ")}`
          : ""
      }
`
    : `
  Agent console:                     ${url}/console/
`
}
  Workspaces: ${(empty ? (demo ? [DEMO_WORKSPACE] : ["none yet"]) : seed.before).join(", ")}
  ${kbLine}
  Ctrl-C to stop.
`);
const stop = async () => {
  await worker.stop();
  await accounts.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
worker.process.on("exit", (code) => {
  console.error(`wrangler dev exited (${code})`);
  void accounts.close().finally(() => process.exit(code ?? 1));
});
