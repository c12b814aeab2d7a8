// Business hours, pure: whether a desk is open at an instant, when it next opens or closes, and how
// much open time lies between two instants, in the desk's own IANA time zone, with holidays. Wall
// times become instants through Intl alone (no time-zone database of our own): what the runtime's ICU
// knows is what counts. Shared by the worker (the bot's out-of-hours answer, SLA clocks that pause
// while closed: worker/hours/) and the console (the settings page, "their time"). docs/hours.md.
//
// Rules a newcomer may not guess:
// - An interval belongs to one local date and never crosses midnight; "24:00" ends a day. An evening
//   shift into the night is two intervals (Fri 22:00-24:00, Sat 00:00-02:00), and open time that
//   touches merges, so that desk is open without a break at midnight.
// - A wall time that does not exist (the hour skipped when clocks go forward) starts or ends at the
//   first instant after the gap, as the local clock reads it; a wall time that happens twice (clocks
//   go back) is its first occurrence. So "01:00-05:00" on a spring-forward night is three hours open.
// - A holiday is a whole local date closed, whatever the weekly hours say.
import * as z from "zod/mini";
import { dateKey, instantAt, validDateKey, wallAt, weekdayOf } from "./zoned.ts";

export { instantAt, instantOfWall, offsetAt, wallAt, wallValue } from "./zoned.ts";

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** "09:30" → 570; "24:00" → 1440. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the runtime knows this IANA zone ("Europe/Berlin", "UTC"). Offsets like "+01:00" are refused: no DST rules. */
export function isTimeZone(tz: string): boolean {
  if (!/^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ("europe/berlin" → "Europe/Berlin"). */
export const canonicalZone = (tz: string): string =>
  new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;

const time = z.string().check(z.regex(HHMM, "a time is HH:MM, from 00:00 to 24:00"));
export const intervalSchema = z
  .object({ from: time, to: time })
  .check(z.refine((i) => minutesOf(i.from) < minutesOf(i.to), "an interval ends after it starts (24:00 is midnight)"));
export type Interval = z.infer<typeof intervalSchema>;

const day = z.array(intervalSchema).check(
  z.maxLength(6, "at most 6 intervals a day"),
  z.refine((list) => {
    const sorted = [...list].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    return sorted.every((iv, i) => i === 0 || minutesOf(sorted[i - 1]!.to) <= minutesOf(iv.from));
  }, "a day's intervals must not overlap"),
);

export const timeZoneSchema = z
  .string()
  .check(z.maxLength(64), z.refine(isTimeZone, "an IANA time zone the runtime knows, e.g. Europe/Berlin"));

export const holidaySchema = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a holiday is a date, YYYY-MM-DD"), z.refine(validDateKey, "no such date"));

/** One desk's hours: its zone, the week, and whole days closed. */
export const businessHoursSchema = z.object({
  timeZone: timeZoneSchema,
  weekly: z.object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }),
  holidays: z.array(holidaySchema).check(z.maxLength(366, "at most 366 holidays")),
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

const teamName = z.string().check(z.regex(/^[\w-]{1,60}$/, "a team is 1-60 letters, digits, _ or -"));

/**
 * A workspace's hours (`/admin/v1/hours`): its own (null: always open) and any team's that differ.
 * A team without hours of its own keeps the workspace's.
 */
export const hoursSettingsSchema = z.object({
  workspace: z.nullable(businessHoursSchema),
  teams: z
    .record(teamName, businessHoursSchema)
    .check(z.refine((r) => Object.keys(r).length <= 50, "hours for at most 50 teams")),
});
export type HoursSettings = z.infer<typeof hoursSettingsSchema>;

/** What `GET /admin/v1/hours` answers: the settings, the teams people are in, and whether each desk is open now. */
export const hoursViewSchema = z.object({
  settings: hoursSettingsSchema,
  /** Teams agents belong to or conversations are routed to (the settings page offers them). */
  knownTeams: z.array(z.string()),
  /** Per desk ("" is the workspace's): open now, and the next change (null: never). */
  status: z.record(z.string(), z.object({ open: z.boolean(), next: z.nullable(z.number()) })),
});
export type HoursView = z.infer<typeof hoursViewSchema>;

/** The hours that apply to `team`: its own, else the workspace's, else none (always open). */
export function hoursFor(s: HoursSettings, team: string | undefined): BusinessHours | null {
  return (team !== undefined ? s.teams[team] : undefined) ?? s.workspace;
}

// ---- open time ----------------------------------------------------------------------------------------

/**
 * Enough days to find an opening behind any holidays the schema allows (366 of them, all falling on
 * the one weekday that is open, span seven years).
 */
const HORIZON_DAYS = 366 * 7 + 7;

/**
 * Open time from `from` on, interval by interval in time order, the first clipped to `from`. Pieces
 * that touch (24:00 and the next day's 00:00) are not merged here: `nextClose` merges them.
 */
export function* openPieces(h: BusinessHours, from: number): Generator<[number, number]> {
  if (!weekdays.some((w) => h.weekly[w].length)) return;
  const holidays = new Set(h.holidays);
  const start = wallAt(from, h.timeZone);
  for (let i = 0; i < HORIZON_DAYS; i++) {
    const date = new Date(Date.UTC(start.y, start.m - 1, start.d + i));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (holidays.has(dateKey(y, m, d))) continue;
    const list = [...h.weekly[weekdays[weekdayOf(y, m, d)]!]].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    for (const iv of list) {
      const s = Math.max(instantAt(h.timeZone, y, m, d, minutesOf(iv.from)), from);
      const e = instantAt(h.timeZone, y, m, d, minutesOf(iv.to));
      if (e > s) yield [s, e];
    }
  }
}

function first(h: BusinessHours, t: number): [number, number] | null {
  for (const piece of openPieces(h, t)) return piece;
  return null;
}

/** How far ahead `nextClose` follows open time that runs on without a break (a desk open around the clock). */
const CLOSE_HORIZON_MS = 31 * 86_400_000;

/** Whether the desk is open at `t` (its opening instant included, its closing one not). */
export function isOpen(h: BusinessHours | null, t: number): boolean {
  if (!h) return true;
  return first(h, t)?.[0] === t;
}

/** When the desk is next open: `t` itself when open now; null when it never opens. */
export function nextOpen(h: BusinessHours | null, t: number): number | null {
  if (!h) return t;
  return first(h, t)?.[0] ?? null;
}

/** When an open desk closes next (null: closed now, or open without a break for a month or more). */
export function nextClose(h: BusinessHours | null, t: number): number | null {
  if (!h) return null;
  let end: number | null = null;
  for (const [s, e] of openPieces(h, t)) {
    if (end === null ? s !== t : s > end) return end;
    end = e;
    if (end - t > CLOSE_HORIZON_MS) return null;
  }
  return end;
}

/**
 * The instant by which `ms` of open time will have passed from `t`: an SLA clock that runs only while
 * the desk is open. Null when the desk never opens again within the horizon.
 */
export function addOpenTime(h: BusinessHours | null, t: number, ms: number): number | null {
  if (!h) return t + ms;
  let left = ms;
  for (const [s, e] of openPieces(h, t)) {
    if (left <= e - s) return s + left;
    left -= e - s;
  }
  return null;
}

/** Open time between `a` and `b` (ms). */
export function openTimeBetween(h: BusinessHours | null, a: number, b: number): number {
  if (b <= a) return 0;
  if (!h) return b - a;
  let total = 0;
  for (const [s, e] of openPieces(h, a)) {
    if (s >= b) break;
    total += Math.min(e, b) - s;
  }
  return total;
}

// ---- words --------------------------------------------------------------------------------------------

/**
 * An opening for the customer, in their language and the desk's zone: `day` ("Monday", or "Monday 6
 * January" when it is a week or more away), `time` ("9:00"), `zone` ("Europe/Berlin").
 */
export function describeOpening(
  at: number,
  tz: string,
  locale: string,
  now: number,
): { day: string; time: string; zone: string } {
  const lang = safeLocale(locale);
  const far = at - now >= 6 * 86_400_000;
  const day = new Intl.DateTimeFormat(lang, {
    timeZone: tz,
    weekday: "long",
    ...(far ? { day: "numeric", month: "long" } : {}),
  }).format(at);
  const clock = new Intl.DateTimeFormat(lang, { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(at)
    .replace(/^0(\d)/, "$1");
  return { day, time: clock, zone: tz };
}

/** A locale Intl accepts ("es", "pt-BR"), else English: a stored locale is the customer's claim. */
function safeLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : "en";
  } catch {
    return "en";
  }
}
