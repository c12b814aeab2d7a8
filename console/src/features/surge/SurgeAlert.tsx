// The surge alert on the inbox (the console's home): shown when arrivals or near-SLA counts cross the
// configured levels, with the most urgent countdowns and the outbound integrations' last results.
import { useEffect, useState } from "preact/hooks";
import type { SurgeAlert } from "../../../../shared/api.ts";
import { now } from "../../lib/clock.ts";
import { duration } from "../../lib/time.ts";
import { surgeApi } from "./api.ts";

const POLL_MS = 15_000;

export function countdown(dueAt: number, at: number): string {
  return dueAt <= at ? `overdue ${duration(at - dueAt)}` : `${duration(dueAt - at)} left`;
}

export function SurgeAlertBanner({ always = false }: { always?: boolean }) {
  const [alert, setAlert] = useState<SurgeAlert | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      void surgeApi.alert().then(
        (a) => live && setAlert(a),
        () => undefined,
      );
    load();
    const t = setInterval(load, POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  if (!alert || (!alert.surge && !always)) return null;
  const at = now.value;
  return (
    <section
      class={`surge-alert ${alert.surge ? "is-surge" : "is-calm"}`}
      role={alert.surge ? "alert" : "status"}
      data-testid="surge-alert"
      data-surge={alert.surge ? "true" : "false"}
    >
      <div class="surge-alert-head">
        <strong>{alert.surge ? "Surge: the queue is over its levels" : "No surge"}</strong>
        <span class="muted">
          {alert.arrivals} new in {alert.windowMinutes} min (level {alert.levels.arrivalsPerWindow}) · {alert.nearSla}{" "}
          near SLA (level {alert.levels.nearSla})
        </span>
        {alert.surge && (
          <a class="btn btn-primary btn-small" href="#/surge" data-testid="surge-start">
            Start a sweep
          </a>
        )}
      </div>
      {alert.reasons.length > 0 && (
        <ul class="surge-reasons">
          {alert.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {alert.urgent.length > 0 && (
        <ol class="surge-urgent" aria-label="Most urgent SLA countdowns">
          {alert.urgent.map((u) => (
            <li key={u.id}>
              <a href={`#/c/${encodeURIComponent(u.id)}`}>{u.preview || u.id}</a>{" "}
              <span class={`sla ${u.slaDueAt <= at ? "sla-breached" : "sla-near"}`} data-testid="surge-countdown">
                {countdown(u.slaDueAt, at)}
              </span>
              {u.team ? <span class="muted"> · {u.team}</span> : null}
            </li>
          ))}
        </ol>
      )}
      <p class="surge-integrations" data-testid="surge-integrations">
        Integrations:{" "}
        {alert.integrations.length
          ? alert.integrations.map((i) => (
              <span key={i.target} class={`tag surge-int surge-int-${i.status}`}>
                {i.kind === "slack" ? "Slack" : `webhook ${i.target}`}: {i.status}
                {i.detail ? ` (${i.detail})` : ""}
              </span>
            ))
          : "no deliveries yet"}
      </p>
    </section>
  );
}
