// Business hours settings, `/admin/v1/hours`: owners (a session, or the operator's ADMIN_TOKEN with
// `?workspace=`), their own workspace only (every query is by the caller's workspace). The hours say
// when customers are promised a person and when SLA clocks run, so changing them is an owner's call
// and is audited. Budget: SETTINGS_RATE_LIMIT per owner (default 1 a second, bursts of 20).
import { Hono } from "hono";
import {
  canonicalZone,
  type HoursSettings,
  type HoursView,
  hoursSettingsSchema,
  isOpen,
  nextClose,
  nextOpen,
} from "../../shared/hours.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { jsonBody, parseOr400 } from "../http/errors.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { loadHours, saveHours } from "./store.ts";

export const hoursAdmin = new Hono<AppEnv>();
hoursAdmin.use(requireAdmin({ role: "owner" }));
hoursAdmin.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.SETTINGS_RATE_LIMIT, { perSecond: 1, burst: 20 }),
    key: (c) => `hours:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const noStore = { "cache-control": "no-store" };

hoursAdmin.get("/", async (c) => {
  const ws = c.get("agent").workspaceId;
  const [settings, teams] = await Promise.all([loadHours(c.env.DB, ws), knownTeams(c.env, ws)]);
  const body: HoursView = { settings, knownTeams: teams, status: statusOf(settings, Date.now()) };
  return c.json(body, 200, noStore);
});

/** The whole setting at once: the workspace's hours (null: always open) and every team's that differ. */
hoursAdmin.put("/", async (c) => {
  const ws = c.get("agent").workspaceId;
  const s = canonical(parseOr400(hoursSettingsSchema, await jsonBody(c), "body"));
  const before = await loadHours(c.env.DB, ws);
  await saveHours(c.env.DB, ws, s, Date.now());
  await audit(c, {
    action: "hours.updated",
    target: { type: "workspace", id: ws },
    before: digest(before),
    after: digest(s),
  });
  const body: HoursView = { settings: s, knownTeams: await knownTeams(c.env, ws), status: statusOf(s, Date.now()) };
  return c.json(body, 200, noStore);
});

/** Zones spelled as the runtime knows them, holidays sorted and once each. */
function canonical(s: HoursSettings): HoursSettings {
  const one = <H extends { timeZone: string; holidays: string[] }>(h: H): H => ({
    ...h,
    timeZone: canonicalZone(h.timeZone),
    holidays: [...new Set(h.holidays)].sort(),
  });
  return {
    workspace: s.workspace && one(s.workspace),
    teams: Object.fromEntries(Object.entries(s.teams).map(([t, h]) => [t, one(h)])),
  };
}

/** Open now, and when that changes, for the workspace ("") and each team with hours of its own. */
function statusOf(s: HoursSettings, now: number): HoursView["status"] {
  const out: HoursView["status"] = {};
  const desks = [["", s.workspace] as const, ...Object.entries(s.teams)];
  for (const [name, h] of desks) {
    if (!h) continue;
    const open = isOpen(h, now);
    out[name] = { open, next: open ? nextClose(h, now) : nextOpen(h, now) };
  }
  return out;
}

/** The audit line: which desks, in which zone, how many intervals and holidays (the full hours are in the row). */
function digest(s: HoursSettings) {
  const one = (h: NonNullable<HoursSettings["workspace"]>) => ({
    timeZone: h.timeZone,
    intervals: Object.values(h.weekly).flat().length,
    holidays: h.holidays.length,
  });
  return {
    workspace: s.workspace ? one(s.workspace) : null,
    teams: Object.fromEntries(Object.entries(s.teams).map(([t, h]) => [t, one(h)])),
  };
}

/** Teams people are in and the routing matrix names: what a handoff can be routed to. */
async function knownTeams(env: AppEnv["Bindings"], workspaceId: string): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT DISTINCT j.value AS team FROM agents a, json_each(a.teams) j WHERE a.workspace_id = ? AND json_valid(a.teams)",
  )
    .bind(workspaceId)
    .all<{ team: string }>();
  const m = loadMatrix(env);
  const all = new Set([
    m.defaultTeam,
    ...Object.values(m.categoryTeams),
    ...(m.vip.team ? [m.vip.team] : []),
    ...rows.results.map((r) => r.team).filter((t) => typeof t === "string"),
  ]);
  return [...all].sort();
}
