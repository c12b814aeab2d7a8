// The desk the load bench and the chaos scenarios run against: a fresh `wrangler dev` on a state
// directory of its own, the demo workspace made through the admin API as the tests do
// (scripts/lib/demo-seed.ts), the shared benchmark's banking KB published with its resolved tickets, a
// site for the simulated customers, and agents. Everything it starts stops on `close()`, and on exit,
// Ctrl-C or a crash of the script (`stopOnExit`).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inDemo, seedDemo } from "../demo-seed.ts";
import { readKbDir } from "../kb-files.ts";
import { admin, type LocalWorker, startWorker } from "../worker.ts";
import type { AgentAccount } from "./agent.ts";
import { directUrl } from "./procstat.ts";

/** The shared benchmark (a sibling of the worktree, as for bench:quality). */
export const BANKING77 = "../shared/bench/banking77";
export const LOAD_SITE = "load_site";

/** The questions of the shared benchmark's dev set, text only (the labels are the scorer's, never read here). */
export function readQuestions(path = `${BANKING77}/dev-queries.jsonl`): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String((JSON.parse(l) as { text: unknown }).text));
}

export type Desk = {
  worker: LocalWorker;
  state: string;
  /** Where customers and agents connect: the app's own workerd unless `viaProxy` (procstat.ts). */
  url: string;
  direct: boolean;
  agents: AgentAccount[];
  published: { articles: number; history: number; ms: number };
  /** The worker's SECRET and ADMIN_TOKEN, kept across a restart. */
  secrets: { SECRET: string; ADMIN_TOKEN: string };
  close: () => Promise<void>;
};

export type DeskOptions = {
  vars?: Record<string, string>;
  port?: number;
  /** Connect through wrangler's proxy on the public port instead of to the app's own workerd. */
  viaProxy?: boolean;
  /** How many agents to create. */
  agents?: number;
  /** Publish the benchmark's 10,000 resolved tickets too (retrieval learns from them, as in production). */
  history?: boolean;
  /** Reuse this state directory (a restart after a crash); it is not removed on close. */
  state?: string;
  /** Skip the workspace set-up (the state has it already). */
  seeded?: boolean;
  /** SECRET and ADMIN_TOKEN (a restart passes the first run's). */
  secrets?: { SECRET: string; ADMIN_TOKEN: string };
};

const running = new Set<() => Promise<void>>();
let hooked = false;

/** Stops every desk still running when the process ends for any reason (Ctrl-C, an exception, exit). */
function stopOnExit(): void {
  if (hooked) return;
  hooked = true;
  const all = async () => {
    for (const stop of [...running]) await stop().catch(() => undefined);
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.once(sig, () => {
      console.error(`\n${sig}: stopping the worker`);
      void all().finally(() => process.exit(130));
    });
  process.once("uncaughtException", (e) => {
    console.error(e);
    void all().finally(() => process.exit(1));
  });
}

export const password = () => `load-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-Aa1!`;

export function agentAccounts(n: number): AgentAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `load-agent-${i + 1}@bench.example`,
    name: `Agent ${i + 1}`,
    password: password(),
  }));
}

export async function startDesk(o: DeskOptions = {}): Promise<Desk> {
  stopOnExit();
  const state = o.state ?? mkdtempSync(join(tmpdir(), "edgedesk-load-"));
  // Fixed for the desk's life: a restart on the same state must accept the tokens it issued before.
  const secrets = o.secrets ?? {
    SECRET: randomBytes(24).toString("base64url"),
    ADMIN_TOKEN: randomBytes(18).toString("base64url"),
  };
  const worker = await startWorker({
    ...(o.port ? { port: o.port } : {}),
    persistTo: state,
    quiet: true,
    vars: { ...o.vars, ...secrets },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    running.delete(close);
    await worker.stop();
    if (!o.state) rmSync(state, { recursive: true, force: true });
  };
  running.add(close);
  try {
    const agents = o.seeded ? [] : agentAccounts(o.agents ?? 0);
    let published = { articles: 0, history: 0, ms: 0 };
    if (!o.seeded) {
      await seedDemo(worker, [worker.url]);
      const t0 = Date.now();
      const pub = await admin<{ articles: number }>(worker, "PUT", inDemo("/admin/v1/kb/articles"), {
        articles: readKbDir(`${BANKING77}/kb`),
        replace: true,
      });
      let history = 0;
      if (o.history) {
        const items = readFileSync(`${BANKING77}/history.jsonl`, "utf8")
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as { text: string; article: string })
          .map((h) => ({ text: String(h.text), article: String(h.article) }));
        history = (await admin<{ recorded: number }>(worker, "POST", inDemo("/admin/v1/kb/history"), { items }))
          .recorded;
      }
      published = { articles: pub.articles, history, ms: Date.now() - t0 };
      await admin(worker, "PUT", inDemo(`/admin/v1/sites/${LOAD_SITE}`), { name: "Load bench", allowedOrigins: [] });
      for (const a of agents) await admin(worker, "POST", inDemo("/admin/v1/agents"), { ...a, role: "agent" });
    }
    const direct = o.viaProxy ? null : await directUrl(worker.marker, worker.port);
    return { worker, state, url: direct ?? worker.url, direct: direct !== null, agents, published, secrets, close };
  } catch (e) {
    console.error(worker.logTail());
    await close();
    throw e;
  }
}

/** Restarts a desk's worker on the same state directory and port (after `worker.crash()`). */
export async function restartDesk(d: Desk, vars: Record<string, string>): Promise<Desk> {
  const again = await startDesk({
    vars,
    port: d.worker.port,
    state: d.state,
    seeded: true,
    viaProxy: !d.direct,
    secrets: d.secrets,
  });
  return { ...again, agents: d.agents, published: d.published };
}
