// Desktop alerts and the favicon badge, loaded lazily after sign-in (App.tsx) so the first load does
// not carry them. Notifications only while the tab is hidden: a visible console already announces new
// work itself (store.ts). Settings are the agent's, kept with their account (`/api/me/alerts`).
import { effect, signal } from "@preact/signals";
import { type AlertSettings, alertSettingsSchema } from "../../../../shared/alerts.ts";
import type { AgentAlert, InboxItem } from "../../../../shared/api.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { navigate } from "../../lib/router.ts";
import { inboxCounts, myPresence, watchInbox } from "../inbox/store.ts";
import { alertForFrame, alertsForChange, badgedSvg, type DeskAlert, Seen } from "./rules.ts";

export const alertSettings = signal<AlertSettings>(alertSettingsSchema.parse({}));
/** Why the settings could not be read or saved (shown in Your account → Alerts). */
export const alertSettingsError = signal<string | undefined>(undefined);

async function loadSettings(): Promise<void> {
  try {
    alertSettings.value = await api("/api/me/alerts", alertSettingsSchema);
    alertSettingsError.value = undefined;
  } catch (e) {
    // The defaults notify nobody on the desktop: a failed read stays quiet rather than surprising.
    alertSettingsError.value = errorMessage(e);
  }
}

/** Shown at once; stored with the account (so another browser gets them too). Rolled back if refused. */
export async function saveSettings(next: AlertSettings): Promise<void> {
  const before = alertSettings.value;
  alertSettings.value = next;
  try {
    alertSettings.value = await api("/api/me/alerts", alertSettingsSchema, { method: "PUT", body: next });
    alertSettingsError.value = undefined;
  } catch (e) {
    alertSettings.value = before;
    alertSettingsError.value = errorMessage(e);
  }
}

export const notificationsSupported = (): boolean => typeof Notification !== "undefined";

/** Asked only from the settings button: browsers (and people) refuse a prompt on load. */
export async function askPermission(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return "denied";
  return Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
}

let audio: AudioContext | undefined;
/** A short two-tone beep from WebAudio: no audio file to download. */
export function beep(): void {
  try {
    audio ??= new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.type = "sine";
    o.frequency.setValueAtTime(880, audio.currentTime);
    o.frequency.setValueAtTime(660, audio.currentTime + 0.12);
    g.gain.setValueAtTime(0.15, audio.currentTime);
    g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.3);
  } catch {
    // No audio output (or the browser blocked it until a click): the notification still shows.
  }
}

function show(list: readonly DeskAlert[]): void {
  const s = alertSettings.value;
  const wanted = list.filter((a) => s.kinds[a.kind]);
  if (!wanted.length || !document.hidden) return;
  if (s.sound) beep();
  if (!s.desktop || !notificationsSupported() || Notification.permission !== "granted") return;
  for (const a of wanted) {
    const n = new Notification(a.title, { body: a.body, tag: a.key, icon: "/favicon.svg" });
    n.onclick = () => {
      window.focus();
      navigate({ name: "conversation", id: a.conversationId });
      n.close();
    };
  }
}

let plainIcon: string | undefined;
async function setBadge(n: number): Promise<void> {
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) return;
  if (n <= 0) {
    link.href = "/favicon.svg";
    return;
  }
  plainIcon ??= await fetch("/favicon.svg")
    .then((r) => (r.ok ? r.text() : ""))
    .catch(() => "");
  if (!plainIcon) return;
  link.href = `data:image/svg+xml,${encodeURIComponent(badgedSvg(plainIcon, n))}`;
}

/** Start watching for this session; the returned function stops and restores the plain favicon. */
export function startDeskAlerts(agentId: string): () => void {
  void loadSettings();
  const seen = new Seen();
  const who = () => ({ id: agentId, teams: myPresence.value?.teams ?? [] });
  const unwatch = watchInbox({
    // Seen marks even what is not shown (tab visible): a re-sent event later must not pop up then.
    change: (prev: readonly InboxItem[], next: readonly InboxItem[]) =>
      show(seen.fresh(alertsForChange(prev, next, who()))),
    alert: (a: AgentAlert) => show(seen.fresh([alertForFrame(a)])),
  });
  const stopBadge = effect(() => void setBadge(inboxCounts.value.queued));
  return () => {
    unwatch();
    stopBadge();
    void setBadge(0);
  };
}
