// A workspace's rules for files in D1 (`attachment_policies`, migration 0050): read at every upload
// (one row by primary key) and by the settings page, written whole by an owner. A row that does not
// parse is logged and read as the defaults, which are what a workspace without a row gets too.
import { type FileSettings, filePolicySchema } from "../../shared/attachments.ts";
import { DEFAULT_FILE_POLICY, type FilePolicy } from "../../shared/files.ts";
import { safeParseJson } from "../../shared/json.ts";

type Row = { max_bytes: number; types: string; updated_at: number };

export async function loadFileSettings(db: D1Database, workspaceId: string): Promise<FileSettings> {
  const row = await db
    .prepare("SELECT max_bytes, types, updated_at FROM attachment_policies WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<Row>();
  if (!row) return { policy: DEFAULT_FILE_POLICY, custom: false };
  const policy = safeParseJson(
    filePolicySchema,
    `{"maxBytes":${Number(row.max_bytes)},"types":${row.types}}`,
    `attachment_policies of ${workspaceId}`,
  );
  return policy ? { policy, custom: true, updatedAt: row.updated_at } : { policy: DEFAULT_FILE_POLICY, custom: false };
}

export const loadFilePolicy = async (db: D1Database, workspaceId: string): Promise<FilePolicy> =>
  (await loadFileSettings(db, workspaceId)).policy;

export async function saveFilePolicy(
  db: D1Database,
  workspaceId: string,
  policy: FilePolicy,
  by: string,
  now: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO attachment_policies (workspace_id, max_bytes, types, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET max_bytes = excluded.max_bytes, types = excluded.types,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(workspaceId, policy.maxBytes, JSON.stringify(policy.types), now, by)
    .run();
}
