// Which conversation goes first: the one closest to (or furthest past) its SLA due time. Ties break
// on priority, then age, then id, so the order is total and never depends on input order.

export type Orderable = { id: string; slaDueAt?: number; priority?: string; createdAt: number };

const PRIORITY: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const rank = (p: string | undefined) => PRIORITY[(p ?? "normal").toLowerCase()] ?? 2;

export function bySlaRisk(a: Orderable, b: Orderable): number {
  const da = a.slaDueAt ?? Number.POSITIVE_INFINITY;
  const db = b.slaDueAt ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  const pr = rank(a.priority) - rank(b.priority);
  if (pr) return pr;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const orderBySlaRisk = <T extends Orderable>(items: readonly T[]): T[] => [...items].sort(bySlaRisk);

export type Risk = "breached" | "near" | "ok" | "none";

/** Coarse label for the plan view: past due, under `nearMinutes` left, or fine. */
export function riskAt(slaDueAt: number | undefined, now: number, nearMinutes = 10): Risk {
  if (slaDueAt === undefined) return "none";
  if (now >= slaDueAt) return "breached";
  return slaDueAt - now <= nearMinutes * 60_000 ? "near" : "ok";
}
