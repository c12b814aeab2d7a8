// What every new workspace starts with, whoever creates it (first-run set-up, an owner in the
// console): its widget site, with no allowed origin yet (the checklist's first step adds the owner's),
// and its help centre's own site. Site keys are public (they sit in the embed tag); random, so they do
// not name the workspace's plans.
import { recordAudit } from "../audit/log.ts";
import { randomToken } from "../auth/crypto.ts";
import type { Env } from "../env.ts";

export function starterSites(db: D1Database, ws: { id: string; name: string }, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "INSERT INTO sites (key, workspace_id, name, allowed_origins, portal, created_at) VALUES (?, ?, ?, '[]', 0, ?)",
      )
      .bind(`site_${randomToken(9)}`, ws.id, `${ws.name} website`, now),
    db
      .prepare(
        "INSERT INTO sites (key, workspace_id, name, allowed_origins, portal, created_at) VALUES (?, ?, ?, '[]', 1, ?)",
      )
      .bind(`hc_${randomToken(9)}`, ws.id, `${ws.name} help centre`, now),
  ];
}

/** The new workspace's first audit line: who made it, how (`by`), and who its first owner is. */
export async function auditCreated(
  env: Env,
  ws: { id: string; name: string },
  owner: { id: string; email: string; name: string },
  by: "setup" | "console",
): Promise<void> {
  const actor = { id: owner.id, email: owner.email };
  await recordAudit(env, ws.id, actor, {
    action: "workspace.created",
    target: { type: "workspace", id: ws.id },
    after: { name: ws.name, by },
  });
  await recordAudit(env, ws.id, actor, {
    action: by === "setup" ? "agent.created" : "agent.joined",
    target: { type: "agent", id: owner.id },
    after: { email: owner.email, name: owner.name, role: "owner", by },
  });
}
