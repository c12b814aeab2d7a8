// A conversation leaving (erasure, worker/privacy/) and arriving (a workspace import, worker/workspace/)
// as a whole, and its export. Kept apart from the object, which only calls these.
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { SubjectIndex } from "../privacy/subjects.ts";
import type { Store } from "./log.ts";
import type { Meta } from "./model.ts";
import type { Outbox } from "./outbox.ts";
import type { Transport } from "./transport.ts";

export type MoveParts = {
  store: Store;
  outbox: Outbox;
  transport: Transport;
  subjects: SubjectIndex;
  storage: Pick<DurableObjectStorage, "deleteAlarm" | "deleteAll">;
};

export type ImportResult = { imported: true } | { imported: false; reason: "erased" | "other_workspace" };

/** Everything stored, for a contact's export; null unless this is a conversation of `workspaceId`. */
export function exportData(store: Store, workspaceId: string): { meta: Meta; events: ConversationEvent[] } | null {
  const m = store.meta();
  if (!m || m.workspaceId !== workspaceId) return null;
  return { meta: m, events: store.all() };
}

/**
 * Erasure: stops the outbox and waits for the followers under way (index, analytics, webhooks, mail),
 * closes every socket and stream, and deletes the object's whole storage. What stays is a mark that
 * refuses any later write. Idempotent; refused (erased: false) for another workspace's conversation.
 */
export async function eraseAll(p: MoveParts, workspaceId: string): Promise<{ erased: boolean; events: number }> {
  const m = p.store.meta();
  if (p.store.erasedAt() !== null) return { erased: true, events: 0 };
  if (m && m.workspaceId !== workspaceId) return { erased: false, events: 0 };
  const events = m ? p.store.lastSeq() : 0;
  p.store.refuseWrites(Date.now());
  p.outbox.stop();
  await p.outbox.flush();
  p.transport.closeAll(4404, "conversation erased");
  await p.storage.deleteAlarm();
  await p.storage.deleteAll();
  p.subjects.forget();
  p.store.markErased(Date.now());
  return { erased: true, events };
}

export function importable(store: Store, workspaceId: string): "ok" | "erased" | "other_workspace" {
  const m = store.meta();
  if (store.erasedAt() !== null) return "erased";
  return m && m.workspaceId !== workspaceId ? "other_workspace" : "ok";
}

/**
 * The record another deployment exported, under the same id. An erased conversation never holds data
 * again, not even from an archive. The log's events are history, not news: every follower starts after
 * them (no webhook or mail for them; their analytics rows and index row come with the archive). A
 * question left unanswered there stays so: no bot reply on import.
 */
export function importData(p: MoveParts, workspaceId: string, meta: Meta, events: ConversationEvent[]): ImportResult {
  const verdict = importable(p.store, workspaceId);
  if (verdict !== "ok") return { imported: false, reason: verdict };
  p.store.replaceLog(events);
  const { pending: _pending, ...rest } = meta;
  p.store.saveMeta({ ...rest, workspaceId });
  p.outbox.skipAll();
  // What still reads it (the search index) catches up now.
  p.outbox.kick();
  return { imported: true };
}
