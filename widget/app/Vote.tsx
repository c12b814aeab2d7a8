// Thumbs up/down under a bot answer: tells the content team which articles help (their figures and
// the gaps report). One vote per answer; a second click changes it.
import { useSignal } from "@preact/signals";
import type { MessageEvent } from "../../shared/protocol.ts";
import { postJson } from "./http.ts";
import type { WidgetStore } from "./store.ts";

const LABELS: Record<string, [string, string, string]> = {
  en: ["Was this helpful?", "Yes", "No"],
  es: ["¿Te ha sido útil?", "Sí", "No"],
};

// Drawn, not emoji: emoji fonts are missing on some systems and render as empty boxes.
const THUMB =
  "M2 21h3V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z";

function Thumb({ down }: { down?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="14"
      height="14"
      aria-hidden="true"
      style={down ? "transform: rotate(180deg)" : undefined}
    >
      <path d={THUMB} fill="currentColor" />
    </svg>
  );
}

export function Vote({
  m,
  store,
  api,
  site,
  locale,
}: {
  m: MessageEvent;
  store: WidgetStore;
  api: string;
  site: string;
  locale: string;
}) {
  const vote = useSignal<boolean | null>(null);
  const conv = store.conv.value;
  if (m.action !== "answer" || !conv) return null;
  const [ask, yes, no] = LABELS[locale.slice(0, 2)] ?? (LABELS.en as [string, string, string]);
  const send = (helpful: boolean) => {
    vote.value = helpful;
    void postJson(api, site, conv, "feedback", { messageId: m.id, helpful }).catch(() => undefined);
  };
  return (
    <p class="vote" role="group" aria-label={ask}>
      <span>{ask}</span>
      <button type="button" class="link" aria-pressed={vote.value === true} onClick={() => send(true)} data-vote="up">
        <Thumb /> <span class="sr">{yes}</span>
      </button>
      <button
        type="button"
        class="link"
        aria-pressed={vote.value === false}
        onClick={() => send(false)}
        data-vote="down"
      >
        <Thumb down /> <span class="sr">{no}</span>
      </button>
    </p>
  );
}
