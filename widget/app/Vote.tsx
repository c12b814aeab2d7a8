// Thumbs up/down under a bot answer: tells the content team which articles help (their figures and
// the gaps report). One vote per answer; a second click changes it.
import { useSignal } from "@preact/signals";
import type { MessageEvent } from "../../shared/protocol.ts";
import { conversationUrl } from "./http.ts";
import type { WidgetStore } from "./store.ts";

const LABELS: Record<string, [string, string, string]> = {
  en: ["Was this helpful?", "Yes", "No"],
  es: ["¿Te ha sido útil?", "Sí", "No"],
};

export function Vote({ m, store, api, site, locale }: { m: MessageEvent; store: WidgetStore; api: string; site: string; locale: string }) {
  const vote = useSignal<boolean | null>(null);
  const conv = store.conv.value;
  if (m.action !== "answer" || !conv) return null;
  const [ask, yes, no] = LABELS[locale.slice(0, 2)] ?? (LABELS.en as [string, string, string]);
  const send = (helpful: boolean) => {
    vote.value = helpful;
    void fetch(conversationUrl(api, site, conv, "feedback"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messageId: m.id, helpful }),
    }).catch(() => undefined);
  };
  return (
    <p class="vote" role="group" aria-label={ask}>
      <span>{ask}</span>
      <button type="button" class="link" aria-pressed={vote.value === true} onClick={() => send(true)} data-vote="up">
        👍 <span class="sr">{yes}</span>
      </button>
      <button type="button" class="link" aria-pressed={vote.value === false} onClick={() => send(false)} data-vote="down">
        👎 <span class="sr">{no}</span>
      </button>
    </p>
  );
}
