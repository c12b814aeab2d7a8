// Inbox list logic, DOM-free: folding live frames into a sorted list and spotting conversations that
// just joined the queue (the ones worth announcing). Kept pure so the ordering rules are tested.
import type { InboxFrame, InboxItem } from "../../shared/api.ts";
import type { ConversationState } from "../../shared/protocol.ts";

export const stateLabels: Record<ConversationState, string> = {
  queued: "Queued",
  agent: "With agent",
  bot: "Bot",
  resolved: "Resolved",
};

// Customers waiting for a person come first; resolved ones sink to the bottom because nobody has to
// act on them. Everything else is ordered by age alone, so the spec's "queued first, then oldest" holds.
const group = (s: ConversationState): number => (s === "queued" ? 0 : s === "resolved" ? 2 : 1);

/** Queued first, then the oldest activity first (longest waiting), resolved last; ties by id for stability. */
export function compareInbox(a: InboxItem, b: InboxItem): number {
  return (
    group(a.state) - group(b.state) ||
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
    default:
      return [...items];
  }
}

/** Ids that are queued in `next` but were not queued (or not present) in `prev`. */
export function newlyQueued(prev: readonly InboxItem[], next: readonly InboxItem[]): InboxItem[] {
  const before = new Map(prev.map((i) => [i.id, i.state]));
  return next.filter((i) => i.state === "queued" && before.get(i.id) !== "queued");
}

export function countByState(items: readonly InboxItem[]): Record<ConversationState, number> {
  const n: Record<ConversationState, number> = { queued: 0, agent: 0, bot: 0, resolved: 0 };
  for (const i of items) n[i.state] += 1;
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
