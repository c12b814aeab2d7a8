// CPU profiles of the app inside workerd, through workerd's own inspector (the V8 DevTools protocol):
// `node --cpu-prof` cannot reach into workerd, but `wrangler dev` starts the app's workerd with
// `--inspector-addr`, and V8's sampling profiler runs there. Every Durable Object of the app shares
// the worker's isolate locally, so one profile covers the Worker and all its objects. The summary adds
// self time per function (and per source file of the bundle) so a bench can print where the CPU went.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { listeningPorts, sampleRuntime } from "./procstat.ts";

export type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
export type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/**
 * The DevTools endpoint of the app's isolate. workerd allows one inspector session per isolate and
 * wrangler holds it (it reads the logs through it), so a profiler goes through wrangler's inspector
 * proxy, which forwards what a DevTools client sends: the marked process's port whose /json/version
 * says "wrangler".
 */
export async function inspectorTargets(marker: string): Promise<{ title: string; webSocketDebuggerUrl: string }[]> {
  for (const p of sampleRuntime(marker).processes) {
    for (const port of listeningPorts(p.pid)) {
      try {
        const v = (await (
          await fetch(`http://127.0.0.1:${port}/json/version`, { signal: AbortSignal.timeout(2000) })
        ).json()) as { Browser?: string };
        if (!v.Browser?.startsWith("wrangler")) continue;
        const list = (await (
          await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) })
        ).json()) as { title: string; webSocketDebuggerUrl: string }[];
        return list.map((t) => ({
          ...t,
          webSocketDebuggerUrl: t.webSocketDebuggerUrl.replace(/^ws:\/\/[^/]+/, `ws://127.0.0.1:${port}`),
        }));
      } catch {
        // not an inspector
      }
    }
  }
  return [];
}

/** A DevTools session over one target's socket. */
class Session {
  private id = 0;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
      if (m.id !== undefined) this.waiting.get(m.id)?.(m.error ? { error: m.error } : m.result);
    });
  }
  static open(url: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once("open", () => resolve(new Session(ws)));
      ws.once("error", reject);
    });
  }
  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from the inspector`)), timeoutMs);
      this.waiting.set(id, (v) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        const e = (v as { error?: { message?: string } } | undefined)?.error;
        if (e) reject(new Error(`${method}: ${e.message ?? "failed"}`));
        else resolve(v as T);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  close(): void {
    this.ws.close();
  }
}

/** Starts V8's sampling profiler in the app's isolate; `stop()` returns the profile. */
export async function startProfile(marker: string, intervalUs = 500): Promise<{ stop: () => Promise<CpuProfile> }> {
  const target = (await inspectorTargets(marker))[0];
  if (!target) throw new Error("no inspector found (wrangler dev starts one with --inspector-port)");
  const s = await Session.open(target.webSocketDebuggerUrl);
  await s.send("Profiler.enable");
  await s.send("Profiler.setSamplingInterval", { interval: intervalUs });
  await s.send("Profiler.start");
  return {
    stop: async () => {
      const { profile } = await s.send<{ profile: CpuProfile }>("Profiler.stop");
      await s.send("Profiler.disable").catch(() => undefined);
      s.close();
      return profile;
    },
  };
}

export type HeapUsage = {
  /** Live JavaScript heap of the app's isolate after a full collection, MB (every object of the app shares it locally). */
  usedMb: number;
  /** The heap V8 has reserved for it, MB. */
  totalMb: number;
  /** Array buffers outside the heap (the KB index's typed arrays among them), MB. */
  backingMb: number;
};

/**
 * Samples the app isolate's JS heap through the same inspector the profiler uses, so a soak can tell the
 * app's own memory (the heap: objects, caches, each live Durable Object's instance) from the runtime's
 * native memory (workerd's SQLite databases per object, sockets, buffers), which RSS adds up.
 * `sample()` asks V8 for a full collection first: the figure is what is live, not what is not yet collected.
 * workerd runs that collection only when the isolate next takes a request (an idle isolate leaves it
 * waiting), so `wake` is called beside it: a cheap request to the app.
 */
export async function heapSampler(
  marker: string,
  wake: () => Promise<unknown>,
): Promise<{ sample: () => Promise<HeapUsage>; close: () => void }> {
  const target = (await inspectorTargets(marker))[0];
  if (!target) throw new Error("no inspector found (wrangler dev starts one with --inspector-port)");
  const s = await Session.open(target.webSocketDebuggerUrl);
  return {
    sample: async () => {
      const gc = s.send("HeapProfiler.collectGarbage", {}, 15_000);
      await Promise.all([gc, wake().catch(() => undefined)]);
      const h = await s.send<{ usedSize: number; totalSize: number; backingStorageSize?: number }>(
        "Runtime.getHeapUsage",
        {},
        15_000,
      );
      return {
        usedMb: h.usedSize / 2 ** 20,
        totalMb: h.totalSize / 2 ** 20,
        backingMb: (h.backingStorageSize ?? 0) / 2 ** 20,
      };
    },
    close: () => s.close(),
  };
}

export type HotSpot = { name: string; where: string; ms: number; share: number };

const keyOf = (f: CallFrame) =>
  `${f.functionName || "(anonymous)"}@${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;

/**
 * Where the sampled CPU went: self time per function (name + bundle position), and inclusive time
 * (the function or anything it called; each function counted once per sample, however deep it recurs).
 * Idle and "(program)" samples are left out of the total.
 */
export function hotSpots(
  p: CpuProfile,
  top = 25,
  where: (f: CallFrame) => string | null = () => null,
): { totalMs: number; idleMs: number; self: HotSpot[]; inclusive: HotSpot[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, HotSpot>();
  const incl = new Map<string, HotSpot>();
  let totalMs = 0;
  let idleMs = 0;
  const add = (m: Map<string, HotSpot>, f: CallFrame, ms: number) => {
    const k = keyOf(f);
    const h = m.get(k) ?? {
      name: f.functionName || "(anonymous)",
      where: where(f) ?? k.slice(k.indexOf("@") + 1),
      ms: 0,
      share: 0,
    };
    h.ms += ms;
    m.set(k, h);
  };
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i] as number);
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    if (!n) continue;
    const name = n.callFrame.functionName;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(garbage collector)") add(self, n.callFrame, ms), (totalMs += ms);
      else idleMs += ms;
      continue;
    }
    totalMs += ms;
    add(self, n.callFrame, ms);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      const k = keyOf(f);
      if (seen.has(k) || f.functionName === "(root)") continue;
      seen.add(k);
      add(incl, f, ms);
    }
  }
  const rank = (m: Map<string, HotSpot>) =>
    [...m.values()]
      .map((h) => ({ ...h, share: totalMs ? h.ms / totalMs : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { totalMs, idleMs, self: rank(self), inclusive: rank(incl) };
}

/**
 * JavaScript time of the samples with a frame whose source (`where`) passes `pick` anywhere on their
 * stack, and the sampled total: e.g. the Inbox object's share, its frames being worker/inbox/*.
 */
export function timeUnder(
  p: CpuProfile,
  where: (f: CallFrame) => string | null,
  pick: (source: string) => boolean,
): { ms: number; totalMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hit = new Map<number, boolean>();
  const under = (id: number): boolean => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id) as ProfileNode;
    const src = where(n.callFrame);
    const up = parent.get(id);
    const v = (src !== null && pick(src)) || (up !== undefined && under(up));
    hit.set(id, v);
    return v;
  };
  let ms = 0;
  let totalMs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === "(idle)" || n.callFrame.functionName === "(program)") continue;
    const d = (p.timeDeltas[i] ?? 0) / 1000;
    totalMs += d;
    if (under(id)) ms += d;
  }
  return { ms, totalMs };
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * For each line of a bundle, the source file and line its first mapping points at, from the bundle's
 * source map (version 3, base64 VLQ): enough to name `index.js:31871` as `worker/conversation/transport.ts:120`.
 */
