// A person's data, found by their email address: the contact (verified addresses, every channel) and
// every conversation that learnt the address some other way (an unsigned identify(), a follow-up
// address typed into the chat). Export gathers it into one archive; erasure removes it everywhere.
import type { ContactRecord, EraseResult, SubjectConversation, SubjectSource } from "../../shared/privacy.ts";
import { audit } from "../audit/privacy.ts";
import { normaliseEmail } from "../channels/email/address.ts";
import type { Env } from "../env.ts";
import { queueJob } from "../knowledge/publish.ts";
import { addCounts, eraseConversation, exportConversation, noCounts } from "./conversation.ts";
import { zip, type ZipEntry } from "./zip.ts";

/** Conversations erased per request: each costs about six subrequests. A larger contact takes more calls. */
export const ERASE_BATCH = 25;
/** An export larger than this is refused rather than built in the worker's memory (128 MB). */
export const EXPORT_MAX_BYTES = 64 * 1024 * 1024;

export async function findContact(db: D1Database, workspaceId: string, address: string): Promise<ContactRecord> {
  const email = normaliseEmail(address);
  const contact = await db
    .prepare("SELECT id, name, created_at FROM contacts WHERE workspace_id = ? AND email = ?")
    .bind(workspaceId, email)
    .first<{ id: string; name: string | null; created_at: number }>();
  const rows = await db
    .prepare(
      `WITH links AS (
         SELECT cc.conversation_id AS id, 'contact' AS via, 1 AS verified, cc.channel AS channel, cc.created_at AS at
           FROM contact_conversations cc JOIN contacts c ON c.id = cc.contact_id
           WHERE c.workspace_id = ?1 AND c.email = ?2
         UNION ALL
         SELECT conversation_id, source, verified, NULL, created_at FROM privacy_subjects WHERE workspace_id = ?1 AND email = ?2)
       SELECT l.id, l.via, l.verified, COALESCE(cv.channel, l.channel) AS channel, cv.state, COALESCE(cv.created_at, l.at) AS created_at, cv.updated_at
         FROM links l LEFT JOIN conversations cv ON cv.id = l.id AND cv.workspace_id = ?1
         ORDER BY created_at DESC`,
    )
    .bind(workspaceId, email)
    .all<{
      id: string;
      via: SubjectSource;
      verified: number;
      channel: string | null;
      state: string | null;
      created_at: number | null;
      updated_at: number | null;
    }>();
  const byId = new Map<string, SubjectConversation>();
  for (const r of rows.results) {
    const c = byId.get(r.id) ?? {
      id: r.id,
      channel: r.channel ?? "unknown",
      state: r.state,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      via: [],
      verified: false,
    };
    if (!c.via.includes(r.via)) c.via.push(r.via);
    c.verified ||= r.verified === 1;
    byId.set(r.id, c);
  }
  return {
    email,
    contact: contact ? { id: contact.id, name: contact.name, createdAt: contact.created_at } : null,
    conversations: [...byId.values()],
  };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
/** Archive paths: the file's own name, made safe for every unzip tool. */
const safe = (s: string) => s.replace(/[^\w.-]+/g, "_").slice(0, 120) || "file";

export class ExportTooLarge extends Error {}

/**
 * The archive: `manifest.json` (what is inside and where it came from), `contact.json`, and per
 * conversation its record (`conversation.json`: meta and every event, agents' notes included), its D1
 * rows (`records.json`: index, analytics, CSAT, bot turns, votes, mail log with the raw messages sent)
 * and its attachments (`attachments/`).
 */
export async function exportContact(
  env: Env,
  workspaceId: string,
  record: ContactRecord,
  now = Date.now(),
): Promise<{ archive: Uint8Array; files: string[] }> {
  const entries: ZipEntry[] = [];
  const manifest = {
    format: "edgedesk.contact-export/1",
    exportedAt: new Date(now).toISOString(),
    workspaceId,
    email: record.email,
    contact: record.contact,
    conversations: record.conversations,
    notes: [
      "conversation.json holds the conversation as the desk keeps it: every message, agents' private notes and recorded changes.",
      "Conversations found through an unverified address (verified: false) were started by someone who typed this address; check them before handing the archive over.",
    ],
  };
  let bytes = 0;
  for (const c of record.conversations) {
    const x = await exportConversation(env, workspaceId, c.id);
    const dir = `conversations/${safe(c.id)}`;
    if (x.object) entries.push({ name: `${dir}/conversation.json`, data: json(x.object) });
    if (Object.keys(x.records).length) entries.push({ name: `${dir}/records.json`, data: json(x.records) });
    for (const a of x.attachments) {
      bytes += a.bytes.length;
      if (bytes > EXPORT_MAX_BYTES) throw new ExportTooLarge(`the attachments exceed ${EXPORT_MAX_BYTES} bytes`);
      entries.push({ name: `${dir}/attachments/${safe(a.key.split("/").pop() ?? "")}-${safe(a.name)}`, data: a.bytes });
    }
  }
  if (record.contact) {
    const links = await env.DB.prepare(
      "SELECT conversation_id, channel, created_at FROM contact_conversations WHERE contact_id = ? ORDER BY created_at",
    )
      .bind(record.contact.id)
      .all();
    entries.unshift({
      name: "contact.json",
      data: json({ ...record.contact, email: record.email, links: links.results }),
    });
  }
  entries.unshift({ name: "manifest.json", data: json(manifest) });
  return { archive: zip(entries, new Date(now)), files: entries.map((e) => e.name) };
}

/**
 * Erases up to ERASE_BATCH of the address's conversations, then (once none is left) the contact
 * itself. Resumable: what was erased is no longer found, so the next call continues; idempotent: a
 * call with nothing left erases nothing. One audit entry per call, with counts only.
 */
export async function eraseContact(
  env: Env,
  workspaceId: string,
  address: string,
  actor: string,
  batch = ERASE_BATCH,
): Promise<EraseResult> {
  const record = await findContact(env.DB, workspaceId, address);
  let erased = noCounts();
  const todo = record.conversations.slice(0, batch);
  for (const c of todo) {
    const counts = await eraseConversation(env, workspaceId, c.id);
    if (counts) erased = addCounts(erased, counts);
    else {
      // Another workspace's object under this id (never expected): only the links here go.
      await env.DB.batch([
        env.DB.prepare(
          "DELETE FROM contact_conversations WHERE conversation_id = ? AND contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?)",
        ).bind(c.id, workspaceId),
        env.DB.prepare("DELETE FROM privacy_subjects WHERE conversation_id = ? AND workspace_id = ?").bind(
          c.id,
          workspaceId,
        ),
      ]);
    }
  }
  const remaining = record.conversations.length - todo.length;
  if (remaining === 0) {
    const email = normaliseEmail(address);
    const r = await env.DB.batch([
      env.DB.prepare(
        "DELETE FROM contact_conversations WHERE contact_id IN (SELECT id FROM contacts WHERE workspace_id = ? AND email = ?)",
      ).bind(workspaceId, email),
      // Outreach drafted for them and never sent (a sent one went with its conversation).
      env.DB.prepare(
        "DELETE FROM outreach WHERE workspace_id = ? AND contact_id IN (SELECT id FROM contacts WHERE workspace_id = ? AND email = ?)",
      ).bind(workspaceId, workspaceId, email),
      env.DB.prepare("DELETE FROM privacy_subjects WHERE workspace_id = ? AND email = ?").bind(workspaceId, email),
      env.DB.prepare("DELETE FROM contacts WHERE workspace_id = ? AND email = ?").bind(workspaceId, email),
    ]);
    erased.rows += r.reduce((n, x) => n + (x.meta.changes ?? 0), 0);
  }
  // The model learnt from questions that are gone: the next version is trained without them.
  const job = erased.trainingLinks
    ? await queueJob(env, workspaceId, { kind: "history", items: [], by: "privacy" })
    : null;
  await audit(env.DB, {
    workspaceId,
    actor,
    action: "contact.erased",
    subject: record.contact?.id ?? null,
    detail: { ...erased, remaining, done: remaining === 0 },
  });
  return { done: remaining === 0, remaining, erased, ...(job ? { kbRebuild: job.id } : {}) };
}
