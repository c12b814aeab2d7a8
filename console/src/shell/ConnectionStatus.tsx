import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { SocketStatus } from "../lib/socket.ts";

type Props = {
  status: ReadonlySignal<SocketStatus>;
  /** For the conversation socket: open is not live until the replay has finished. */
  live?: ReadonlySignal<boolean>;
  onRetry: () => void;
};

export function ConnectionStatus({ status, live, onRetry }: Props) {
  const s = status.value;
  const isLive = s.kind === "open" && (live ? live.value : true);
  const [, tick] = useState(0);
  // Only the countdown needs a per-second clock, and only while it is showing.
  useEffect(() => {
    if (s.kind !== "waiting") return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [s.kind]);

  let kind: "live" | "connecting" | "reconnecting" | "offline";
  let text: string;
  if (isLive) {
    kind = "live";
    text = "Live";
  } else if (s.kind === "waiting") {
    kind = "reconnecting";
    const secs = Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
    text = secs > 0 ? `Reconnecting in ${secs} s` : "Reconnecting…";
  } else if (s.kind === "offline") {
    kind = "offline";
    text = "Offline";
  } else {
    kind = "connecting";
    text = s.kind === "open" ? "Catching up…" : "Connecting…";
  }

  return (
    <div class={`conn conn-${kind}`} data-testid="connection-status" data-status={kind}>
      <span class="conn-dot" aria-hidden="true" />
      {/* The countdown changes every second; screen readers only hear the state changing. */}
      <span aria-hidden="true">{text}</span>
      <span class="visually-hidden" role="status">
        {kind === "live" ? "Live" : kind === "reconnecting" ? "Connection lost, reconnecting" : text}
      </span>
      {(kind === "reconnecting" || kind === "offline") && (
        <button type="button" class="btn btn-link" onClick={onRetry}>
          Retry now
        </button>
      )}
    </div>
  );
}
