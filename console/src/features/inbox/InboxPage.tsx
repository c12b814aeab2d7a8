import { useState } from "preact/hooks";
import type { AgentPresence, InboxItem } from "../../../../shared/api.ts";
import type { ConversationState } from "../../../../shared/protocol.ts";
import { ConnectionStatus } from "../../shell/ConnectionStatus.tsx";
import { PriorityTag, SlaCountdown, StateBadge, TimeAgo } from "../../shell/bits.tsx";
import { errorMessage } from "../../lib/api.ts";
import { me } from "../../lib/session.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import {
  assignConversation,
  claimFromInbox,
  freshIds,
  myPresence,
  presence,
  inboxCounts,
  inboxError,
  inboxItems,
  inboxLoaded,
  inboxSocketStatus,
  reconnectInbox,
  reminders,
} from "./store.ts";
import {
  inScope,
  isSnoozed,
  knownTeams,
  scopeLabels,
  snoozeLabel,
  stateLabels,
  tierLabels,
  wokeLabel,
  type Scope,
} from "./inbox.ts";
import { clock } from "../../lib/time.ts";
import { describeReason } from "../../lib/format.ts";
import { href } from "../../lib/route.ts";
import { SurgeAlertBanner } from "../surge/SurgeAlert.tsx";
import { searchActive } from "../search/active.ts";
import { LazySearch } from "../search/LazySearch.tsx";
import "./inbox.css";

type Filter = "all" | ConversationState | "snoozed";
const filters: Filter[] = ["all", "queued", "agent", "bot", "resolved", "snoozed"];
/** Snoozed conversations are out of every list but their own (docs/conversations.md "Later"). */
const shows = (f: Filter, i: InboxItem): boolean =>
  f === "snoozed" ? isSnoozed(i) : !isSnoozed(i) && (f === "all" || i.state === f);
const scopes: Scope[] = ["mine", "teams", "all"];

export function InboxPage() {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const counts = inboxCounts.value;
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
      <SurgeAlertBanner />
      <MyReminders />
      <LazySearch />
      {!searchActive.value && <InboxList />}
    </main>
  );
}

