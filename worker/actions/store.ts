// Where actions live in D1 (migration 0060): the definitions, the sealed secrets and the call log.
// Definitions are read back through the shared schema (a row that no longer parses is skipped and
// logged, never run); secret values are only ever unsealed here, for a call about to be made.
import {
  type ActionDefinition,
  type ActionView,
  actionDefinitionSchema,
  type CallLogEntry,
  type SecretInfo,
} from "../../shared/actions.ts";
import { placeholdersOf } from "../../shared/action-template.ts";
import { parseJson, safeParseJson } from "../../shared/json.ts";
import * as z from "zod/mini";
import { seal, unseal } from "../auth/seal.ts";
import type { Env } from "../env.ts";

export { redact } from "./inputs.ts";

type Row = { name: string; definition: string; updated_at: number; updated_by: string };

/** The purpose bound into a sealed secret: a value sealed for one workspace and name opens nowhere else. */
export const secretPurpose = (workspaceId: string, name: string) => `action-secret:${workspaceId}:${name}`;

/** Names of the secrets a definition's URL, headers and body reference. */
export function secretsOf(d: ActionDefinition): string[] {
  const all = [d.url, ...Object.values(d.headers), ...Object.values(d.body ?? {})].flatMap(placeholdersOf);
  return [...new Set(all.filter((p) => p.startsWith("secret.")).map((p) => p.slice(7)))];
}

const parseRow = (workspaceId: string, r: Row): ActionDefinition | null =>
  safeParseJson(actionDefinitionSchema, r.definition, `action ${r.name} of workspace ${workspaceId}`);

export async function listActions(db: D1Database, workspaceId: string): Promise<ActionView[]> {
  const [rows, secrets] = await Promise.all([
    db
      .prepare("SELECT name, definition, updated_at, updated_by FROM actions WHERE workspace_id = ? ORDER BY name")
      .bind(workspaceId)
      .all<Row>(),
    listSecrets(db, workspaceId),
  ]);
  const have = new Set(secrets.map((s) => s.name));
  return rows.results.flatMap((r) => {
    const d = parseRow(workspaceId, r);
    return d ? [viewOf(d, r, have)] : [];
  });
}

function viewOf(d: ActionDefinition, r: Pick<Row, "updated_at" | "updated_by">, have: Set<string>): ActionView {
  return {
    ...d,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    missingSecrets: secretsOf(d).filter((s) => !have.has(s)),
  };
}

export async function getAction(db: D1Database, workspaceId: string, name: string): Promise<ActionDefinition | null> {
  const r = await db
    .prepare("SELECT name, definition, updated_at, updated_by FROM actions WHERE workspace_id = ? AND name = ?")
    .bind(workspaceId, name)
    .first<Row>();
  return r ? parseRow(workspaceId, r) : null;
}

export async function getActionView(db: D1Database, workspaceId: string, name: string): Promise<ActionView | null> {
  const r = await db
    .prepare("SELECT name, definition, updated_at, updated_by FROM actions WHERE workspace_id = ? AND name = ?")
    .bind(workspaceId, name)
    .first<Row>();
  const d = r ? parseRow(workspaceId, r) : null;
  if (!r || !d) return null;
  const secrets = await listSecrets(db, workspaceId);
  return viewOf(d, r, new Set(secrets.map((s) => s.name)));
}

