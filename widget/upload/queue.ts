// What happens to a file between the customer picking it and its message arriving, without the DOM or
// the network (tested in queue.test.ts): the verdict on its first bytes against the workspace's policy,
// and what each answer of the server means for it.
import { checkFile, type FileKind, type FilePolicy, fileKinds, fileSize } from "../../shared/files.ts";
import type { WordKey } from "./words.ts";

export type Item = {
  id: string;
  /** The upload's idempotency key: the same on every retry, so a file is stored once (x-client-id). */
  clientId: string;
  file: File;
  kind?: FileKind;
  state: "checking" | "ready" | "sending" | "waiting" | "refused" | "failed";
  /** 0..1 while sending. */
  progress: number;
  /** Why it is refused or failed, and the words' values. */
  error?: WordKey;
  params?: Record<string, string>;
};

/** Files that still go out when the customer presses Send (or are going). */
export const pending = (items: readonly Item[]) =>
  items.filter((i) => i.state === "ready" || i.state === "sending" || i.state === "waiting").length;

/** The policy's words for a refusal: which kinds, up to which size. */
export function reasons(policy: FilePolicy): Record<string, string> {
  const kinds = policy.types.length ? policy.types : fileKinds;
  return { types: kinds.map((k) => k.toUpperCase()).join(", "), max: fileSize(policy.maxBytes) };
}

/** The verdict on a file before it travels: the same check the server makes (shared/files.ts). */
export function judge(item: Item, head: Uint8Array, policy: FilePolicy): Item {
  if (!policy.types.length) return { ...item, state: "refused", error: "files_off" };
  const v = checkFile(head, item.file.size, policy);
  return v.ok
    ? { ...item, kind: v.kind, state: "ready" }
    : { ...item, state: "refused", error: v.error, params: reasons(policy) };
}

/**
 * What the server's answer means: done (its message arrives over the chat's own link), wait and send
 * again (the conversation's budget), refused for good (the server's verdict, in the customer's words),
 * or failed (network, a conversation gone): the customer may try again.
 */
export type Outcome = { k: "done" } | { k: "wait"; ms: number } | { k: "refused"; error: WordKey } | { k: "failed" };

export function outcome(status: number, code: string | undefined, retryAfter: string | null): Outcome {
  if (status >= 200 && status < 300) return { k: "done" };
  if (status === 429) return { k: "wait", ms: Math.max(1, Number(retryAfter) || 5) * 1000 };
  if (code === "file_type" || code === "file_too_large" || code === "files_off" || code === "too_many_files")
    return { k: "refused", error: code };
  return { k: "failed" };
}
