// Merge and split (docs/search.md "Merge and split"), as events of the conversations' own logs:
//
// - Merge: the other conversation (B) stores a "merged-into" system line and closes; its merge follower
//   (mergeFollower) copies B's messages and notes into the kept conversation (A), each marked with its
//   origin, and forwards what the customer writes into B afterwards. A takes each copy once (its clientId
//   names the original), so the follower may run again after a crash and copy nothing twice.
// - Split: the source conversation (S) stores a retract event, reason "moved" (the message leaves its
//   transcript everywhere, as a retract does) and a "split-to" line; its follower opens the new
//   conversation (N) with the message, a "split-from" line and the agent who moved it. The new id is
//   chosen once, in S's record, so asking again returns the same conversation.
//
// Both only between conversations of one customer (the same contact): the rule is checked where the
// record is, in B's and in S's object. A merge or split is decided in one synchronous call of the
// object (its record says whether it happened: `mergedInto`, `splits`), so its writes are one
// transaction and a repeat finds it done; what the receiving object stores is keyed by clientIds that
// name the original. Nothing here touches the runtime; the object calls in (do.ts).
import { AGENTS_ONLY, type ConversationEvent, type MessageEvent, type Origin } from "../../shared/protocol.ts";
import type { Engine } from "./lifecycle.ts";
import type { Store } from "./log.ts";
import { type Agent, type Meta, type NewEvent, Refused } from "./model.ts";
import type { Follower, FollowerPorts } from "./outbox.ts";
import { reply } from "./replies.ts";

/** What a merge needs to know of the conversation to keep, read from its own object. */
export type MergeTarget = {
  id: string;
  workspaceId: string;
  siteKey: string;
  state: Meta["state"];
  channel: string;
  contactId: string | null;
  mergedInto: string | null;
};

/** The conversation something is copied or moved from. */
export type Source = { id: string; workspaceId: string; channel: string; contactId: string | null };

/** One event to take into the kept conversation: history (copied once) or live (the customer wrote it after the merge). */
export type Incoming = { event: MessageEvent | Extract<ConversationEvent, { type: "note" }>; live: boolean };

/** What a new conversation split off from another starts with: the record's parts that stay with the customer. */
export type SplitSeed = {
  id: string;
  from: Pick<
    Meta,
    "id" | "workspaceId" | "siteKey" | "channel" | "locale" | "baseUrl" | "pageUrl" | "identity" | "contactId" | "email"
  > & { followUp?: Meta["followUp"] };
  message: MessageEvent;
  by: Agent;
};

const sameCustomer = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && a === b;

export class MergeSplit {
  constructor(
    private readonly store: Store,
    private readonly engine: Engine,
    private readonly newId: () => string,
    private readonly now: () => number,
    /** Work that outlives the call: the bot's answer to a forwarded customer message. */
    private readonly waitUntil: (p: Promise<unknown>) => void,
  ) {}

  target(): MergeTarget | null {
    const m = this.store.meta();
    if (!m || this.store.erasedAt() !== null) return null;
    return {
      id: m.id,
      workspaceId: m.workspaceId,
      siteKey: m.siteKey,
      state: m.state,
      channel: m.channel,
      contactId: m.contactId ?? null,
      mergedInto: m.mergedInto ?? null,
    };
  }

  /** Where this conversation went, if it was merged. */
  successor(): string | null {
    return this.store.meta()?.mergedInto ?? null;
  }

  /**
   * Closes this conversation into `kept` (on B). The same merge again is a no-op (duplicate); a merge
   * into another conversation, or of another customer's, is refused.
   */
  mergeInto(kept: MergeTarget, agent: Agent): { duplicate: boolean } {
    const m = this.engine.meta;
    if (m.mergedInto === kept.id) return { duplicate: true };
    if (m.mergedInto) throw new Refused("already_merged", `this conversation was merged into ${m.mergedInto} already`);
    if (kept.id === m.id) throw new Refused("same_conversation", "a conversation cannot be merged into itself");
    if (kept.workspaceId !== m.workspaceId) throw new Refused("not_found", "no such conversation");
    if (kept.mergedInto)
      throw new Refused(
        "already_merged",
        `the conversation to keep was merged into ${kept.mergedInto}: merge into that one`,
      );
    if (!m.contactId || !kept.contactId)
      throw new Refused(
        "no_customer",
        "only conversations of a known customer (a verified email address) can be merged: this one has none",
      );
    if (!sameCustomer(m.contactId, kept.contactId))
      throw new Refused(
        "different_customer",
        "these conversations belong to different customers: they cannot be merged",
      );
    const line = this.engine.emit({
      type: "message",
      id: this.newId(),
      author: "system",
      text: reply(m.locale, "mergedInto"),
      at: this.now(),
      link: { kind: "merged-into", conversationId: kept.id },
    });
    this.store.saveMeta({ ...this.engine.meta, mergedInto: kept.id, mergeSeq: line.seq });
    if (this.engine.meta.state !== "resolved") this.engine.move("resolved", "merged", agent.name);
    return { duplicate: false };
  }

