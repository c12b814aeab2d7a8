// What every chaos scenario does at its end: read each conversation's stored log through the admin API
// (`GET /admin/v1/conversations/:id`, the agent's view: every event) and compare it with what each of
// its customers shows (scripts/lib/load/compare.ts).
import { conversationDetailSchema } from "../../../shared/api.ts";
import { DEMO_WORKSPACE } from "../demo-seed.ts";
import { addVerdicts, answerBalance, compareTranscript, type LoggedEvent, type Verdict } from "../load/compare.ts";
import type { SimCustomer } from "../load/customer.ts";

export type Admin = { url: string; adminToken: string };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A conversation's whole log as the admin API gives it, parsed with the shared schema. */
export async function logOf(a: Admin, id: string): Promise<LoggedEvent[]> {
  const r = await fetch(`${a.url}/admin/v1/conversations/${id}?workspace=${DEMO_WORKSPACE}`, {
    headers: { authorization: `Bearer ${a.adminToken}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (!r.ok) throw new Error(`GET /admin/v1/conversations/${id}: ${r.status}`);
  return conversationDetailSchema.parse(await r.json()).events as LoggedEvent[];
}

/** Runs `work` over `items`, `n` at a time. */
export async function pool<T, R>(items: readonly T[], n: number, work: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T);
      }
    }),
  );
  return out;
}

/**
 * Waits (at most `ms`) until the server has answered every question it holds (a restarted runtime
 * answers the ones it found waiting) and every customer is connected with nothing left unacked; then
 * gives trailing frames a moment.
 */
export async function quiesce(a: Admin, customers: readonly SimCustomer[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const clientsDone = customers.every((c) => c.connected && c.pendingAcks === 0);
    if (clientsDone) {
      const logs = await pool(customers, 16, (c) => logOf(a, c.id));
      if (logs.every((l) => answerBalance(l).unanswered === 0)) break;
    }
    await sleep(1000);
  }
  await sleep(1500);
}

/** Every customer's transcript against its conversation's log, added up. */
export async function verdictOf(a: Admin, customers: readonly SimCustomer[]): Promise<Verdict> {
  const vs = await pool(customers, 16, async (c) => compareTranscript(c.transcript(), await logOf(a, c.id)));
  return addVerdicts(vs);
}

/** The counts every scenario reports under these names (--json), plus its own facts. */
export type ScenarioResult = {
  lost: number;
  duplicated: number;
  out_of_order: number | null;
  passed: boolean;
  seconds: number;
  facts: Record<string, unknown>;
  details: string[];
};
