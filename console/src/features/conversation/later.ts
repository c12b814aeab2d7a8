// Snooze, scheduled replies and reminders in the console, DOM-free: the words for each schedule event
// in the transcript, and turning what the agent picks ("tomorrow 9:00 their time", a date and time in
// a zone) into the instant the worker takes. Kept pure so the rules are tested (later.test.ts).
import { instantOfWall, wallAt, wallValue } from "../../../../shared/zoned.ts";
import type { ScheduleEvent } from "../../../../shared/protocol.ts";

/** "Mon 13 Jan, 09:00" in `tz` (the agent's own zone when absent). */
export function when(at: number, tz?: string): string {
  return new Date(at).toLocaleString("en-GB", {
    ...(tz ? { timeZone: tz } : {}),
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

const kindWords = { snooze: "snooze", reply: "scheduled reply", remind: "reminder" } as const;

/** One line of the transcript for a schedule event (agents only). */
export function describeSchedule(e: ScheduleEvent): string {
  const due = e.dueAt !== undefined ? when(e.dueAt) : undefined;
  const forWhom = e.agent && e.agent.name !== e.by ? ` for ${e.agent.name}` : "";
  if (e.status === "set") {
    if (e.kind === "snooze")
      return `${e.by} snoozed this conversation ${due ? `until ${due}` : "until the customer replies"}`;
    if (e.kind === "reply") return `${e.by} scheduled a reply for ${due}`;
    return `${e.by} set a reminder${forWhom} for ${due}${e.text ? `: “${e.text}”` : ""}`;
  }
  if (e.status === "done") {
    if (e.kind === "snooze")
      return e.reason === "reply" ? "Back from snooze: the customer replied" : "Back from snooze: its time came";
    if (e.kind === "reply") return `Scheduled reply by ${e.agent?.name ?? "an agent"} sent`;
    return `Reminder${forWhom || (e.agent ? ` for ${e.agent.name}` : "")} given`;
  }
  if (e.reason === "closed")
    return `Scheduled reply by ${e.agent?.name ?? "an agent"} not sent: the conversation was closed`;
  if (e.reason === "left") return "Snooze ended: the conversation left its agent";
  if (e.reason === "replaced") return "Snooze replaced by a new one";
  return `${e.by} cancelled the ${kindWords[e.kind]}${due ? ` for ${due}` : ""}`;
}

export type Preset = "1h" | "3h" | "tomorrow9" | "monday9";

export const presetLabels: Record<Preset, string> = {
  "1h": "In 1 hour",
  "3h": "In 3 hours",
  tomorrow9: "Tomorrow 9:00",
  monday9: "Monday 9:00",
};

/** The instant a preset means, now, with 9:00 read in `tz` (the customer's or the agent's zone). */
export function presetAt(p: Preset, now: number, tz: string): number {
  if (p === "1h") return now + 3_600_000;
  if (p === "3h") return now + 3 * 3_600_000;
  const w = wallAt(now, tz);
  const weekday = (new Date(Date.UTC(w.y, w.m - 1, w.d)).getUTCDay() + 6) % 7; // Monday 0
  const ahead = p === "tomorrow9" ? 1 : 7 - weekday;
  const d = new Date(Date.UTC(w.y, w.m - 1, w.d + ahead));
  const value = `${d.toISOString().slice(0, 10)}T09:00`;
  return instantOfWall(value, tz) ?? now + ahead * 86_400_000;
}

/**
 * The instant of a date-and-time input's value read in `tz`; an error message when it is empty,
 * malformed or not ahead of `now`.
 */
export function pickedAt(value: string, tz: string, now: number): { at: number } | { error: string } {
  if (!value) return { error: "Choose a date and time." };
  const at = instantOfWall(value, tz);
  if (at === null) return { error: "That date and time is not valid." };
  if (at <= now) return { error: "Choose a time that has not passed yet." };
  return { at };
}

/** The input's starting value: an hour from now, in `tz`. */
export const defaultPick = (now: number, tz: string): string => wallValue(now + 3_600_000, tz);

/** The agent's own zone, as the browser reports it. */
export const ownZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
