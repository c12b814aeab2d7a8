// Snooze, scheduled replies and reminders (docs/conversations.md "Later"): what the console sends to
// `/api/conversations/:id/{snooze,scheduled-replies,reminders,schedules/:sid}` and reads back in the
// conversation's detail, the inbox items and the inbox socket (re-exported by api.ts).
import * as z from "zod/mini";
import { mentionItemSchema } from "./mentions.ts";
import { MAX_MESSAGE_CHARS, scheduleKinds } from "./protocol.ts";

const clientId = z.string().check(z.minLength(8, "clientId must be 8 to 64 characters"), z.maxLength(64));
/** An instant (epoch ms); the worker also checks it lies ahead, and not more than a year ahead. */
const instant = z.number().check(z.int(), z.positive());

/** Snooze until `until`, or (absent) until the customer replies; either way a customer reply wakes it. */
export const snoozeSchema = z.object({ until: z.optional(instant) });
export type SnoozeRequest = z.infer<typeof snoozeSchema>;

/** An agent's reply written now and sent once at `at` (the console works out "9:00 their time"). */
export const scheduledReplySchema = z.object({
  clientId,
  text: z.string().check(z.trim(), z.minLength(1, "message is empty"), z.maxLength(MAX_MESSAGE_CHARS)),
  at: instant,
});
export type ScheduledReplyRequest = z.infer<typeof scheduledReplySchema>;

/** "Remind me about this at `at`": an alert to the agent who asked, with an optional note. */
export const reminderSchema = z.object({
  clientId,
  at: instant,
  note: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});
export type ReminderRequest = z.infer<typeof reminderSchema>;

export const scheduledSchema = z.object({ id: z.string(), dueAt: z.optional(z.number()) });
export type Scheduled = z.infer<typeof scheduledSchema>;

/** A snooze, scheduled reply or reminder still to come, in the conversation's detail. */
export const scheduleViewSchema = z.object({
  id: z.string(),
  kind: z.enum(scheduleKinds),
  /** Absent: a snooze until the customer replies. */
  dueAt: z.optional(z.number()),
  text: z.optional(z.string()),
  agent: z.object({ id: z.string(), name: z.string() }),
  /** "sending": a scheduled reply on its way out; it can no longer be cancelled. */
  state: z.enum(["pending", "sending"]),
});
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

/** A conversation put aside: out of the active inbox until `until` (absent: until the customer replies). */
export const snoozedSchema = z.object({ until: z.optional(z.number()) });
/** A snoozed conversation back in the inbox, and why: its time came, or the customer replied. */
export const wokeSchema = z.object({ at: z.number(), reason: z.enum(["time", "reply"]) });
export type Woke = z.infer<typeof wokeSchema>;

/** One of an agent's reminders, as the inbox keeps it for them. */
export const reminderItemSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  dueAt: z.number(),
  note: z.optional(z.string()),
  /** "due": it fired (at `firedAt`) and the agent has not dismissed it yet. */
  state: z.enum(["pending", "due"]),
  firedAt: z.optional(z.number()),
});
export type ReminderItem = z.infer<typeof reminderItemSchema>;

export const reminderListSchema = z.object({ reminders: z.array(reminderItemSchema) });

/**
 * Something that wants one agent's attention now, pushed on the inbox socket to that agent's consoles
 * only (`{ t: "alert", alert }`): a reminder came due, or a teammate @mentioned them in a note. Desktop
 * notifications and sounds take them from this frame.
 */
export const agentAlertSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reminder"), reminder: reminderItemSchema }),
  z.object({ kind: z.literal("mention"), mention: mentionItemSchema }),
]);
export type AgentAlert = z.infer<typeof agentAlertSchema>;
