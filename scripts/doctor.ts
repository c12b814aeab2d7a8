// `npm run doctor [-- --config wrangler.jsonc] [--remote] [--url https://your-worker]`: is this
// deployment ready for go-live? Offline it checks the configuration (real D1/KV ids, every Durable
// Object bound and migrated, AI bindings for the chosen modes, email, cron, metrics, nothing local
// left on). With --remote (after `wrangler login`, or CLOUDFLARE_API_TOKEN) it also asks Cloudflare:
// secrets set, D1 migrations applied, support addresses; with --url it reads the deployment's /health.
// Exits 1 when anything fails. The checks themselves are scripts/lib/doctor.ts.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import {
  configFindings,
  exportedDurableObjects,
  type Finding,
  parseUnapplied,
  type RemoteFacts,
  remoteFindings,
  stripJsonc,
  type WranglerConfig,
} from "./lib/doctor.ts";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const configPath = opt("config") ?? "wrangler.jsonc";
const url = opt("url");
const remote = args.includes("--remote");

const cfg = JSON.parse(stripJsonc(readFileSync(configPath, "utf8"))) as WranglerConfig;
const classes = exportedDurableObjects(readFileSync(cfg.main ?? "worker/index.ts", "utf8"));
const migrationsDir = cfg.d1_databases?.find((d) => d.binding === "DB")?.migrations_dir ?? "worker/db/migrations";
const migrationFiles = readdirSync(migrationsDir).filter((f) => f.endsWith(".sql"));
const dbName = cfg.d1_databases?.find((d) => d.binding === "DB")?.database_name ?? "edgedesk";

function wrangler(...a: string[]): { ok: boolean; out: string } {
  const r = spawnSync("node_modules/.bin/wrangler", [...a, "-c", configPath], {
    encoding: "utf8",
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    timeout: 60_000,
  });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}`.trim() };
}

const lastLine = (s: string) =>
  s
    .split("\n")
    .filter((l) => l.trim() && !/^[─⛅🪵]/u.test(l.trim()))
    .pop() ?? s;

async function facts(): Promise<RemoteFacts | null> {
  if (!remote && !url) return null;
  const r: RemoteFacts = { errors: {} };
  if (remote) {
    const secrets = wrangler("secret", "list", "--format", "json");
    try {
      r.secrets = (JSON.parse(secrets.out.slice(secrets.out.indexOf("["))) as { name: string }[]).map((s) => s.name);
    } catch {
      (r.errors as NonNullable<RemoteFacts["errors"]>).secrets = lastLine(secrets.out);
    }
    const list = wrangler("d1", "migrations", "list", dbName, "--remote");
    if (list.ok) r.unapplied = parseUnapplied(list.out);
    else (r.errors as NonNullable<RemoteFacts["errors"]>).migrations = lastLine(list.out);
    const q = wrangler(
      "d1",
      "execute",
      dbName,
      "--remote",
      "--json",
      "--command",
      "SELECT address FROM email_addresses",
    );
    try {
      const rows = JSON.parse(q.out.slice(q.out.indexOf("["))) as { results: { address: string }[] }[];
      r.supportAddresses = rows.flatMap((x) => x.results.map((row) => row.address));
    } catch {
      (r.errors as NonNullable<RemoteFacts["errors"]>).addresses = lastLine(q.out);
    }
  }
  if (url) {
    try {
      const res = await fetch(`${url.replace(/\/+$/, "")}/health`, { signal: AbortSignal.timeout(15_000) });
      const body = (await res.json()) as { checks?: NonNullable<RemoteFacts["health"]>["checks"] };
      r.health = { status: res.status, checks: body.checks ?? [] };
    } catch (e) {
      (r.errors as NonNullable<RemoteFacts["errors"]>).health = e instanceof Error ? e.message : String(e);
    }
  }
  return r;
}

const findings: Finding[] = [...configFindings(cfg, classes), ...remoteFindings(await facts(), migrationFiles)];
const mark = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" } as const;
console.log(`EdgeDesk doctor: ${configPath}${url ? ` and ${url}` : ""}\n`);
const width = Math.max(...findings.map((f) => f.name.length));
for (const f of findings) console.log(`  ${mark[f.level]}  ${f.name.padEnd(width)}  ${f.detail}`);
const failed = findings.filter((f) => f.level === "fail").length;
const warned = findings.filter((f) => f.level === "warn").length;
console.log(`\n${failed} failed, ${warned} warnings`);
process.exit(failed ? 1 : 0);
