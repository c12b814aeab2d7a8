// Wall time in an IANA zone and back, through Intl alone (no time-zone database of our own): what
// the runtime's ICU knows is what counts. No zod, so the console's entry can use it without the
// schemas (shared/hours.ts builds business hours on it).

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

type Wall = { y: number; m: number; d: number; hh: number; mm: number; ss: number };

/** The local clock's reading at `t` in `tz`. */
export function wallAt(t: number, tz: string): Wall {
  const w: Wall = { y: 0, m: 0, d: 0, hh: 0, mm: 0, ss: 0 };
  for (const p of formatter(tz).formatToParts(t)) {
    if (p.type === "year") w.y = Number(p.value);
    else if (p.type === "month") w.m = Number(p.value);
    else if (p.type === "day") w.d = Number(p.value);
    else if (p.type === "hour") w.hh = Number(p.value) % 24;
    else if (p.type === "minute") w.mm = Number(p.value);
    else if (p.type === "second") w.ss = Number(p.value);
  }
  return w;
}

/** The zone's offset from UTC at `t`, in ms (Berlin in winter: +3,600,000). */
export function offsetAt(t: number, tz: string): number {
  const w = wallAt(t, tz);
  const s = Math.floor(t / 1000) * 1000;
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - s;
}

/**
 * The instant the local clock in `tz` reads `minutes` after midnight of y-m-d (1440 is the next
 * midnight). A wall time skipped by a forward change is the first instant after the gap; one that
 * happens twice is the first.
 */
export function instantAt(tz: string, y: number, m: number, d: number, minutes: number): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const before = offsetAt(wall - 86_400_000, tz);
  const after = offsetAt(wall + 86_400_000, tz);
  const fits = [wall - before, wall - after].filter((t) => t + offsetAt(t, tz) === wall);
  if (fits.length) return Math.min(...fits);
  // In a gap: the clock jumps from before `wall` to after it. Find that instant (transitions fall on
  // whole minutes) between the two readings.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  const first = offsetAt(lo, tz);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetAt(mid, tz) === first) lo = mid;
    else hi = mid;
  }
  return hi;
}

export const dateKey = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** Monday 0 … Sunday 6 of a calendar date. */
export const weekdayOf = (y: number, m: number, d: number): number =>
  (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;

/** Whether YYYY-MM-DD is a real calendar date. */
export const validDateKey = (s: string): boolean => {
  const [y, m, d] = s.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** A date-and-time input's wall reading ("2025-03-31T09:00" or with seconds) in `tz` → instant; null if malformed. */
export function instantOfWall(value: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, hh, mm, ss] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDateKey(dateKey(y, mo, d)) || hh > 23 || mm > 59 || ss > 59) return null;
  return instantAt(tz, y, mo, d, hh * 60 + mm) + ss * 1000;
}

/** The wall reading of `t` in `tz` as a date-and-time input wants it ("2025-03-31T09:00"). */
export function wallValue(t: number, tz: string): string {
  const w = wallAt(t, tz);
  return `${dateKey(w.y, w.m, w.d)}T${String(w.hh).padStart(2, "0")}:${String(w.mm).padStart(2, "0")}`;
}
