// One open conversation: the detail (with the handoff packet) from HTTP, then the live socket resumed
// from the detail's last seq. Every frame goes through the shared `applyFrame`, so replay overlap,
// streamed drafts and dedup behave exactly as in the customer's widget. This store adds only what
// the console needs on top: the state-change notes, the agent's own unsent replies, and actions.
import { computed, signal } from "@preact/signals";
import { nanoid } from "nanoid";
import * as z from "zod/mini";
import {
  agentMessageSchema,
  agentRefSchema,
  cannedReplyItemSchema,
  conversationDetailSchema,
  noteSchema,
  postedMessageSchema,
  type AgentRef,
  type CannedReply,
  type ConversationDetail,
  type ConversationPatch,
} from "../../../../shared/api.ts";
import {
  type ActionEvent,
  type ChangeEvent,
  type CsatEvent,
  type NoteEvent,
  type RetractEvent,
  type ScheduleEvent,
  type ServerFrame,
  serverFrameSchema,
  type StateEvent,
} from "../../../../shared/protocol.ts";
import { uploadedSchema } from "../../../../shared/attachments.ts";
import { mergeResultSchema, splitResultSchema } from "../../../../shared/merge.ts";
import { applyFrame, emptyTimeline, type Timeline } from "../../../../shared/timeline.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage, HttpError, wsUrl } from "../../lib/api.ts";
import { ackPending, addPending, failPending, retryPending, settlePending, unacked, type Pending } from "./outbox.ts";
import { checkSession } from "../../lib/session.ts";
import { LiveSocket } from "../../lib/socket.ts";

const cannedList = z.object({ items: z.array(cannedReplyItemSchema) });
/** `/api/agents` as far as mentions need it: who is in the workspace (the rest of each row is not read). */
const teammateList = z.object({ agents: z.array(agentRefSchema) });

/** What the transcript shows agents besides messages and state lines. */
export type AgentEvent = NoteEvent | ChangeEvent | CsatEvent | RetractEvent | ScheduleEvent | ActionEvent;

// A send the socket swallowed without an ack is retried over HTTP; clientId makes that idempotent.
const ACK_TIMEOUT_MS = 8_000;
// The customer's widget refreshes `typing` while they type; a stale "typing…" must not linger.
const TYPING_STALE_MS = 8_000;
// How long after the last keystroke the agent stops counting as typing.
const TYPING_IDLE_MS = 4_000;

export class ConversationStore {
  readonly timeline = signal<Timeline>(emptyTimeline());
  /** State changes, kept for the transcript (the shared timeline only tracks the current state). */
  readonly notes = signal<StateEvent[]>([]);
  readonly detail = signal<ConversationDetail | undefined>(undefined);
  readonly loadError = signal<{ message: string; status: number } | undefined>(undefined);
  readonly pending = signal<Pending[]>([]);
  readonly busy = signal<"claim" | "resolve" | "handback" | undefined>(undefined);
  /** Private notes, changes (who changed what) and the rating, for the transcript. */
  readonly agentEvents = signal<AgentEvent[]>([]);
  readonly canned = signal<CannedReply[] | undefined>(undefined);
  readonly teammates = signal<AgentRef[] | undefined>(undefined);
  readonly actionError = signal<string | undefined>(undefined);
  /** Replay finished on the current connection: the view is live. */
  readonly live = signal(false);
  readonly state = computed(() => this.timeline.value.state);

  private readonly socket: LiveSocket;
  readonly socketStatus: LiveSocket["status"];
  private ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private typingStale: ReturnType<typeof setTimeout> | undefined;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  private agentTyping = false;
  private disposed = false;
  private refreshing = false;

  constructor(readonly id: string) {
    this.socket = new LiveSocket({
      url: () => wsUrl(`/api/conversations/${encodeURIComponent(id)}/ws?after=${this.timeline.value.lastSeq}`),
      onOpen: () => {
        this.live.value = false;
      },
      onClose: () => {
        this.live.value = false;
      },
      onFrame: (f) => {
        // Parsed with the wire protocol's schema; a frame that does not fit is dropped, never applied.
        const parsed = serverFrameSchema.safeParse(f);
        if (parsed.success) this.onFrame(parsed.data);
        else console.warn("[edgedesk] dropped a conversation frame that does not fit the protocol");
      },
      onFailure: (n) => {
        this.live.value = false;
        if (n >= 2) void checkSession();
      },
      onSessionEnded: () => void checkSession(),
    });
    this.socketStatus = this.socket.status;
  }

