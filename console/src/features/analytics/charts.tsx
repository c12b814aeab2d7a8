// Hand-written SVG charts: stacked columns for volume over time, grouped bars for distributions, and
// horizontal stacked bars for handoff reasons. Each is an <svg role="img"> with a title and a one-line
// summary for screen readers; the exact numbers are in the data table next to every chart.
import type { ComponentChildren } from "preact";
import { ticks, type Series } from "./figures.ts";

export const PALETTE = ["#2550c8", "#0f8a6a", "#c2410c", "#7c3aed", "#b8860b", "#0e7490", "#6b7280"];

const W = 560;
const PAD = { l: 40, r: 12, t: 12, b: 28 };

export type Bar = { label: string; values: number[] };

/** Grouped vertical bars: one group per label, one bar per series (`names`). */
export function BarChart({
  title,
  bars,
  names,
  format = String,
}: {
  title: string;
  bars: Bar[];
  names: string[];
  format?: (v: number) => string;
}) {
  const H = 200;
  const max = Math.max(1, ...bars.flatMap((b) => b.values));
  const ys = ticks(max);
  const top = ys[ys.length - 1] ?? max;
  const y = (v: number) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  const slot = (W - PAD.l - PAD.r) / Math.max(1, bars.length);
  const bw = Math.min(28, (slot - 8) / Math.max(1, names.length));
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      class="chart"
      role="img"
      aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.values.map(format).join("/")}`).join(", ")}`}
    >
      <title>{title}</title>
      <Grid ys={ys} y={y} />
      {bars.map((b, i) => {
        const x0 = PAD.l + i * slot + (slot - bw * names.length) / 2;
        return (
          <g key={b.label}>
            {b.values.map((v, k) => (
              <rect
                key={k}
                x={x0 + k * bw}
                y={y(v)}
                width={bw - 2}
                height={Math.max(0, H - PAD.b - y(v))}
                rx="2"
                fill={PALETTE[k % PALETTE.length]}
              >
                <title>{`${names[k] ?? ""} ${b.label}: ${format(v)}`}</title>
              </rect>
            ))}
            <text x={PAD.l + i * slot + slot / 2} y={H - 8} class="axis" text-anchor="middle">
              {b.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Horizontal stacked bars, one row per label. */
export function StackedBars({ title, rows, names }: { title: string; rows: Bar[]; names: string[] }) {
  const rowH = 26;
  const H = PAD.t + rows.length * rowH + 8;
  const labelW = 190;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const scale = (v: number) => (v / max) * (W - labelW - 40);
  return (
    <svg
      viewBox={`0 0 ${W} ${Math.max(H, 40)}`}
      class="chart"
      role="img"
      aria-label={`${title}: ${rows.map((r) => `${r.label} ${r.values.reduce((a, b) => a + b, 0)}`).join(", ")}`}
    >
      <title>{title}</title>
      {rows.map((r, i) => {
        let x = labelW;
        const y = PAD.t + i * rowH;
        return (
          <g key={r.label}>
            <text x={labelW - 8} y={y + 14} class="axis" text-anchor="end">
              {r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label}
            </text>
            {r.values.map((v, k) => {
              const w = scale(v);
              const el = (
                <rect key={k} x={x} y={y + 2} width={w} height={rowH - 8} fill={PALETTE[k % PALETTE.length]}>
                  <title>{`${r.label}, ${names[k] ?? ""}: ${v}`}</title>
                </rect>
              );
              x += w;
              return el;
            })}
            <text x={x + 6} y={y + 14} class="axis">
              {r.values.reduce((a, b) => a + b, 0)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Grid({ ys, y }: { ys: number[]; y: (v: number) => number }) {
  return (
    <g>
      {ys.map((v) => (
        <g key={v}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} class="grid" />
          <text x={PAD.l - 6} y={y(v) + 4} class="axis" text-anchor="end">
            {v}
          </text>
        </g>
      ))}
    </g>
  );
}

export function Legend({ names }: { names: string[] }) {
  return (
    <ul class="legend">
      {names.map((n, k) => (
        <li key={n}>
          <span class="swatch" style={{ background: PALETTE[k % PALETTE.length] }} aria-hidden="true" />
          {n}
        </li>
      ))}
    </ul>
  );
}

/** The chart's numbers as a table, folded away until asked for. */
export function DataTable({ columns, rows }: { columns: string[]; rows: (string | number)[][] }) {
  return (
    <details class="data">
      <summary>Data table</summary>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, k) =>
                k === 0 ? (
                  <th key={k} scope="row">
                    {c}
                  </th>
                ) : (
                  <td key={k}>{c}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function Panel({
  id,
  title,
  sub,
  csv,
  children,
  wide,
}: {
  id: string;
  title: string;
  sub?: string;
  csv: string;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <section class={`panel${wide ? " wide" : ""}`} aria-labelledby={`${id}-h`} data-testid={`chart-${id}`}>
      <div class="panel-head">
        <div>
          <h2 id={`${id}-h`}>{title}</h2>
          {sub && <p class="sub">{sub}</p>}
        </div>
        <a class="btn btn-quiet btn-small" href={csv} download data-testid={`csv-${id}`}>
          CSV<span class="visually-hidden"> of {title}</span>
        </a>
      </div>
      {children}
    </section>
  );
}

/** Stacked columns per day: counts over time, one colour per series. */
export function Columns({ title, days, series }: { title: string; days: string[]; series: Series[] }) {
  const H = 200;
  const totals = days.map((_, i) => series.reduce((a, s) => a + (s.points[i] ?? 0), 0));
  const ys = ticks(Math.max(1, ...totals));
  const top = ys[ys.length - 1] ?? 1;
  const y = (v: number) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  const slot = (W - PAD.l - PAD.r) / Math.max(1, days.length);
  const bw = Math.max(2, Math.min(24, slot * 0.7));
  const every = Math.max(1, Math.ceil(days.length / 7));
  const sum = totals.reduce((a, b) => a + b, 0);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      class="chart"
      role="img"
      aria-label={`${title}: ${sum} conversations over ${days.length} days; ${series.map((s) => `${s.key} ${s.points.reduce((a, b) => a + b, 0)}`).join(", ")}`}
    >
      <title>{title}</title>
      <Grid ys={ys} y={y} />
      {days.map((d, i) => {
        const x = PAD.l + i * slot + (slot - bw) / 2;
        let base = 0;
        return (
          <g key={d}>
            {series.map((s, k) => {
              const v = s.points[i] ?? 0;
              if (!v) return null;
              const el = (
                <rect
                  key={s.key}
                  x={x}
                  y={y(base + v)}
                  width={bw}
                  height={y(base) - y(base + v)}
                  fill={PALETTE[k % PALETTE.length]}
                >
                  <title>{`${d} ${s.key}: ${v}`}</title>
                </rect>
              );
              base += v;
              return el;
            })}
            {(i % every === 0 || i === days.length - 1) && (
              <text x={PAD.l + i * slot + slot / 2} y={H - 8} class="axis" text-anchor="middle">
                {d.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
