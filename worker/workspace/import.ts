// Import of a workspace archive (worker/workspace/export.ts) into this deployment, under the workspace
// id the operator names. Every file is parsed with shared/workspace.ts; rows are written only to the
// tables and columns this deployment has (IMPORT_RULES, PRAGMA table_info), with the target workspace
// put in and secrets replaced by unusable values. Nothing of another workspace is overwritten: a site
// key, an agent's email or a conversation id that belongs elsewhere here stops the import before any
// write (409). Re-running the same archive finishes an import that died half-way (INSERT OR IGNORE; a
// conversation's index row is written last, and a listed conversation is skipped).
import * as z from "zod/mini";
import type { InboxItem } from "../../shared/api.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import {
  conversationObjectSchema,
  type ImportResult,
  manifestSchema,
  type Row,
  tablesSchema,
} from "../../shared/workspace.ts";
import { audit } from "../audit/privacy.ts";
import type { Meta } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import { ApiFailure, parseOr400 } from "../http/errors.ts";
import { queueJob } from "../knowledge/publish.ts";
import { forgetSite } from "../middleware/site.ts";
import { unzip } from "../privacy/zip.ts";
import { IMPORT_RULES, SKIPPED_CONVERSATION_TABLES, WORKSPACE_FILES } from "./tables.ts";

const attachmentsSchema = z.array(
  z.object({
    key: z.string().check(z.regex(/^conversations\/[\w-]{10,40}\/[\w-]{1,64}$/, "an attachment key")),
    name: z.string().check(z.maxLength(200)),
    type: z.string().check(z.maxLength(200)),
    file: z.string(),
  }),
);

const decoder = new TextDecoder();

function read<S extends z.ZodMiniType>(files: Map<string, Uint8Array>, name: string, schema: S): z.infer<S> | null {
  const bytes = files.get(name);
  if (!bytes) return null;
  let data: unknown;
  try {
    data = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new ApiFailure(400, "invalid_archive", `${name} is not JSON`);
  }
  return parseOr400(schema, data, "archive");
}

/** Columns of a table in this deployment's schema: what an imported row may set. */
async function columnsOf(db: D1Database, table: string, cache: Map<string, Set<string>>): Promise<Set<string>> {
  const hit = cache.get(table);
  if (hit) return hit;
  const r = await db.prepare(`PRAGMA table_info(${table})`).all<{ name: string }>();
  const cols = new Set(r.results.map((c) => c.name));
  cache.set(table, cols);
  return cols;
}

async function insertStatements(
  db: D1Database,
  table: string,
  rows: Row[],
  workspaceId: string,
  cache: Map<string, Set<string>>,
): Promise<{ table: string; stmt: D1PreparedStatement }[]> {
  const rule = IMPORT_RULES[table];
  if (!rule) throw new ApiFailure(400, "invalid_archive", `table ${table} is not importable`);
  const cols = await columnsOf(db, table, cache);
  return rows.map((row) => {
    const r: Record<string, string | number | null> = {};
    for (const [k, v] of Object.entries(row)) if (cols.has(k) && !rule.drop?.includes(k)) r[k] = v;
    if (rule.wsColumn) r[rule.wsColumn] = workspaceId;
    if (table === "workspaces") r.id = workspaceId;
    for (const [k, make] of Object.entries(rule.set ?? {})) if (cols.has(k)) r[k] = make();
    const keys = Object.keys(r);
    const stmt = db
      .prepare(`INSERT OR IGNORE INTO ${table} (${keys.join(", ")}) VALUES (${keys.map(() => "?").join(", ")})`)
      .bind(...keys.map((k) => r[k] ?? null));
    return { table, stmt };
  });
}

/** Runs tagged statements in batches of 100, in order; returns rows written per table. */
async function run(
  db: D1Database,
  stmts: { table: string; stmt: D1PreparedStatement }[],
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  for (let i = 0; i < stmts.length; i += 100) {
    const chunk = stmts.slice(i, i + 100);
    const res = await db.batch(chunk.map((s) => s.stmt));
    res.forEach((r, k) => {
      const t = chunk[k]?.table as string;
      written[t] = (written[t] ?? 0) + (r.meta.changes ?? 0);
    });
  }
  return written;
}

