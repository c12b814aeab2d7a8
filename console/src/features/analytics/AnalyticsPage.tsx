// #/analytics (owners): does the product meet its targets? Headline tiles with their target lines,
// then volume, response and resolution times, CSAT, handoff reasons, top articles and KB gaps, each
// with its numbers and a CSV of exactly what it plots. Loaded on demand, so agents never download it.
import { useEffect, useState } from "preact/hooks";
import { analyticsReportSchema, type AnalyticsReport, type Distribution } from "../../../../shared/analytics.ts";
import type { Me } from "../../../../shared/api.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { BarChart, Columns, DataTable, Legend, Panel, StackedBars } from "./charts.tsx";
import { csvHref, lastDays, ms, pivot, tiles, type Tile } from "./figures.ts";
import { describeReason } from "../../lib/format.ts";
import "./analytics.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

const PRESETS = [7, 30, 90];

export function AnalyticsPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [range, setRange] = useState(() => lastDays(30));
  const [data, setData] = useState<AnalyticsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const owner = me.role === "owner";

  useEffect(() => {
    if (!owner || range.from > range.to) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    api(`/api/analytics?from=${range.from}&to=${range.to}`, analyticsReportSchema, { signal: ctl.signal })
      .then(setData, (e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setError(errorMessage(e));
      })
      .finally(() => setLoading(false));
    return () => ctl.abort();
  }, [owner, range.from, range.to]);

  if (!owner) {
    return (
      <PageScaffold
        title="Analytics"
        class="analytics-page"
        state={{ forbidden: "Only workspace owners can see analytics.", testId: "analytics-forbidden" }}
      />
    );
  }

  return (
    <main
      id="main"
      class="page analytics-page"
      data-testid="analytics"
      aria-busy={loading}
      data-loaded={data && !loading ? "true" : "false"}
    >
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Analytics
          </h1>
          <p class="sub">
            Conversations that started between these dates (UTC), computed from their recorded events.{" "}
            <a href="#/reports" data-testid="to-reports">
              Weekly reports
            </a>
          </p>
        </div>
        <form class="range" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
          {PRESETS.map((n) => {
            const p = lastDays(n);
            const on = p.from === range.from && p.to === range.to;
            return (
              <button
                key={n}
                type="button"
                class={`btn btn-small ${on ? "btn-secondary" : "btn-quiet"}`}
                aria-pressed={on}
                onClick={() => setRange(p)}
                data-testid={`range-${n}`}
              >
                {n} days
              </button>
            );
          })}
          <label>
            From{" "}
            <input
              type="date"
              value={range.from}
              max={range.to}
              onChange={(e) => setRange({ ...range, from: e.currentTarget.value })}
              data-testid="range-from"
            />
          </label>
          <label>
            To{" "}
            <input
              type="date"
              value={range.to}
              min={range.from}
              onChange={(e) => setRange({ ...range, to: e.currentTarget.value })}
              data-testid="range-to"
            />
          </label>
        </form>
      </div>
      {error && (
        <p class="alert" role="alert" data-testid="analytics-error">
          {error}
        </p>
      )}
      {data && <Report r={data} />}
      {!data && !error && <p class="empty">Loading figures…</p>}
    </main>
  );
}

