// The teammates matching the "@…" being typed in a note. The textarea keeps the focus (autocomplete with
// aria-activedescendant, Composer.tsx), so the options are clicked or chosen with the keys there.
import type { AgentRef } from "../../../../shared/api.ts";

type Props = {
  people: readonly AgentRef[];
  active: number;
  /** The workspace's people are still being fetched (the first "@"). */
  loading: boolean;
  onPick: (p: AgentRef) => void;
};

export function MentionPicker({ people, active, loading, onPick }: Props) {
  return (
    <div
      id="mention-list"
      role="listbox"
      aria-label="Mention a teammate"
      class="mention-list"
      data-testid="mention-list"
    >
      {loading ? (
        <div class="muted small">Loading teammates…</div>
      ) : people.length === 0 ? (
        <div class="muted small">No teammate matches.</div>
      ) : (
        people.map((p, i) => (
          // biome-ignore lint/a11y/useFocusableInteractive: options of a combobox are not focused themselves (aria-activedescendant)
          // biome-ignore lint/a11y/useKeyWithClickEvents: the note box handles the keys for the list
          <div
            key={p.id}
            id={`mention-${p.id}`}
            role="option"
            aria-selected={i === active}
            class={`mention-item${i === active ? " is-active" : ""}`}
            data-testid="mention-item"
            data-id={p.id}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(p)}
          >
            @{p.name}
          </div>
        ))
      )}
    </div>
  );
}
