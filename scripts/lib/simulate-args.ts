// The command line of `npm run simulate`, parsed and checked before anything is sent anywhere.
// A simulation creates accounts and dozens of conversations: against a URL that is not this machine
// it runs only when asked for explicitly (--allow-remote), because that is somebody's real desk.

export type SimulateArgs = {
  conversations: number;
  seed: number;
  concurrency: number;
  keep: boolean;
  port?: number;
  screenshot?: string;
  /** The operations page (#/ops) after the run, with a local webhook receiver subscribed. */
  opsScreenshot?: string;
  /** A directory: the Quality, Performance, Reports, Customer health and outreach approval pages after the run. */
  pagesScreenshots?: string;
  /** Set: drive that running worker instead of starting one. */
  url?: string;
  token?: string;
  publishKb: boolean;
  /** The target's AUTO_RESOLVE_MS when the run should wait for idle conversations to close (--url only). */
  autoResolveMs?: number;
  /** Deadline of each request, ms (--timeout-s). */
  timeoutMs?: number;
};

export const USAGE = `usage: npm run simulate -- [--conversations N] [--seed S] [--concurrency C] [--keep] [--port P] [--screenshot FILE.png] [--ops-screenshot FILE.png] [--pages-screenshots DIR]
       npm run simulate -- --url URL [--token ADMIN_TOKEN] [--auto-resolve-ms MS] [--publish-kb] [--allow-remote] [--keep] ...
       --timeout-s S: give up on any request after S seconds (default 30; admin calls 180)`;

/** localhost, *.localhost, 127.0.0.0/8 and ::1: a worker on this machine (npm run dev). */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "[::1]";
}

export function parseSimulateArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): { ok: true; args: SimulateArgs } | { ok: false; message: string } {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const flag = (name: string) => argv.includes(`--${name}`);
  const int = (name: string, fallback: number) => {
    const v = Number(arg(name) ?? fallback);
    return Number.isInteger(v) && v >= 1 ? v : null;
  };
  const conversations = int("conversations", 100);
  const seed = int("seed", 1);
  const concurrency = int("concurrency", 24);
  if (conversations === null || seed === null || concurrency === null)
    return { ok: false, message: `--conversations, --seed and --concurrency are whole numbers ≥ 1\n${USAGE}` };
  const timeout = arg("timeout-s");
  const timeoutS = timeout === undefined ? undefined : Number(timeout);
  if (timeoutS !== undefined && !(timeoutS > 0))
    return { ok: false, message: `--timeout-s is a number of seconds > 0\n${USAGE}` };
  const base = {
    conversations,
    ...(timeoutS !== undefined ? { timeoutMs: Math.round(timeoutS * 1000) } : {}),
    seed,
    concurrency,
    keep: flag("keep"),
    publishKb: flag("publish-kb"),
    ...(arg("screenshot") ? { screenshot: arg("screenshot") } : {}),
    ...(arg("ops-screenshot") ? { opsScreenshot: arg("ops-screenshot") } : {}),
    ...(arg("pages-screenshots") ? { pagesScreenshots: arg("pages-screenshots") } : {}),
  };
  const url = arg("url");
  if (!url) {
    const port = arg("port");
    return { ok: true, args: { ...base, publishKb: true, ...(port ? { port: Number(port) } : {}) } };
  }
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    return { ok: false, message: `--url ${url} is not an http(s) URL\n${USAGE}` };
  }
  if (!isLocalUrl(url) && !flag("allow-remote"))
    return {
      ok: false,
      message:
        `refusing to simulate against ${url}: it is not this machine. A simulation creates accounts, a site key and ` +
        "conversations (and with --publish-kb replaces the KB). Add --allow-remote if that is really what you want.",
    };
  const token = arg("token") ?? env.ADMIN_TOKEN;
  if (!token) return { ok: false, message: "--url needs --token ADMIN_TOKEN (or ADMIN_TOKEN in the environment)" };
  const wait = arg("auto-resolve-ms");
  const autoResolveMs = wait === undefined ? undefined : Number(wait);
  if (autoResolveMs !== undefined && !(Number.isInteger(autoResolveMs) && autoResolveMs > 0))
    return { ok: false, message: `--auto-resolve-ms is the target's AUTO_RESOLVE_MS in ms\n${USAGE}` };
  return {
    ok: true,
    args: {
      ...base,
      url: url.replace(/\/$/, ""),
      token,
      ...(autoResolveMs !== undefined ? { autoResolveMs } : {}),
    },
  };
}