function Report({ r }: { r: AnalyticsReport }) {
  const csv = (chart: string) => csvHref(chart, r.from, r.to);
  const channel = pivot(r.volumeByChannel, r.from, r.to);
  const category = pivot(r.volumeByCategory, r.from, r.to);
  const total = (rows: { conversations: number }[]) => rows.reduce((a, b) => a + b.conversations, 0);
  return (
    <>
      <section class="tiles" aria-label="Targets" data-testid="tiles">
        {tiles(r).map((t) => (
          <TileView key={t.id} t={t} />
        ))}
      </section>
      <div class="counts">
        <p class="sub" data-testid="counts">
          {r.summary.conversations} conversations · {r.summary.resolved} resolved · {r.summary.ratings} ratings ·{" "}
          {r.summary.awaitingVerdict} handoffs awaiting an agent's verdict
        </p>
        <a class="btn btn-quiet btn-small" href={csv("summary")} download data-testid="csv-summary">
          CSV<span class="visually-hidden"> of the headline figures</span>
        </a>
      </div>
      <div class="grid">
        <Panel
          id="volume-channel"
          title="Conversations by channel"
          sub={`${total(r.volumeByChannel)} in range, per day`}
          csv={csv("volumeByChannel")}
        >
          <Columns title="Conversations per day by channel" days={channel.days} series={channel.series} />
          <Legend names={channel.series.map((s) => s.key)} />
          <DataTable
            columns={["day", ...channel.series.map((s) => s.key)]}
            rows={channel.days.map((d, i) => [d, ...channel.series.map((s) => s.points[i] ?? 0)])}
          />
        </Panel>
        <Panel
          id="volume-category"
          title="Conversations by category"
          sub="The category of the first article a conversation touched"
          csv={csv("volumeByCategory")}
        >
          <Columns title="Conversations per day by category" days={category.days} series={category.series} />
          <Legend names={category.series.map((s) => s.key)} />
          <DataTable
            columns={["day", ...category.series.map((s) => s.key)]}
            rows={category.days.map((d, i) => [d, ...category.series.map((s) => s.points[i] ?? 0)])}
          />
        </Panel>
        <DistributionPanel
          id="first-response"
          title="First response time"
          csv={csv("firstResponse")}
          ds={r.firstResponse.filter((d) => d.kind !== "any")}
          names={{ bot: "Bot", human: "People" }}
        />
        <DistributionPanel
          id="resolution"
          title="Resolution time"
          csv={csv("resolution")}
          ds={r.resolution.filter((d) => d.kind !== "all")}
          names={{ auto: "Auto-resolved", assisted: "With an agent" }}
        />
        <Panel
          id="csat"
          title="Customer ratings"
          sub={`${r.summary.ratings} ratings, average ${r.summary.csatAverage?.toFixed(2) ?? "—"}`}
          csv={csv("csat")}
        >
          <BarChart
            title="Ratings by score"
            names={["ratings"]}
            bars={r.csat.map((c) => ({ label: `${c.score} ★`, values: [c.count] }))}
          />
          <DataTable columns={["score", "ratings"]} rows={r.csat.map((c) => [c.score, c.count])} />
        </Panel>
        <Panel
          id="handoff-reasons"
          title="Handoff reasons"
          sub="Handed-off conversations by why, with the agents' verdicts"
          csv={csv("handoffReasons")}
        >
          {r.handoffReasons.length ? (
            <>
              <StackedBars
                title="Handoffs by reason and verdict"
                names={["needed", "not needed", "no verdict"]}
                rows={r.handoffReasons.map((h) => ({
                  label: describeReason(h.reason),
                  values: [h.needed, h.notNeeded, h.unmarked],
                }))}
              />
              <Legend names={["needed", "not needed", "no verdict"]} />
            </>
          ) : (
            <p class="none">No handoffs in this range.</p>
          )}
          <DataTable
            columns={["reason", "handoffs", "needed", "not needed", "no verdict"]}
            rows={r.handoffReasons.map((h) => [
              describeReason(h.reason),
              h.handoffs,
              h.needed,
              h.notNeeded,
              h.unmarked,
            ])}
          />
        </Panel>
        <Panel
          id="top-articles"
          title="Top articles"
          sub="What the bot answered with most, and how customers took it"
          csv={csv("topArticles")}
          wide
        >
          {r.topArticles.length ? (
            <table class="articles" data-testid="top-articles">
              <thead>
                <tr>
                  <th scope="col">Article</th>
                  <th scope="col" class="num">
                    Answers
                  </th>
                  <th scope="col" class="num">
                    Helpful
                  </th>
                  <th scope="col" class="num">
                    Not helpful
                  </th>
                  <th scope="col" class="num">
                    Handoffs after
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.topArticles.map((a) => (
                  <tr key={a.articleId}>
                    <th scope="row">
                      <a href={`#/kb/a/${a.articleId}`}>{a.title}</a>
                      <div
                        class="bar"
                        style={{ width: `${(a.answers / Math.max(1, r.topArticles[0]?.answers ?? 1)) * 100}%` }}
                        aria-hidden="true"
                      />
                    </th>
                    <td class="num">{a.answers}</td>
                    <td class="num">{a.helpful}</td>
                    <td class="num">{a.notHelpful}</td>
                    <td class="num">{a.handoffsAfter}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="none">The bot answered nothing in this range.</p>
          )}
        </Panel>
        <Panel id="gaps" title="Knowledge gaps" sub="Questions the KB could not answer, grouped" csv={csv("gaps")} wide>
          {r.gaps.length ? (
            <ol class="gaps" data-testid="gaps">
              {r.gaps.map((g) => (
                <li key={g.key}>
                  <span class="gap-count">{g.questions}</span>
                  <div>
                    <a href="#/kb/gaps">{g.title}</a>
                    <p class="sub">{g.reasons}</p>
                  </div>
                </li>
              ))}
            </ol>
          ) : (
            <p class="none">No gaps in this range.</p>
          )}
          <p class="more">
            <a href="#/kb/gaps" data-testid="gaps-link">
              Open the gaps page to draft articles →
            </a>
          </p>
        </Panel>
      </div>
      <p class="sub timings">
        Computed {new Date(r.generatedAt).toLocaleString()} in{" "}
        {Object.values(r.timings)
          .reduce((a, b) => a + b, 0)
          .toFixed(0)}{" "}
        ms · definitions in docs/analytics.md
      </p>
    </>
  );
}

function TileView({ t }: { t: Tile }) {
  const state = t.met === null ? "none" : t.met ? "pass" : "fail";
  return (
    <article
      class={`tile ${state}`}
      data-testid={`tile-${t.id}`}
      data-value={t.value ?? ""}
      data-met={String(t.met)}
      aria-labelledby={`tile-${t.id}-h`}
    >
      <h2 id={`tile-${t.id}-h`}>{t.title}</h2>
      <p class="tile-value" data-testid="tile-value">
        {t.shown}
      </p>
      <p class={`verdict ${state}`}>{t.met === null ? "No data yet" : t.met ? "✓ Meets target" : "✗ Below target"}</p>
      <svg class="meter" viewBox="0 0 200 18" role="img" aria-label={`${t.shown}, ${t.targetText}`}>
        <rect x="0" y="5" width="200" height="8" rx="4" class="track" />
        <rect x="0" y="5" width={Math.max(2, t.scale.value * 200)} height="8" rx="4" class="fill" />
        <line x1={t.scale.target * 200} x2={t.scale.target * 200} y1="0" y2="18" class="target" />
      </svg>
      <p class="target-text">{t.targetText}</p>
      <p class="sub">{t.detail}</p>
    </article>
  );
}

function DistributionPanel({
  id,
  title,
  csv,
  ds,
  names,
}: {
  id: string;
  title: string;
  csv: string;
  ds: Distribution[];
  names: Record<string, string>;
}) {
  const labels = ds[0]?.buckets.map((b) => b.label) ?? [];
  const legend = ds.map((d) => names[d.kind] ?? d.kind);
  return (
    <Panel
      id={id}
      title={title}
      sub={ds.map((d) => `${names[d.kind] ?? d.kind}: p50 ${ms(d.p50)}, p90 ${ms(d.p90)} (n ${d.n})`).join(" · ")}
      csv={csv}
    >
      <BarChart
        title={`${title} distribution`}
        names={legend}
        bars={labels.map((label, i) => ({ label, values: ds.map((d) => d.buckets[i]?.count ?? 0) }))}
      />
      <Legend names={legend} />
      <DataTable
        columns={["bucket", ...legend]}
        rows={[
          ...labels.map((label, i) => [label, ...ds.map((d) => d.buckets[i]?.count ?? 0)]),
          ["p50", ...ds.map((d) => ms(d.p50))],
          ["p90", ...ds.map((d) => ms(d.p90))],
        ]}
      />
    </Panel>
  );
}
