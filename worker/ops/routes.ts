// The operator's API: `/api/ops/metrics?window=hour|day` (an owner's session: their workspace) and
// `/admin/v1/ops/metrics` (the ADMIN_TOKEN, the operator: every workspace). Read-only, a few D1 or
// SQL API queries per call: 1 request a second per caller, bursts of 10.
import { Hono } from "hono";
import { opsQuerySchema } from "../../shared/ops.ts";
import type { AppEnv } from "../env.ts";
import { parseOr400 } from "../http/errors.ts";
import { OPERATOR, ownerOrOperator } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { opsReport } from "./report.ts";

export const ops = new Hono<AppEnv>();
// A session is one workspace's owner; the ADMIN_TOKEN is the operator of the whole deployment.
ops.use(ownerOrOperator());
ops.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.OPS_RATE_LIMIT, { perSecond: 1, burst: 10 }),
    key: (c) => `ops:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

ops.get("/metrics", async (c) => {
  const { window } = parseOr400(opsQuerySchema, c.req.query(), "query");
  const agent = c.get("agent");
  // The bearer token is the operator of the whole deployment; a session is one workspace's owner.
  const scope = agent.id === OPERATOR.id ? null : agent.workspaceId;
  const backlog = await c.env.NOTIFIER.get(c.env.NOTIFIER.idFromName(agent.workspaceId)).backlog();
  return c.json(await opsReport(c.env, window, scope, backlog), 200, { "cache-control": "no-store" });
});
