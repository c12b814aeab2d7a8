// Weekly reports (docs/weekly-report.md): owners read the week against the week before (the same report
// mailed to them on Mondays and posted to Slack), and make this week's now, sent or not.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import {
  type WeekFigure,
  type WeeklyReport,
  weeklyReportListSchema,
  weeklyReportSchema,
} from "../../../../shared/health.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { fullDate } from "../../lib/time.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
import "../integrations/integrations.css";

type Key = keyof WeeklyReport["figures"];
const rows: [Key, string, (v: number) => string][] = [
  ["conversations", "Conversations", (v) => String(v)],
  ["autoResolution", "Auto-resolution", (v) => `${Math.round(v * 100)}%`],
  [
    "firstResponseP50",
    "Median first response",
    (v) => (v < 60_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v / 60_000)} min`),
  ],
  ["csat", "Customer rating", (v) => v.toFixed(2)],
  ["quality", "Quality score", (v) => String(Math.round(v))],
  ["slaAdherence", "Answered within target", (v) => `${Math.round(v * 100)}%`],
  ["escalationAccuracy", "Escalations right", (v) => `${Math.round(v * 100)}%`],
];
const show = (f: WeekFigure, fmt: (v: number) => string) => [
  f.now === null ? "—" : fmt(f.now),
  f.before === null ? "—" : fmt(f.before),
];
const hour = (h: number) => `${String(h).padStart(2, "0")}:00–${String((h + 1) % 24).padStart(2, "0")}:00`;

function Report({ r }: { r: WeeklyReport }) {
  return (
    <article class="card" data-testid="weekly-report" aria-labelledby={`week-${r.week}-${r.trigger}`}>
      <h2 id={`week-${r.week}-${r.trigger}`}>
        Week of {r.week} <span class="muted small">({r.timeZone})</span>
      </h2>
      <p class="muted small">
        {r.trigger === "schedule" ? "Sent on Monday" : "Made on demand"} · {fullDate(r.generatedAt)}
        {r.sent
          ? ` · mailed to ${r.sent.emails} ${r.sent.emails === 1 ? "owner" : "owners"}${r.sent.slack ? ", posted to Slack" : ""}`
          : ""}
      </p>
      <table class="deliveries">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">This week</th>
            <th scope="col">Week before</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, label, fmt]) => {
            const [now, before] = show(r.figures[k], fmt);
            return (
              <tr key={k}>
                <td>{label}</td>
                <td class="mono">{now}</td>
                <td class="mono">{before}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>What changed</h3>
      {r.changes.length ? (
        <ul data-testid="report-changes">
          {r.changes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing moved much since the week before.</p>
      )}
      <h3>Escalations by reason</h3>
      {r.escalations.length ? (
        <ul>
          {r.escalations.map((e) => (
            <li key={e.reason}>
              {e.reason}: {e.now} <span class="muted small">(week before {e.before})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}
      <h3>Top knowledge gaps</h3>
      {r.gaps.length ? (
        <ul>
          {r.gaps.map((g) => (
            <li key={g.title}>
              {g.title}: {g.questions} questions, e.g. “{g.example}”
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}
      <h3>Busiest hours</h3>
      <p>
        {r.busiestHours.length
          ? r.busiestHours.map((b) => `${hour(b.hour)} (${b.messages})`).join(", ")
          : "No messages."}
      </p>
    </article>
  );
}

export function ReportsPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [reports, setReports] = useState<WeeklyReport[] | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const owner = me.role === "owner";
  const load = () =>
    api("/api/reports/weekly", weeklyReportListSchema).then(
      (r) => setReports(r.reports),
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => {
    if (owner) void load();
  }, [owner]);
  if (!owner)
    return (
      <PageScaffold
        title="Weekly reports"
        class="integrations-page"
        state={{ forbidden: "Only workspace owners get the weekly report.", testId: "reports-forbidden" }}
      />
    );
  const run = async (send: boolean) => {
    setBusy(true);
    try {
      const r = await api("/api/reports/weekly/run", weeklyReportSchema, { method: "POST", body: { send } });
      announce(
        send ? `The report for the week of ${r.week} was sent.` : `The report for the week of ${r.week} is ready.`,
      );
      await load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="page integrations-page" data-testid="reports-page">
      <h1 ref={heading} tabIndex={-1}>
        Weekly reports
      </h1>
      <p class="sub">
        Every Monday from 08:00 in the workspace's time zone (Settings → Business hours; UTC without them), each owner
        gets last week's report by email, and Slack gets it when connected.
      </p>
      <p>
        <button type="button" class="btn" disabled={busy} onClick={() => void run(false)} data-testid="report-run">
          Make last week's report now
        </button>{" "}
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void run(true)}>
          Make it and send it
        </button>
      </p>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {reports === null ? (
        <p class="empty">Loading…</p>
      ) : reports.length === 0 ? (
        <p class="empty">No report yet: the first one comes on Monday, or make one now.</p>
      ) : (
        reports.map((r) => <Report key={`${r.week}-${r.trigger}-${r.generatedAt}`} r={r} />)
      )}
    </main>
  );
}
