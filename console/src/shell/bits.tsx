// Small presentational pieces shared by the inbox and the conversation view.
import type { InboxItem } from "../../../shared/api.ts";
import type { ConversationState } from "../../../shared/protocol.ts";
import { now } from "../lib/clock.ts";
import { capitalize } from "../lib/format.ts";
import { slaView, stateLabels } from "../features/inbox/inbox.ts";
import { fullDate, timeAgo } from "../lib/time.ts";

export function StateBadge({ state }: { state: ConversationState }) {
  return (
    <span class={`badge badge-${state}`} data-testid="state-badge" data-state={state}>
      {stateLabels[state]}
    </span>
  );
}

export function PriorityTag({ priority }: { priority: string | undefined }) {
  if (!priority) return <span class="muted">—</span>;
  const p = priority.toLowerCase();
  const tone = p === "urgent" || p === "high" ? p : p === "low" ? "low" : "normal";
  return (
    <span class={`prio prio-${tone}`} data-testid="priority">
      {capitalize(priority)}
    </span>
  );
}

/** A relative time that re-renders with the shared clock; the exact time is on hover. */
export function TimeAgo({ at, prefix }: { at: number; prefix?: string }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={fullDate(at)}>
      {prefix}
      {timeAgo(at, now.value)}
    </time>
  );
}

/** Time left to the response target of a queued conversation, styled near due and breached. */
export function SlaCountdown({ item }: { item: InboxItem }) {
  const v = slaView(item, now.value);
  if (!v) return null;
  return (
    // The short text is for the eye; screen readers get the full sentence (aria-label on a plain span is ignored).
    <>
      <span
        class={`sla sla-${v.state}`}
        data-testid="sla-countdown"
        data-sla-state={v.state}
        title={v.text === "paused" ? v.label : item.slaDueAt ? fullDate(item.slaDueAt) : undefined}
        aria-hidden="true"
      >
        {v.text}
      </span>
      <span class="visually-hidden">{v.label}</span>
    </>
  );
}
