// The product owner's analytics API, `/api/analytics`: owners only (or the ADMIN_TOKEN with
// `?workspace=`), because it is the whole workspace's performance, not one agent's work.
import { Hono } from "hono";
import { analyticsQuerySchema, CHARTS, type ChartId } from "../../../shared/analytics.ts";
import { chartTable, rangeOf, report, toCsv } from "./report.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, parseOr400 } from "../../http/errors.ts";
import { requireAdmin } from "../../middleware/auth.ts";

export const analytics = new Hono<AppEnv>();
analytics.use(requireAdmin({ role: "owner" }));

function range(c: { req: { query(): Record<string, string> } }, workspaceId: string) {
  const q = parseOr400(analyticsQuerySchema, c.req.query(), "query");
  const r = rangeOf(workspaceId, q);
  if (r.to <= r.from) throw new ApiFailure(400, "invalid_range", "`from` must not be after `to`");
  if (r.to - r.from > 366 * 86_400_000) throw new ApiFailure(400, "invalid_range", "a range is at most 366 days");
  return r;
}

analytics.get("/", async (c) => c.json(await report(c.env.DB, range(c, c.get("agent").workspaceId))));

analytics.get("/:file", async (c) => {
  const m = /^([A-Za-z]+)\.csv$/.exec(c.req.param("file"));
  const chart = m?.[1] as ChartId | undefined;
  if (!chart || !CHARTS.includes(chart))
    throw new ApiFailure(404, "not_found", `no chart of that name; charts: ${CHARTS.join(", ")}`);
  const r = range(c, c.get("agent").workspaceId);
  const csv = toCsv(await chartTable(c.env.DB, r, chart));
  return c.body(csv, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="edgedesk-${chart}-${r.fromDay}-to-${r.toDay}.csv"`,
    "cache-control": "no-store",
  });
});
