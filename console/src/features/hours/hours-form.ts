// Settings → Business hours, DOM-free: the form the page edits (one desk per workspace and per team),
// turned into the settings the worker takes and back, checked with the shared schema so the page
// refuses what the worker would; and the words for a desk's status. Tests: hours.test.ts.
import {
  type BusinessHours,
  type HoursSettings,
  type HoursView,
  hoursSettingsSchema,
  type Interval,
  type Weekday,
  weekdays,
} from "../../../../shared/hours.ts";

export { weekdays, type Weekday };

export const dayNames: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

export type Desk = BusinessHours;
export type HoursForm = {
  /** False: always open (no hours at all). */
  enabled: boolean;
  workspace: Desk;
  /** Teams with hours of their own, in the order they were added. */
  teams: { team: string; desk: Desk }[];
};

const office: Interval[] = [{ from: "09:00", to: "17:00" }];

/** Weekdays 09:00-17:00 in `tz`, no holidays: where a new desk starts. */
export function newDesk(tz: string): Desk {
  return {
    timeZone: tz,
    weekly: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
    holidays: [],
  };
}

/**
 * A time input cannot hold 24:00: the form shows midnight as a closing time of 00:00, and a closing
 * time of 00:00 is saved as 24:00 (the end of that day).
 */
function mapCloses(d: Desk, from: string, to: string): Desk {
  const weekly = { ...d.weekly };
  for (const w of weekdays) weekly[w] = d.weekly[w].map((iv) => (iv.to === from ? { ...iv, to } : iv));
  return { ...d, weekly };
}

export function toForm(s: HoursSettings, tz: string): HoursForm {
  return {
    enabled: s.workspace !== null,
    workspace: mapCloses(s.workspace ?? newDesk(tz), "24:00", "00:00"),
    teams: Object.entries(s.teams).map(([team, desk]) => ({ team, desk: mapCloses(desk, "24:00", "00:00") })),
  };
}

/** The settings to send, or the first problem in words the owner can act on. */
export function fromForm(f: HoursForm): { ok: true; settings: HoursSettings } | { ok: false; error: string } {
  const settings: HoursSettings = {
    workspace: f.enabled ? mapCloses(f.workspace, "00:00", "24:00") : null,
    teams: Object.fromEntries(f.teams.map((t) => [t.team, mapCloses(t.desk, "00:00", "24:00")])),
  };
  if (new Set(f.teams.map((t) => t.team)).size !== f.teams.length) return { ok: false, error: "A team appears twice." };
  const r = hoursSettingsSchema.safeParse(settings);
  if (r.success) return { ok: true, settings: r.data };
  const i = r.error.issues[0];
  return { ok: false, error: i ? problem(i.path.map(String), i.message) : "These hours cannot be saved." };
}

/** "Team billing: Tuesday, hours 2: an interval ends after it starts" from a schema issue's path. */
function problem(path: string[], message: string): string {
  const team = path[0] === "teams" ? path[1] : undefined;
  const where = team ? `Team ${team}: ` : "";
  const [field, day, idx] = team !== undefined ? path.slice(2) : path.slice(1);
  if (field === "timeZone") return `${where}time zone: ${message}`;
  if (field === "holidays") return `${where}holiday: ${message}`;
  if (field === "weekly" && day && (weekdays as readonly string[]).includes(day))
    return `${where}${dayNames[day as Weekday]}${idx !== undefined ? `, hours ${Number(idx) + 1}` : ""}: ${message}`;
  return `${where}${message}`;
}

/** Monday's hours copied to Tuesday-Friday: the common set-up in one click. */
export function copyMondayToWeekdays(d: Desk): Desk {
  const mon = d.weekly.mon;
  return { ...d, weekly: { ...d.weekly, tue: mon, wed: mon, thu: mon, fri: mon } };
}

export function addHoliday(d: Desk, date: string): Desk {
  if (!date || d.holidays.includes(date)) return d;
  return { ...d, holidays: [...d.holidays, date].sort() };
}

/** A desk's status line: "Open now · closes Fri 17:00" / "Closed · opens Mon 09:00" / "Closed · no opening ahead". */
export function statusText(status: HoursView["status"][string] | undefined, tz: string): string {
  if (!status) return "Always open";
  const at = status.next;
  const when =
    at === null
      ? null
      : new Date(at).toLocaleString("en-GB", {
          timeZone: tz,
          weekday: "short",
          day: "numeric",
          month: "short",
          hour: "2-digit",
          minute: "2-digit",
        });
  if (status.open) return when ? `Open now · closes ${when} (${tz})` : "Open now";
  return when ? `Closed · opens ${when} (${tz})` : "Closed · no opening ahead";
}

/** Teams the owner can still give hours of their own. */
export const teamsLeft = (known: readonly string[], f: HoursForm): string[] =>
  known.filter((t) => !f.teams.some((x) => x.team === t));

/** The zones the runtime knows, for the picker (the browser's own first). */
export function zones(own: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [own, ...all.filter((z) => z !== own)];
}
