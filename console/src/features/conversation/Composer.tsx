import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { AgentRef, CannedReply } from "../../../../shared/api.ts";
import { MAX_MESSAGE_CHARS, type ConversationState } from "../../../../shared/protocol.ts";
import { fileSize } from "../../../../shared/files.ts";
import { filterCanned, insertAt } from "../canned/canned.ts";
import { MentionPicker } from "./MentionPicker.tsx";
import { insertMention, matchTeammates, mentionedIn, mentionQuery } from "./mentions.ts";
import { precheck } from "./attach.ts";

type Props = {
  state: ConversationState;
  onSend: (text: string) => Promise<string | undefined>;
  /** A private note: stored for agents only; possible in any state. `mentions`: agent ids to alert. */
  onNote: (text: string, mentions: string[]) => Promise<string | undefined>;
  onActivity: (hasText: boolean) => void;
  onBlur: () => void;
  canned: readonly CannedReply[] | undefined;
  loadCanned: () => void;
  /** Who can be @mentioned in a note (everyone in the workspace but oneself); loaded on the first "@". */
  teammates: readonly AgentRef[] | undefined;
  loadTeammates: () => void;
  /** Sends one file as the agent's message; an error message, or undefined once stored. */
  onAttach: (file: File) => Promise<string | undefined>;
};

/** A file on its way from the composer: checking, sending, or refused (with why) until dismissed. */
type Upload = { id: number; name: string; size: number; error?: string };
let uploadIds = 0;

type Mode = "reply" | "note";