  /**
   * Takes events of a conversation merged into this one (on A). `opening`: the merge itself, announced by
   * a "merged-from" line; history is appended once per original (its clientId names it); a live customer
   * message is handled as this conversation's own customer message (the bot answers it if the bot holds
   * this one). Refused for another workspace's or another customer's conversation.
   */
  absorb(from: Source, items: Incoming[], opening: boolean): { stored: number } {
    if (!this.store.meta() || this.store.erasedAt() !== null) throw new Refused("not_found", "no such conversation");
    const m = this.engine.meta;
    if (from.workspaceId !== m.workspaceId || !sameCustomer(from.contactId, m.contactId))
      throw new Refused("different_customer", "these conversations belong to different customers");
    let stored = 0;
    if (opening)
      this.engine.emit(
        {
          type: "message",
          id: this.newId(),
          author: "system",
          text: reply(m.locale, "mergedFrom"),
          at: this.now(),
          link: { kind: "merged-from", conversationId: from.id },
        },
        `merged-from:${from.id}`,
      );
    for (const { event: e, live } of items) {
      const origin: Origin = e.origin ?? {
        kind: live ? "forwarded" : "merged",
        conversationId: from.id,
        channel: from.channel,
        messageId: e.id,
      };
      const clientId = `${origin.kind === "forwarded" ? "fwd" : "merged"}:${origin.conversationId}:${origin.messageId}`;
      if (live && e.type === "message" && e.author === "customer") {
        const r = this.engine.customerMessage(clientId, e.text, {
          origin,
          ...(e.attachments ? { attachments: e.attachments } : {}),
        });
        if (!r.duplicate) stored++;
        this.waitUntil(r.done);
        continue;
      }
      if (this.store.hasClientId(clientId)) continue;
      this.engine.emit(copyOf(e, this.newId(), origin), clientId);
      stored++;
    }
    return { stored };
  }

  /**
   * Moves one message into a new conversation of the same customer (on S): the customer's or an
   * agent's, not yet taken back. Asked again for the same message, answers the same conversation.
   */
  split(
    agent: Agent,
    messageId: string,
    newConversationId: () => string,
  ): { conversationId: string; duplicate: boolean } {
    const m = this.engine.meta;
    const done = m.splits?.[messageId];
    if (done) return { conversationId: done.to, duplicate: true };
    if (m.mergedInto) throw new Refused("merged", `this conversation was merged into ${m.mergedInto}: split there`);
    const events = this.store.all();
    const target = events.find((e): e is MessageEvent => e.type === "message" && e.id === messageId);
    if (!target) throw new Refused("not_found", "no such message in this conversation");
    if (target.author !== "customer" && target.author !== "agent")
      throw new Refused("not_movable", "only a customer's or an agent's message can be moved");
    if (events.some((e) => e.type === "retract" && e.messageId === messageId))
      throw new Refused("not_movable", "this message was taken back");
    const to = newConversationId();
    this.store.saveMeta({ ...m, splits: { ...m.splits, [messageId]: { to, by: agent } } });
    this.engine.emit({ type: "retract", messageId, by: agent.name, reason: "moved", at: this.now() });
    this.engine.emit({
      type: "message",
      id: this.newId(),
      author: "system",
      text: reply(m.locale, "splitTo"),
      at: this.now(),
      link: { kind: "split-to", conversationId: to },
    });
    return { conversationId: to, duplicate: false };
  }

  /**
   * Opens this conversation from a split (on N): the customer's record, the line saying where it came
   * from, the message (kept once), and the agent who moved it, who has it now. Idempotent.
   */
  openSplit(seed: SplitSeed, begin: () => void): void {
    const existing = this.store.meta();
    if (existing && existing.splitFrom !== seed.from.id) throw new Refused("conflict", "this conversation exists");
    if (!existing) {
      const { from } = seed;
      begin();
      this.store.saveMeta({
        id: seed.id,
        workspaceId: from.workspaceId,
        siteKey: from.siteKey,
        channel: from.channel,
        locale: from.locale,
        baseUrl: from.baseUrl,
        ...(from.pageUrl ? { pageUrl: from.pageUrl } : {}),
        ...(from.identity ? { identity: from.identity } : {}),
        ...(from.contactId ? { contactId: from.contactId } : {}),
        // Replies reach the customer the way they did there: the same email thread, or the confirmed address.
        ...(from.email ? { email: from.email } : {}),
        ...(from.followUp?.confirmed ? { followUp: { ...from.followUp, references: [] } } : {}),
        splitFrom: from.id,
        createdAt: this.now(),
        state: "agent",
        assignedAgentId: seed.by.id,
        assignedAgentName: seed.by.name,
        lowConfidenceTurns: 0,
        failures: 0,
        tried: [],
      });
    }
    const m = this.engine.meta;
    this.engine.emit(
      {
        type: "message",
        id: this.newId(),
        author: "system",
        text: reply(m.locale, "splitFrom"),
        at: this.now(),
        link: { kind: "split-from", conversationId: seed.from.id },
      },
      "split-from",
    );
    const e = seed.message;
    const origin: Origin = e.origin ?? {
      kind: "moved",
      conversationId: seed.from.id,
      channel: seed.from.channel,
      messageId: e.id,
    };
    this.engine.emit(copyOf(e, this.newId(), origin), `moved:${seed.from.id}:${e.id}`);
    this.engine.emit(
      { type: "state", state: "agent", reason: "split", name: seed.by.name, at: this.now() },
      "split-state",
    );
  }
}

