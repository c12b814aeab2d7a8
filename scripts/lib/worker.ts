// Starts the real worker locally (`wrangler dev`: workerd + miniflare) with its D1 migrations applied,
// for the dev command, the end-to-end tests and the benchmark runner.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killMarked } from "./procs.ts";

/** Marks the processes of one started worker (wrangler, workerd, esbuild) in their environment. */
export const WORKER_MARKER = "EDGEDESK_WORKER";

export type LocalWorker = {
  url: string;
  port: number;
  adminToken: string;
  process: ChildProcess;
  stop: () => Promise<void>;
  /** The last lines wrangler printed. */
  logTail: () => string;
  /** Everything wrangler printed since it started (up to 4 MB): tests read mail paths and look for leaked secrets in it. */
  log: () => string;
};

const wrangler = "node_modules/.bin/wrangler";

/** Fails with the exact command to run when the built assets `wrangler dev` serves are missing. */
export function ensureBuilt(): void {
  if (existsSync("dist/public/widget.js")) return;
  const b = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
  if (b.status !== 0) throw new Error("npm run build failed: wrangler dev serves dist/public");
}

function applyMigrations(persistTo?: string): void {
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  const r = spawnSync(wrangler, ["d1", "migrations", "apply", "edgedesk", "--local", ...persist], {
    encoding: "utf8",
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
  if (r.status !== 0) throw new Error(`d1 migrations failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Brings the local D1 in `persistTo` up to the current migrations. An empty state directory (every
 * browser test file starts from one) gets a copy of a state migrated once per set of migration files,
 * kept in the OS temp dir under their hash: `wrangler d1 migrations apply` costs 5 to 15 s a start.
 * Anything else (the dev command's state, a restart on kept state) is migrated in place.
 */
function migrate(persistTo?: string): void {
  if (!persistTo || (existsSync(persistTo) && readdirSync(persistTo).length > 0)) {
    applyMigrations(persistTo);
    return;
  }
  const dir = "worker/db/migrations";
  const hash = createHash("sha256");
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  const template = join(tmpdir(), `edgedesk-migrated-${hash.digest("hex").slice(0, 16)}`);
  if (!existsSync(template)) {
    const building = mkdtempSync(`${template}-building-`);
    try {
      applyMigrations(building);
      // Atomic: a concurrent start either sees no template or a whole one.
      renameSync(building, template);
    } catch (e) {
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(template)) throw e;
    }
  }
  cpSync(template, persistTo, { recursive: true });
}

/**
 * Starts `wrangler dev` on `port` (a free one when omitted). wrangler runs in its own process group,
 * marked in its environment, so `stop()` ends wrangler, workerd and esbuild together, and a failed start
 * leaves nothing behind.
 */
export async function startWorker(opts: {
  port?: number;
  persistTo?: string;
  vars?: Record<string, string>;
  quiet?: boolean;
}): Promise<LocalWorker> {
  ensureBuilt();
  const adminToken = opts.vars?.ADMIN_TOKEN ?? randomBytes(18).toString("base64url");
  // METRICS_D1: a local worker keeps its operator metrics in D1 too, so the operations page works
  // without Analytics Engine (docs/operations.md); production never sets it.
  const vars = {
    SECRET: randomBytes(24).toString("base64url"),
    METRICS_D1: "on",
    ...opts.vars,
    ADMIN_TOKEN: adminToken,
  };
  migrate(opts.persistTo);
  // A port found free can be taken before wrangler binds it, by another test file starting its own
  // worker at the same moment (the browser suite runs two files at once): then wrangler exits at once
  // with "Address already in use", and a new free port is tried. A port the caller chose is not.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await spawnWrangler(port, opts.persistTo, vars, adminToken, opts.quiet);
    } catch (e) {
      const raced = e instanceof PortTaken && opts.port === undefined && attempt < 3;
      if (!raced) throw e;
    }
  }
}

class PortTaken extends Error {}

async function spawnWrangler(
  port: number,
  persistTo: string | undefined,
  vars: Record<string, string>,
  adminToken: string,
  quiet: boolean | undefined,
): Promise<LocalWorker> {
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
    ...persist,
  ];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const marker = randomBytes(8).toString("hex");
  const child = spawn(wrangler, args, {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", [WORKER_MARKER]: marker },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const collect = (d: Buffer) => {
    log = (log + d.toString()).slice(-4_000_000);
    if (!quiet) process.stderr.write(d);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    const group = child.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (group) process.kill(-group, sig);
      } catch {
        // the group is gone
      }
    };
    if (child.exitCode === null && child.signalCode === null) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    // workerd can outlive wrangler's exit for a moment, or for good when wrangler was killed hard.
    signal("SIGKILL");
    killMarked(WORKER_MARKER, marker);
  };
  const url = `http://127.0.0.1:${port}`;
  // wrangler's "Ready on <url>" line; with FORCE_COLOR (npm test sets it) the URL comes in colour codes.
  const ready = new RegExp(`Ready on \\S*http://127\\.0\\.0\\.1:${port}(?!\\d)`);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        const message = `wrangler dev exited (${child.exitCode}):\n${log}`;
        throw /Address already in use/.test(log) ? new PortTaken(message) : new Error(message);
      }
      try {
        // Only once this wrangler says it listens: until then the port may answer for another worker
        // that won the race for it (this one then exits with "Address already in use").
        if (ready.test(log) && (await fetch(`${url}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer within 60 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    port,
    adminToken,
    process: child,
    stop,
    logTail: () => log.split("\n").slice(-40).join("\n"),
    log: () => log,
  };
}

const ADMIN_TIMEOUT_MS = 180_000;

/** A refused admin call: the HTTP status and the error code of the worker's JSON answer. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Calls the admin API; throws an AdminError with the server's JSON error on failure, or an Error when no
 * answer comes in time.
 */
export async function admin<T>(
  w: { url: string; adminToken: string; timeoutMs?: number },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let text: string;
  let r: Response;
  try {
    r = await fetch(`${w.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${w.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // Generous (a large KB publish waits for its job), but never forever.
      signal: AbortSignal.timeout(w.timeoutMs ?? ADMIN_TIMEOUT_MS),
    });
    text = await r.text();
  } catch (e) {
    const timedOut = e instanceof Error && e.name === "TimeoutError";
    throw new Error(
      timedOut
        ? `${method} ${path}: no answer from ${w.url} within ${(w.timeoutMs ?? ADMIN_TIMEOUT_MS) / 1000} s`
        : `${method} ${path}: cannot reach ${w.url} (${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)})`,
    );
  }
  if (!r.ok) {
    let code = `http_${r.status}`;
    try {
      code = (JSON.parse(text) as { error?: string }).error ?? code;
    } catch {
      // not JSON
    }
    throw new AdminError(r.status, code, `${method} ${path}: ${r.status} ${text}`);
  }
  return JSON.parse(text) as T;
}
