// Agent and team performance for a period (docs/quality-review.md "Performance"): owners see everyone and
// every team, an agent their own row. The bars show each row's quality score against 100, and its load
// against capacity over the time it was available.
import { useEffect, useState } from "preact/hooks";
import { type PerformanceReport, type PerformanceRow, performanceSchema } from "../../../../shared/quality.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { duration } from "../../lib/time.ts";

const DAY = 86_400_000;
const periods = [7, 30, 90] as const;

const pct = (r: number | null) => (r === null ? "—" : `${Math.round(r * 100)}%`);
const time = (ms: number | null) => (ms === null ? "—" : duration(ms));
/** Time available: hours and minutes (a week of shifts reads better than "2d 3h"); seconds under an hour. */
function hours(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}
function Rows({ rows, caption, testId }: { rows: PerformanceRow[]; caption: string; testId: string }) {
  return (
    <table class="deliveries perf" data-testid={testId}>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Handled</th>
          <th scope="col">First reply p50 / p90</th>
          <th scope="col">Handle time p50 / p90</th>
          <th scope="col">Resolved</th>
          <th scope="col">Reopened</th>
          <th scope="col">Rating</th>
          <th scope="col">Quality</th>
          <th scope="col">Available</th>
          <th scope="col">Load vs capacity</th>
          <th scope="col">Load now</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-testid="perf-row" data-key={r.key}>
            <th scope="row">{r.name}</th>
            <td class="mono">{r.handled}</td>
            <td class="mono">
              {time(r.firstResponseP50)} / {time(r.firstResponseP90)}
            </td>
            <td class="mono">
              {time(r.handleP50)} / {time(r.handleP90)}
            </td>
            <td class="mono">{pct(r.resolutionRate)}</td>
            <td class="mono">{pct(r.reopenRate)}</td>
            <td class="mono">{r.csat === null ? "—" : `${r.csat} (${r.csatCount})`}</td>
            <td>
              <span class="perf-bar" aria-hidden="true">
                <span style={{ width: `${r.quality ?? 0}%` }} />
              </span>{" "}
              <span class="mono">{r.quality ?? "—"}</span>
            </td>
            <td class="mono" data-testid="perf-available">
              {r.availableMs === undefined ? "—" : hours(r.availableMs)}
            </td>
            <td>
              {r.occupancy === undefined || r.occupancy === null ? (
                "—"
              ) : (
                <>
                  <span class="perf-bar" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, Math.round(r.occupancy * 100))}%` }} />
                  </span>{" "}
                  <span class="mono">{pct(r.occupancy)}</span>
                </>
              )}
            </td>
            <td class="mono">{r.load === undefined ? "—" : `${r.load} of ${r.capacity ?? "?"}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PerformanceSection({ lead }: { lead: boolean }) {
  const [days, setDays] = useState<(typeof periods)[number]>(30);
  const [data, setData] = useState<PerformanceReport | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [to] = useState(() => Date.now());
  const from = to - days * DAY;
  const query = `from=${from}&to=${to}`;
  useEffect(() => {
    setData(null);
    api(`/api/quality/performance?${query}`, performanceSchema).then(setData, (e: unknown) =>
      setError(errorMessage(e)),
    );
  }, [query]);
  return (
    <section class="card" aria-labelledby="perf-title" data-testid="performance">
      <h2 id="perf-title">{lead ? "Agents and teams" : "Your figures"}</h2>
      <div class="perf-tools">
        <label>
          Period{" "}
          <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value) as (typeof periods)[number])}>
            {periods.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
        <a
          class="btn btn-secondary btn-small"
          href={`/api/quality/performance.csv?${query}`}
          download="performance.csv"
        >
          Download CSV
        </a>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {!data ? (
        <p class="empty">Loading…</p>
      ) : (
        <>
          <Rows rows={data.agents} caption="Agents" testId="perf-agents" />
          {lead && data.teams.length > 0 && (
            <>
              <h3>Teams</h3>
              <Rows rows={data.teams} caption="Teams" testId="perf-teams" />
            </>
          )}
          <p class="muted small">
            From the scorecards of conversations that ended in the period. Available: time online in the inbox and not
            away. Load vs capacity: handle time over time available × capacity (100%: every slot busy all along).
          </p>
        </>
      )}
    </section>
  );
}
