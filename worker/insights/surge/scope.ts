// The brief's filters over one conversation: all given filters must match.
import type { SurgeFilters } from "../../../shared/surge.ts";

export type ScopeItem = {
  id: string;
  text: string;
  createdAt: number;
  priority?: string;
  category?: string;
  channel: string;
  vip: boolean;
};

const lower = (xs: string[] | undefined) => (xs?.length ? new Set(xs.map((x) => x.toLowerCase())) : null);

export function inScope(i: ScopeItem, f: SurgeFilters, now: number): boolean {
  const cats = lower(f.categories);
  if (cats && !cats.has((i.category ?? "").toLowerCase())) return false;
  const pris = lower(f.priorities);
  if (pris && !pris.has((i.priority ?? "normal").toLowerCase())) return false;
  const chans = lower(f.channels);
  if (chans && !chans.has(i.channel.toLowerCase())) return false;
  const ageMin = (now - i.createdAt) / 60_000;
  if (f.minAgeMinutes !== undefined && ageMin < f.minAgeMinutes) return false;
  if (f.maxAgeMinutes !== undefined && ageMin > f.maxAgeMinutes) return false;
  if (f.text && !i.text.toLowerCase().includes(f.text.toLowerCase())) return false;
  if (f.vipOnly && !i.vip) return false;
  return true;
}