const addInto = (into: Record<string, number>, more: Record<string, number>) => {
  for (const [t, n] of Object.entries(more)) into[t] = (into[t] ?? 0) + n;
};

/** Keys that are unique across the deployment and already taken by another workspace. */
async function conflicts(
  db: D1Database,
  workspaceId: string,
  sites: Row[],
  agents: Row[],
  conversations: string[],
): Promise<string[]> {
  const out: string[] = [];
  const check = async (what: string, sql: string, values: string[]) => {
    for (let i = 0; i < values.length; i += 50) {
      const chunk = values.slice(i, i + 50);
      if (!chunk.length) continue;
      const r = await db
        .prepare(sql.replace("(?)", `(${chunk.map(() => "?").join(", ")})`))
        .bind(workspaceId, ...chunk)
        .all<{ k: string }>();
      out.push(...r.results.map((x) => `${what} ${x.k}`));
    }
  };
  const str = (rows: Row[], col: string) => rows.map((r) => r[col]).filter((v): v is string => typeof v === "string");
  await check("site", "SELECT key AS k FROM sites WHERE workspace_id != ? AND key IN (?)", str(sites, "key"));
  await check("agent", "SELECT email AS k FROM agents WHERE workspace_id != ? AND email IN (?)", str(agents, "email"));
  await check("conversation", "SELECT id AS k FROM conversations WHERE workspace_id != ? AND id IN (?)", conversations);
  return out;
}

