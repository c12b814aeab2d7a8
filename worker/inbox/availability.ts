// Time available (docs/quality-review.md "Performance"): the stretches each agent was online in the inbox
// and not away, kept in D1 by the Inbox Durable Object as its presence changes (a console connects, the
// last one closes, an agent sets themselves away or back), and summed per period for the performance
// figures. One open stretch per agent at most; a stretch is clipped to the period it is counted in.

/** The agent is available from `now` (nothing changes while a stretch is open). */
export async function openStretch(db: D1Database, workspaceId: string, agentId: string, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT OR IGNORE INTO agent_availability (workspace_id, agent_id, start_at, end_at)
       SELECT ?1, ?2, ?3, NULL WHERE NOT EXISTS
         (SELECT 1 FROM agent_availability WHERE workspace_id = ?1 AND agent_id = ?2 AND end_at IS NULL)`,
    )
    .bind(workspaceId, agentId, now)
    .run();
}

/** The agent is no longer available from `now` (nothing changes when no stretch is open). */
export async function closeStretch(db: D1Database, workspaceId: string, agentId: string, now: number): Promise<void> {
  await db
    .prepare(
      "UPDATE agent_availability SET end_at = MAX(start_at, ?3) WHERE workspace_id = ?1 AND agent_id = ?2 AND end_at IS NULL",
    )
    .bind(workspaceId, agentId, now)
    .run();
}

/** Closes the open stretches of everyone not in `online` (a close the object never saw: a restart took the sockets). */
export async function closeOthers(db: D1Database, workspaceId: string, online: string[], now: number): Promise<void> {
  const keep = online.length ? `AND agent_id NOT IN (${online.map(() => "?").join(", ")})` : "";
  await db
    .prepare(
      `UPDATE agent_availability SET end_at = MAX(start_at, ?) WHERE workspace_id = ? AND end_at IS NULL ${keep}`,
    )
    .bind(now, workspaceId, ...online)
    .run();
}

/** Milliseconds each agent was available within [from, to); a stretch still open counts until `now`. */
export async function availableMs(
  db: D1Database,
  workspaceId: string,
  from: number,
  to: number,
  now: number,
): Promise<Map<string, number>> {
  const rows = await db
    .prepare(
      `SELECT agent_id, SUM(MIN(COALESCE(end_at, ?1), ?3) - MAX(start_at, ?2)) AS ms FROM agent_availability
       WHERE workspace_id = ?4 AND start_at < ?3 AND COALESCE(end_at, ?1) > ?2 GROUP BY agent_id`,
    )
    .bind(now, from, to, workspaceId)
    .all<{ agent_id: string; ms: number }>();
  return new Map(rows.results.map((r) => [r.agent_id, Math.max(0, r.ms)]));
}
