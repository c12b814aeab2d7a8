// Reminders that came due (worker/inbox/reminders.ts), shown over whatever page the agent is on until
// they open the conversation or mark it done. They come from the inbox socket's per-agent list, so one
// that fell due while the console was closed is shown on the next visit too; the socket's `alert`
// frame (features/inbox/store.ts `alerts`) is the moment it fell due, announced to screen readers.
import { useState } from "preact/hooks";
import { dismissReminder, reminders } from "../features/inbox/store.ts";
import { errorMessage } from "../lib/api.ts";
import { href } from "../lib/route.ts";
import { clock } from "../lib/time.ts";

export function ReminderAlerts() {
  const due = reminders.value.filter((r) => r.state === "due");
  const [error, setError] = useState<string | undefined>(undefined);
  if (!due.length) return null;
  return (
    <section class="reminder-alerts" aria-label="Reminders due" data-testid="reminder-alerts">
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