/** The parts of the record a split-off conversation keeps: the customer's, not this conversation's. */
function seedOf(m: Meta): SplitSeed["from"] {
  return {
    id: m.id,
    workspaceId: m.workspaceId,
    siteKey: m.siteKey,
    channel: m.channel,
    locale: m.locale,
    baseUrl: m.baseUrl,
    ...(m.pageUrl ? { pageUrl: m.pageUrl } : {}),
    ...(m.identity ? { identity: m.identity } : {}),
    ...(m.contactId ? { contactId: m.contactId } : {}),
    ...(m.email ? { email: m.email } : {}),
    ...(m.followUp ? { followUp: m.followUp } : {}),
  };
}

/** A message or note as stored here: a new id, the original's words, author and time, and where it came from. */
function copyOf(e: Incoming["event"], id: string, origin: Origin): NewEvent {
  if (e.type === "note")
    return { type: "note", audience: AGENTS_ONLY, id, text: e.text, name: e.name, at: e.at, origin };
  return {
    type: "message",
    id,
    author: e.author,
    text: e.text,
    at: e.at,
    origin,
    ...(e.name ? { name: e.name } : {}),
    ...(e.sources ? { sources: e.sources } : {}),
    ...(e.attachments ? { attachments: e.attachments } : {}),
    ...(e.translatedFrom ? { translatedFrom: e.translatedFrom } : {}),
  };
}

/** What the merge follower asks of the other conversations' objects (wired in wiring.ts). */
export type MergePeers = {
  absorb(into: string, from: Source, items: Incoming[], opening: boolean): Promise<void>;
  openSplit(seed: SplitSeed): Promise<void>;
  /** The new conversation joins the customer's contact (D1 contact_conversations). */
  linkContact(contactId: string, conversationId: string, channel: string): Promise<void>;
};

/** Messages and notes of a merged conversation that go with it: not system lines, not taken back or moved. */
export function copyable(events: ConversationEvent[]): Incoming["event"][] {
  const gone = new Set(events.flatMap((e) => (e.type === "retract" ? [e.messageId] : [])));
  return events.filter(
    (e): e is Incoming["event"] =>
      ((e.type === "message" && e.author !== "system") || e.type === "note") && !gone.has(e.id),
  );
}

/**
 * The merge follower: on the merge line, B's history goes to A (all of it, read from the log); after it,
 * each customer message is forwarded; on a split, the new conversation is opened. Each step is
 * idempotent at the receiving end, so a retried batch repeats nothing.
 */
export const mergeFollower = (peers: MergePeers, ports: Pick<FollowerPorts, "history">): Follower => ({
  name: "merge",
  kind: "events",
  batch: 100,
  async run({ meta: m, events }) {
    const from: Source = { id: m.id, workspaceId: m.workspaceId, channel: m.channel, contactId: m.contactId ?? null };
    for (const e of events) {
      const split = e.type === "retract" && e.reason === "moved" ? m.splits?.[e.messageId] : undefined;
      if (split && e.type === "retract") {
        const message = ports.history().find((x): x is MessageEvent => x.type === "message" && x.id === e.messageId);
        if (message) await peers.openSplit({ id: split.to, from: seedOf(m), message, by: split.by });
        if (message && m.contactId) await peers.linkContact(m.contactId, split.to, m.channel);
      }
      if (!m.mergedInto || m.mergeSeq === undefined) continue;
      if (e.seq === m.mergeSeq) {
        const before = ports.history().filter((x) => x.seq < e.seq);
        const items = copyable(before).map((event) => ({ event, live: false }));
        await peers.absorb(m.mergedInto, from, items, true);
      } else if (e.seq > m.mergeSeq && e.type === "message" && e.author === "customer") {
        await peers.absorb(m.mergedInto, from, [{ event: e, live: true }], false);
      }
    }
  },
});
