// "Later" beside the conversation: snooze it (until a time or the customer's reply), write a reply now
// that goes out at a time ("9:00 their time"), or be reminded of it. What is waiting is listed with a
// Cancel; it all fires from the conversation's own alarm on the worker (worker/conversation/later.ts).
import { useState } from "preact/hooks";
import type { ConversationDetail } from "../../../../shared/api.ts";
import { me } from "../../lib/session.ts";
import { defaultPick, ownZone, pickedAt, type Preset, presetAt, presetLabels, when } from "./later.ts";

type Props = {
  detail: ConversationDetail;
  onSnooze(until?: number): Promise<string | undefined>;
  onUnsnooze(): Promise<string | undefined>;
  onSchedule(text: string, at: number): Promise<string | undefined>;
  onRemind(at: number, note?: string): Promise<string | undefined>;
  onCancel(id: string): Promise<string | undefined>;
};

type Mode = "snooze" | "reply" | "remind";
const presets: Preset[] = ["1h", "3h", "tomorrow9", "monday9"];

export function LaterPanel({ detail, onSnooze, onUnsnooze, onSchedule, onRemind, onCancel }: Props) {
  const [mode, setMode] = useState<Mode | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const open = detail.state === "queued" || detail.state === "agent";
  const waiting = detail.schedules ?? [];
  const mine = me.value?.id;

  return (
    <section class="tools later" aria-labelledby="later-title" data-testid="later">
      <h2 id="later-title">Later</h2>
      {detail.snoozed && (
        <p class="later-state" data-testid="later-snoozed">
          Snoozed{" "}
          {detail.snoozed.until !== undefined ? `until ${when(detail.snoozed.until)}` : "until the customer replies"}.{" "}
          <button
            type="button"
            class="btn btn-link"
            onClick={() => void onUnsnooze().then(setError)}
            data-testid="unsnooze"
          >
            Wake now
          </button>
        </p>
      )}
      {detail.woke && (
        <p class="later-state" data-testid="later-woke">
          {detail.woke.reason === "reply"
            ? "Back from snooze: the customer replied."
            : "Back from snooze: its time came."}
        </p>
      )}
      <div class="later-modes" role="group" aria-label="Set for later">
        {detail.state === "agent" && !detail.snoozed && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            aria-pressed={mode === "snooze"}
            onClick={() => setMode(mode === "snooze" ? null : "snooze")}
            data-testid="later-snooze"
          >
            Snooze
          </button>
        )}
        {open && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            aria-pressed={mode === "reply"}
            onClick={() => setMode(mode === "reply" ? null : "reply")}
            data-testid="later-reply"
          >
            Send later
          </button>
        )}
        <button
          type="button"
          class="btn btn-secondary btn-small"
          aria-pressed={mode === "remind"}
          onClick={() => setMode(mode === "remind" ? null : "remind")}
          data-testid="later-remind"
        >
          Remind me
        </button>
      </div>
      {mode && (
        <LaterForm
          key={mode}
          mode={mode}
          customerZone={detail.timeZone}
          onDone={async (at, text) => {
            const submitted = mode;
            const err =
              mode === "snooze"
                ? await onSnooze(at)
                : mode === "reply"
                  ? await onSchedule(text, at as number)
                  : await onRemind(at as number, text || undefined);
            // The call ends after it re-read the conversation, and the socket may have listed the result
            // well before: by then the agent may have opened another form, which stays open.
            setError(err);
            if (!err) setMode((m) => (m === submitted ? null : m));
            return err;
          }}
        />
      )}
      {error && (
        <p class="field-error" role="alert" data-testid="later-error">
          {error}
        </p>
      )}
      {waiting.length > 0 && (
        <ul class="later-list" data-testid="later-list">
          {waiting.map((s) => (
            <li key={s.id} data-testid="later-item" data-kind={s.kind} data-id={s.id}>
              <span>
                <strong>
                  {s.kind === "reply" ? "Reply" : s.kind === "remind" ? `Reminder for ${s.agent.name}` : "Snooze"}
                </strong>{" "}
                {s.dueAt !== undefined ? when(s.dueAt) : "until the customer replies"}
                {s.text && <span class="later-text">: “{s.text}”</span>}
              </span>
              {s.kind !== "snooze" && s.state === "pending" && (s.kind === "reply" || s.agent.id === mine) && (
                <button
                  type="button"
                  class="btn btn-link"
                  onClick={() => void onCancel(s.id).then(setError)}
                  data-testid="later-cancel"
                >
                  Cancel
                </button>
              )}
              {s.state === "sending" && <span class="muted small">sending…</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** When (a preset or a picked date and time, read in their zone or mine), and the reply's text or the reminder's note. */
function LaterForm({
  mode,
  customerZone,
  onDone,
}: {
  mode: Mode;
  customerZone: string | undefined;
  onDone(at: number | undefined, text: string): Promise<string | undefined>;
}) {
  const mineZone = ownZone();
  const [zone, setZone] = useState(customerZone ?? mineZone);
  const [choice, setChoice] = useState<string>(mode === "snooze" ? "reply" : "tomorrow9");
  const [picked, setPicked] = useState(defaultPick(Date.now(), zone));
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    let at: number | undefined;
    if (choice === "pick") {
      const r = pickedAt(picked, zone, Date.now());
      if ("error" in r) return setError(r.error);
      at = r.at;
    } else if (choice !== "reply") at = presetAt(choice as Preset, Date.now(), zone);
    if (mode === "reply" && !text.trim()) return setError("Write the reply first.");
    setBusy(true);
    setError(undefined);
    const err = await onDone(at, text.trim());
    setBusy(false);
    if (err) setError(err);
  };

  const id = `later-${mode}`;
  return (
    <form class="later-form" onSubmit={(e) => void submit(e)} noValidate data-testid="later-form">
      {mode !== "snooze" && (
        <div class="field">
          <label for={`${id}-text`}>{mode === "reply" ? "Reply" : "Note (optional)"}</label>
          <textarea
            id={`${id}-text`}
            rows={mode === "reply" ? 3 : 1}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="later-text"
          />
        </div>
      )}
      <div class="field">
        <label for={`${id}-when`}>When</label>
        <select
          id={`${id}-when`}
          value={choice}
          onChange={(e) => setChoice(e.currentTarget.value)}
          data-testid="later-when"
        >
          {mode === "snooze" && <option value="reply">Until the customer replies</option>}
          {presets.map((p) => (
            <option key={p} value={p}>
              {presetLabels[p]}
            </option>
          ))}
          <option value="pick">Pick a date and time…</option>
        </select>
      </div>
      {choice === "pick" && (
        <div class="field">
          <label for={`${id}-at`}>Date and time</label>
          <input
            id={`${id}-at`}
            type="datetime-local"
            value={picked}
            onInput={(e) => setPicked(e.currentTarget.value)}
            data-testid="later-at"
          />
        </div>
      )}
      {choice !== "reply" && choice !== "1h" && choice !== "3h" && customerZone && customerZone !== mineZone && (
        <div class="field">
          <label for={`${id}-zone`}>Read the time as</label>
          <select
            id={`${id}-zone`}
            value={zone}
            onChange={(e) => setZone(e.currentTarget.value)}
            data-testid="later-zone"
          >
            <option value={customerZone}>Their time ({customerZone})</option>
            <option value={mineZone}>My time ({mineZone})</option>
          </select>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary btn-small" disabled={busy} data-testid="later-submit">
        {mode === "snooze" ? "Snooze" : mode === "reply" ? "Schedule reply" : "Set reminder"}
      </button>
    </form>
  );
}
