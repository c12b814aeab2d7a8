// Response SLA of queued conversations, pure: what state an item is in at a given time, and when the
// next change happens (the Inbox DO sets its one alarm there).
import type { InboxItem, SlaState, Tier } from "../../../shared/api.ts";
import { addOpenTime, type BusinessHours } from "../../../shared/hours.ts";
import { targetMs, type Matrix } from "./matrix.ts";

/** Only conversations waiting for a person run the clock; once someone has joined, the target is met. */
export const runsSla = (i: InboxItem): i is InboxItem & { slaDueAt: number } =>
  i.state === "queued" && typeof i.slaDueAt === "number";

/**
 * When an item counts as near due: after `fraction` of its target or `minutesBefore` due, whichever is
 * first. A handoff under business hours carries its own (`slaNearAt`, counted in open time).
 */
export function nearAt(m: Matrix, i: { tier?: InboxItem["tier"]; slaDueAt: number; slaNearAt?: number }): number {
  if (i.slaNearAt !== undefined) return i.slaNearAt;
  const target = i.tier ? targetMs(m, i.tier) : 0;
  const lead = Math.min(target, Math.max(target * (1 - m.nearDue.fraction), m.nearDue.minutesBefore * 60_000));
  return i.slaDueAt - lead;
}

export function slaStateAt(m: Matrix, i: InboxItem & { slaDueAt: number }, now: number): SlaState {
  if (now >= i.slaDueAt) return "breached";
  return now >= nearAt(m, i) ? "near" : "ok";
}

/** States only move forward (ok → near → breached) for one handoff; a new handoff starts at ok. */
const order: Record<SlaState, number> = { ok: 0, near: 1, breached: 2 };
export const advanced = (from: SlaState | undefined, to: SlaState): boolean => order[to] > order[from ?? "ok"];

/** The earliest future moment an item's SLA state changes, or null when nothing runs. */
export function nextDeadline(m: Matrix, items: readonly InboxItem[]): number | null {
  let next: number | null = null;
  for (const i of items) {
    if (!runsSla(i)) continue;
    const at = i.slaState === "breached" ? null : i.slaState === "near" ? i.slaDueAt : nearAt(m, i);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}

/**
 * Due and near-due instants of a handoff at `at` whose clock runs only while the desk is open
 * (shared/hours.ts): the target and the lead before it are open time, so the night, the weekend and
 * holidays do not count toward the first response. No instants when the desk never opens again.
 */
export function slaTimes(
  m: Matrix,
  tier: Tier,
  at: number,
  h: BusinessHours,
): { slaDueAt?: number; slaNearAt?: number } {
  const target = targetMs(m, tier);
  const due = addOpenTime(h, at, target);
  if (due === null) return {};
  const near = addOpenTime(h, at, Math.round(nearAt(m, { tier, slaDueAt: at + target }) - at));
  return { slaDueAt: due, slaNearAt: near ?? due };
}
