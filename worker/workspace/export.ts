// A workspace as one zip (shared/workspace.ts): manifest, settings, people (without secrets),
// articles with every version and draft, canned replies, then its conversations, each as the
// Durable Object's record, its D1 rows and its attachments. A workspace with more conversations than
// one archive holds (`limit`, at most 500: each is a Durable Object call and some R2 reads) comes in
// parts; the manifest's `next` is the `after` of the next part, and settings are in part 1 only.
import { WORKSPACE_EXPORT_FORMAT, type WorkspaceManifest } from "../../shared/workspace.ts";
import type { Env } from "../env.ts";
import { exportConversation } from "../privacy/conversation.ts";
import { EXPORT_MAX_BYTES, ExportTooLarge } from "../privacy/contact.ts";
import { zip, type ZipEntry } from "../privacy/zip.ts";
import { WORKSPACE_FILES } from "./tables.ts";

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const safe = (s: string) => s.replace(/[^\w.-]+/g, "_").slice(0, 120) || "file";

export const NOTES = [
  "No secret is in this archive: agents' passwords, sites' identity secrets, webhook secrets, the Slack URL, API keys and sessions stay behind. The import lists what to set again.",
  "Knowledge base snapshots are rebuilt from the articles and resolved questions on import.",
  "Not included: surge sweeps and their audit trail, the privacy audit trail, operator metrics.",
];

export async function exportWorkspace(
  env: Env,
  workspaceId: string,
  opts: { after?: string | undefined; limit: number },
  now = Date.now(),
): Promise<{ archive: Uint8Array; manifest: WorkspaceManifest; files: string[] }> {
  const ws = await env.DB.prepare("SELECT id, name FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ id: string; name: string }>();
  if (!ws) throw new Error(`no workspace ${workspaceId}`);
  const entries: ZipEntry[] = [];
  if (!opts.after) {
    for (const [file, tables] of Object.entries(WORKSPACE_FILES)) {
      const names = Object.keys(tables);
      const results = await env.DB.batch(names.map((t) => env.DB.prepare(tables[t] as string).bind(workspaceId)));
      entries.push({ name: file, data: json(Object.fromEntries(names.map((t, i) => [t, results[i]?.results ?? []]))) });
    }
  }
  const page = await env.DB.prepare(
    "SELECT id FROM conversations WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
  )
    .bind(workspaceId, opts.after ?? "", opts.limit + 1)
    .all<{ id: string }>();
  const ids = page.results.slice(0, opts.limit).map((r) => r.id);
  let bytes = 0;
  for (const id of ids) {
    const x = await exportConversation(env, workspaceId, id);
    const dir = `conversations/${id}`;
    if (x.object) entries.push({ name: `${dir}/conversation.json`, data: json(x.object) });
    entries.push({ name: `${dir}/records.json`, data: json(x.records) });
    const files = x.attachments.map((a) => ({
      key: a.key,
      name: a.name,
      type: a.type,
      file: `${dir}/attachments/${safe(a.key.split("/").pop() ?? "")}-${safe(a.name)}`,
    }));
    if (files.length) entries.push({ name: `${dir}/attachments.json`, data: json(files) });
    x.attachments.forEach((a, i) => {
      bytes += a.bytes.length;
      entries.push({ name: files[i]?.file as string, data: a.bytes });
    });
    if (bytes > EXPORT_MAX_BYTES)
      throw new ExportTooLarge(
        `attachments exceed ${EXPORT_MAX_BYTES} bytes: export fewer conversations per part (limit)`,
      );
  }
  const last = ids[ids.length - 1];
  const manifest: WorkspaceManifest = {
    format: WORKSPACE_EXPORT_FORMAT,
    exportedAt: new Date(now).toISOString(),
    workspace: { id: ws.id, name: ws.name },
    settings: !opts.after,
    ...(page.results.length > opts.limit && last ? { next: last } : {}),
    conversations: ids,
    notes: NOTES,
  };
  entries.unshift({ name: "manifest.json", data: json(manifest) });
  return { archive: zip(entries, new Date(now)), manifest, files: entries.map((e) => e.name) };
}
