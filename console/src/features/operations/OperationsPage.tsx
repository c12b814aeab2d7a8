// #/ops (owners): is the desk healthy right now? The last hour (5-minute buckets) or day (hourly):
// time to first token, requests, answer decisions, handoffs by reason, webhook attempts, publishes,
// errors and latency by route, and the webhook outbox. Refreshed every 30 s while open. Figures come
// from Workers Analytics Engine in production and from D1 under `npm run dev` (docs/operations.md).
// Loaded on demand, like the analytics page, whose charts it shares.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { opsReportSchema, type OpsCount, type OpsReport, type OpsWindow } from "../../../../shared/ops.ts";
import { BarChart, DataTable, Legend, StackedBars } from "../analytics/charts.tsx";
import "../analytics/analytics.css";
import { api, errorMessage } from "../../lib/api.ts";
import { describeReason } from "../../lib/format.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { bucketLabel, duration, opsTiles, sourceText } from "./figures.ts";
import "./operations.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

const REFRESH_MS = 30_000;

export function OperationsPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [span, setSpan] = useState<OpsWindow>("hour");
  const [data, setData] = useState<OpsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const owner = me.role === "owner";

  useEffect(() => {
    if (!owner) return;
    const ctl = new AbortController();
    api(`/api/ops/metrics?window=${span}`, opsReportSchema, { signal: ctl.signal }).then(
      (r) => {
        setData(r);
        setError(null);
      },
      (e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setError(errorMessage(e));
      },
    );
    const t = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => {
      ctl.abort();
      clearTimeout(t);
    };
  }, [owner, span, tick]);

  if (!owner)
    return (
      <PageScaffold
        title="Operations"
        class="analytics-page"
        state={{ forbidden: "Only workspace owners can see operations.", testId: "ops-forbidden" }}
      />
    );

  return (
    <main
      id="main"
      class="page analytics-page ops-page"
      data-testid="ops"
      data-loaded={data && data.window === span ? "true" : "false"}
    >
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Operations
          </h1>
          <p class="sub" data-testid="ops-source">
            {data ? sourceText(data) : "Loading…"}
            {data?.note && <span class="ops-note"> · {data.note}</span>}
          </p>
        </div>
        <div class="range" role="group" aria-label="Window">
          {(["hour", "day"] as const).map((w) => (
            <button
              key={w}
              type="button"
              class={`btn btn-small ${w === span ? "btn-secondary" : "btn-quiet"}`}
              aria-pressed={w === span}
              onClick={() => setSpan(w)}
              data-testid={`ops-window-${w}`}
            >
              Last {w}
            </button>
          ))}
        </div>
      </div>
      {error && (
        <p class="alert" role="alert" data-testid="ops-error">
          {error}
        </p>
      )}
      {data && <Report r={data} />}
    </main>
  );
}