export async function importWorkspace(
  env: Env,
  workspaceId: string,
  archive: Uint8Array,
  actor: string,
): Promise<ImportResult> {
  let files: Map<string, Uint8Array>;
  try {
    files = unzip(archive);
  } catch (e) {
    throw new ApiFailure(400, "invalid_archive", `not a workspace archive: ${e instanceof Error ? e.message : e}`);
  }
  const manifest = read(files, "manifest.json", manifestSchema);
  if (!manifest) throw new ApiFailure(400, "invalid_archive", "manifest.json is missing");
  const parts = Object.fromEntries(
    Object.keys(WORKSPACE_FILES).map((f) => [f, manifest.settings ? (read(files, f, tablesSchema) ?? {}) : {}]),
  );
  const settings = parts["settings.json"] ?? {};
  const people = parts["people.json"] ?? {};
  const found = await conflicts(env.DB, workspaceId, settings.sites ?? [], people.agents ?? [], manifest.conversations);
  for (const id of manifest.conversations) {
    const verdict = await env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).importable(workspaceId);
    // An erased conversation never takes data again, not even from an archive.
    if (verdict !== "ok")
      found.push(`conversation ${id} (${verdict === "erased" ? "erased here" : "another workspace's"})`);
  }
  if (found.length)
    throw new ApiFailure(409, "conflict", `already used by another workspace here: ${found.slice(0, 20).join(", ")}`);
  const ws = await env.DB.prepare("SELECT name FROM workspaces WHERE id = ?").bind(workspaceId).first();
  if (!ws && !manifest.settings)
    throw new ApiFailure(409, "settings_first", "import the archive's first part (with settings) before the others");

  const cache = new Map<string, Set<string>>();
  const tables: Record<string, number> = {};
  // Settings, people, articles, canned replies: parents before children (the workspace row first).
  if (manifest.settings) {
    const order = ["settings.json", "people.json", "articles.json", "canned.json"];
    for (const file of order) {
      for (const [table, rows] of Object.entries(parts[file] ?? {})) {
        if (!(table in (WORKSPACE_FILES[file] ?? {})))
          throw new ApiFailure(400, "invalid_archive", `${file}: unexpected table ${table}`);
        addInto(tables, await run(env.DB, await insertStatements(env.DB, table, rows, workspaceId, cache)));
      }
    }
  }

  // A site key this isolate had cached (unknown, or another workspace's before a move) is read again.
  for (const site of settings.sites ?? []) if (typeof site.key === "string") forgetSite(site.key);

  let conversations = 0;
  let attachments = 0;
  for (const id of manifest.conversations) {
    const listed = await env.DB.prepare("SELECT 1 AS x FROM conversations WHERE id = ? AND workspace_id = ?")
      .bind(id, workspaceId)
      .first();
    if (listed) continue;
    const dir = `conversations/${id}`;
    const object = read(files, `${dir}/conversation.json`, conversationObjectSchema);
    const records = read(files, `${dir}/records.json`, tablesSchema) ?? {};
    if (object) {
      if (object.meta.id !== id)
        throw new ApiFailure(400, "invalid_archive", `${dir}: the record is of ${object.meta.id}`);
      const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
      const r = await stub.importData(
        workspaceId,
        object.meta as unknown as Meta,
        object.events as unknown as ConversationEvent[],
      );
      if (!r.imported)
        throw new ApiFailure(
          409,
          "conflict",
          r.reason === "erased"
            ? `conversation ${id} was erased here: an erased conversation never takes data again`
            : `conversation ${id} exists here and is not this workspace's`,
        );
    }
    for (const a of read(files, `${dir}/attachments.json`, attachmentsSchema) ?? []) {
      const bytes = files.get(a.file);
      if (!bytes || !env.ATTACHMENTS || !a.key.startsWith(`${dir}/`)) continue;
      await env.ATTACHMENTS.put(a.key, bytes, {
        httpMetadata: { contentType: a.type },
        customMetadata: { filename: a.name, conversationId: id },
      });
      attachments++;
    }
    // The index row last: while it is missing, a re-run imports this conversation again.
    const names = Object.keys(records)
      .filter((t) => !SKIPPED_CONVERSATION_TABLES.has(t))
      .sort((a, b) => (a === "conversations" ? 1 : b === "conversations" ? -1 : 0));
    const stmts: { table: string; stmt: D1PreparedStatement }[] = [];
    for (const t of names) {
      const rows = (records[t] ?? []).filter((r) => (t === "conversations" ? r.id === id : r.conversation_id === id));
      stmts.push(...(await insertStatements(env.DB, t, rows, workspaceId, cache)));
    }
    addInto(tables, await run(env.DB, stmts));
    conversations++;
    // The live inbox holds what people work on.
    const row = records.conversations?.[0];
    if (row && (row.state === "queued" || row.state === "agent")) {
      const item: InboxItem = {
        id,
        state: row.state,
        channel: String(row.channel ?? "chat"),
        preview: String(row.preview ?? ""),
        ...(typeof row.reason === "string" ? { reason: row.reason } : {}),
        ...(typeof row.team === "string" ? { team: row.team } : {}),
        ...(typeof row.priority === "string" ? { priority: row.priority } : {}),
        createdAt: Number(row.created_at ?? Date.now()),
        updatedAt: Number(row.updated_at ?? Date.now()),
      };
      await env.INBOX.get(env.INBOX.idFromName(workspaceId)).upsert(item, workspaceId);
    }
  }

  // The model is trained here, from the imported articles and resolved questions.
  const job =
    manifest.settings && tables.articles
      ? await queueJob(env, workspaceId, { kind: "rebuild", items: [], by: "import" })
      : null;
  const todo = manifest.settings ? todoList(settings, people) : [];
  await audit(env.DB, {
    workspaceId,
    actor,
    action: "workspace.imported",
    detail: { conversations, attachments, settings: manifest.settings, from: manifest.workspace.id },
  });
  return {
    workspaceId,
    settings: manifest.settings,
    imported: { tables, conversations, attachments },
    todo,
    ...(job ? { kbRebuild: job.id } : {}),
  };
}

function todoList(settings: Record<string, Row[]>, people: Record<string, Row[]>): string[] {
  const todo: string[] = [];
  for (const a of people.agents ?? [])
    todo.push(
      `set a password for ${a.email}: POST /admin/v1/agents?workspace=… with the same email (it keeps the account)`,
    );
  for (const s of settings.sites ?? [])
    if (s.identity_secret_was_set)
      todo.push(`set the identity secret of site ${s.key} again: PUT /admin/v1/sites/${s.key}`);
  for (const w of settings.webhooks ?? [])
    todo.push(
      `webhook ${w.url} is imported switched off with a new secret: rotate it into the receiver, then enable it`,
    );
  if (settings.email_addresses?.length)
    todo.push(`point Email Routing for ${settings.email_addresses.map((e) => e.address).join(", ")} at this Worker`);
  todo.push("create API keys again (keys never leave a deployment) and set the Slack URL if one was used");
  return todo;
}