export function lineMapper(map: { sources: string[]; mappings: string }): (line: number) => string | null {
  const lines: (string | null)[] = [];
  let src = 0;
  let origLine = 0;
  for (const group of map.mappings.split(";")) {
    let first: string | null = null;
    for (const seg of group.split(",")) {
      if (!seg) continue;
      const values: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (values.length >= 4) {
        src += values[1] as number;
        origLine += values[2] as number;
        if (first === null) first = `${(map.sources[src] ?? "?").replace(/^(\.\.\/)+/, "")}:${origLine + 1}`;
      }
    }
    lines.push(first);
  }
  return (line) => lines[line - 1] ?? null;
}

/**
 * Source positions for a profile's frames, from the map of the bundle wrangler dev is running (the
 * newest `.wrangler/tmp/dev-*` here; it is removed when wrangler stops, so call this while it runs).
 */
export function bundleSources(dir = ".wrangler/tmp"): (f: CallFrame) => string | null {
  let map: ((line: number) => string | null) | null = null;
  try {
    const newest = readdirSync(dir)
      .filter((d) => d.startsWith("dev-"))
      .map((d) => ({ d, at: statSync(join(dir, d)).mtimeMs }))
      .sort((a, b) => b.at - a.at)[0];
    if (newest) map = lineMapper(JSON.parse(readFileSync(join(dir, newest.d, "index.js.map"), "utf8")));
  } catch {
    map = null;
  }
  return (f) => (map && f.url === "index.js" ? map(f.lineNumber + 1) : null);
}

/**
 * Who calls a hot function: the samples under frames matching `where` (source position from
 * `sources`), added up by the nearest caller frame of another function. Answers "which queries are
 * those `exec` calls" without reading a flame graph.
 */
export function callersOf(
  p: CpuProfile,
  matches: (f: CallFrame, where: string | null) => boolean,
  sources: (f: CallFrame) => string | null,
  top = 15,
): HotSpot[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, HotSpot>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    // The innermost matching frame of this sample, then its first caller that is not itself.
    let hit: ProfileNode | undefined;
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id) as ProfileNode;
      if (matches(n.callFrame, sources(n.callFrame))) {
        hit = n;
        break;
      }
    }
    if (!hit) continue;
    total += ms;
    let up = parent.get(hit.id);
    while (up !== undefined && keyOf((byId.get(up) as ProfileNode).callFrame) === keyOf(hit.callFrame))
      up = parent.get(up);
    const f = up === undefined ? hit.callFrame : (byId.get(up) as ProfileNode).callFrame;
    const k = keyOf(f);
    const h = out.get(k) ?? {
      name: f.functionName || "(anonymous)",
      where: sources(f) ?? k.slice(k.indexOf("@") + 1),
      ms: 0,
      share: 0,
    };
    h.ms += ms;
    out.set(k, h);
  }
  return [...out.values()]
    .map((h) => ({ ...h, share: total ? h.ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}
