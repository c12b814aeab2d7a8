// `/api/reports` (docs/weekly-report.md): the workspace's weekly reports. Who: owners. On what: their
// workspace. How often: REPORT_BUDGET per person (a report is a dozen D1 queries; sending it mails
// every owner).
import { Hono } from "hono";
import type * as z from "zod/mini";
import { reportRunSchema, type WeeklyReport, type weeklyReportListSchema } from "../../../shared/health.ts";
import { audit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { rateLimit } from "../../middleware/rate-limit.ts";
import { listReports, reportOnDemand } from "./deliver.ts";

export const REPORT_BUDGET = { perSecond: 0.2, burst: 10 };

export const reportsApi = new Hono<AppEnv>();
reportsApi.use(requireAgent({ role: "owner" }));
reportsApi.use(
  rateLimit({
    limits: () => REPORT_BUDGET,
    key: (c) => `reports:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

reportsApi.get("/weekly", async (c) => {
  const body: z.infer<typeof weeklyReportListSchema> = {
    reports: await listReports(c.env.DB, c.get("agent").workspaceId),
  };
  return c.json(body);
});

reportsApi.post("/weekly/run", async (c) => {
  const body = parseOr400(reportRunSchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  const r: WeeklyReport = await reportOnDemand(
    c.env,
    ws,
    body.send === true,
    Date.now(),
    new URL(c.req.url).origin,
    body.week ?? "last",
  );
  if (body.send)
    await audit(c, {
      action: "report.weekly.sent",
      target: { type: "workspace", id: ws },
      after: { week: r.week, sent: r.sent },
    });
  return c.json(r);
});
