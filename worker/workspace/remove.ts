// Removing a workspace from this deployment (the customer left, or moved their archive elsewhere):
// every conversation is erased as a contact erasure would (worker/privacy/conversation.ts), in
// batches, then the workspace's Notifier and Inbox objects, its KB snapshots in KV and every D1 row
// of it. Resumable: a call erases up to `batch` conversations and says how many remain; the rest goes
// once none is left. The append-only audit trails (privacy_audit, surge_audit) stay: ids and counts.
// People go with it, except their accounts when they belong elsewhere too: a member of this workspace
// loses the membership; someone whose home this is and who is a member of another workspace keeps
// their account, whose home becomes the workspace they joined first (people/members.ts). Refusing the
// removal instead would let any member's other workspaces block an owner from removing their own.
import type { RemoveResult } from "../../shared/workspace.ts";
import type { Env } from "../env.ts";
import { eraseConversation } from "../privacy/conversation.ts";
import { forgetSite } from "../middleware/site.ts";
import { recordAudit } from "../audit/log.ts";
import { homeOf, moveHomeStatements } from "../people/members.ts";
import { REMOVE_STATEMENTS } from "./tables.ts";
import { deleteSnapshot } from "../knowledge/store.ts";

export async function removeWorkspace(env: Env, workspaceId: string, batch = 25): Promise<RemoveResult> {
  const page = await env.DB.prepare("SELECT id FROM conversations WHERE workspace_id = ? LIMIT ?")
    .bind(workspaceId, batch)
    .all<{ id: string }>();
  let rows = 0;
  let conversations = 0;
  for (const { id } of page.results) {
    const c = await eraseConversation(env, workspaceId, id);
    if (c) {
      rows += c.rows;
      conversations++;
    } else
      await env.DB.prepare("DELETE FROM conversations WHERE id = ? AND workspace_id = ?").bind(id, workspaceId).run();
  }
  const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ n: number }>();
  if (left?.n) return { done: false, remaining: left.n, conversations, rows };

  await env.NOTIFIER.get(env.NOTIFIER.idFromName(workspaceId)).forgetWorkspace();
  await env.INBOX.get(env.INBOX.idFromName(workspaceId)).forgetWorkspace();
  // This isolate stops serving its sites at once; others within the site cache's 30 s.
  const sites = await env.DB.prepare("SELECT key FROM sites WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ key: string }>();
  for (const s of sites.results) forgetSite(s.key);
  const snapshots = await env.DB.prepare("SELECT snapshot_key FROM kb_versions WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ snapshot_key: string }>();
  for (const s of snapshots.results) await deleteSnapshot(env.KB, s.snapshot_key);
  const moving = await env.DB.prepare(
    "SELECT a.id, a.email FROM agents a WHERE a.workspace_id = ? AND EXISTS (SELECT 1 FROM memberships m WHERE m.agent_id = a.id)",
  )
    .bind(workspaceId)
    .all<{ id: string; email: string }>();
  const res = await env.DB.batch([
    ...moving.results.flatMap((a) => moveHomeStatements(env.DB, a.id, workspaceId)),
    ...REMOVE_STATEMENTS.map((q) => env.DB.prepare(q).bind(workspaceId)),
  ]);
  rows += res.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  for (const a of moving.results) {
    const home = await homeOf(env.DB, a.id);
    if (home)
      await recordAudit(env, home, a, {
        action: "agent.home_moved",
        target: { type: "agent", id: a.id },
        after: { home, reason: "their home workspace was removed" },
      });
  }
  return { done: true, remaining: 0, conversations, rows };
}
