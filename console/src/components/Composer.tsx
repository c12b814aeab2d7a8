import { useRef, useState } from "preact/hooks";
import { MAX_MESSAGE_CHARS, type ConversationState } from "../../../shared/protocol.ts";

type Props = {
  state: ConversationState;
  onSend: (text: string) => Promise<string | undefined>;
  onActivity: (hasText: boolean) => void;
  onBlur: () => void;
};

export function Composer({ state, onSend, onActivity, onBlur }: Props) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const disabled = state === "resolved" || state === "bot";

  const submit = async () => {
    if (busy || disabled) return;
    if (!text.trim()) {
      setError("Type a message first.");
      input.current?.focus();
      return;
    }
    if (text.length > MAX_MESSAGE_CHARS) {
      setError(`Keep it under ${MAX_MESSAGE_CHARS} characters.`);
      return;
    }
    setBusy(true);
    const sent = text;
    // Clear at once: the reply shows in the transcript as "Sending…" and survives reconnects there.
    setText("");
    const err = await onSend(sent);
    setBusy(false);
    if (err) {
      setText(sent);
      setError(err);
    } else setError(undefined);
    input.current?.focus();
  };

  const hint =
    state === "resolved"
      ? "This conversation is resolved."
      : state === "bot"
        ? "The bot is handling this conversation. You can reply once it is handed off."
        : state === "queued"
          ? "Sending claims the conversation: the customer sees you joined. Enter to send, Shift+Enter for a new line."
          : "Enter to send, Shift+Enter for a new line.";

  return (
    <form
      class="composer"
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="composer-input" class="composer-label">
        Reply to customer
      </label>
      <div class="composer-row">
        <textarea
          ref={input}
          id="composer-input"
          data-testid="composer-input"
          rows={2}
          value={text}
          disabled={disabled}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder={disabled ? "" : "Write a reply…"}
          aria-describedby={error ? "composer-error composer-hint" : "composer-hint"}
          aria-invalid={error ? "true" : undefined}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setText(v);
            if (error) setError(undefined);
            onActivity(v.trim().length > 0);
          }}
          onBlur={onBlur}
          onKeyDown={(e) => {
            // isComposing: Enter that confirms an IME candidate must not send half a word.
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button type="submit" class="btn btn-primary" disabled={disabled || busy} data-testid="composer-send">
          Send
        </button>
      </div>
      {error && (
        <p id="composer-error" class="field-error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      <p id="composer-hint" class="hint">
        {hint}
      </p>
    </form>
  );
}