  async start(): Promise<void> {
    this.loadError.value = undefined;
    try {
      const d = await api(`/api/conversations/${encodeURIComponent(this.id)}`, conversationDetailSchema);
      if (this.disposed) return;
      this.absorb(d);
      this.socket.start();
    } catch (e) {
      if (this.disposed) return;
      this.loadError.value = { message: errorMessage(e), status: e instanceof HttpError ? e.status : 0 };
    }
  }

  stop(): void {
    this.disposed = true;
    if (this.agentTyping) this.socket.send({ t: "typing", on: false });
    this.socket.stop();
    for (const t of this.ackTimers.values()) clearTimeout(t);
    clearTimeout(this.typingStale);
    clearTimeout(this.typingIdle);
  }

  reconnect(): void {
    this.socket.reconnect();
  }

  /** Re-reads the detail (after claim/resolve, or a new handoff) and folds in anything new. */
  async refresh(): Promise<void> {
    try {
      const d = await api(`/api/conversations/${encodeURIComponent(this.id)}`, conversationDetailSchema);
      if (!this.disposed) this.absorb(d);
    } catch {
      // The socket is the primary source; a failed refresh only means waiting for its frames.
    }
  }

  /** Queues a reply and returns an error message if it cannot be sent at all. */
  async send(raw: string): Promise<string | undefined> {
    const text = raw.trim();
    if (!text) return "Type a message first.";
    if (this.state.value === "resolved") return "This conversation is resolved.";
    if (this.state.value === "queued") {
      // Replying is taking the conversation: claim first so the customer sees who joined.
      const err = await this.claim();
      if (err) return err;
    }
    const clientId = nanoid(21);
    // Same rules as the server (trim, length), so a reply it would reject never gets queued.
    const checked = z.safeParse(agentMessageSchema, { clientId, text });
    if (!checked.success) return checked.error.issues[0]?.message ?? "This message cannot be sent.";
    this.pending.value = addPending(this.pending.value, clientId, text, Date.now());
    this.setTyping(false);
    this.transmit(clientId, text);
    return undefined;
  }

  /**
   * Attaches a file as the agent's message (docs/attachments.md): the server checks its bytes against the
   * workspace's policy, as it does the customer's. Like a reply, it takes a waiting conversation first.
   * An error message, or undefined once stored (the transcript shows it from the socket).
   */
  async attach(file: File): Promise<string | undefined> {
    if (this.state.value === "queued") {
      const err = await this.claim();
      if (err) return err;
    }
    try {
      await api(`/api/conversations/${encodeURIComponent(this.id)}/attachments`, uploadedSchema, {
        file: { body: file, headers: { "x-file-name": encodeURIComponent(file.name), "x-client-id": nanoid(21) } },
      });
      return undefined;
    } catch (e) {
      return errorMessage(e);
    }
  }

  retry(clientId: string): void {
    const p = this.pending.value.find((x) => x.clientId === clientId);
    if (!p) return;
    this.pending.value = retryPending(this.pending.value, clientId);
    this.transmit(clientId, p.text);
  }

  discard(clientId: string): void {
    this.pending.value = this.pending.value.filter((p) => p.clientId !== clientId || p.status === "sent");
  }

  async claim(): Promise<string | undefined> {
    return this.action("claim");
  }

  async resolve(): Promise<string | undefined> {
    return this.action("resolve");
  }

  async handBack(): Promise<string | undefined> {
    return this.action("handback");
  }

  /** A private note, @mentioning `mentions` (agent ids); returns an error message, or undefined once it is stored. */
  async addNote(raw: string, mentions: readonly string[] = []): Promise<string | undefined> {
    const checked = z.safeParse(noteSchema, {
      clientId: nanoid(21),
      text: raw,
      ...(mentions.length ? { mentions: [...mentions] } : {}),
    });
    if (!checked.success) return checked.error.issues[0]?.message ?? "This note cannot be saved.";
    return this.call(`/notes`, "POST", checked.data, "Note added for agents only.");
  }

  /** Merges `other` (same customer) into this conversation; an error message, or undefined once done. */
  async merge(other: string): Promise<string | undefined> {
    this.actionError.value = undefined;
    try {
      await api(`/api/conversations/${encodeURIComponent(this.id)}/merge`, mergeResultSchema, { body: { other } });
      announce("Conversation merged into this one.");
      await this.refresh();
      return undefined;
    } catch (e) {
      return (this.actionError.value = errorMessage(e));
    }
  }

