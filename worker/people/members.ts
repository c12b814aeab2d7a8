// One person in several workspaces (migration 0033, docs/setup.md). The `agents` row is the person's
// account and their place in their home workspace; a `memberships` row is them in one more workspace.
// Reads of a workspace's people go through the `workspace_people` view (home agents and members
// alike); writes of a per-workspace field go to whichever of the two rows holds it, here.
import type { Role } from "../../shared/api.ts";

/** A workspace a person may act in: their home one (unless disabled there) and every enabled membership. */
export type Place = { workspaceId: string; name: string; role: Role; home: boolean };

/** Where the person may act, home first, then memberships in the order they joined. */
export async function placesOf(db: D1Database, agentId: string): Promise<Place[]> {
  const rows = await db
    .prepare(
      `SELECT a.workspace_id, w.name, a.role, 1 AS home, 0 AS joined FROM agents a JOIN workspaces w ON w.id = a.workspace_id
         WHERE a.id = ?1 AND a.disabled_at IS NULL
       UNION ALL
       SELECT m.workspace_id, w.name, m.role, 0 AS home, m.created_at AS joined FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
         WHERE m.agent_id = ?1 AND m.disabled_at IS NULL
       ORDER BY home DESC, joined, workspace_id`,
    )
    .bind(agentId)
    .all<{ workspace_id: string; name: string; role: Role; home: number }>();
  return rows.results.map((r) => ({ workspaceId: r.workspace_id, name: r.name, role: r.role, home: r.home === 1 }));
}

/** What `sessions.workspace_id` holds for a place: NULL for the home workspace (a moved home stays right). */
export const sessionWorkspace = (p: Pick<Place, "workspaceId" | "home">): string | null =>
  p.home ? null : p.workspaceId;

/** The fields each workspace keeps of a person for itself. */
export type PerWorkspace = {
  role?: Role;
  teams?: string;
  away?: number;
  capacity?: number | null;
  disabled_at?: number | null;
};

/**
 * Sets per-workspace fields of a person in one workspace: on the agents row if it is their home, on
 * their membership otherwise (one of the two statements matches; never both, migration 0033's trigger).
 */
export async function setPerWorkspace(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  fields: PerWorkspace,
): Promise<void> {
  const statements = perWorkspaceStatements(db, workspaceId, agentId, fields);
  if (statements.length) await db.batch(statements);
}

/** setPerWorkspace's statements, to batch with others (none when no field is given). */
export function perWorkspaceStatements(
  db: D1Database,
  workspaceId: string,
  agentId: string,
  fields: PerWorkspace,
): D1PreparedStatement[] {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as [string, string | number | null][];
  if (!entries.length) return [];
  const sets = entries.map(([k]) => `${k} = ?`).join(", ");
  const values = entries.map(([, v]) => v);
  return [
    db.prepare(`UPDATE agents SET ${sets} WHERE id = ? AND workspace_id = ?`).bind(...values, agentId, workspaceId),
    db
      .prepare(`UPDATE memberships SET ${sets} WHERE agent_id = ? AND workspace_id = ?`)
      .bind(...values, agentId, workspaceId),
  ];
}

/**
 * The statements that take a person out of their home workspace without ending their account: their
 * home becomes the workspace they joined first (an enabled one first), with the role, teams,
 * availability, capacity and disabling they had there; that membership row goes (the agents row is it
 * now); sessions there become home sessions. Their sessions in the old home must have ended before
 * (they are NULL sessions, which after the move would mean the new home): the first statement removes
 * any left. For a person with no membership the statements change nothing: the caller deletes them.
 */
export function moveHomeStatements(db: D1Database, agentId: string, from: string): D1PreparedStatement[] {
  const next = `FROM memberships m WHERE m.agent_id = ?1 ORDER BY m.disabled_at IS NOT NULL, m.created_at, m.workspace_id LIMIT 1`;
  return [
    db
      .prepare(
        "DELETE FROM sessions WHERE agent_id = ?1 AND workspace_id IS NULL AND EXISTS (SELECT 1 FROM agents WHERE id = ?1 AND workspace_id = ?2)",
      )
      .bind(agentId, from),
    db
      .prepare(
        `UPDATE agents SET (workspace_id, role, teams, away, capacity, disabled_at) =
           (SELECT m.workspace_id, m.role, m.teams, m.away, m.capacity, m.disabled_at ${next})
         WHERE id = ?1 AND workspace_id = ?2 AND EXISTS (SELECT 1 FROM memberships WHERE agent_id = ?1)`,
      )
      .bind(agentId, from),
    db
      .prepare(
        "DELETE FROM memberships WHERE agent_id = ?1 AND workspace_id = (SELECT workspace_id FROM agents WHERE id = ?1)",
      )
      .bind(agentId),
    db
      .prepare(
        "UPDATE sessions SET workspace_id = NULL WHERE agent_id = ?1 AND workspace_id = (SELECT workspace_id FROM agents WHERE id = ?1)",
      )
      .bind(agentId),
  ];
}

/** The home workspace of an account, after a move (for the audit line in the new home). */
export async function homeOf(db: D1Database, agentId: string): Promise<string | null> {
  const r = await db
    .prepare("SELECT workspace_id FROM agents WHERE id = ?")
    .bind(agentId)
    .first<{ workspace_id: string }>();
  return r?.workspace_id ?? null;
}