function Report({ r }: { r: OpsReport }) {
  const labels = r.firstToken.map((p) => bucketLabel(p.t));
  const every = r.window === "hour" ? 1 : 3;
  const thin = (l: string, i: number) => (i % every === 0 ? l : "");
  return (
    <>
      <section class="tiles" aria-label="Now" data-testid="ops-tiles">
        {opsTiles(r).map((t) => (
          <div key={t.id} class={`tile ops-${t.state}`} data-testid={`ops-tile-${t.id}`}>
            <h2>{t.label}</h2>
            <p class="tile-value">{t.value}</p>
            <p class="sub">{t.note}</p>
          </div>
        ))}
      </section>
      <div class="grid">
        <OpsPanel
          id="first-token"
          title="Time to first token"
          sub="From the customer's message to the bot's first words"
        >
          <BarChart
            title="First token p50 and p95 per bucket (ms)"
            names={["p50", "p95"]}
            bars={r.firstToken.map((p, i) => ({ label: thin(labels[i] ?? "", i), values: [p.p50 ?? 0, p.p95 ?? 0] }))}
            format={(v) => duration(v)}
          />
          <Legend names={["p50", "p95"]} />
          <DataTable
            columns={["from", "answers", "p50", "p95"]}
            rows={r.firstToken.map((p, i) => [labels[i] ?? "", p.n, duration(p.p50), duration(p.p95)])}
          />
        </OpsPanel>
        <OpsPanel id="requests" title="Requests" sub="Every API request the worker answered, and its p95 latency">
          <BarChart
            title="Requests per bucket"
            names={["requests"]}
            bars={r.requests.map((p, i) => ({ label: thin(labels[i] ?? "", i), values: [p.n] }))}
          />
          <DataTable
            columns={["from", "requests", "p95"]}
            rows={r.requests.map((p, i) => [labels[i] ?? "", p.n, duration(p.p95)])}
          />
        </OpsPanel>
        <CountsPanel
          id="answers"
          title="Answer decisions"
          sub="What the bot did with each question"
          counts={r.answers}
        />
        <CountsPanel
          id="handoffs"
          title="Handoffs by reason"
          sub="Why conversations went to a person"
          counts={r.handoffs.map((h) => ({ ...h, label: describeReason(h.label) }))}
        />
        <CountsPanel
          id="webhooks"
          title="Webhook attempts"
          sub="Each delivery attempt's outcome (retry: failed, tried again later)"
          counts={r.webhooks}
        />
        <OpsPanel id="publishes" title="Knowledge publishes" sub="Jobs finished and how long they took">
          {r.publishes.some((p) => p.n) && (
            <BarChart
              title="Publish time p50 and p95 per bucket"
              names={["p50", "p95"]}
              bars={r.publishes.map((p, i) => ({ label: thin(labels[i] ?? "", i), values: [p.p50 ?? 0, p.p95 ?? 0] }))}
              format={(v) => duration(v)}
            />
          )}
          <DataTable
            columns={["from", "jobs", "p50", "p95"]}
            rows={r.publishes.filter((p) => p.n).map((p) => [bucketLabel(p.t), p.n, duration(p.p50), duration(p.p95)])}
          />
          {!r.publishes.some((p) => p.n) && <p class="none">No publish in this window.</p>}
        </OpsPanel>
        <OpsPanel id="routes" title="Routes" sub="Busiest routes and their p95 latency; server errors below" wide>
          <table class="articles" data-testid="ops-route-table">
            <thead>
              <tr>
                <th scope="col">Route</th>
                <th scope="col" class="num">
                  Requests
                </th>
                <th scope="col" class="num">
                  p95
                </th>
              </tr>
            </thead>
            <tbody>
              {r.latencyByRoute.map((x) => (
                <tr key={x.label}>
                  <th scope="row">
                    <code>{x.label}</code>
                  </th>
                  <td class="num">{x.n}</td>
                  <td class="num">{duration(x.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 class="ops-sub">Server errors by route</h3>
          {r.errorsByRoute.length ? (
            <ul class="ops-errors" data-testid="ops-errors">
              {r.errorsByRoute.map((e) => (
                <li key={e.label}>
                  <code>{e.label}</code>: {e.n}
                </li>
              ))}
            </ul>
          ) : (
            <p class="none" data-testid="ops-errors-none">
              No server errors in this window.
            </p>
          )}
        </OpsPanel>
      </div>
    </>
  );
}

function OpsPanel({
  id,
  title,
  sub,
  wide,
  children,
}: {
  id: string;
  title: string;
  sub: string;
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <section class={`panel${wide ? " wide" : ""}`} aria-labelledby={`ops-${id}-h`} data-testid={`ops-${id}`}>
      <div class="panel-head">
        <div>
          <h2 id={`ops-${id}-h`}>{title}</h2>
          <p class="sub">{sub}</p>
        </div>
      </div>
      {children}
    </section>
  );
}

function CountsPanel({ id, title, sub, counts }: { id: string; title: string; sub: string; counts: OpsCount[] }) {
  const n = counts.reduce((a, c) => a + c.n, 0);
  return (
    <OpsPanel id={id} title={title} sub={`${sub}: ${n} in this window`}>
      {counts.length ? (
        <StackedBars title={title} names={["count"]} rows={counts.map((c) => ({ label: c.label, values: [c.n] }))} />
      ) : (
        <p class="none">None in this window.</p>
      )}
      <DataTable columns={["", "count"]} rows={counts.map((c) => [c.label, c.n])} />
    </OpsPanel>
  );
}
