// Inbox list logic, DOM-free: folding live frames into a sorted list and spotting conversations that
// just joined the queue (the ones worth announcing). Kept pure so the ordering rules are tested.
import type { AgentPresence, InboxFrame, InboxItem, SlaState } from "../../../../shared/api.ts";
import type { ConversationState } from "../../../../shared/protocol.ts";

export const stateLabels: Record<ConversationState, string> = {
  queued: "Queued",
  agent: "With agent",
  bot: "Bot",
  resolved: "Resolved",
};

// Customers waiting for a person come first, and among them what arrived while the desk was closed
// (docs/hours.md: the night's queue is the morning's first work); then conversations back from a
// snooze; resolved ones sink to the bottom because nobody has to act on them. Everything else is
// ordered by age alone, so the spec's "queued first, then oldest" holds.
const group = (i: InboxItem): number =>
  i.state === "queued" ? (i.afterHours ? 0 : 1) : i.state === "resolved" ? 4 : i.woke ? 2 : 3;

/**
 * Queued first (arrived while closed before the rest, in order of arrival), then conversations back
 * from a snooze, then the oldest activity first (longest waiting), resolved last; ties by id.
 */
export function compareInbox(a: InboxItem, b: InboxItem): number {
  return (
    group(a) - group(b) ||
    (a.afterHours && b.afterHours ? a.createdAt - b.createdAt : 0) ||
    a.updatedAt - b.updatedAt ||
    a.createdAt - b.createdAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortInbox(items: readonly InboxItem[]): InboxItem[] {
  return [...items].sort(compareInbox);
}

/** The list after one socket frame, sorted. A stale upsert (older than what we hold) is ignored. */
export function applyInboxFrame(items: readonly InboxItem[], frame: InboxFrame): InboxItem[] {
  switch (frame.t) {
    case "snapshot": {
      // The server's snapshot is the truth; the map only drops accidental duplicate ids.
      const byId = new Map<string, InboxItem>();
      for (const it of frame.items) byId.set(it.id, it);
      return sortInbox([...byId.values()]);
    }
    case "upsert": {
      const old = items.find((i) => i.id === frame.item.id);
      if (old && old.updatedAt > frame.item.updatedAt) return [...items];
      return sortInbox([...items.filter((i) => i.id !== frame.item.id), frame.item]);
    }
    case "remove":
      return items.filter((i) => i.id !== frame.id);
    case "presence":
      return [...items];
    default:
      return [...items];
  }
}

/** Ids that are queued in `next` but were not queued (or not present) in `prev`. */
export function newlyQueued(prev: readonly InboxItem[], next: readonly InboxItem[]): InboxItem[] {
  const before = new Map(prev.map((i) => [i.id, i.state]));
  return next.filter((i) => i.state === "queued" && before.get(i.id) !== "queued");
}

/** Conversations per state, snoozed ones left out (they are counted on their own). */
export function countByState(items: readonly InboxItem[]): Record<ConversationState, number> {
  const n: Record<ConversationState, number> = { queued: 0, agent: 0, bot: 0, resolved: 0 };
  for (const i of items) if (!i.snoozed) n[i.state] += 1;
  return n;
}

/** Lower is more urgent; unknown priorities sort with "normal". */
export function priorityRank(p: string | undefined): number {
  switch ((p ?? "").toLowerCase()) {
    case "urgent":
      return 0;
    case "high":
      return 1;
    case "low":
      return 3;
    default:
      return 2;
  }
}

// ---- routing: whose work, SLA countdowns -----------------------------------------------------------

export type Scope = "all" | "mine" | "teams";
export const scopeLabels: Record<Scope, string> = { mine: "Mine", teams: "My teams", all: "Everyone" };

/** "mine": assigned to me; "my teams": routed to one of my teams or assigned to me. */
export function inScope(item: InboxItem, scope: Scope, meId: string, myTeams: readonly string[]): boolean {
  if (scope === "all") return true;
  const mine = item.assignee?.id === meId;
  if (scope === "mine") return mine;
  return mine || (item.team !== undefined && myTeams.includes(item.team));
}

/**
 * The SLA shown for a queued item: the server's flag, or breached once the clock says so (an alarm may
 * lag a little). Handed off while the desk was closed: paused until it opens.
 */
export function slaView(item: InboxItem, now: number): { state: SlaState; text: string; label: string } | null {
  if (item.state !== "queued") return null;
  const opens = item.afterHours?.opensAt;
  if (item.afterHours && (opens === undefined || now < opens)) {
    const at = opens === undefined ? "when the desk opens" : openingWords(opens, item.afterHours.timeZone);
    return { state: "ok", text: "paused", label: `Response target paused until the desk opens ${at}` };
  }
  if (item.slaDueAt === undefined) return null;
  const left = item.slaDueAt - now;
  const state: SlaState = left <= 0 ? "breached" : (item.slaState ?? "ok");
  const span = countdown(Math.abs(left));
  // The server's breach can arrive between two ticks of the console's clock: it wins over "due in".
  if (state === "breached")
    return left > 0
      ? { state, text: "overdue", label: "Response overdue" }
      : { state, text: `overdue ${span}`, label: `Response overdue by ${span}` };
  return { state, text: `due in ${span}`, label: `Response due in ${span}${state === "near" ? ", nearly due" : ""}` };
}

/** "Mon 09:00" in the desk's zone. */
function openingWords(at: number, tz: string): string {
  try {
    return new Date(at).toLocaleString("en-GB", { timeZone: tz, weekday: "short", hour: "2-digit", minute: "2-digit" });
  } catch {
    return new Date(at).toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }
}

// ---- snoozed conversations ------------------------------------------------------------------------

/** Put aside: out of the active lists until its time or the customer's reply. */
export const isSnoozed = (i: InboxItem): boolean => i.snoozed !== undefined;

/** "Back: customer replied" / "Back: snooze ended" for a conversation that woke. */
export const wokeLabel = (i: InboxItem): string | null =>
  i.woke ? (i.woke.reason === "reply" ? "Back: customer replied" : "Back: snooze ended") : null;

/** "until Mon 09:00" or "until they reply". */
export function snoozeLabel(i: InboxItem): string {
  const until = i.snoozed?.until;
  return until === undefined
    ? "until they reply"
    : `until ${new Date(until).toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" })}`;
}

/** "<1 min", "12 min", "3 h 05", "2 d 4 h": minute resolution is what an agent acts on (and the clock ticks every 15 s). */
export function countdown(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return "<1 min";
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")}`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export const tierLabels: Record<string, string> = {
  "self-service": "Self-service",
  "tier-1": "Tier 1",
  "tier-2": "Tier 2",
  "tier-3": "Tier 3",
  executive: "Executive",
};

/** Teams to offer when assigning: everyone's teams and the ones conversations are routed to. */
export function knownTeams(agents: readonly AgentPresence[], items: readonly InboxItem[]): string[] {
  const t = new Set<string>();
  for (const a of agents) for (const x of a.teams) t.add(x);
  for (const i of items) if (i.team) t.add(i.team);
  return [...t].sort();
}
