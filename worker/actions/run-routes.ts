// Actions from the console, `/api/action-runs` (any agent of the workspace; docs/actions.md "For
// agents"): which actions can run for a conversation's customer, running one with the customer's
// context (the same gates as the bot: identity fields must be signed; a write asks the customer to
// confirm), the customer card (read actions the owner marked, live), and the approvals queue. Every
// agent may approve or deny: approval asks that a person of the team looked, as a handoff asks that one
// answers. Budget: ACTIONS_RATE_LIMIT per agent, since runs and cards call the company's API.
import { type Context, Hono } from "hono";
import {
  type ActionCard,
  type Approval,
  type AgentRunResult,
  approvalsQuerySchema,
  conversationRefSchema,
  decideSchema,
  type RunnableAction,
  runActionSchema,
} from "../../shared/actions.ts";
import { settle, workspaceConversation } from "../conversation/agent-access.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { identityFieldsOf, redact, resolveInputs } from "./inputs.ts";
import { flowPorts } from "./ports.ts";
import { callInsert, listActions } from "./store.ts";

export const actionRuns = new Hono<AppEnv>();
actionRuns.use(requireAgent());
actionRuns.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.ACTIONS_RATE_LIMIT, { perSecond: 2, burst: 30 }),
    key: (c) => `action-runs:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const noStore = { "cache-control": "no-store" };
const who = (c: Context<AppEnv>) => ({ id: c.get("agent").id, name: c.get("agent").name });

/** The conversation (of the caller's workspace) and what its customer's actions read. */
async function conversationOf(c: Context<AppEnv>, id: string) {
  const stub = await workspaceConversation(c, id);
  const ctx = await stub.actionContext();
  if (!ctx) throw new ApiFailure(404, "not_found", "no such conversation");
  return { stub, ctx };
}

actionRuns.get("/", async (c) => {
  const { conversation } = parseOr400(conversationRefSchema, c.req.query(), "query");
  const { ctx } = await conversationOf(c, conversation);
  const all = await listActions(c.env.DB, c.get("agent").workspaceId);
  const actions: RunnableAction[] = all
    .filter((d) => d.enabled)
    .map((d) => {
      const r = resolveInputs(d, { ...ctx, given: {} });
      const unverified = !r.ok && "unverified" in r ? r.unverified : [];
      return {
        name: d.name,
        description: d.description,
        kind: d.kind,
        requiresApproval: d.requiresApproval,
        customerCard: d.customerCard,
        asks: d.inputs.flatMap((i) =>
          i.from === "customer"
            ? [{ name: i.name, label: i.label, type: i.type, ...(i.pattern ? { pattern: i.pattern } : {}) }]
            : [],
        ),
        ...(unverified.length
          ? {
              blocked: `needs the customer's verified ${identityFieldsOf(d)
                .filter((f) => unverified.includes(f))
                .join(", ")}`,
            }
          : {}),
      };
    });
  return c.json({ actions }, 200, noStore);
});

/** Runs an action for the conversation's customer: a read answers here, a write asks the customer first. */
actionRuns.post("/", async (c) => {
  const b = parseOr400(runActionSchema, await jsonBody(c), "body");
  const { stub } = await conversationOf(c, b.conversation);
  const r: AgentRunResult = settle(await stub.runAction(who(c), b.action, b.inputs));
  return c.json(r, 200, noStore);
});

/**
 * The customer card: every read action the owner marked `customerCard`, run now for this conversation's
 * verified customer (those that need a value from the customer, or a field not signed, are left out).
 * Logged in the call log as the agent's; not a conversation event (looking is not doing).
 */
actionRuns.get("/card", async (c) => {
  const { conversation } = parseOr400(conversationRefSchema, c.req.query(), "query");
  const { ctx } = await conversationOf(c, conversation);
  const ws = c.get("agent").workspaceId;
  const ports = flowPorts(c.env);
  const marked = (await listActions(c.env.DB, ws)).filter((d) => d.enabled && d.kind === "read" && d.customerCard);
  const cards: ActionCard[] = await Promise.all(
    marked.map(async (d): Promise<ActionCard> => {
      const r = resolveInputs(d, { ...ctx, given: {} });
      if (!r.ok)
        return {
          name: d.name,
          description: d.description,
          status: "unavailable",
          error: "unverified" in r ? "the customer is not verified" : `needs ${r.ask.label}`,
        };
      const callId = `card_${crypto.randomUUID().slice(0, 12)}`;
      const result = await ports.call(ws, d, r.inputs, callId);
      await callInsert(c.env.DB, {
        id: callId,
        workspaceId: ws,
        action: d.name,
        at: Date.now(),
        conversationId: ctx.conversationId,
        seq: null,
        by: `card · ${c.get("agent").name}`,
        status: result.status,
        httpStatus: result.response?.status ?? null,
        durationMs: result.durationMs,
        inputs: Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, redact(v)])),
        error: result.error ?? null,
      }).run();
      return {
        name: d.name,
        description: d.description,
        status: result.status,
        ...(result.answer ? { answer: result.answer } : {}),
        ...(result.error ? { error: result.error } : {}),
      };
    }),
  );
  return c.json({ cards }, 200, noStore);
});

type ApprovalRow = {
  id: string;
  conversation_id: string;
  action: string;
  summary: string;
  requested_at: number;
  status: Approval["status"];
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
};
const toApproval = (r: ApprovalRow): Approval => ({
  id: r.id,
  conversationId: r.conversation_id,
  action: r.action,
  summary: r.summary,
  requestedAt: r.requested_at,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  reason: r.reason,
});

actionRuns.get("/approvals", async (c) => {
  const { status } = parseOr400(approvalsQuerySchema, c.req.query(), "query");
  const rows = await c.env.DB.prepare(
    status === "pending"
      ? "SELECT * FROM action_approvals WHERE workspace_id = ? AND status = 'pending' ORDER BY requested_at LIMIT 100"
      : "SELECT * FROM action_approvals WHERE workspace_id = ? AND status != 'pending' ORDER BY decided_at DESC LIMIT 100",
  )
    .bind(c.get("agent").workspaceId)
    .all<ApprovalRow>();
  return c.json({ approvals: rows.results.map(toApproval) }, 200, noStore);
});

/** Approve (the call runs now, in the conversation) or deny (the customer reads the reason). */
actionRuns.post("/approvals/:id", async (c) => {
  const b = parseOr400(decideSchema, await jsonBody(c), "body");
  const row = await c.env.DB.prepare("SELECT * FROM action_approvals WHERE id = ? AND workspace_id = ?")
    .bind(c.req.param("id"), c.get("agent").workspaceId)
    .first<ApprovalRow>();
  if (!row) throw new ApiFailure(404, "not_found", "no such approval");
  if (row.status !== "pending") throw new ApiFailure(409, "decided", `already ${row.status}`);
  const stub = await workspaceConversation(c, row.conversation_id);
  const out = await stub.decideAction(who(c), row.id, b.approve, b.reason || undefined);
  // The conversation no longer waits for it (erased, say): the queue lets it go.
  if (!out.ok && out.error === "not_waiting")
    await c.env.DB.prepare("UPDATE action_approvals SET status = 'withdrawn' WHERE id = ? AND status = 'pending'")
      .bind(row.id)
      .run();
  const r: AgentRunResult = settle(out);
  return c.json(r, 200, noStore);
});
