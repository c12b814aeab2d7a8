// Ports picked free at run time, and the processes a run started found again by a marker in their
// environment, so a test run can stop whatever its suites left behind (workerd is wrangler's child,
// Chromium is playwright's: neither is a child the runner knows by id).
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The environment variable every process of one test run inherits (scripts/test.ts sets it). */
export const RUN_MARKER = "EDGEDESK_TEST_RUN";

/** Ids of live processes whose environment has `key=value` (Linux /proc; empty elsewhere). */
export function processesMarked(key: string, value: string): number[] {
  const needle = `${key}=${value}`;
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, "latin1").split("\0");
      if (env.includes(needle) && !isZombie(name)) out.push(pid);
    } catch {
      // gone already, or not ours to read
    }
  }
  return out;
}

function isZombie(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}

/** SIGKILLs every live process marked `key=value`; returns how many there were. */
export function killMarked(key: string, value: string): number {
  const pids = processesMarked(key, value);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids.length;
}