export function Composer(props: Props) {
  const { state, onSend, onNote, onActivity, onBlur, canned, loadCanned, teammates, loadTeammates, onAttach } = props;
  const [text, setText] = useState("");
  const [mode, setMode] = useState<Mode>("reply");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const note = mode === "note";
  const disabled = !note && (state === "resolved" || state === "bot");
  const matches = picking && canned ? filterCanned(canned, query) : [];
  // @mentions (notes only): the "@query" at the caret, the teammates it matches, and those picked so far.
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [mentionActive, setMentionActive] = useState(0);
  const [picked, setPicked] = useState<AgentRef[]>([]);
  const people = note && mention && teammates ? matchTeammates(teammates, mention.query) : [];
  const pickMention = (p: AgentRef) => {
    if (!mention) return;
    const r = insertMention(text, mention, p.name);
    setText(r.text);
    setPicked([...picked, p]);
    setMention(null);
    input.current?.focus();
    requestAnimationFrame(() => input.current?.setSelectionRange(r.caret, r.caret));
  };
  // Files are replies: not in a note, and only once the conversation is a person's to answer.
  const canAttach = !note && !disabled;

  /** Each file checked on its bytes here (attach.ts), then sent; a refusal stays until dismissed. */
  const attach = (list: ArrayLike<File> | null | undefined) => {
    for (const file of Array.from(list ?? [])) {
      const u: Upload = { id: ++uploadIds, name: file.name, size: file.size };
      const settle = (error: string | null | undefined) =>
        setUploads((l) =>
          error ? l.map((x) => (x.id === u.id ? { ...x, error } : x)) : l.filter((x) => x.id !== u.id),
        );
      setUploads((l) => [...l, u]);
      void precheck(file).then((why) => (why ? settle(why) : onAttach(file).then(settle)));
    }
  };

  const openPicker = () => {
    loadCanned();
    setQuery("");
    setActive(0);
    setPicking(true);
  };
  // Right after the picker renders (a microtask, before the next keystroke's task): with a frame's
  // delay, the letter typed after "/" would land in the reply box.
  useLayoutEffect(() => {
    if (picking) search.current?.focus();
  }, [picking]);
  const closePicker = () => {
    setPicking(false);
    input.current?.focus();
  };
  const choose = (c: CannedReply) => {
    const el = input.current;
    const r = insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, c.text);
    setText(r.text);
    setPicking(false);
    onActivity(r.text.trim().length > 0 && !note);
    // Focus now (the next key, often Enter, belongs to the reply box); the caret once the text is in.
    input.current?.focus();
    requestAnimationFrame(() => input.current?.setSelectionRange(r.caret, r.caret));
  };

  const submit = async () => {
    if (busy || disabled) return;
    if (!text.trim()) {
      setError(note ? "Write the note first." : "Type a message first.");
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
    setMention(null);
    const err = await (note
      ? onNote(
          sent,
          mentionedIn(sent, picked).map((p) => p.id),
        )
      : onSend(sent));
    setBusy(false);
    if (err) {
      setText(sent);
      setError(err);
    } else {
      setError(undefined);
      setPicked([]);
    }
    // Back to the reply box, unless the agent moved on while it was being sent (the canned picker's
    // search, another field): taking the caret from them would put their next keys in the wrong place.
    const at = document.activeElement;
    if (!at || at === document.body || at === input.current) input.current?.focus();
  };

  const hint = note
    ? "Only agents see notes; the customer never does. @name alerts a teammate. Enter to save, Shift+Enter for a new line."
    : state === "resolved"
      ? "This conversation is resolved. You can still add a private note."
      : state === "bot"
        ? "The bot is handling this conversation. You can reply once it is handed off, or add a private note."
        : state === "queued"
          ? "Sending claims the conversation: the customer sees you joined. Enter to send, / for canned replies."
          : "Enter to send, Shift+Enter for a new line, / for canned replies. Drop or paste a file to send it.";

  return (
    <form
      class={`composer${note ? " composer-note" : ""}`}
      data-testid="composer"
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onDragOver={(e) => {
        if (canAttach && e.dataTransfer?.types.includes("Files")) e.preventDefault();
      }}
      onDrop={(e) => {
        if (!canAttach || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        attach(e.dataTransfer.files);
      }}
    >
      <div class="composer-top">
        <div class="mode-switch" role="group" aria-label="Write">
          <button
            type="button"
            class={`mode${!note ? " is-on" : ""}`}
            aria-pressed={!note}
            data-testid="composer-mode-reply"
            onClick={() => setMode("reply")}
          >
            Reply
          </button>
          <button
            type="button"
            class={`mode${note ? " is-on" : ""}`}
            aria-pressed={note}
            data-testid="composer-mode-note"
            onClick={() => (setMode("note"), onActivity(false))}
          >
            Private note
          </button>
        </div>
        {canAttach && (
          <>
            <button
              type="button"
              class="btn btn-link"
              data-testid="attach-button"
              onClick={() => picker.current?.click()}
            >
              Attach file
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              multiple
              accept="image/*,.pdf"
              data-testid="attach-input"
              onChange={(e) => {
                attach(e.currentTarget.files);
                e.currentTarget.value = "";
              }}
            />
          </>
        )}
        <button
          type="button"
          class="btn btn-link"
          data-testid="canned-button"
          aria-haspopup="listbox"
          aria-expanded={picking}
          aria-controls="canned-picker"
          onClick={() => (picking ? closePicker() : openPicker())}
        >
          Canned replies
        </button>
      </div>
      <label for="composer-input" class="composer-label">
        {note ? "Private note (agents only)" : "Reply to customer"}
      </label>
      {picking && (
        <div class="canned" id="canned-picker" data-testid="canned-picker">
          <input
            ref={search}
            type="search"
            class="canned-search"
            data-testid="canned-search"
            aria-label="Find a canned reply"
            placeholder="Find a canned reply…"
            aria-controls="canned-list"
            aria-activedescendant={matches[active] ? `canned-${matches[active].id}` : undefined}
            value={query}
            onInput={(e) => (setQuery(e.currentTarget.value), setActive(0))}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                closePicker();
              } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                const n = matches.length;
                if (n) setActive((active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
              } else if (e.key === "Enter") {
                e.preventDefault();
                const c = matches[active];
                if (c) choose(c);
              }
            }}
          />
          <div id="canned-list" role="listbox" aria-label="Canned replies" class="canned-list">
            {!canned ? (
              <div class="muted small">Loading…</div>
            ) : matches.length === 0 ? (
              <div class="muted small" data-testid="canned-empty">
                {canned.length ? "No canned reply matches." : "No canned replies yet. Editors and owners can add them."}
              </div>
            ) : (
              matches.map((c, i) => (
                // biome-ignore lint/a11y/useFocusableInteractive: options of a combobox are not focused themselves (aria-activedescendant)
                // biome-ignore lint/a11y/useKeyWithClickEvents: the search box handles the keys for the list
                <div
                  key={c.id}
                  id={`canned-${c.id}`}
                  role="option"
                  aria-selected={i === active}
                  class={`canned-item${i === active ? " is-active" : ""}`}
                  data-testid="canned-item"
                  data-id={c.id}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(c)}
                >
                  <span class="canned-title">
                    {c.title}
                    {c.shortcut && <span class="mono muted small"> /{c.shortcut}</span>}
                  </span>
                  <span class="canned-text muted small">{c.text}</span>
                </div>
              ))
            )}
          </div>
        </div>
      )}
      <div class="composer-row">
        <textarea
          ref={input}
          id="composer-input"
          data-testid="composer-input"
          rows={2}
          value={text}
          disabled={disabled}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder={disabled ? "" : note ? "Write a note for your team…" : "Write a reply…"}
          aria-describedby={error ? "composer-error composer-hint" : "composer-hint"}
          aria-invalid={error ? "true" : undefined}
          aria-autocomplete={note ? "list" : undefined}
          aria-controls={note && people.length ? "mention-list" : undefined}
          aria-activedescendant={people[mentionActive] ? `mention-${people[mentionActive].id}` : undefined}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setText(v);
            if (error) setError(undefined);
            if (note) {
              const at = mentionQuery(v, e.currentTarget.selectionStart ?? v.length);
              if (at) loadTeammates();
              setMention(at);
              setMentionActive(0);
            }
            // Notes are not typing the customer should see.
            if (!note) onActivity(v.trim().length > 0);
          }}
          onBlur={onBlur}
          onPaste={(e) => {
            // A screenshot on the clipboard is sent as a file, not pasted as text.
            if (!canAttach || !e.clipboardData?.files.length) return;
            e.preventDefault();
            attach(e.clipboardData.files);
          }}
          onKeyDown={(e) => {
            // The mention list, while it shows, takes the arrows, Enter, Tab and Escape.
            if (people.length && !e.isComposing) {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                setMentionActive((mentionActive + (e.key === "ArrowDown" ? 1 : people.length - 1)) % people.length);
                return;
              }
              if (e.key === "Enter" || e.key === "Tab") {
                e.preventDefault();
                const p = people[mentionActive];
                if (p) pickMention(p);
                return;
              }
              if (e.key === "Escape") {
                e.preventDefault();
                setMention(null);
                return;
              }
            }
            // "/" in an empty box opens the canned replies instead of typing a slash.
            if (e.key === "/" && !text && !e.isComposing) {
              e.preventDefault();
              openPicker();
              return;
            }
            // isComposing: Enter that confirms an IME candidate must not send half a word.
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="submit"
          class={`btn ${note ? "btn-note" : "btn-primary"}`}
          disabled={disabled || busy}
          data-testid="composer-send"
        >
          {note ? "Add note" : "Send"}
        </button>
      </div>
      {note && mention && (
        <MentionPicker people={people} active={mentionActive} loading={!teammates} onPick={pickMention} />
      )}
      {uploads.length > 0 && (
        <ul class="uploads" aria-label="Files being sent" data-testid="uploads">
          {uploads.map((u) => (
            <li key={u.id} class="upload" data-testid="upload" data-state={u.error ? "refused" : "sending"}>
              <span class="upload-name">{u.name}</span> <span class="muted small">{fileSize(u.size)}</span>{" "}
              {u.error ? (
                <>
                  <span class="field-error" role="alert">
                    {u.error}
                  </span>{" "}
                  <button
                    type="button"
                    class="btn btn-link"
                    onClick={() => setUploads((l) => l.filter((x) => x.id !== u.id))}
                  >
                    Dismiss
                  </button>
                </>
              ) : (
                <span class="muted small" role="status">
                  Sending…
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
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
