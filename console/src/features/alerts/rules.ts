// Which inbox changes deserve a desktop alert, DOM-free so the rules and the de-duplication are tested
// (rules.test.ts). The store hands over every change of the list (prev → next) and every alert frame;
// a reconnect's snapshot is just another change, so anything the console already held raises nothing,
// and the `Seen` set keeps one notification per event even if the same change arrives twice.
import type { AlertKind } from "../../../../shared/alerts.ts";
import type { AgentAlert, InboxItem } from "../../../../shared/api.ts";

export type { AlertKind };

export interface DeskAlert {
  /** One event, one key: a second arrival of the same event is dropped. */
  key: string;
  kind: AlertKind;
  conversationId: string;
  title: string;
  body: string;
}

export interface Who {
  id: string;
  teams: readonly string[];
}

/** A handoff concerns this agent when it is routed to them, to one of their teams, or to nobody in particular. */
function handoffInScope(i: InboxItem, who: Who): boolean {
  if (i.assignee) return i.assignee.id === who.id;
  return i.team === undefined || who.teams.includes(i.team);
}

const clip = (s: string, n = 140): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The alerts one change of the inbox list raises for `who`, in list order. */
export function alertsForChange(prev: readonly InboxItem[], next: readonly InboxItem[], who: Who): DeskAlert[] {
  const before = new Map(prev.map((i) => [i.id, i]));
  const out: DeskAlert[] = [];
  for (const i of next) {
    const old = before.get(i.id);
    // The customer's own words first: the handoff reason is a label the row already shows.
    const text = clip(i.preview || i.reason || "");
    if (i.state === "queued" && old?.state !== "queued" && !i.snoozed && handoffInScope(i, who)) {
      out.push({
        key: `handoff:${i.id}:${i.updatedAt}`,
        kind: "handoff",
        conversationId: i.id,
        title: `New conversation waiting${i.team ? ` for ${i.team}` : ""}`,
        body: text,
      });
      continue;
    }
    // Given to me by someone else (routing, a teammate, an owner); a conversation new to the list counts too.
    if (i.assignee?.id === who.id && old?.assignee?.id !== who.id && i.state !== "resolved") {
      out.push({
        key: `assigned:${i.id}:${i.updatedAt}`,
        kind: "assigned",
        conversationId: i.id,
        title: "A conversation was assigned to you",
        body: text,
      });
      continue;
    }
    // A customer wrote again in a conversation of mine: only a newer message than the one held.
    if (
      old &&
      i.assignee?.id === who.id &&
      i.lastFrom === "customer" &&
      i.updatedAt > old.updatedAt &&
      (old.preview !== i.preview || old.lastFrom !== "customer")
    ) {
      out.push({
        key: `reply:${i.id}:${i.updatedAt}`,
        kind: "reply",
        conversationId: i.id,
        title: "The customer replied",
        body: clip(i.preview),
      });
    }
  }
  return out;
}

/**
 * A frame of the agent's own (`{t:"alert"}`): a reminder that came due, or a teammate's @mention in a
 * note. One per reminder or mention, however often it is re-sent.
 */
export function alertForFrame(a: AgentAlert): DeskAlert {
  if (a.kind === "mention")
    return {
      key: `mention:${a.mention.id}`,
      kind: "mention",
      conversationId: a.mention.conversationId,
      title: `${a.mention.by.name} mentioned you in a note`,
      body: clip(a.mention.excerpt),
    };
  return {
    key: `reminder:${a.reminder.id}`,
    kind: "reminder",
    conversationId: a.reminder.conversationId,
    title: "Reminder",
    body: clip(a.reminder.note ?? "A conversation you asked to be reminded of"),
  };
}

/** Remembers the keys already shown (bounded: the oldest are forgotten first). */
export class Seen {
  private keys = new Set<string>();
  constructor(private readonly max = 500) {}
  /** The alerts not seen before, now marked seen. */
  fresh(list: readonly DeskAlert[]): DeskAlert[] {
    const out: DeskAlert[] = [];
    for (const a of list) {
      if (this.keys.has(a.key)) continue;
      this.keys.add(a.key);
      out.push(a);
      if (this.keys.size > this.max) {
        const first = this.keys.values().next().value;
        if (first !== undefined) this.keys.delete(first);
      }
    }
    return out;
  }
}

/** "9+" past nine: the favicon dot has room for two characters. */
export const badgeText = (n: number): string => (n > 9 ? "9+" : String(n));

/** The console's favicon with a red count dot in its top-right corner (the same 32×32 viewBox). */
export function badgedSvg(svg: string, n: number): string {
  const t = badgeText(n);
  const dot = `<circle cx="24" cy="8" r="8" fill="#d4351c" stroke="#fff" stroke-width="1.5"/><text x="24" y="12" font-family="Arial,sans-serif" font-size="${t.length > 1 ? 9 : 12}" font-weight="700" text-anchor="middle" fill="#fff">${t}</text>`;
  const end = svg.lastIndexOf("</svg>");
  return end < 0 ? svg : `${svg.slice(0, end)}${dot}</svg>`;
}
