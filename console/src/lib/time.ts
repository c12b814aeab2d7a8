// Relative times for the inbox and transcript. Pure (the caller passes `now`) so a single ticking
// clock signal can re-render every label at once and tests need no fake timers.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** "just now", "3 min ago", "2 h ago", "4 d ago", then a date. Future times (clock skew) read as now. */
export function timeAgo(then: number, now: number): string {
  const d = now - then;
  if (d < 45_000) return "just now";
  if (d < HOUR) return `${Math.max(1, Math.round(d / MIN))} min ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)} h ago`;
  if (d < 7 * DAY) return `${Math.floor(d / DAY)} d ago`;
  return new Date(then).toLocaleDateString("en", { day: "numeric", month: "short" });
}

/** Compact duration for "waiting" labels: "<1 min", "12 min", "1 h 5 min", "3 d". */
export function duration(ms: number): string {
  if (ms < MIN) return "<1 min";
  if (ms < HOUR) return `${Math.floor(ms / MIN)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / MIN);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.floor(ms / DAY)} d`;
}

/** Clock time for transcript lines; the full date goes in the title attribute. */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function fullDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