/** The live list: scopes, state filters and the rows (hidden while search results show). */
function InboxList() {
  const [filter, setFilter] = useState<Filter>("all");
  const [scope, setScope] = useState<Scope>("all");
  const meId = me.value?.id ?? "";
  const myTeams = myPresence.value?.teams ?? [];
  const all = inboxItems.value;
  const items = all.filter((i) => inScope(i, scope, meId, myTeams));
  const shown = items.filter((i) => shows(filter, i));
  const fresh = freshIds.value;
  const agents = presence.value;
  const teams = knownTeams(agents, all);
  return (
    <>
      <div class="filters" role="group" aria-label="Whose conversations">
        {scopes.map((s) => (
          <button
            key={s}
            type="button"
            class="chip chip-scope"
            aria-pressed={scope === s}
            onClick={() => setScope(s)}
            data-testid={`scope-${s}`}
          >
            {scopeLabels[s]}
            <span class="chip-count">
              {all.filter((i) => i.state !== "resolved" && !isSnoozed(i) && inScope(i, s, meId, myTeams)).length}
            </span>
          </button>
        ))}
      </div>

      <div class="filters" role="group" aria-label="Show conversations">
        {filters.map((f) => {
          const n = items.filter((i) => shows(f, i)).length;
          return (
            <button
              key={f}
              type="button"
              class="chip"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              data-testid={`filter-${f}`}
            >
              {f === "all" ? "All" : f === "snoozed" ? "Snoozed" : stateLabels[f]}
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
            : `No conversations in “${filter === "snoozed" ? "Snoozed" : stateLabels[filter]}”.`}
          {scope !== "all" && ` (showing ${scopeLabels[scope].toLowerCase()})`}
        </p>
      ) : (
        <div class="inbox-table">
          <div class="inbox-cols-wrap" aria-hidden="true">
            <div class="inbox-cols">
              <span>Status</span>
              <span>Conversation</span>
              <span>Team · tier</span>
              <span>Assignee</span>
              <span>Priority</span>
              <span>Response</span>
            </div>
            <span class="cols-actions">Actions</span>
          </div>
          <ul class="inbox-list" data-testid="inbox-list" aria-label={`${shown.length} conversations`}>
            {shown.map((item) => (
              <Row key={item.id} item={item} fresh={fresh.has(item.id)} meId={meId} agents={agents} teams={teams} />
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** This agent's reminders still to come (due ones show over every page: shell/AgentAlerts.tsx). */
function MyReminders() {
  const pending = reminders.value.filter((r) => r.state === "pending");
  if (!pending.length) return null;
  return (
    <section class="my-reminders" aria-labelledby="my-reminders-title" data-testid="my-reminders">
      <h2 id="my-reminders-title">Your reminders</h2>
      <ul>
        {pending.map((r) => (
          <li key={r.id} data-testid="my-reminder" data-id={r.id}>
            <a href={href({ name: "conversation", id: r.conversationId })}>
              {new Date(r.dueAt).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" })}{" "}
              {clock(r.dueAt)}
            </a>{" "}
            {r.note ?? <span class="muted">no note</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

type RowProps = { item: InboxItem; fresh: boolean; meId: string; agents: AgentPresence[]; teams: string[] };

function Row({ item, fresh, meId, agents, teams }: RowProps) {
  const title = item.reason
    ? describeReason(item.reason)
    : item.state === "bot"
      ? "Talking to the bot"
      : "Conversation";
  const mine = item.assignee?.id === meId;
  return (
    <li
      class={`inbox-row${fresh ? " is-fresh" : ""}${item.state === "queued" ? " is-queued" : ""}${mine ? " is-mine" : ""}`}
    >
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
          {(item.afterHours || item.woke || item.snoozed) && (
            <span class="row-marks">
              {item.afterHours && (
                <span class="mark mark-closed" data-testid="inbox-after-hours">
                  Arrived while closed
                </span>
              )}
              {item.woke && (
                <span class="mark mark-back" data-testid="inbox-woke" data-reason={item.woke.reason}>
                  {wokeLabel(item)}
                </span>
              )}
              {item.snoozed && (
                <span class="mark mark-snoozed" data-testid="inbox-snoozed">
                  Snoozed {snoozeLabel(item)}
                </span>
              )}
            </span>
          )}
          <span class="row-preview" data-testid="inbox-preview">
            {item.preview || <em>No messages yet</em>}
          </span>
        </span>
        <span class="cell cell-team">
          <span class="cell-label">Team </span>
          <span data-testid="inbox-team">{item.team ?? <span class="muted">—</span>}</span>
          {item.tier && (
            <span class="tier" data-testid="inbox-tier" data-tier={item.tier}>
              {tierLabels[item.tier] ?? item.tier}
            </span>
          )}
        </span>
        <span class="cell cell-assignee" data-testid="inbox-assignee" data-agent-id={item.assignee?.id}>
          <span class="cell-label">Assignee </span>
          {item.assignee ? mine ? <strong>You</strong> : item.assignee.name : <span class="muted">Unassigned</span>}
        </span>
        <span class="cell cell-prio">
          <PriorityTag priority={item.priority} />
        </span>
        <span class="cell cell-time">
          <SlaCountdown item={item} />
          <span data-testid="inbox-time">
            <TimeAgo at={item.updatedAt} />
          </span>
        </span>
      </a>
      <RowActions item={item} mine={mine} meId={meId} agents={agents} teams={teams} />
    </li>
  );
}

/** Claim and assign from the list, next to the row's link (a button inside a link is not allowed). */
function RowActions({ item, mine, meId, agents, teams }: Omit<RowProps, "fresh"> & { mine: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const open = item.state === "queued" || item.state === "agent";
  if (!open) return <span class="inbox-actions" />;
  const run = (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    void work()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const people = agents.filter((a) => a.id !== item.assignee?.id && a.id !== meId);
  return (
    <span class="inbox-actions">
      {item.state === "queued" && (
        <button
          type="button"
          class="btn btn-secondary btn-small"
          data-testid="row-claim"
          disabled={busy}
          onClick={() => run(() => claimFromInbox(item.id))}
        >
          {mine ? "Join" : "Claim"}
        </button>
      )}
      <select
        class="assign-select"
        data-testid="assign-select"
        aria-label={`Assign conversation ${item.reason ? describeReason(item.reason) : item.id}`}
        disabled={busy}
        value=""
        onChange={(e) => {
          const v = e.currentTarget.value;
          e.currentTarget.value = "";
          if (v.startsWith("agent:")) run(() => assignConversation(item.id, { agentId: v.slice(6) }));
          else if (v.startsWith("team:")) run(() => assignConversation(item.id, { team: v.slice(5) }));
        }}
      >
        <option value="">{item.assignee ? "Reassign…" : "Assign…"}</option>
        {!mine && <option value={`agent:${meId}`}>Me</option>}
        {people.length > 0 && (
          <optgroup label="People">
            {people.map((a) => (
              <option key={a.id} value={`agent:${a.id}`}>
                {a.name} · {a.away ? "away" : a.online ? "online" : "offline"} · {a.load} open
              </option>
            ))}
          </optgroup>
        )}
        {teams.length > 0 && (
          <optgroup label="Teams">
            {teams.map((t) => (
              <option key={t} value={`team:${t}`}>
                Team {t}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {error && (
        <span class="row-error" role="alert" data-testid="row-error">
          {error}
        </span>
      )}
    </span>
  );
}
