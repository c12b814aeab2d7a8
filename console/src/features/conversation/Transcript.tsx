import { Attachments } from "./Attachments.tsx";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ChangeEvent, MessageEvent, StateEvent } from "../../../../shared/protocol.ts";
import { describeTrust } from "../../../../shared/protocol.ts";
import type { Draft } from "../../../../shared/timeline.ts";
import { describeSchedule } from "./later.ts";
import type { Pending } from "./outbox.ts";
import type { AgentEvent } from "./store.ts";
import { renderMarkdown } from "../../../../shared/markdown.ts";
import { describeReason, safeHttpUrl } from "../../lib/format.ts";
import { href } from "../../lib/route.ts";
import { clock, fullDate } from "../../lib/time.ts";

type Props = {
  messages: readonly MessageEvent[];
  notes: readonly StateEvent[];
  /** Private notes, recorded changes, the customer's rating. */
  agentEvents: readonly AgentEvent[];
  drafts: readonly Draft[];
  pending: readonly Pending[];
  customerTyping: boolean;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Moves a customer's or agent's message into a new conversation (split); absent where none may move. */
  onMove?: ((messageId: string) => void) | undefined;
};

type Entry =
  | { seq: number; kind: "message"; m: MessageEvent }
  | { seq: number; kind: "note"; e: StateEvent }
  | { seq: number; kind: "agent"; e: AgentEvent };