  /** Moves one message into a new conversation of the same customer: its id, or an error message. */
  async split(messageId: string): Promise<{ id: string } | { error: string }> {
    this.actionError.value = undefined;
    try {
      const r = await api(`/api/conversations/${encodeURIComponent(this.id)}/split`, splitResultSchema, {
        body: { messageId },
      });
      announce("Message moved to a new conversation.");
      return { id: r.conversationId };
    } catch (e) {
      return { error: (this.actionError.value = errorMessage(e)) };
    }
  }

  async patch(p: ConversationPatch): Promise<string | undefined> {
    return this.call("", "PATCH", p);
  }

  async markNeeded(needed: boolean): Promise<string | undefined> {
    return this.call(
      "/handoff-needed",
      "PUT",
      { needed },
      needed ? "Marked: the handoff was needed." : "Marked: the handoff was not needed.",
    );
  }

  /** The workspace's people, for @mentions in notes: fetched the first time the agent types "@". */
  async loadTeammates(): Promise<void> {
    if (this.teammates.value) return;
    this.teammates.value = [];
    try {
      this.teammates.value = (await api("/api/agents", teammateList)).agents;
    } catch {
      // Stays empty: the picker says nobody matches; the note can still be written.
    }
  }

  async loadCanned(): Promise<void> {
    if (this.canned.value) return;
    try {
      this.canned.value = (await api("/api/canned", cannedList)).items;
    } catch {
      this.canned.value = [];
    }
  }

  // ---- later: snooze, scheduled replies, reminders (docs/conversations.md "Later") ----------------

  /** Out of the active inbox until `until`, or (undefined) until the customer replies. */
  snooze(until?: number): Promise<string | undefined> {
    return this.call("/snooze", "POST", until === undefined ? {} : { until }, "Conversation snoozed.");
  }

  unsnooze(): Promise<string | undefined> {
    return this.call("/snooze", "DELETE", undefined, "Back in the inbox.");
  }

  /** A reply written now and sent once at `at`. */
  scheduleReply(text: string, at: number): Promise<string | undefined> {
    return this.call("/scheduled-replies", "POST", { clientId: nanoid(21), text, at }, "Reply scheduled.");
  }

  remind(at: number, note?: string): Promise<string | undefined> {
    return this.call("/reminders", "POST", { clientId: nanoid(21), at, ...(note ? { note } : {}) }, "Reminder set.");
  }

  cancelSchedule(id: string): Promise<string | undefined> {
    return this.call(`/schedules/${encodeURIComponent(id)}`, "DELETE", undefined, "Cancelled.");
  }

  private async call(
    path: string,
    method: "POST" | "PUT" | "PATCH" | "DELETE",
    body: unknown,
    done?: string,
  ): Promise<string | undefined> {
    this.actionError.value = undefined;
    try {
      await apiVoid(`/api/conversations/${encodeURIComponent(this.id)}${path}`, {
        method,
        ...(body === undefined ? {} : { body }),
      });
      if (done) announce(done);
      // The socket brings the recorded event; the detail carries the current values.
      await this.refresh();
      return undefined;
    } catch (e) {
      const msg = errorMessage(e);
      this.actionError.value = msg;
      return msg;
    }
  }

