// Settings → Your account → Alerts: desktop notifications are asked for here, on a click, never on load.
import { useState } from "preact/hooks";
import {
  alertSettings,
  alertSettingsError,
  askPermission,
  beep,
  notificationsSupported,
  saveSettings,
} from "./desktop.ts";
import type { AlertKind } from "./rules.ts";

const kindLabels: Record<AlertKind, string> = {
  handoff: "New handoffs for me or my teams",
  assigned: "Conversations assigned to me",
  reply: "Customer replies in my conversations",
  reminder: "My reminders",
  mention: "Teammates mentioning me in a note",
};

export function AlertSettings() {
  const s = alertSettings.value;
  const [perm, setPerm] = useState<NotificationPermission | "unsupported">(
    notificationsSupported() ? Notification.permission : "unsupported",
  );
  const turnOn = async () => {
    const p = await askPermission();
    setPerm(p);
    if (p === "granted") void saveSettings({ ...s, desktop: true });
  };
  return (
    <section class="card" aria-labelledby="alerts-title" data-testid="alert-settings">
      <h2 id="alerts-title">Alerts</h2>
      <p class="sub">
        While the console is in a background tab. Kept with your account, so every browser you sign in on uses them;
        this browser still has to be allowed to show notifications.
      </p>
      {perm === "unsupported" ? (
        <p>This browser cannot show desktop notifications.</p>
      ) : perm === "denied" ? (
        <p>Desktop notifications are blocked for this site: allow them in the browser's site settings.</p>
      ) : s.desktop && perm === "granted" ? (
        <button type="button" class="btn btn-quiet" onClick={() => void saveSettings({ ...s, desktop: false })}>
          Turn off desktop alerts
        </button>
      ) : (
        <button type="button" class="btn" onClick={() => void turnOn()}>
          Turn on desktop alerts
        </button>
      )}
      <fieldset>
        <legend>Alert me about</legend>
        {(Object.keys(kindLabels) as AlertKind[]).map((k) => (
          <label key={k}>
            <input
              type="checkbox"
              checked={s.kinds[k]}
              onChange={(e) => void saveSettings({ ...s, kinds: { ...s.kinds, [k]: e.currentTarget.checked } })}
            />{" "}
            {kindLabels[k]}
          </label>
        ))}
      </fieldset>
      <label>
        <input
          type="checkbox"
          checked={s.sound}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            void saveSettings({ ...s, sound: on });
            if (on) beep();
          }}
        />{" "}
        Play a sound
      </label>
      {alertSettingsError.value && (
        <p class="field-error" role="alert">
          Your alert settings could not be read or saved: {alertSettingsError.value}
        </p>
      )}
    </section>
  );
}
