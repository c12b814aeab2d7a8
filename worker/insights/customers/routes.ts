// `/api/customer-health` (docs/customer-health.md): customers' health and the at-risk list (any agent of the
// workspace: they talk to these customers), and the alert rules (owners). Workspace: the session's.
// Budget: HEALTH_BUDGET per person (a list reads up to 120 days of conversation signals).
import { Hono, type Context } from "hono";
import type * as z from "zod/mini";
import {
  type CustomerHealth,
  type healthListSchema,
  healthQuerySchema,
  type healthRuleListSchema,
  healthRuleInputSchema,
  type HealthRule,
  outreachDraftSchema,
} from "../../../shared/customer-health.ts";
import { parseJson } from "../../../shared/json.ts";
import { audit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { rateLimit } from "../../middleware/rate-limit.ts";
import { type ConversationSignals, HISTORY_DAYS, healthOf } from "./score.ts";

export const HEALTH_BUDGET = { perSecond: 0.5, burst: 30 };
/** Signals read per list: 120 days of a busy desk; past it, the newest. */
const MAX_ROWS = 20_000;
const MAX_RULES = 50;

export const healthApi = new Hono<AppEnv>();
healthApi.use(requireAgent());
healthApi.use(
  rateLimit({
    limits: () => HEALTH_BUDGET,
    key: (c) => `health:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);
const owner = requireAgent({ role: "owner" });

type Row = {
  conversation_id: string;
  contact_id: string | null;
  company: string | null;
  started_at: number;
  state: string;
  customer_messages: number;
  negative: number;
  handoffs: number;
  breached: number;
  csat: number | null;
  email: string | null;
  name: string | null;
};

async function rowsOf(
  c: Context<AppEnv>,
  now: number,
): Promise<(ConversationSignals & { email: string | null; name: string | null })[]> {
  const r = await c.env.DB.prepare(
    `SELECT h.*, k.email, k.name FROM conversation_health h LEFT JOIN contacts k ON k.id = h.contact_id
     WHERE h.workspace_id = ? AND h.started_at >= ? ORDER BY h.started_at DESC LIMIT ?`,
  )
    .bind(c.get("agent").workspaceId, now - HISTORY_DAYS * 86_400_000, MAX_ROWS)
    .all<Row>();
  return r.results.map((x) => ({
    conversationId: x.conversation_id,
    contactId: x.contact_id,
    company: x.company,
    startedAt: x.started_at,
    state: x.state,
    customerMessages: x.customer_messages,
    negative: x.negative,
    handoffs: x.handoffs,
    breached: x.breached,
    csat: x.csat,
    email: x.email,
    name: x.name,
  }));
}

function ranked(list: CustomerHealth[], atRisk: boolean, limit: number): CustomerHealth[] {
  return list
    .filter((h) => !atRisk || h.level === "at-risk")
    .sort((a, b) => a.score - b.score || b.lastAt - a.lastAt || a.key.localeCompare(b.key))
    .slice(0, limit);
}

/** Contacts (customers with an email or a verified identity), least healthy first. */
healthApi.get("/contacts", async (c) => {
  const q = parseOr400(healthQuerySchema, c.req.query(), "query");
  const now = Date.now();
  const rows = await rowsOf(c, now);
  const by = new Map<string, typeof rows>();
  for (const r of rows) if (r.contactId) by.set(r.contactId, [...(by.get(r.contactId) ?? []), r]);
  const list = [...by.entries()].map(([id, rs]) => {
    const first = rs[0];
    return healthOf(
      {
        key: id,
        kind: "contact",
        name: first?.name ?? first?.email ?? id,
        ...(first?.email ? { email: first.email } : {}),
        ...(first?.company ? { company: first.company } : {}),
      },
      rs,
      now,
    );
  });
  const body: z.infer<typeof healthListSchema> = { customers: ranked(list, q.atRisk === "1", q.limit ?? 100) };
  return c.json(body);
});

/** Companies: contacts grouped by a signed `company` attribute or their (non-free-mail) email domain. */
healthApi.get("/companies", async (c) => {
  const q = parseOr400(healthQuerySchema, c.req.query(), "query");
  const now = Date.now();
  const rows = await rowsOf(c, now);
  const by = new Map<string, typeof rows>();
  for (const r of rows) if (r.company) by.set(r.company, [...(by.get(r.company) ?? []), r]);
  const list = [...by.entries()].map(([name, rs]) => healthOf({ key: name, kind: "company", name }, rs, now));
  const body: z.infer<typeof healthListSchema> = { customers: ranked(list, q.atRisk === "1", q.limit ?? 100) };
  return c.json(body);
});

type RuleRow = {
  id: string;
  name: string;
  signal: HealthRule["signal"];
  threshold: number;
  days: number;
  notify: "slack" | "email";
  alert: number;
  outreach: string | null;
  created_at: number;
};
const ruleOf = (r: RuleRow): HealthRule => ({
  id: r.id,
  name: r.name,
  signal: r.signal,
  threshold: r.threshold,
  days: r.days,
  notify: r.notify,
  alert: r.alert !== 0,
  ...(r.outreach ? { outreach: parseJson(outreachDraftSchema, r.outreach, `outreach draft of rule ${r.id}`) } : {}),
  createdAt: r.created_at,
});

healthApi.get("/rules", owner, async (c) => {
  const r = await c.env.DB.prepare("SELECT * FROM health_rules WHERE workspace_id = ? ORDER BY created_at")
    .bind(c.get("agent").workspaceId)
    .all<RuleRow>();
  const body: z.infer<typeof healthRuleListSchema> = { rules: r.results.map(ruleOf) };
  return c.json(body);
});

healthApi.post("/rules", owner, async (c) => {
  const body = parseOr400(healthRuleInputSchema, await jsonBody(c), "body");
  if (body.alert === false && !body.outreach)
    throw new ApiFailure(400, "invalid_body", "body: a rule that does not alert must propose an outreach");
  const ws = c.get("agent").workspaceId;
  const n = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM health_rules WHERE workspace_id = ?")
    .bind(ws)
    .first<{ n: number }>();
  if ((n?.n ?? 0) >= MAX_RULES) throw new ApiFailure(409, "too_many_rules", `at most ${MAX_RULES} rules per workspace`);
  const id = `hr_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const row = await c.env.DB.prepare(
    "INSERT INTO health_rules (id, workspace_id, name, signal, threshold, days, notify, alert, outreach, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
  )
    .bind(
      id,
      ws,
      body.name,
      body.signal,
      body.threshold,
      body.days,
      body.notify,
      body.alert === false ? 0 : 1,
      body.outreach ? JSON.stringify(body.outreach) : null,
      c.get("agent").id,
      Date.now(),
    )
    .first<RuleRow>();
  if (!row) throw new Error("health rule: the insert returned nothing");
  await audit(c, { action: "health.rule.create", target: { type: "health_rule", id }, after: body });
  return c.json(ruleOf(row), 201);
});

healthApi.delete("/rules/:rid", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const gone = await c.env.DB.prepare("DELETE FROM health_rules WHERE id = ? AND workspace_id = ? RETURNING id")
    .bind(c.req.param("rid"), ws)
    .first();
  if (!gone) throw new ApiFailure(404, "not_found", "no such rule");
  await audit(c, { action: "health.rule.delete", target: { type: "health_rule", id: c.req.param("rid") } });
  return c.json({ ok: true });
});
