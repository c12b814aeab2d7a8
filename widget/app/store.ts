// The widget's state and the only place that talks to the network: a conversation is created lazily
// (on the first message or "Talk to a person", so opening the panel to look costs the backend
// nothing), persisted per site key so a reload resumes it, and fed through the shared reducer.
import { batch, effect, signal } from "@preact/signals";
import type { CreateConversation, IdentifyRequest } from "../../shared/api.ts";
import type { ServerFrame, StateEvent } from "../../shared/protocol.ts";
import { applyFrame, emptyTimeline } from "../../shared/timeline.ts";
import type { WidgetConfig } from "../contract.ts";
import { Connection, backoff, type Env, type Status, type Transport } from "./connection.ts";
import {
  ApiFailure,
  auth,
  conversationUrl,
  createConversation,
  json,
  postJson,
  warnMisconfigured,
  type Conv,
} from "./http.ts";
import { translator } from "./i18n.ts";
import * as queue from "./pending.ts";
import { created } from "./wire.ts";

/** "unavailable": the site is misconfigured (unknown key, refused origin); nothing is retried until the visitor asks. */
export type LinkStatus = "idle" | Status | "failed" | "unavailable";

type Deps = { fetch: typeof fetch; env?: Partial<Env>; local?: Storage; session?: Storage };

function store(get: () => Storage | undefined) {
  // Storage can throw (sandboxed iframes, blocked third-party storage): degrade to memory only.
  return {
    read(k: string): string | null {
      try {
        return get()?.getItem(k) ?? null;
      } catch {
        return null;
      }
    },
    write(k: string, v: string | null): void {
      try {
        if (v === null) get()?.removeItem(k);
        else get()?.setItem(k, v);
      } catch {
        // quota or denied: the in-memory state still works for this page view
      }
    },
  };
}

function parseConv(raw: string | null): Conv | null {
  try {
    const v = raw ? (JSON.parse(raw) as Partial<Conv>) : null;
    return v && typeof v.id === "string" && typeof v.token === "string" ? { id: v.id, token: v.token } : null;
  } catch {
    return null;
  }
}

