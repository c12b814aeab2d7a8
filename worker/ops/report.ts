// The operations page's figures for the last hour (5-minute buckets) or day (hourly buckets): from D1
// `ops_metrics` when METRICS_D1=on (local), else from Workers Analytics Engine through its SQL API
// (CF_ACCOUNT_ID + CF_API_TOKEN), else none with a note saying what to set. Both give the same rows,
// summarised by worker/ops/summary.ts, so the page is the same.
//
// Scope: an owner sees their workspace's points plus those without a workspace (requests before a
// workspace is known: login, /health, 404s); the operator token sees every workspace.
import type { OpsReport, OpsWindow } from "../../shared/ops.ts";
import type { Env } from "../env.ts";
import { aeRows, type MetricRow, summarise, windowStart } from "./summary.ts";

/** Local: every point of the window, as rows of one. */
export async function d1Rows(db: D1Database, from: number, workspaceId: string | null): Promise<MetricRow[]> {
  const r = await db
    .prepare(
      `SELECT at, name, label, label2, value FROM ops_metrics WHERE at >= ?1 AND (?2 IS NULL OR workspace_id IN (?2, '')) ORDER BY at LIMIT 100000`,
    )
    .bind(from, workspaceId)
    .all<{ at: number; name: string; label: string; label2: string; value: number }>();
  return r.results.map((x) => ({ t: x.at, name: x.name, label: x.label, label2: x.label2, n: 1, values: [x.value] }));
}

export async function opsReport(
  env: Env,
  window: OpsWindow,
  workspaceId: string | null,
  backlog: OpsReport["backlog"],
  now = Date.now(),
): Promise<OpsReport> {
  const from = windowStart(window, now);
  try {
    if (env.METRICS_D1 === "on") return summarise(await d1Rows(env.DB, from, workspaceId), window, now, "d1", backlog);
    if (env.CF_ACCOUNT_ID && env.CF_API_TOKEN)
      return summarise(
        await aeRows(
          { accountId: env.CF_ACCOUNT_ID, token: env.CF_API_TOKEN, dataset: env.METRICS_DATASET || "edgedesk_metrics" },
          window,
          workspaceId,
        ),
        window,
        now,
        "analytics-engine",
        backlog,
      );
  } catch (e) {
    return summarise([], window, now, env.METRICS_D1 === "on" ? "d1" : "analytics-engine", backlog, String(e));
  }
  return summarise(
    [],
    window,
    now,
    "none",
    backlog,
    env.METRICS
      ? "metrics are written to Analytics Engine; set the CF_ACCOUNT_ID and CF_API_TOKEN secrets (Account Analytics: Read) to chart them here"
      : "no metrics store: bind analytics_engine_datasets METRICS (docs/operations.md)",
  );
}