export function Transcript({
  messages,
  notes,
  agentEvents,
  drafts,
  pending,
  customerTyping,
  onRetry,
  onDiscard,
  onMove,
}: Props) {
  // Machine translations of customer messages (agents only) go under the message they translate.
  const translations = new Map<string, NonNullable<ChangeEvent["translation"]>>();
  for (const e of agentEvents)
    if (e.type === "change" && e.translation) translations.set(e.translation.messageId, e.translation);
  const entries: Entry[] = [
    ...messages.map((m): Entry => ({ seq: m.seq, kind: "message", m })),
    ...notes.map((e): Entry => ({ seq: e.seq, kind: "note", e })),
    ...agentEvents
      .filter((e) => !(e.type === "change" && e.translation))
      .map((e): Entry => ({ seq: e.seq, kind: "agent", e })),
  ].sort((a, b) => a.seq - b.seq);

  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow new content only if the agent is already at the bottom; do not yank them away from
  // something they scrolled up to read.
  const onScroll = () => {
    const el = box.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  const empty = entries.length === 0 && drafts.length === 0 && pending.length === 0;

  return (
    // Focusable so keyboard users can scroll the transcript; a region so that stop has a name.
    <div class="transcript" ref={box} onScroll={onScroll} tabIndex={0} role="region" aria-labelledby="transcript-title">
      <h2 id="transcript-title" class="visually-hidden">
        Transcript
      </h2>
      <div role="log" aria-live="polite" aria-relevant="additions">
        <ol class="lines" data-testid="transcript">
          {empty && <li class="note muted">No messages yet.</li>}
          {entries.map((x) =>
            x.kind === "note" ? (
              <Note key={`n${x.seq}`} e={x.e} />
            ) : x.kind === "agent" ? (
              <AgentOnly key={`a${x.seq}`} e={x.e} />
            ) : (
              <Line key={x.m.id} m={x.m} translation={translations.get(x.m.id)} onMove={onMove} />
            ),
          )}
          {drafts.map((d) => (
            <li key={`d${d.id}`} class="line line-bot is-draft" data-testid="draft" data-id={d.id} aria-busy="true">
              <div class="line-meta">
                <span class="author">Bot</span>
                <span class="streaming">writing…</span>
              </div>
              <Body text={d.text} markdown />
              <span class="caret" aria-hidden="true" />
            </li>
          ))}
          {pending.map((p) => (
            <li
              key={`p${p.clientId}`}
              class="line line-agent is-pending"
              data-testid="pending-message"
              data-status={p.status}
            >
              <div class="line-meta">
                <span class="author">You</span>
                <span class={p.status === "failed" ? "err" : "muted"}>
                  {p.status === "sending" ? "Sending…" : p.status === "sent" ? "Sent" : "Not sent"}
                </span>
              </div>
              <div class="bubble">{p.text}</div>
              {p.status === "failed" && (
                <div class="pending-actions">
                  <span class="err small">{p.error}</span>
                  <button type="button" class="btn btn-link" onClick={() => onRetry(p.clientId)}>
                    Retry
                  </button>
                  <button type="button" class="btn btn-link" onClick={() => onDiscard(p.clientId)}>
                    Discard
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      </div>
      {customerTyping && (
        <p class="typing" data-testid="customer-typing">
          <span class="dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          Customer is typing…
        </p>
      )}
    </div>
  );
}

/** Bot answers and agent replies are Markdown, through the one sanitising renderer; a customer's words stay text. */
function Body({ text, markdown }: { text: string; markdown: boolean }) {
  if (!markdown) return <div class="bubble">{text}</div>;
  // The one place HTML is set: renderMarkdown escapes all input first (shared/markdown.test.ts).
  return <div class="bubble md" dangerouslySetInnerHTML={{ __html: renderMarkdown(text, { newTab: true }) }} />;
}

const authorLabel = (m: MessageEvent): string =>
  m.author === "customer"
    ? "Customer"
    : m.author === "bot"
      ? "Bot"
      : m.author === "agent"
        ? (m.name ?? "Agent")
        : "System";

const linkLabels = {
  "merged-into": "Open the conversation it continues in",
  "merged-from": "Open the merged conversation",
  "split-to": "Open the new conversation",
  "split-from": "Open the conversation it came from",
} as const;
const originLabels = { merged: "merged from", forwarded: "sent to", moved: "moved from" } as const;

/** The console's address of another conversation. */
const convoLink = (id: string) => href({ name: "conversation", id });

/** "Move to a new conversation", asked once more before it happens (a split cannot be undone). */
function Move({ onMove }: { onMove: () => void }) {
  const [asking, setAsking] = useState(false);
  return asking ? (
    <p class="small move-ask" role="group" aria-label="Move this message">
      Move this message to a new conversation of this customer?{" "}
      <button
        type="button"
        class="btn btn-link"
        data-testid="split-confirm"
        onClick={() => {
          setAsking(false);
          onMove();
        }}
      >
        Move it
      </button>
      <button type="button" class="btn btn-link" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </p>
  ) : (
    <button type="button" class="btn btn-link small move" data-testid="split-button" onClick={() => setAsking(true)}>
      Move to a new conversation
    </button>
  );
}

function Line({
  m,
  translation,
  onMove,
}: {
  m: MessageEvent;
  translation?: ChangeEvent["translation"] | undefined;
  onMove?: ((messageId: string) => void) | undefined;
}) {
  if (m.author === "system") {
    return (
      <li class="note" data-testid="message" data-author="system" data-seq={m.seq} data-link={m.link?.kind}>
        {m.text}
        {m.link && (
          <>
            {" "}
            <a href={convoLink(m.link.conversationId)} data-testid="link-line">
              {linkLabels[m.link.kind]}
            </a>
          </>
        )}
      </li>
    );
  }
  return (
    <li class={`line line-${m.author}`} data-testid="message" data-author={m.author} data-seq={m.seq}>
      <div class="line-meta">
        <span class="author">{authorLabel(m)}</span>
        <time dateTime={new Date(m.at).toISOString()} title={fullDate(m.at)}>
          {clock(m.at)}
        </time>
        {m.author === "bot" && m.action === "handoff" && <span class="tag">handed off</span>}
        {m.author === "bot" && m.action === "clarify" && <span class="tag">asked which</span>}
        {m.author === "customer" && m.choice && <span class="tag">{choiceTag(m.choice)}</span>}
        {m.origin && (
          <a
            class="tag"
            href={convoLink(m.origin.conversationId)}
            data-testid="origin"
            data-kind={m.origin.kind}
            title={`Written in conversation ${m.origin.conversationId} (${m.origin.channel})`}
          >
            {`${originLabels[m.origin.kind]} ${m.origin.channel} · ${m.origin.conversationId.slice(0, 8)}`}
          </a>
        )}
      </div>
      {/* A file on its own has no words (docs/attachments.md): no empty bubble above it. */}
      {(m.text || !m.attachments?.length) && (
        <Body text={m.text} markdown={m.author === "bot" || m.author === "agent"} />
      )}
      {translation && (
        <p class="small translation" data-testid="message-translation" lang={translation.to}>
          <span class="muted">{`Translated from ${translation.from.toUpperCase()}: `}</span>
          {translation.text}
        </p>
      )}
      {m.original && (
        <p class="small translation" data-testid="message-original" lang={m.original.locale}>
          <span class="muted">{`Sent translated; you wrote (${m.original.locale.toUpperCase()}): `}</span>
          {m.original.text}
        </p>
      )}
      {m.options && m.options.length > 0 && (
        <p class="small muted" data-testid="clarify-options">
          Offered: {m.options.map((o) => o.title).join(" · ")}
          {m.action === "clarify" ? " · None of these" : ""}
        </p>
      )}
      {m.attachments && m.attachments.length > 0 && <Attachments files={m.attachments} />}
      {m.sources && m.sources.length > 0 && (
        <div class="sources" data-testid="sources">
          <span class="muted small">Sources:</span>
          <ul>
            {m.sources.map((s) => {
              const url = safeHttpUrl(s.url, location.href);
              return (
                <li key={s.articleId}>
                  {url ? (
                    <a href={url} target="_blank" rel="noopener noreferrer">
                      {s.title}
                    </a>
                  ) : (
                    s.title
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {onMove && (m.author === "customer" || m.author === "agent") && <Move onMove={() => onMove(m.id)} />}
    </li>
  );
}

function Note({ e }: { e: StateEvent }) {
  const text =
    e.state === "queued"
      ? `Handed off to a person${e.reason ? `: ${describeReason(e.reason).toLowerCase()}` : ""}`
      : e.state === "agent"
        ? `${e.name ?? "An agent"} joined the conversation`
        : e.state === "resolved"
          ? `Resolved${e.name ? ` by ${e.name}` : ""}`
          : `Back with the bot${e.reason ? `: ${describeReason(e.reason).toLowerCase()}` : ""}`;
  return (
    <li class={`note note-${e.state}`} data-testid="state-note" data-state={e.state} data-seq={e.seq}>
      <span>{text}</span>
      <time dateTime={new Date(e.at).toISOString()} title={fullDate(e.at)}>
        {clock(e.at)}
      </time>
    </li>
  );
}

/** What changed, in words: "alex set priority to urgent, labels to billing, vip". */
export function describeChange(e: ChangeEvent): string {
  if (e.identity) {
    const who = e.identity.name ?? e.identity.email ?? e.identity.id;
    return `Customer identified as ${who} (${describeTrust(e.identity)})`;
  }
  if (e.followUp) {
    const f = e.followUp;
    // Changes from before confirmation codes carry no `confirmed`.
    if (f.confirmed && !f.verified) return `Customer confirmed ${f.email} for replies by email (unverified, confirmed)`;
    return `Customer asked for replies by email at ${f.email} (${f.verified ? "verified" : f.confirmed === false ? "unverified, awaiting the customer's code" : "unverified"}) when away from the chat`;
  }
  if (e.summary !== undefined) return "Handoff summary rewritten by the assistant";
  if (e.handoffNeeded !== undefined)
    return `${e.by} marked the handoff as ${e.handoffNeeded ? "needed" : "not needed"}`;
  const parts: string[] = [];
  if (e.priority) parts.push(`priority to ${e.priority}`);
  if (e.labels) parts.push(e.labels.length ? `labels to ${e.labels.join(", ")}` : "no labels");
  return `${e.by} set ${parts.join(", ")}`;
}

/** How a customer's message answered the bot: an option picked, an action's value given, a yes or a no. */
const choiceTag = (choice: string): string =>
  choice.startsWith("in:")
    ? "answered the question"
    : choice.startsWith("yes:")
      ? "confirmed"
      : choice.startsWith("no:")
        ? "declined"
        : "picked an option";

/** One step of an action's call, for agents: who, what, how it went (docs/actions.md). */
function describeAction(e: Extract<AgentEvent, { type: "action" }>): string {
  const took = e.durationMs !== undefined ? ` in ${e.durationMs} ms` : "";
  const inputs =
    e.inputs && Object.keys(e.inputs).length
      ? ` (${Object.entries(e.inputs)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`
      : "";
  const why = e.error ?? e.reason;
  const step: Record<typeof e.step, string> = {
    asked: "asked the customer for a value",
    confirming: "asked the customer to confirm",
    declined: "the customer said no",
    "awaiting-approval": "waits for an agent's approval",
    approved: `approved by ${e.by}`,
    denied: `denied by ${e.by}`,
    refused: "refused",
    abandoned: "dropped: the customer moved on",
    ok: `done${took}`,
    failed: `failed${took}`,
    timeout: `timed out${took}`,
  };
  return `Action ${e.name}${inputs}: ${step[e.step]}${why ? ` (${why})` : ""}${e.by !== "bot" && e.step !== "approved" && e.step !== "denied" ? ` · ${e.by}` : ""}`;
}

function AgentOnly({ e }: { e: AgentEvent }) {
  const time = (
    <time dateTime={new Date(e.at).toISOString()} title={fullDate(e.at)}>
      {clock(e.at)}
    </time>
  );
  if (e.type === "note") {
    return (
      <li class="line line-private" data-testid="private-note" data-seq={e.seq}>
        <div class="line-meta">
          <span class="author">{e.name}</span>
          <span class="tag tag-private">Private note · agents only</span>
          {time}
        </div>
        <div class="bubble">{e.text}</div>
      </li>
    );
  }
  if (e.type === "retract" && e.reason === "moved") {
    return (
      <li class="note note-retract" data-testid="moved-note" data-message={e.messageId} data-seq={e.seq}>
        <span>{e.by} moved a message to a new conversation; the line below links to it.</span>
        {time}
      </li>
    );
  }
  if (e.type === "retract") {
    return (
      <li class="note note-retract" data-testid="retract-note" data-message={e.messageId} data-seq={e.seq}>
        <span>
          {e.by} took back a reply{e.reason ? `: ${e.reason}` : ""}. The customer no longer sees it.
        </span>
        {time}
      </li>
    );
  }
  if (e.type === "schedule") {
    return (
      <li
        class={`note note-schedule note-${e.kind}`}
        data-testid="schedule-note"
        data-kind={e.kind}
        data-status={e.status}
        data-seq={e.seq}
      >
        <span>
          {describeSchedule(e)}
          {e.kind === "reply" && e.status === "set" && e.text && <span class="schedule-text">: “{e.text}”</span>}
        </span>
        {time}
      </li>
    );
  }
  if (e.type === "action") {
    return (
      <li
        class={`note note-action note-action-${e.step}`}
        data-testid="action-note"
        data-action={e.name}
        data-step={e.step}
        data-seq={e.seq}
      >
        <span>{describeAction(e)}</span>
        {time}
      </li>
    );
  }
  if (e.type === "csat") {
    return (
      <li class="note note-csat" data-testid="csat-note" data-score={e.score} data-seq={e.seq}>
        <span>
          Customer rated {e.score}/5{e.comment ? `: “${e.comment}”` : ""}
        </span>
        {time}
      </li>
    );
  }
  return (
    <li class="note note-change" data-testid="change-note" data-seq={e.seq}>
      <span>{describeChange(e)}</span>
      {time}
    </li>
  );
}
