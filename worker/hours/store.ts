// A workspace's business hours in D1 (`business_hours`, migration 0045): read for the settings page
// and at every handoff (one small query; a handoff is rare next to messages), written whole by the
// settings route. Every row is parsed with the shared schema; a row that does not fit is logged and
// read as "no hours" (always open), the behaviour before hours existed, rather than failing a handoff.
import { type BusinessHours, businessHoursSchema, type HoursSettings } from "../../shared/hours.ts";
import { safeParseJson } from "../../shared/json.ts";

/** The workspace's row; teams' rows carry their name. */
const WORKSPACE = "";

export async function loadHours(db: D1Database, workspaceId: string): Promise<HoursSettings> {
  const rows = await db
    .prepare("SELECT team, data FROM business_hours WHERE workspace_id = ? ORDER BY team")
    .bind(workspaceId)
    .all<{ team: string; data: string }>();
  const out: HoursSettings = { workspace: null, teams: {} };
  for (const r of rows.results) {
    const h = safeParseJson(businessHoursSchema, r.data, `business_hours of ${workspaceId}/${r.team || "(workspace)"}`);
    if (!h) continue;
    if (r.team === WORKSPACE) out.workspace = h;
    else out.teams[r.team] = h;
  }
  return out;
}

/** Replaces the workspace's hours (its own and every team's) in one batch. */
export async function saveHours(db: D1Database, workspaceId: string, s: HoursSettings, now: number): Promise<void> {
  const put = db.prepare("INSERT INTO business_hours (workspace_id, team, data, updated_at) VALUES (?, ?, ?, ?)");
  const rows: [string, BusinessHours][] = [
    ...(s.workspace ? [[WORKSPACE, s.workspace] as [string, BusinessHours]] : []),
    ...Object.entries(s.teams),
  ];
  await db.batch([
    db.prepare("DELETE FROM business_hours WHERE workspace_id = ?").bind(workspaceId),
    ...rows.map(([team, h]) => put.bind(workspaceId, team, JSON.stringify(h), now)),
  ]);
}
