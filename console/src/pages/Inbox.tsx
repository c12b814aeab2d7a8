import { useState } from "preact/hooks";
import type { InboxItem } from "../../../shared/api.ts";
import type { ConversationState } from "../../../shared/protocol.ts";
import { ConnectionStatus } from "../components/ConnectionStatus.tsx";
import { PriorityTag, StateBadge, TimeAgo } from "../components/bits.tsx";
import { useFocusOnMount } from "../hooks.ts";
import {
  freshIds,
  inboxCounts,
  inboxError,
  inboxItems,
  inboxLoaded,
  inboxSocketStatus,
  reconnectInbox,
} from "../inbox-store.ts";
import { stateLabels } from "../inbox.ts";
import { href } from "../route.ts";

type Filter = "all" | ConversationState;
const filters: Filter[] = ["all", "queued", "agent", "bot", "resolved"];

export function InboxPage() {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [filter, setFilter] = useState<Filter>("all");
  const items = inboxItems.value;
  const counts = inboxCounts.value;
  const shown = filter === "all" ? items : items.filter((i) => i.state === filter);
  const fresh = freshIds.value;

  return (
    <main id="main" class="page inbox-page">
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Inbox
          </h1>
          <p class="sub" data-testid="inbox-summary">
            {counts.queued} waiting · {counts.agent} with agents · {counts.bot} with the bot
          </p>
        </div>
        <ConnectionStatus status={inboxSocketStatus} onRetry={reconnectInbox} />
      </div>

      <div class="filters" role="group" aria-label="Show conversations">
        {filters.map((f) => {
          const n = f === "all" ? items.length : counts[f];
          return (
            <button
              key={f}
              type="button"
              class="chip"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              data-testid={`filter-${f}`}
            >
              {f === "all" ? "All" : stateLabels[f]}
              <span class="chip-count">{n}</span>
            </button>
          );
        })}
      </div>

      {inboxError.value && (
        <div class="alert" role="alert">
          Could not load the inbox: {inboxError.value}{" "}
          <button type="button" class="btn btn-link" onClick={reconnectInbox}>
            Try again
          </button>
        </div>
      )}

      {!inboxLoaded.value ? (
        !inboxError.value && (
          <p class="empty" aria-busy="true">
            Loading conversations…
          </p>
        )
      ) : shown.length === 0 ? (
        <p class="empty" data-testid="inbox-empty">
          {filter === "all"
            ? "No conversations right now. Handoffs from the bot will appear here as they happen."
            : `No conversations in “${stateLabels[filter]}”.`}
        </p>
      ) : (
        <div class="inbox-table">
          <div class="inbox-cols" aria-hidden="true">
            <span>Status</span>
            <span>Conversation</span>
            <span>Team</span>
            <span>Priority</span>
            <span>Waiting</span>
          </div>
          <ul class="inbox-list" data-testid="inbox-list" aria-label={`${shown.length} conversations`}>
            {shown.map((item) => (
              <Row key={item.id} item={item} fresh={fresh.has(item.id)} />
            ))}
          </ul>
        </div>
      )}
    </main>
  );
}

function Row({ item, fresh }: { item: InboxItem; fresh: boolean }) {
  const title = item.reason ?? (item.state === "bot" ? "Talking to the bot" : "Conversation");
  return (
    <li class={`inbox-row${fresh ? " is-fresh" : ""}${item.state === "queued" ? " is-queued" : ""}`}>
      <a
        href={href({ name: "conversation", id: item.id })}
        data-testid="inbox-row"
        data-id={item.id}
        data-state={item.state}
        data-fresh={fresh ? "true" : undefined}
      >
        <span class="cell cell-state">
          <StateBadge state={item.state} />
          {fresh && <span class="new-tag">New</span>}
        </span>
        <span class="cell cell-main">
          <span class="row-reason" data-testid="inbox-reason">
            {title}
          </span>
          <span class="row-preview" data-testid="inbox-preview">
            {item.preview || <em>No messages yet</em>}
          </span>
        </span>
        <span class="cell cell-team">
          <span class="cell-label">Team </span>
          {item.team ?? <span class="muted">—</span>}
        </span>
        <span class="cell cell-prio">
          <PriorityTag priority={item.priority} />
        </span>
        <span class="cell cell-time" data-testid="inbox-time">
          <TimeAgo at={item.updatedAt} />
        </span>
      </a>
    </li>
  );
}
