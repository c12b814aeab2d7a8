// Files in one conversation (docs/attachments.md): what a customer's uploads may cost, storing an
// upload as a message of its own, and finding a file a reader may see. The bytes, their checks and R2
// are the worker's (worker/attachments/); here is only what the conversation's own record decides:
// the budget (a bucket in memory, like messages', and caps on files and bytes in all, counted from the
// log so a restart does not reset them), idempotency per client id, and who may still write.
import type { AttachmentRef } from "../../shared/protocol.ts";
import type { Bucket } from "./budget.ts";
import type { Engine } from "./lifecycle.ts";
import type { Reader, Store } from "./log.ts";
import { type Agent, Refused } from "./model.ts";

/** Who uploads: the conversation's customer (their token), or an agent of its workspace (their session). */
export type Uploader = { author: "customer" } | { author: "agent"; agent: Agent };

/** An upload stored, or the one stored before under the same client id. */
export type Attached = { seq: number; duplicate: boolean; attachment: AttachmentRef };

/** Before the bytes are read: go ahead, the upload already stored (a retry), or not now / not at all. */
export type FileGate =
  | { ok: true; prior?: Attached }
  | { ok: false; error: string; message: string; retryAfterMs?: number };

// Namespaces of their own: an upload's client id never collides with a message's, nor a customer's with an agent's.
const clientKey = (u: Uploader, clientId: string) => `${u.author === "customer" ? "file" : "agent-file"}:${clientId}`;

export class Files {
  constructor(
    private readonly store: Store,
    private readonly engine: Engine,
    private readonly bucket: Bucket,
    private readonly caps: { files: number; bytes: number },
  ) {}

  /** Asked before an upload's body is read: a retry is answered from the log, a customer's spend is checked. */
  gate(u: Uploader, clientId: string, now: number): FileGate {
    const prior = this.prior(u, clientId);
    if (prior) return { ok: true, prior };
    const m = this.engine.meta;
    if (u.author === "agent" && m.mergedInto)
      return { ok: false, error: "merged", message: `this conversation was merged into ${m.mergedInto}: attach there` };
    // As with a reply (lifecycle.ts agentMessage): a person writes once the bot has handed the conversation over.
    if (u.author === "agent" && m.state !== "queued" && m.state !== "agent")
      return {
        ok: false,
        error: "not_handed_off",
        message: `a conversation in state ${m.state} takes an agent's files once it is handed off`,
      };
    if (u.author === "agent") return { ok: true };
    const spent = this.store.customerFiles();
    if (spent.files >= this.caps.files || spent.bytes >= this.caps.bytes) return this.capped();
    const wait = this.bucket.take(now);
    if (wait)
      return {
        ok: false,
        error: "rate_limited",
        message: `too many files in this conversation; try again in ${Math.ceil(wait / 1000)} s`,
        retryAfterMs: wait,
      };
    return { ok: true };
  }

  /** Stores the upload as a message with the file and empty text; a customer's is counted against the caps again. */
  attach(u: Uploader, clientId: string, ref: AttachmentRef): Attached {
    const prior = this.prior(u, clientId);
    if (prior) return prior;
    if (u.author === "customer") {
      const spent = this.store.customerFiles();
      if (spent.files + 1 > this.caps.files || spent.bytes + ref.size > this.caps.bytes) {
        const r = this.capped();
        throw new Refused(r.error, r.message);
      }
      const sent = this.engine.customerMessage(clientKey(u, clientId), "", { attachments: [ref] });
      return { seq: sent.seq, duplicate: sent.duplicate, attachment: ref };
    }
    const sent = this.engine.agentMessage(u.agent, clientKey(u, clientId), "", { attachments: [ref] });
    return { seq: sent.seq, duplicate: sent.duplicate, attachment: ref };
  }

  /** A file a message lists that `reader` may see (a customer: not agents-only, not taken back). */
  find(fileId: string, reader: Reader): AttachmentRef | null {
    return this.store.file(fileId, reader);
  }

  private prior(u: Uploader, clientId: string): Attached | null {
    const key = clientKey(u, clientId);
    if (!this.store.hasClientId(key)) return null;
    const e = this.store.byClientId(key);
    const file = e?.type === "message" ? e.attachments?.[0] : undefined;
    if (!e || !file) throw new Refused("client_id_taken", "this x-client-id names another message");
    return { seq: e.seq, duplicate: true, attachment: file };
  }

  private capped() {
    const mb = Math.round(this.caps.bytes / 1024 / 1024);
    return {
      ok: false as const,
      error: "too_many_files",
      message: `this conversation has all the files it can take (${this.caps.files} files or ${mb} MB)`,
    };
  }
}
