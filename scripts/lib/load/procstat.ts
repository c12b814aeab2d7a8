// The runtime's footprint from /proc (Linux): resident memory and CPU time of the workerd processes of
// one `wrangler dev` (found by the marker scripts/lib/worker.ts puts in their environment), and the
// address of the workerd that runs the app itself, behind wrangler's own proxy.
//
// `wrangler dev` runs two workerd processes: one serves the public port with wrangler's proxy worker
// (it buffers requests across reloads; Cloudflare has nothing like it), the other runs the app and
// listens on a port of its own. Both count as "the runtime" here; `direct` lets a bench skip the proxy.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { processesMarked } from "../procs.ts";
import { WORKER_MARKER } from "../worker.ts";

/** Clock ticks per second of /proc/<pid>/stat's CPU fields (USER_HZ: 100 on every Linux we run on). */
const TICKS = 100;

export type ProcSample = {
  pid: number;
  name: string;
  rssKb: number;
  /** VmRSS split as the kernel counts it: anonymous (malloc, V8's heap), file-backed (mapped files), shared memory. */
  rssAnonKb: number;
  rssFileKb: number;
  rssShmemKb: number;
  cpuMs: number;
  fds: number;
  args: string;
};

function read(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/** One process's RSS (VmRSS) and CPU time (user + system); null when it is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  const status = read(`/proc/${pid}/status`);
  const stat = read(`/proc/${pid}/stat`);
  if (!status || !stat) return null;
  const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "?";
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  // Fields after the command name (which may hold spaces and parentheses): state is the first; utime and
  // stime are the 14th and 15th fields of the whole line, the 12th and 13th after the name.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS;
  const args = (read(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " ").trim();
  let fds = 0;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    // gone, or not ours
  }
  return {
    pid,
    name,
    rssKb,
    rssAnonKb: kb("RssAnon"),
    rssFileKb: kb("RssFile"),
    rssShmemKb: kb("RssShmem"),
    cpuMs,
    fds,
    args,
  };
}

export type RuntimeSample = {
  /** When it was taken (ms since epoch). */
  at: number;
  /** Sum over the workerd processes. */
  rssMb: number;
  cpuMs: number;
  /** Open file descriptors, summed (each socket, and each Durable Object's SQLite files, hold some). */
  fds: number;
  processes: ProcSample[];
};

/** The workerd processes of the worker whose processes carry `marker`, summed. */
export function sampleRuntime(marker: string): RuntimeSample {
  const processes = processesMarked(WORKER_MARKER, marker)
    .map(sampleProcess)
    .filter((p): p is ProcSample => p !== null && p.name === "workerd");
  return {
    at: Date.now(),
    rssMb: processes.reduce((a, p) => a + p.rssKb, 0) / 1024,
    cpuMs: processes.reduce((a, p) => a + p.cpuMs, 0),
    fds: processes.reduce((a, p) => a + p.fds, 0),
    processes,
  };
}

/** CPU between two samples as cores busy on average (1.0 = one core all the time). */
export function coresBusy(a: RuntimeSample, b: RuntimeSample): number {
  const wall = b.at - a.at;
  return wall > 0 ? (b.cpuMs - a.cpuMs) / wall : 0;
}

/** The TCP ports `pid` listens on (IPv4 loopback or any), from its socket inodes and /proc/net/tcp. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const line of (read("/proc/net/tcp") ?? "").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // local_address rem_address st ... inode (the 10th field); st 0A is LISTEN.
    if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9] as string)) continue;
    ports.push(Number.parseInt((f[1] as string).split(":")[1] as string, 16));
  }
  return ports;
}

/**
 * The app's own workerd, without wrangler's proxy in front: the port of the marked workerd that is not
 * `publicPort` and answers /health like the worker does. Null when none is found (another wrangler
 * layout): callers then use the public URL.
 */
export async function directUrl(marker: string, publicPort: number): Promise<string | null> {
  const { processes } = sampleRuntime(marker);
  for (const p of processes) {
    if (p.args.includes(`:${publicPort} `) || p.args.endsWith(`:${publicPort}`)) continue;
    for (const port of listeningPorts(p.pid)) {
      if (port === publicPort) continue;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = await r.text();
        if (r.ok && body.includes('"checks"')) return `http://127.0.0.1:${port}`;
      } catch {
        // not an HTTP port of the app
      }
    }
  }
  return null;
}

/** The soft limit on open files of a process (/proc/<pid>/limits), or null. */
export function fdLimit(pid: number): number | null {
  const m = /^Max open files\s+(\d+)/m.exec(read(`/proc/${pid}/limits`) ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * Raises the open-files limit of the runtime's processes to `n` when it is lower (`prlimit`, which needs
 * the right to raise a hard limit: root, or CAP_SYS_RESOURCE). Returns the limits after.
 */
export function raiseFdLimit(marker: string, n: number): number[] {
  return sampleRuntime(marker).processes.map((p) => {
    const now = fdLimit(p.pid) ?? 0;
    if (now < n) spawnSync("prlimit", ["--pid", String(p.pid), `--nofile=${n}:${n}`], { stdio: "ignore" });
    return fdLimit(p.pid) ?? 0;
  });
}