  /** Called on every keystroke in the composer; sends typing on/off edges only. */
  typingActivity(hasText: boolean): void {
    clearTimeout(this.typingIdle);
    if (!hasText) {
      this.setTyping(false);
      return;
    }
    this.setTyping(true);
    this.typingIdle = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  setTyping(on: boolean): void {
    if (on === this.agentTyping) return;
    if (on && this.state.value !== "agent") return;
    this.agentTyping = on;
    this.socket.send({ t: "typing", on });
  }

  private async action(kind: "claim" | "resolve" | "handback"): Promise<string | undefined> {
    if (this.busy.value) return undefined;
    this.busy.value = kind;
    this.actionError.value = undefined;
    try {
      await apiVoid(`/api/conversations/${encodeURIComponent(this.id)}/${kind}`, { method: "POST", body: {} });
      announce(
        kind === "claim"
          ? "You joined the conversation."
          : kind === "resolve"
            ? "Conversation resolved."
            : "Handed back to the bot.",
      );
      return undefined;
    } catch (e) {
      const msg = errorMessage(e);
      this.actionError.value = msg;
      return msg;
    } finally {
      this.busy.value = undefined;
      // Whether it worked or someone beat us to it, show the state the server now has.
      await this.refresh();
    }
  }

  private transmit(clientId: string, text: string): void {
    clearTimeout(this.ackTimers.get(clientId));
    if (this.live.value && this.socket.send({ t: "send", clientId, text })) {
      this.ackTimers.set(
        clientId,
        setTimeout(() => void this.postMessage(clientId, text), ACK_TIMEOUT_MS),
      );
      return;
    }
    void this.postMessage(clientId, text);
  }

  private async postMessage(clientId: string, text: string): Promise<void> {
    this.ackTimers.delete(clientId);
    const p = this.pending.value.find((x) => x.clientId === clientId);
    if (!p || p.status === "sent") return;
    try {
      const r = await api(`/api/conversations/${encodeURIComponent(this.id)}/messages`, postedMessageSchema, {
        body: { clientId, text },
      });
      this.onAck(clientId, r.seq);
      // No socket to deliver the stored copy: fetch it so the reply settles into the transcript.
      if (!this.live.value) void this.refresh();
    } catch (e) {
      this.pending.value = failPending(this.pending.value, clientId, errorMessage(e));
      announce("Your reply was not sent.");
    }
  }

  private onAck(clientId: string, seq: number): void {
    clearTimeout(this.ackTimers.get(clientId));
    this.ackTimers.delete(clientId);
    this.pending.value = settlePending(ackPending(this.pending.value, clientId, seq), this.timeline.value.messages);
  }

  private absorb(d: ConversationDetail): void {
    this.detail.value = d;
    let t = this.timeline.value;
    for (const event of [...d.events].sort((a, b) => a.seq - b.seq)) t = this.fold(t, { t: "event", event });
    t = applyFrame(t, { t: "ready", lastSeq: d.lastSeq, state: d.state });
    this.commit(t);
  }

  private onFrame(f: ServerFrame): void {
    switch (f.t) {
      case "ack":
        this.onAck(f.clientId, f.seq);
        return;
      case "error":
        this.actionError.value = f.message;
        return;
      case "typing":
        // Our own typing may be echoed back; only the customer's matters here.
        if (f.author !== "customer") return;
        clearTimeout(this.typingStale);
        if (f.on)
          this.typingStale = setTimeout(
            () => this.commit(applyFrame(this.timeline.value, { t: "typing", author: "customer", on: false })),
            TYPING_STALE_MS,
          );
        this.commit(applyFrame(this.timeline.value, f));
        return;
      case "ready":
        this.commit(applyFrame(this.timeline.value, f));
        this.live.value = true;
        // Anything typed while disconnected (or never acked) goes out again with its clientId.
        for (const p of unacked(this.pending.value)) {
          this.pending.value = retryPending(this.pending.value, p.clientId);
          this.transmit(p.clientId, p.text);
        }
        return;
      default:
        this.commit(this.fold(this.timeline.value, f));
    }
  }

  private fold(t: Timeline, f: ServerFrame): Timeline {
    const next = applyFrame(t, f);
    if (f.t !== "event" || next === t || next.lastSeq === t.lastSeq) return next;
    const e = f.event;
    if (e.type === "state") {
      this.notes.value = [...this.notes.value, e];
      // A live handoff brings a packet the detail we loaded did not have.
      if (e.state === "queued" && !this.detail.value?.handoff) void this.refresh();
      return next;
    }
    if (e.type !== "message") {
      this.agentEvents.value = [...this.agentEvents.value, e];
      // Current labels, priority, identity, rating and what is waiting for later live in the detail:
      // re-read it, and once more if another such event arrives while that read is in flight.
      this.rereadDetail();
      return next;
    }
    if (e.author === "customer" && next.typing) {
      clearTimeout(this.typingStale);
      return applyFrame(next, { t: "typing", author: "customer", on: false });
    }
    return next;
  }

  private rereadAgain = false;
  private rereadDetail(): void {
    if (this.refreshing) {
      this.rereadAgain = true;
      return;
    }
    this.refreshing = true;
    queueMicrotask(
      () =>
        void this.refresh().finally(() => {
          this.refreshing = false;
          if (this.rereadAgain) {
            this.rereadAgain = false;
            this.rereadDetail();
          }
        }),
    );
  }

  private commit(t: Timeline): void {
    if (t === this.timeline.value) return;
    this.timeline.value = t;
    this.pending.value = settlePending(this.pending.value, t.messages);
  }
}
