// Pure logic of the people, account and audit pages (unit-tested in tests/unit/console-people.test.ts).
import { roles, type Role } from "../../../../shared/api.ts";
import type { AuditEntry, PersonSummary, SessionInfo } from "../../../../shared/security.ts";
import { describeUserAgent } from "../../lib/format.ts";

const rank: Record<Role, number> = { agent: 0, editor: 1, owner: 2 };

/** The roles someone may give: their own and below (the worker refuses the rest anyway). */
export const grantable = (mine: Role): Role[] => roles.filter((r) => rank[r] <= rank[mine]);

/** A new password and its repetition; the worker's rule is 10 to 200 characters. */
export function checkNewPassword(password: string, again: string): string | undefined {
  if (password.length < 10) return "Use 10 characters or more.";
  if (password.length > 200) return "Use 200 characters or fewer.";
  if (password !== again) return "The two passwords differ.";
  return undefined;
}

/** "Chrome 126 on macOS · 203.0.113.9" */
export const sessionLabel = (s: SessionInfo): string =>
  `${describeUserAgent(s.userAgent ?? undefined)} · ${s.ip ?? "unknown address"}`;

/** "JBSW Y3DP EHPK 3PXP": a base32 secret in groups people can type. */
export const groupSecret = (b32: string): string => b32.replace(/(.{4})(?=.)/g, "$1 ");

export function personFlags(p: PersonSummary): string[] {
  return [
    p.disabled ? "Disabled" : "",
    p.member ? "Joined from another workspace" : p.shared ? "Also in other workspaces" : "",
    p.twoFactor ? "Two-factor on" : "No two-factor",
  ].filter(Boolean);
}

/**
 * What an owner may do to the person's account here: everything for someone in this workspace alone;
 * only a reset link by mail for someone whose home this is but who belongs elsewhere too (it reaches
 * only them); nothing for a member, whose account lives in another workspace.
 */
export const accountActions = (p: PersonSummary): { setPassword: boolean; resetLink: boolean; twoFactor: boolean } => ({
  setPassword: !p.shared,
  resetLink: !p.member,
  twoFactor: !p.shared,
});

/** What removing the person means for their account. */
export const removalNote = (p: PersonSummary): string =>
  p.member
    ? "Their account stays: it lives in another workspace."
    : p.shared
      ? "Their account stays: they also belong to another workspace, which becomes their home."
      : "Their sessions end now; their past replies stay in conversations.";

/** People sorted: enabled first, then by name. */
export const orderPeople = (list: PersonSummary[]): PersonSummary[] =>
  [...list].sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.name.localeCompare(b.name));

const field = (v: unknown, k: string): unknown =>
  v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;

/** One audit entry as a sentence an owner can scan ("role agent → editor", "secret rotated"). */
export function describeAudit(e: AuditEntry): string {
  const changes: string[] = [];
  const after = e.after;
  const before = e.before;
  if (after && typeof after === "object")
    for (const [k, v] of Object.entries(after as Record<string, unknown>)) {
      const was = field(before, k);
      const show = (x: unknown) => (Array.isArray(x) ? x.join(", ") || "none" : String(x));
      if (was !== undefined && JSON.stringify(was) !== JSON.stringify(v))
        changes.push(`${k} ${show(was)} → ${show(v)}`);
      else if (was === undefined) changes.push(`${k} ${show(v)}`);
    }
  const what = e.action.replace(/[._]/g, " ");
  return changes.length ? `${what}: ${changes.join("; ")}` : what;
}

/** "Capacity 3" or "Capacity 5 (default)": what routing gives the person at most. */
export const capacityLabel = (capacity: number | null, fallback: number): string =>
  capacity === null ? `Capacity ${fallback} (default)` : `Capacity ${capacity}`;

/** Teams typed as "billing, support" → ["billing", "support"], or the problem with them. */
export function parseTeams(text: string): { teams: string[] } | { error: string } {
  const teams = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  const bad = teams.find((t) => !/^[\w-]{1,60}$/.test(t));
  if (bad) return { error: `"${bad}" is not a team name: use letters, digits, _ or -.` };
  if (teams.length > 20) return { error: "At most 20 teams." };
  return { teams };
}

/** Capacity typed in a box: empty is the default (null); else a whole number 1–1000. */
export function parseCapacity(text: string): { capacity: number | null } | { error: string } {
  const t = text.trim();
  if (!t) return { capacity: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > 1000) return { error: "Capacity is a whole number from 1 to 1000." };
  return { capacity: n };
}

/** "expires in 6 days" / "expires in 5 hours" / "expires in 12 min". */
export function expiresIn(at: number, now: number): string {
  const ms = Math.max(0, at - now);
  if (ms >= 86_400_000) return `expires in ${Math.floor(ms / 86_400_000)} day${ms >= 2 * 86_400_000 ? "s" : ""}`;
  if (ms >= 3_600_000) return `expires in ${Math.floor(ms / 3_600_000)} hour${ms >= 7_200_000 ? "s" : ""}`;
  return `expires in ${Math.max(1, Math.floor(ms / 60_000))} min`;
}