export async function saveAction(
  db: D1Database,
  workspaceId: string,
  d: ActionDefinition,
  by: string,
): Promise<number> {
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO actions (workspace_id, name, definition, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (workspace_id, name) DO UPDATE SET definition = ?3, updated_at = ?4, updated_by = ?5`,
    )
    .bind(workspaceId, d.name, JSON.stringify(d), now, by)
    .run();
  return now;
}

export async function deleteAction(db: D1Database, workspaceId: string, name: string): Promise<boolean> {
  const r = await db.prepare("DELETE FROM actions WHERE workspace_id = ? AND name = ?").bind(workspaceId, name).run();
  return r.meta.changes > 0;
}

// ---- secrets: write-only ------------------------------------------------------------------------------

export async function listSecrets(db: D1Database, workspaceId: string): Promise<SecretInfo[]> {
  const rows = await db
    .prepare("SELECT name, updated_at, updated_by FROM action_secrets WHERE workspace_id = ? ORDER BY name")
    .bind(workspaceId)
    .all<{ name: string; updated_at: number; updated_by: string }>();
  return rows.results.map((r) => ({ name: r.name, updatedAt: r.updated_at, updatedBy: r.updated_by }));
}

export async function putSecret(
  env: Pick<Env, "DB" | "SECRET">,
  workspaceId: string,
  name: string,
  value: string,
  by: string,
): Promise<"set" | "replaced"> {
  const sealed = await seal(env.SECRET, secretPurpose(workspaceId, name), new TextEncoder().encode(value));
  const before = await env.DB.prepare("SELECT 1 AS x FROM action_secrets WHERE workspace_id = ? AND name = ?")
    .bind(workspaceId, name)
    .first();
  await env.DB.prepare(
    `INSERT INTO action_secrets (workspace_id, name, sealed, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (workspace_id, name) DO UPDATE SET sealed = ?3, updated_at = ?4, updated_by = ?5`,
  )
    .bind(workspaceId, name, sealed, Date.now(), by)
    .run();
  return before ? "replaced" : "set";
}

export async function deleteSecret(db: D1Database, workspaceId: string, name: string): Promise<boolean> {
  const r = await db
    .prepare("DELETE FROM action_secrets WHERE workspace_id = ? AND name = ?")
    .bind(workspaceId, name)
    .run();
  return r.meta.changes > 0;
}

/**
 * A definition and the workspace's sealed secrets, in one D1 round trip (a batch): what a conversation
 * needs to run an action, so the bot's answer waits on one query, not two (docs/actions.md "Figures").
 */
export async function actionForCall(
  db: D1Database,
  workspaceId: string,
  name: string,
): Promise<{ definition: ActionDefinition | null; sealed: Map<string, string> }> {
  const [defs, secrets] = await db.batch([
    db
      .prepare("SELECT name, definition, updated_at, updated_by FROM actions WHERE workspace_id = ? AND name = ?")
      .bind(workspaceId, name),
    // The workspace's sealed values (a few rows): only those the definition references are ever opened.
    db.prepare("SELECT name, sealed FROM action_secrets WHERE workspace_id = ?").bind(workspaceId),
  ]);
  const row = (defs?.results as Row[] | undefined)?.[0];
  const sealed = new Map(
    ((secrets?.results ?? []) as { name: string; sealed: string }[]).map((r) => [r.name, r.sealed]),
  );
  return { definition: row ? parseRow(workspaceId, row) : null, sealed };
}

/** The sealed values of `names` opened for one call; one that does not open (SECRET rotated) is left out. */
export async function openSealed(
  secret: string,
  workspaceId: string,
  sealed: Map<string, string>,
  names: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of names) {
    const value = sealed.get(name);
    if (value === undefined) continue;
    const plain = await unseal(secret, secretPurpose(workspaceId, name), value);
    if (plain) out.set(name, new TextDecoder().decode(plain));
  }
  return out;
}

/**
 * The values of `names` for one call, unsealed. A missing or unreadable secret (SECRET rotated) is
 * absent from the result; the executor refuses the call naming it, never sends an empty credential.
 */
export async function unsealSecrets(
  env: Pick<Env, "DB" | "SECRET">,
  workspaceId: string,
  names: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!names.length) return out;
  const rows = await env.DB.prepare(
    `SELECT name, sealed FROM action_secrets WHERE workspace_id = ? AND name IN (SELECT value FROM json_each(?))`,
  )
    .bind(workspaceId, JSON.stringify(names))
    .all<{ name: string; sealed: string }>();
  for (const r of rows.results) {
    const plain = await unseal(env.SECRET, secretPurpose(workspaceId, r.name), r.sealed);
    if (plain) out.set(r.name, new TextDecoder().decode(plain));
  }
  return out;
}

// ---- the call log ---------------------------------------------------------------------------------------

export type CallRow = {
  id: string;
  workspaceId: string;
  action: string;
  at: number;
  conversationId: string | null;
  seq: number | null;
  by: string;
  status: string;
  httpStatus: number | null;
  durationMs: number | null;
  inputs: Record<string, string>;
  error: string | null;
};

/** The INSERT of one call-log row; OR IGNORE on (conversation, seq) makes a replayed follower batch a no-op. */
export function callInsert(db: D1Database, r: CallRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO action_calls (id, workspace_id, action, at, conversation_id, seq, by, status, http_status, duration_ms, inputs, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.id,
      r.workspaceId,
      r.action,
      r.at,
      r.conversationId,
      r.seq,
      r.by,
      r.status,
      r.httpStatus,
      r.durationMs,
      JSON.stringify(r.inputs),
      r.error,
    );
}

const inputsColumn = z.record(z.string(), z.string());

export async function readCalls(
  db: D1Database,
  workspaceId: string,
  action: string,
  q: { limit: number; before?: number | undefined },
): Promise<CallLogEntry[]> {
  const rows = await db
    .prepare(
      `SELECT id, action, at, conversation_id, by, status, http_status, duration_ms, inputs, error FROM action_calls
       WHERE workspace_id = ? AND action = ? AND at < ? ORDER BY at DESC LIMIT ?`,
    )
    .bind(workspaceId, action, q.before ?? Number.MAX_SAFE_INTEGER, q.limit)
    .all<{
      id: string;
      action: string;
      at: number;
      conversation_id: string | null;
      by: string;
      status: string;
      http_status: number | null;
      duration_ms: number | null;
      inputs: string;
      error: string | null;
    }>();
  return rows.results.map((r) => ({
    id: r.id,
    action: r.action,
    at: r.at,
    conversationId: r.conversation_id,
    by: r.by,
    status: r.status,
    httpStatus: r.http_status,
    durationMs: r.duration_ms,
    inputs: parseJson(inputsColumn, r.inputs, `action_calls.inputs of ${r.id}`),
    error: r.error,
  }));
}
