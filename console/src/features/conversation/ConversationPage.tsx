import { useEffect, useMemo } from "preact/hooks";
import { ConversationStore } from "./store.ts";
import { Composer } from "./Composer.tsx";
import { ContactHistory } from "./ContactHistory.tsx";
import { ConversationTools } from "./ConversationTools.tsx";
import { ConnectionStatus } from "../../shell/ConnectionStatus.tsx";
import { HandoffPanel } from "./HandoffPanel.tsx";
import { LaterPanel } from "./LaterPanel.tsx";
import { LazyConversationActions } from "../../shell/lazy.tsx";
import { LinkArticle } from "./LinkArticle.tsx";
import { Transcript } from "./Transcript.tsx";
import { StateBadge } from "../../shell/bits.tsx";
import { focusIfLost, useFocusOnMount } from "../../lib/hooks.ts";
import { markMentionSeen, markSeen, mentions } from "../inbox/store.ts";
import { me } from "../../lib/session.ts";
import { href } from "../../lib/route.ts";
import { navigate } from "../../lib/router.ts";
import type { ConversationEvent } from "../../../../shared/protocol.ts";
import "./conversation.css";

export function ConversationPage({ id }: { id: string }) {
  // One store per conversation id; App keys this page by id, so switching conversations remounts.
  const store = useMemo(() => new ConversationStore(id), [id]);
  const heading = useFocusOnMount<HTMLHeadingElement>(id);

  useEffect(() => {
    markSeen(id);
    void store.start();
    return () => store.stop();
  }, [store, id]);

  // Being here is seeing the mentions of this conversation, also those that arrive while it is open.
  const mentionedHere = mentions.value.filter((m) => m.conversationId === id).map((m) => m.id);
  useEffect(() => {
    for (const m of mentionedHere) void markMentionSeen(m).catch(() => undefined);
  }, [mentionedHere.join(" ")]);

  const detail = store.detail.value;
  const t = store.timeline.value;
  const state = t.state;
  const busy = store.busy.value;
  const loadError = store.loadError.value;

  return (
    <main
      id="main"
      class="page convo-page"
      data-testid="conversation"
      data-id={id}
      data-state={detail ? state : undefined}
    >
      <div class="convo-bar">
        <a href="#/inbox" class="back" data-testid="back-to-inbox">
          <span aria-hidden="true">←</span> Inbox
        </a>
        <div class="convo-title">
          <h1 ref={heading} tabIndex={-1}>
            Conversation
          </h1>
          <span class="muted small mono" title={id}>
            {id.length > 14 ? `${id.slice(0, 12)}…` : id}
          </span>
          {detail && <StateBadge state={state} />}
          {t.agentName && state === "agent" && <span class="muted small">with {t.agentName}</span>}
        </div>
        <div class="convo-actions">
          {detail && (
            <ConnectionStatus status={store.socketStatus} live={store.live} onRetry={() => store.reconnect()} />
          )}
          {detail && state === "queued" && (
            <button
              type="button"
              class="btn btn-primary"
              data-testid="claim"
              disabled={busy !== undefined}
              onClick={() =>
                // The button disappears on success; put focus where the agent goes next, not on <body>.
                void store.claim().then((err) => {
                  if (!err) focusIfLost(document.getElementById("composer-input"));
                })
              }
            >
              {busy === "claim" ? "Claiming…" : "Claim"}
            </button>
          )}
          {detail && (state === "queued" || state === "agent") && (
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="handback"
              disabled={busy !== undefined}
              onClick={() =>
                void store.handBack().then((err) => {
                  if (!err) focusIfLost(heading.current);
                })
              }
            >
              {busy === "handback" ? "Handing back…" : "Hand back to bot"}
            </button>
          )}
          {detail && state !== "resolved" && (
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="resolve"
              disabled={busy !== undefined}
              onClick={() =>
                void store.resolve().then((err) => {
                  if (!err) focusIfLost(heading.current);
                })
              }
            >
              {busy === "resolve" ? "Resolving…" : "Resolve"}
            </button>
          )}
        </div>
      </div>

      {store.actionError.value && (
        <p class="alert convo-alert" role="alert" data-testid="action-error">
          {store.actionError.value}
        </p>
      )}

      {detail?.mergedInto && (
        <p class="notice convo-alert" role="note" data-testid="merged-banner">
          Merged into another conversation of this customer, where it continues; their messages here are forwarded
          there. <a href={href({ name: "conversation", id: detail.mergedInto })}>Open that conversation</a>
        </p>
      )}

      {loadError ? (
        <div class="alert convo-alert" role="alert" data-testid="conversation-error">
          {loadError.status === 404
            ? "This conversation does not exist or is not in your workspace."
            : loadError.message}{" "}
          {loadError.status !== 404 && (
            <button type="button" class="btn btn-link" onClick={() => void store.start()}>
              Try again
            </button>
          )}
        </div>
      ) : !detail ? (
        <p class="empty" aria-busy="true">
          Loading conversation…
        </p>
      ) : (
        <div class="convo-grid">
          <div class="convo-side">
            <HandoffPanel
              packet={detail.handoff}
              channel={detail.channel}
              identity={detail.identity}
              followUp={detail.followUp}
              state={state}
              outreachBy={outreachBy(detail.events)}
            />
            <LazyConversationActions
              id={detail.id}
              identityKey={`${detail.identity?.id ?? ""}:${detail.identity?.verified ?? false}`}
            />
            {detail.email?.unverified && (
              <p class="alert" role="note" data-testid="email-unverified">
                Unverified sender: Email Routing did not vouch for {detail.email.customer}, so this conversation is kept
                out of that contact's history.
              </p>
            )}
            {detail.contactId && (
              <ContactHistory
                contactId={detail.contactId}
                currentId={detail.id}
                version={detail.lastSeq}
                {...(detail.mergedInto ? {} : { onMerge: (other: string) => store.merge(other) })}
              />
            )}
            <ConversationTools detail={detail} onPatch={(p) => store.patch(p)} onNeeded={(n) => store.markNeeded(n)} />
            <LaterPanel
              detail={{ ...detail, state }}
              onSnooze={(until) => store.snooze(until)}
              onUnsnooze={() => store.unsnooze()}
              onSchedule={(text, at) => store.scheduleReply(text, at)}
              onRemind={(at, note) => store.remind(at, note)}
              onCancel={(id) => store.cancelSchedule(id)}
            />
          </div>
          <section class="convo-main" aria-label="Conversation with the customer">
            <Transcript
              messages={t.messages}
              notes={store.notes.value}
              agentEvents={store.agentEvents.value}
              drafts={Object.values(t.drafts)}
              pending={store.pending.value}
              customerTyping={t.typing}
              onRetry={(c) => store.retry(c)}
              onDiscard={(c) => store.discard(c)}
              onMove={
                detail.mergedInto
                  ? undefined
                  : (m) =>
                      void store.split(m).then((r) => {
                        if ("id" in r) navigate({ name: "conversation", id: r.id });
                      })
              }
            />
            {/* Training links are KB writes: editors and owners (worker/knowledge/routes.ts). */}
            {me.value?.role !== "agent" && <LinkArticle detail={detail} state={state} />}
            <Composer
              state={state}
              onSend={(text) => store.send(text)}
              onNote={(text, mentions) => store.addNote(text, mentions)}
              onAttach={(file) => store.attach(file)}
              canned={store.canned.value}
              teammates={store.teammates.value?.filter((t) => t.id !== me.value?.id)}
              loadTeammates={() => void store.loadTeammates()}
              loadCanned={() => void store.loadCanned()}
              onActivity={(has) => store.typingActivity(has)}
              onBlur={() => store.setTyping(false)}
            />
          </section>
        </div>
      )}
    </main>
  );
}

/** The agent who began the conversation by writing first (docs/customer-health.md#outreach), or undefined. */
function outreachBy(events: readonly ConversationEvent[]): string | undefined {
  for (const e of events) if (e.type === "state" && e.reason === "outreach") return e.name ?? "";
  return undefined;
}
