// The weekly health report (docs/weekly-report.md): a workspace's week against the week before, sent
// to owners by email and Slack every Monday morning in the workspace's time zone, and shown in the
// console. Also made on demand.
import * as z from "zod/mini";

const maybe = z.nullable(z.number());
/** A figure this week and the week before (null: nothing to measure). */
export const weekFigureSchema = z.object({ now: maybe, before: maybe });
export type WeekFigure = z.infer<typeof weekFigureSchema>;

export const weeklyReportSchema = z.object({
  workspaceId: z.string(),
  /** The Monday the reported week starts, in the workspace's zone (YYYY-MM-DD). */
  week: z.string(),
  timeZone: z.string(),
  from: z.number(),
  to: z.number(),
  trigger: z.enum(["schedule", "demand"]),
  generatedAt: z.number(),
  figures: z.object({
    conversations: weekFigureSchema,
    autoResolution: weekFigureSchema,
    firstResponseP50: weekFigureSchema,
    csat: weekFigureSchema,
    quality: weekFigureSchema,
    /** Handed-off conversations answered within their response target, over those handed off. */
    slaAdherence: weekFigureSchema,
    escalationAccuracy: weekFigureSchema,
  }),
  escalations: z.array(z.object({ reason: z.string(), now: z.number(), before: z.number() })),
  gaps: z.array(z.object({ title: z.string(), questions: z.number(), example: z.string() })),
  /** Customer messages by hour of the day (workspace zone), the busiest first. */
  busiestHours: z.array(z.object({ hour: z.number(), messages: z.number() })),
  /** What moved since last week, in words. */
  changes: z.array(z.string()),
  /** Where it went: the owners it was mailed to (count) and whether Slack had a URL to post to. */
  sent: z.optional(z.object({ emails: z.number(), slack: z.boolean() })),
});
export type WeeklyReport = z.infer<typeof weeklyReportSchema>;

export const weeklyReportListSchema = z.object({ reports: z.array(weeklyReportSchema) });

export const reportRunSchema = z.object({
  /** Also mail it to the owners and post it to Slack (otherwise it is only made and kept). */
  send: z.optional(z.boolean()),
  /** "current": this week so far against last week, instead of last week against the one before. */
  week: z.optional(z.enum(["last", "current"])),
});
