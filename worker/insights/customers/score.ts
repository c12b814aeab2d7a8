// A customer's health from their conversations' signals: 100 less each concern, each concern a reason
// a person reads. Pure (score.test.ts); the same rows and `now` always give the same score.
import type { CustomerHealth, HealthLevel, HealthSignals } from "../../../shared/customer-health.ts";

export type ConversationSignals = {
  conversationId: string;
  contactId: string | null;
  company: string | null;
  startedAt: number;
  state: string;
  customerMessages: number;
  negative: number;
  handoffs: number;
  breached: number;
  csat: number | null;
};

const DAY = 86_400_000;
/** The recent window, and how far back "usual" looks (three windows before it). */
export const RECENT_DAYS = 30;
export const HISTORY_DAYS = 120;

export const levelOf = (score: number): HealthLevel => (score >= 80 ? "healthy" : score >= 60 ? "watch" : "at-risk");

const share = (rows: readonly ConversationSignals[]): number | null => {
  const msgs = rows.reduce((n, r) => n + r.customerMessages, 0);
  return msgs ? Math.round((1000 * rows.reduce((n, r) => n + r.negative, 0)) / msgs) / 1000 : null;
};

export function signalsOf(rows: readonly ConversationSignals[], now: number): HealthSignals {
  const recentFrom = now - RECENT_DAYS * DAY;
  const recent = rows.filter((r) => r.startedAt >= recentFrom);
  const before = rows.filter((r) => r.startedAt < recentFrom && r.startedAt >= now - HISTORY_DAYS * DAY);
  const rated = rows.filter((r) => r.csat !== null && r.startedAt >= now - 90 * DAY);
  return {
    recent: recent.length,
    usual: Math.round((10 * before.length) / ((HISTORY_DAYS - RECENT_DAYS) / RECENT_DAYS)) / 10,
    open: rows.filter((r) => r.state !== "resolved").length,
    negativeRecent: recent.reduce((n, r) => n + (r.negative > 0 ? 1 : 0), 0),
    negativeShareRecent: share(recent),
    negativeShareBefore: share(before),
    csat: rated.length ? Math.round((100 * rated.reduce((n, r) => n + (r.csat ?? 0), 0)) / rated.length) / 100 : null,
    handoffsRecent: recent.reduce((n, r) => n + (r.handoffs > 0 ? 1 : 0), 0),
    breaches: rows.filter((r) => r.breached > 0 && r.startedAt >= now - 90 * DAY).length,
  };
}

/** The concerns, each with the points it costs. */
export function concerns(s: HealthSignals): [number, string][] {
  const out: [number, string][] = [];
  if (s.recent >= 3 && s.recent >= 2 * Math.max(1, s.usual))
    out.push([15, `contacting more than usual: ${s.recent} conversations in 30 days (usually ${s.usual})`]);
  if (s.open > 0)
    out.push([Math.min(20, 10 * s.open), `${s.open} unresolved ${s.open === 1 ? "conversation" : "conversations"}`]);
  if (s.negativeRecent >= 2) out.push([15, `${s.negativeRecent} conversations with negative messages in 30 days`]);
  if (
    s.negativeShareRecent !== null &&
    s.negativeShareBefore !== null &&
    s.negativeShareRecent - s.negativeShareBefore >= 0.2
  )
    out.push([
      10,
      `sentiment worsening: ${Math.round(s.negativeShareRecent * 100)}% of messages negative, before ${Math.round(s.negativeShareBefore * 100)}%`,
    ]);
  if (s.csat !== null && s.csat <= 3)
    out.push([s.csat <= 2 ? 20 : 10, `low ratings: ${s.csat} on average over 90 days`]);
  if (s.handoffsRecent >= 2) out.push([10, `${s.handoffsRecent} escalations to a person in 30 days`]);
  if (s.breaches > 0)
    out.push([
      Math.min(20, 10 * s.breaches),
      `${s.breaches} ${s.breaches === 1 ? "answer" : "answers"} past the response target in 90 days`,
    ]);
  return out;
}

export function healthOf(
  subject: Pick<CustomerHealth, "key" | "kind" | "name"> & { email?: string; company?: string },
  rows: readonly ConversationSignals[],
  now: number,
): CustomerHealth {
  const signals = signalsOf(rows, now);
  const cs = concerns(signals);
  const score = Math.max(0, 100 - cs.reduce((n, [p]) => n + p, 0));
  return {
    ...subject,
    score,
    level: levelOf(score),
    reasons: cs.map(([, r]) => r),
    signals,
    lastAt: rows.reduce((t, r) => Math.max(t, r.startedAt), 0),
  };
}

/** Free mail domains are people, not companies: a gmail.com address says nothing about an employer. */
const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "yahoo.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "mail.ru",
  "yandex.ru",
  "qq.com",
  "163.com",
]);

/** The company: a signed `company` attribute, else the email's domain unless it is free mail. */
export function companyOf(signedCompany: string | undefined, email: string | undefined): string | null {
  const c = signedCompany?.trim();
  if (c) return c.slice(0, 120);
  const domain = email?.split("@")[1]?.toLowerCase().trim();
  return domain && !FREE_MAIL.has(domain) ? domain : null;
}
