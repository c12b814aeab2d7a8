// Who gets a conversation: round robin among the least loaded available agents of the routed team;
// failing that, among all available agents; failing that, nobody (it waits in the team's queue) until
// someone becomes available and the queue is handed out, most urgent first. Pure.
import type { AgentRef, InboxItem } from "../../../shared/api.ts";

/** `capacity`: the agent's own limit, when an owner set one (people/routes.ts); else pickAgent's. */
export type RosterAgent = AgentRef & {
  teams: string[];
  away: boolean;
  online: boolean;
  lastAssignedAt: number;
  capacity?: number;
};

export const available = (a: RosterAgent): boolean => a.online && !a.away;

/** Conversations per agent that are assigned and not resolved; `reserved` are picks not yet published. */
export function loads(
  items: readonly InboxItem[],
  reserved: ReadonlyMap<string, string> = new Map(),
): Map<string, number> {
  const owner = new Map<string, string>();
  for (const i of items)
    if (i.assignee && (i.state === "queued" || i.state === "agent")) owner.set(i.id, i.assignee.id);
  for (const [conversation, agent] of reserved) owner.set(conversation, agent);
  const n = new Map<string, number>();
  for (const agent of owner.values()) n.set(agent, (n.get(agent) ?? 0) + 1);
  return n;
}

/**
 * `capacity`: an agent with this many open conversations is not given another (Matrix.agentCapacity),
 * unless the agent has a capacity of their own.
 */
export function pickAgent(
  roster: readonly RosterAgent[],
  team: string,
  load: ReadonlyMap<string, number>,
  capacity = Infinity,
): RosterAgent | null {
  const free = roster.filter((a) => available(a) && (load.get(a.id) ?? 0) < (a.capacity ?? capacity));
  const inTeam = free.filter((a) => a.teams.includes(team));
  const pool = inTeam.length ? inTeam : free;
  if (!pool.length) return null;
  const least = Math.min(...pool.map((a) => load.get(a.id) ?? 0));
  // Round robin: of the least loaded, the one who was given a conversation longest ago.
  const tied = pool.filter((a) => (load.get(a.id) ?? 0) === least);
  tied.sort((a, b) => a.lastAssignedAt - b.lastAssignedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return tied[0] ?? null;
}

/**
 * Queued conversations nobody was given (no agent was available at handoff), in the order they should
 * be handed out when someone becomes available: earliest SLA due time first, then the longest waiting.
 */
export function waitingUnassigned(
  items: readonly InboxItem[],
  reserved: ReadonlyMap<string, string> = new Map(),
): InboxItem[] {
  return items
    .filter((i) => i.state === "queued" && !i.assignee && !reserved.has(i.id))
    .sort(
      (a, b) =>
        (a.slaDueAt ?? Infinity) - (b.slaDueAt ?? Infinity) ||
        a.createdAt - b.createdAt ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/**
 * Assigned conversations nobody has joined yet, whose agent has been unavailable (offline or away)
 * since `since.get(agent)` for at least `graceMs` at `now`: they go back to the queue. Joined ones stay:
 * the customer is already talking to that person.
 */
export function releasable(
  items: readonly InboxItem[],
  since: ReadonlyMap<string, number>,
  graceMs: number,
  now: number,
): InboxItem[] {
  if (graceMs <= 0) return [];
  return items.filter(
    (i) => i.state === "queued" && i.assignee && (since.get(i.assignee.id) ?? Infinity) + graceMs <= now,
  );
}

/** When the next release is due (see `releasable`), or null when none is pending. */
export function nextRelease(
  items: readonly InboxItem[],
  since: ReadonlyMap<string, number>,
  graceMs: number,
): number | null {
  if (graceMs <= 0) return null;
  let next: number | null = null;
  for (const i of items) {
    const t = i.state === "queued" && i.assignee ? since.get(i.assignee.id) : undefined;
    if (t !== undefined && (next === null || t + graceMs < next)) next = t + graceMs;
  }
  return next;
}