export function createWidgetStore(cfg: WidgetConfig, deps: Partial<Deps> = {}) {
  const local = store(() => deps.local ?? globalThis.localStorage);
  const session = store(() => deps.session ?? globalThis.sessionStorage);
  const doFetch: typeof fetch = deps.fetch ?? ((...a) => fetch(...a));
  const convKey = `edgedesk:conv:${cfg.site}`;
  const pendingKey = `edgedesk:pending:${cfg.site}`;

  const timeline = signal(emptyTimeline());
  /** State changes in arrival order, for the "X joined" notes (the reducer keeps only the latest state). */
  const notes = signal<StateEvent[]>([]);
  const pending = signal<queue.Pending[]>(queue.load(session.read(pendingKey)));
  const status = signal<LinkStatus>("idle");
  const transport = signal<Transport>("ws");
  const conv = signal<Conv | null>(parseConv(local.read(convKey)));
  /** The server asked to slow down (the conversation's message budget): the rest goes out paced. */
  const slowed = signal(false);
  /** Bumped when a bot/agent message arrives, so the view can flag it while the panel is closed. */
  const incoming = signal(0);

  effect(() => session.write(pendingKey, pending.value.length ? JSON.stringify(pending.value) : null));

  /** The host page's identify() payload, sent to each conversation once it exists. */
  let identity: IdentifyRequest | undefined;
  let identifiedFor: string | undefined;
  const sendIdentity = (c: Conv): Promise<unknown> | undefined => {
    if (!identity || identifiedFor === c.id) return;
    identifiedFor = c.id;
    // Best effort: a failed identify only means the agent sees no identity; allow another try later.
    return postJson(cfg.api, cfg.site, c, "identify", identity, doFetch).catch(() => (identifiedFor = undefined));
  };

  /** The site refused this page: say so calmly to the visitor, exactly what to fix to the owner (browser console). */
  function unavailable(e: ApiFailure): void {
    warnMisconfigured(e);
    connection?.stop();
    connection = undefined;
    const why = translator(cfg.locale)("unavailable");
    batch(() => {
      status.value = "unavailable";
      pending.value = queue.toResend(pending.value).reduce((l, p) => queue.fail(l, p.clientId, why), pending.value);
    });
  }

  let connection: Connection | undefined;
  let creating: Promise<Conv | null> | undefined;
  let createAttempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function onFrame(f: ServerFrame): void {
    // Our own typing echoed back is not "the other side is typing".
    if (f.t === "typing" && f.author !== "agent") return;
    const prev = timeline.value;
    const next = applyFrame(prev, f);
    if (next === prev) return;
    batch(() => {
      // lastSeq moved only if the reducer accepted the event (it owns dedup; we only observe it).
      if (f.t === "event" && next.lastSeq !== prev.lastSeq) {
        const e = f.event;
        const c = conv.value;
        if (e.type === "state") notes.value = [...notes.value, e];
        else if (e.type === "message") {
          if (e.author === "bot" || e.author === "agent") incoming.value++;
          // Merged into another conversation (docs/search.md): go on there when this widget can open it.
          else if (e.link?.kind === "merged-into" && c)
            json(doFetch(conversationUrl(cfg.api, cfg.site, c, "successor"), { headers: auth(c) }), created).then(
              switchTo,
              // It continues on another channel: the merge's line in the transcript says so.
              () => {},
            );
        }
      }
      timeline.value = next;
      pending.value = queue.reconcile(pending.value, next);
    });
  }

  function connect(c: Conv): void {
    if (connection) return;
    const identified = sendIdentity(c);
    const conn = (connection = new Connection({
      api: cfg.api,
      site: cfg.site,
      conv: c,
      after: () => timeline.value.lastSeq,
      onFrame,
      onStatus: (s, tr) => batch(() => ((status.value = s), (transport.value = tr))),
      unsent: () => queue.toResend(pending.value),
      onAck: (id, seq) => (pending.value = queue.reconcile(queue.ack(pending.value, id, seq), timeline.value)),
      onRejected: (id, msg) => (pending.value = queue.fail(pending.value, id, msg)),
      onSlowed: (on) => (slowed.value = on),
      onUnavailable: unavailable,
      onGone: () => {
        // Expired or deleted server-side: start clean, but keep what the customer has not sent yet.
        const unsent = queue.toResend(pending.value);
        reset();
        pending.value = unsent;
        if (unsent.length) void ensureConversation();
      },
      env: { fetch: doFetch, ...deps.env },
    }));
    // Who is writing is known before their first word reaches the bot (an action answers a verified
    // customer only): the connection, which carries the messages, opens once identify has landed.
    void Promise.resolve(identified).then(() => connection === conn && conn.start());
  }

  function ensureConversation(): Promise<Conv | null> {
    if (conv.value) return Promise.resolve(conv.value);
    if (creating) return creating;
    clearTimeout(retryTimer);
    status.value = "connecting";
    const body: CreateConversation = {
      locale: cfg.locale,
      pageUrl: location.href.slice(0, 2000),
      pageTitle: document.title.slice(0, 300) || undefined,
      // Lets an agent schedule a reply for "9:00 their time".
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...(cfg.article ? { article: cfg.article } : {}),
    };
    creating = createConversation(cfg.api, cfg.site, body, doFetch).then(
      (r) => {
        creating = undefined;
        createAttempt = 0;
        return adopt({ id: r.id, token: r.token });
      },
      (e: unknown) => {
        creating = undefined;
        if (e instanceof ApiFailure && e.misconfigured) unavailable(e);
        else if (e instanceof ApiFailure && (e.rejected || e.gone)) {
          status.value = "failed";
          // A refused request will not succeed when resent: say so on each message instead of retrying.
          pending.value = queue
            .toResend(pending.value)
            .reduce((l, p) => queue.fail(l, p.clientId, e.message), pending.value);
        } else {
          status.value = "failed";
          retryTimer = setTimeout(() => void ensureConversation(), backoff(createAttempt++, Math.random));
        }
        return null;
      },
    );
    return creating;
  }

  /** The current conversation from now on, kept for a reload. */
  function adopt(c: Conv): Conv {
    local.write(convKey, JSON.stringify(c));
    conv.value = c;
    connect(c);
    return c;
  }

  /** Picks up another of the customer's chats (from their history, or a merge): it becomes the current one. */
  function switchTo(c: Conv): void {
    if (conv.value?.id === c.id) return;
    reset();
    adopt(c);
  }

  function reset(): void {
    connection?.stop();
    connection = undefined;
    slowed.value = false;
    clearTimeout(retryTimer);
    local.write(convKey, null);
    batch(() => {
      conv.value = null;
      timeline.value = emptyTimeline();
      notes.value = [];
      pending.value = [];
      status.value = "idle";
    });
  }

  let typingOn = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const setTyping = (on: boolean): void => {
    if (on !== typingOn) connection?.typing((typingOn = on));
  };

  return {
    timeline,
    notes,
    pending,
    status,
    transport,
    conv,
    incoming,
    slowed,
    /** Resume a stored conversation (page reload): called when the panel first opens. */
    resume(): void {
      if (conv.value) connect(conv.value);
      else if (queue.toResend(pending.value).length) void ensureConversation();
    },
    async send(text: string, choice?: string): Promise<void> {
      const [list, p] = queue.add(pending.value, text, Date.now(), choice);
      pending.value = list;
      setTyping(false);
      if (await ensureConversation()) connection?.send(p);
    },
    retry(clientId: string): void {
      pending.value = queue.retry(pending.value, clientId);
      const p = pending.value.find((x) => x.clientId === clientId);
      void ensureConversation().then((c) => c && p && connection?.send(p));
    },
    async handoff(reason?: string): Promise<void> {
      if (await ensureConversation()) await connection?.handoff(reason);
    },
    /** Customer is composing: only people care, the bot does not read typing. */
    typing(): void {
      const s = timeline.value.state;
      if (s !== "queued" && s !== "agent") return;
      setTyping(true);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => setTyping(false), 4000);
    },
    newConversation: reset,
    switchTo,
    /** The current conversation, opened now if there is none yet (a first file opens it: the upload chunk). */
    conversation: ensureConversation,
    identify(req: IdentifyRequest): void {
      identity = req;
      identifiedFor = undefined;
      if (conv.value) sendIdentity(conv.value);
    },
    /** The customer's rating after a resolve; resolves to an error message, or undefined when stored. */
    async rate(score: number, comment: string): Promise<string | undefined> {
      const c = conv.value;
      if (!c) return "no conversation";
      try {
        await postJson(
          cfg.api,
          cfg.site,
          c,
          "csat",
          comment.trim() ? { score, comment: comment.trim() } : { score },
          doFetch,
        );
        // Show the thanks at once; the stored event follows over the live link.
        const t = timeline.value;
        if (!t.csat) timeline.value = { ...t, csat: { score } };
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : "error";
      }
    },
    /** Test hook: the frame path the connection uses. */
    onFrame,
  };
}

export type WidgetStore = ReturnType<typeof createWidgetStore>;
