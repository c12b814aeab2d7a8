// The live inbox, kept for the whole signed-in session (not just while the inbox page is open) so the
// header's waiting count and new-conversation announcements work from inside a conversation too.
// The initial GET paints fast; the socket's snapshot then supersedes it and keeps it current.
import { computed, signal } from "@preact/signals";
import * as z from "zod/mini";
import {
  inboxFrameSchema,
  inboxItemSchema,
  type AgentPresence,
  type AssignRequest,
  type AgentAlert,
  type InboxFrame,
  type InboxItem,
  type MentionItem,
  type ReminderItem,
} from "../../../../shared/api.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage, wsUrl } from "../../lib/api.ts";
import { applyInboxFrame, countByState, newlyQueued, sortInbox } from "./inbox.ts";
import { checkSession, me } from "../../lib/session.ts";
import { LiveSocket } from "../../lib/socket.ts";

const inboxList = z.object({ items: z.array(inboxItemSchema) });

export const inboxItems = signal<InboxItem[]>([]);
/** False until the first GET or snapshot: an empty list before that means "loading", not "empty". */
export const inboxLoaded = signal(false);
export const inboxError = signal<string | undefined>(undefined);
/** Conversations that joined the queue while the console was open and have not been opened yet. */
export const freshIds = signal<ReadonlySet<string>>(new Set());
export const inboxCounts = computed(() => countByState(inboxItems.value));
/** Who is online, away and how loaded, from the inbox socket. */
export const presence = signal<AgentPresence[]>([]);
export const myPresence = computed(() => presence.value.find((p) => p.id === me.value?.id));
/** This agent's reminders, pending and due (worker/inbox/reminders.ts), from the inbox socket. */
export const reminders = signal<ReminderItem[]>([]);
/** This agent's unread @mentions in notes (worker/inbox/mentions.ts), from the inbox socket. */
export const mentions = signal<MentionItem[]>([]);
/**
 * The alerts this console received while open, newest last: the in-console alert shows them, and
 * anything that wants to tell the agent (desktop notifications, sounds) can watch this signal.
 */
export const alerts = signal<AgentAlert[]>([]);

/** Who wants to hear of inbox changes (the lazily loaded desktop alerts, features/alerts/desktop.ts). */
export interface InboxWatcher {
  /** The list changed after it was first loaded (the first load is not news). */
  change(prev: readonly InboxItem[], next: readonly InboxItem[]): void;
  alert(a: AgentAlert): void;
}
const watchers = new Set<InboxWatcher>();
export function watchInbox(w: InboxWatcher): () => void {
  watchers.add(w);
  return () => watchers.delete(w);
}

/** One alert, one id: the reminder's or the mention's. */
const alertId = (a: AgentAlert): string => (a.kind === "reminder" ? a.reminder.id : a.mention.id);

const socket = new LiveSocket({
  url: () => wsUrl("/api/inbox/ws"),
  onFrame: (raw) => {
    // A frame this console does not know (a newer worker) is dropped, like one that is not JSON.
    const parsed = inboxFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const f = parsed.data;
    if (f.t === "presence") presence.value = f.agents;
    else if (f.t === "reminders") reminders.value = f.reminders;
    else if (f.t === "mentions") mentions.value = f.mentions;
    else if (f.t === "alert") {
      const id = alertId(f.alert);
      alerts.value = [...alerts.value.filter((a) => alertId(a) !== id), f.alert];
      announce(
        f.alert.kind === "reminder"
          ? `Reminder: ${f.alert.reminder.note ?? "a conversation you asked to be reminded of"}`
          : `${f.alert.mention.by.name} mentioned you: ${f.alert.mention.excerpt}`,
      );
      for (const w of watchers) w.alert(f.alert);
    } else apply(f);
  },
  onFailure: (n) => {
    if (n >= 2) void checkSession();
  },
  onSessionEnded: () => void checkSession(),
});
export const inboxSocketStatus = socket.status;

export function startInbox(): void {
  void loadInbox();
  socket.start();
}

export function stopInbox(): void {
  socket.stop();
  inboxItems.value = [];
  presence.value = [];
  reminders.value = [];
  mentions.value = [];
  alerts.value = [];
  inboxLoaded.value = false;
  freshIds.value = new Set();
}

export function reconnectInbox(): void {
  socket.reconnect();
  void loadInbox();
}

export async function loadInbox(): Promise<void> {
  try {
    const { items } = await api("/api/inbox", inboxList);
    // A snapshot that already arrived on the socket is at least as fresh as this response.
    if (!inboxLoaded.value) set(sortInbox(items));
    inboxError.value = undefined;
  } catch (e) {
    if (!inboxLoaded.value) inboxError.value = errorMessage(e);
  }
}

export function markSeen(id: string): void {
  if (!freshIds.value.has(id)) return;
  const next = new Set(freshIds.value);
  next.delete(id);
  freshIds.value = next;
}

/** Claim from the list: the row updates through the socket. */
export async function claimFromInbox(id: string): Promise<void> {
  await apiVoid(`/api/conversations/${encodeURIComponent(id)}/claim`, { body: {} });
}

export async function assignConversation(id: string, to: AssignRequest): Promise<void> {
  await apiVoid(`/api/conversations/${encodeURIComponent(id)}/assign`, { body: to });
}

/** The agent has seen to a due reminder: off their list (and the alert closes). */
export async function dismissReminder(id: string): Promise<void> {
  await apiVoid(`/api/inbox/reminders/${encodeURIComponent(id)}/dismiss`, { body: {} });
  reminders.value = reminders.value.filter((r) => r.id !== id);
  alerts.value = alerts.value.filter((a) => alertId(a) !== id);
}

/** The agent has seen a mention (opened it, or marked it done): off their list. */
export async function markMentionSeen(id: string): Promise<void> {
  mentions.value = mentions.value.filter((m) => m.id !== id);
  alerts.value = alerts.value.filter((a) => alertId(a) !== id);
  await apiVoid(`/api/inbox/mentions/${encodeURIComponent(id)}/seen`, { body: {} });
}

export async function setAway(away: boolean): Promise<void> {
  await apiVoid("/api/me/availability", { method: "PUT", body: { away } });
}

function apply(frame: InboxFrame): void {
  set(applyInboxFrame(inboxItems.value, frame));
  inboxError.value = undefined;
}

function set(next: InboxItem[]): void {
  const prev = inboxItems.value;
  const wasLoaded = inboxLoaded.value;
  inboxItems.value = next;
  inboxLoaded.value = true;
  // The first load is not news: only announce what arrives while the agent is watching.
  const fresh = new Set([...freshIds.value].filter((id) => next.some((i) => i.id === id && i.state === "queued")));
  if (wasLoaded) {
    const added = newlyQueued(prev, next);
    for (const it of added) fresh.add(it.id);
    if (added.length === 1) {
      const it = added[0]!;
      announce(`New conversation waiting${it.team ? ` for ${it.team}` : ""}: ${it.reason ?? it.preview}`);
    } else if (added.length > 1) {
      announce(`${added.length} new conversations waiting.`);
    }
  }
  freshIds.value = fresh;
  if (wasLoaded) for (const w of watchers) w.change(prev, next);
}
