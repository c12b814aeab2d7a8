// What wants this agent's attention, shown over whatever page they are on: reminders that came due
// (worker/inbox/reminders.ts) until they mark them done, and teammates' @mentions in notes
// (worker/inbox/mentions.ts) until they open or dismiss them. Both come from the inbox socket's
// per-agent lists, so one that arrived while the console was closed is shown on the next visit too; the
// socket's `alert` frame (features/inbox/store.ts `alerts`) is the moment it arrived, announced to
// screen readers.
import { useState } from "preact/hooks";
import { dismissReminder, markMentionSeen, mentions, reminders } from "../features/inbox/store.ts";
import { errorMessage } from "../lib/api.ts";
import { href } from "../lib/route.ts";
import { clock } from "../lib/time.ts";

export function AgentAlerts() {
  const due = reminders.value.filter((r) => r.state === "due");
  const mentioned = mentions.value;
  const [error, setError] = useState<string | undefined>(undefined);
  if (!due.length && !mentioned.length) return null;
  const seen = (id: string) => void markMentionSeen(id).catch((e: unknown) => setError(errorMessage(e)));
  return (
    <section class="reminder-alerts" aria-label="For you" data-testid="reminder-alerts">
      {mentioned.slice(0, 3).map((m) => (
        <div class="reminder-alert" key={m.id} data-testid="mention-alert" data-id={m.id}>
          <p>
            <strong>{m.by.name} mentioned you</strong> <span class="muted small">{clock(m.at)}</span>
            <br />
            {m.excerpt}
          </p>
          <div class="reminder-actions">
            <a
              class="btn btn-secondary btn-small"
              data-testid="mention-open"
              href={href({ name: "conversation", id: m.conversationId })}
              onClick={() => seen(m.id)}
            >
              Open
            </a>
            <button type="button" class="btn btn-quiet btn-small" onClick={() => seen(m.id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
      {mentioned.length > 3 && <p class="reminder-alert muted small">{mentioned.length - 3} more mentions</p>}
      {due.map((r) => (
        <div class="reminder-alert" key={r.id} data-testid="reminder-alert" data-id={r.id}>
          <p>
            <strong>Reminder</strong> <span class="muted small">due {clock(r.dueAt)}</span>
            <br />
            {r.note ?? "You asked to be reminded about this conversation."}
          </p>
          <div class="reminder-actions">
            <a class="btn btn-secondary btn-small" href={href({ name: "conversation", id: r.conversationId })}>
              Open
            </a>
            <button
              type="button"
              class="btn btn-quiet btn-small"
              data-testid="reminder-done"
              onClick={() => void dismissReminder(r.id).catch((e: unknown) => setError(errorMessage(e)))}
            >
              Done
            </button>
          </div>
        </div>
      ))}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
