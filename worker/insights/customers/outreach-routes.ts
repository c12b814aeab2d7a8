// `/api/outreach` (docs/customer-health.md "Outreach"): any agent of the workspace writes to one of its
// contacts first (by email or in the widget), and approves or denies what a health rule drafted. Workspace:
// the session's; a contact or draft of another workspace is "not found". Every send is a conversation
// event (the note and the message) and an audit entry. Budget: OUTREACH_BUDGET per person.
import { type Context, Hono } from "hono";
import type * as z from "zod/mini";
import {
  outreachApproveSchema,
  outreachInputSchema,
  type outreachListSchema,
  outreachQuerySchema,
} from "../../../shared/customer-health.ts";
import { audit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { rateLimit } from "../../middleware/rate-limit.ts";
import { contactIn, newOutreachId, type OutreachRow, outreachOf, sendOutreach } from "./outreach.ts";

/** Per person: each send opens a conversation (and may send a mail); the list is read with the page. */
export const OUTREACH_BUDGET = { perSecond: 0.2, burst: 20 };

export const outreachApi = new Hono<AppEnv>();
outreachApi.use(requireAgent());
outreachApi.use(
  rateLimit({
    limits: () => OUTREACH_BUDGET,
    key: (c) => `outreach:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const baseOf = (c: Context<AppEnv>) => c.env.PUBLIC_URL || new URL(c.req.url).origin;
const agentOf = (c: Context<AppEnv>) => ({ id: c.get("agent").id, name: c.get("agent").name });
const notFound = () => new ApiFailure(404, "not_found", "no such outreach");

async function rowOf(c: Context<AppEnv>, id: string): Promise<OutreachRow | null> {
  return c.env.DB.prepare(
    `SELECT o.*, k.email, k.name FROM outreach o LEFT JOIN contacts k ON k.id = o.contact_id
     WHERE o.id = ? AND o.workspace_id = ?`,
  )
    .bind(id, c.get("agent").workspaceId)
    .first<OutreachRow>();
}

/** Drafts waiting for approval (`?status=proposed`), or what was sent or denied, newest first. */
outreachApi.get("/", async (c) => {
  const q = parseOr400(outreachQuerySchema, c.req.query(), "query");
  const where = ["o.workspace_id = ?"];
  const args: string[] = [c.get("agent").workspaceId];
  if (q.status) where.push("o.status = ?"), args.push(q.status);
  if (q.contact) where.push("o.contact_id = ?"), args.push(q.contact);
  const r = await c.env.DB.prepare(
    `SELECT o.*, k.email, k.name FROM outreach o LEFT JOIN contacts k ON k.id = o.contact_id
     WHERE ${where.join(" AND ")} ORDER BY o.created_at DESC LIMIT 200`,
  )
    .bind(...args)
    .all<OutreachRow>();
  const body: z.infer<typeof outreachListSchema> = { outreach: r.results.map(outreachOf) };
  return c.json(body);
});

/** An agent's message to a contact, sent now. */
outreachApi.post("/", async (c) => {
  const body = parseOr400(outreachInputSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const contact = await contactIn(c.env.DB, me.workspaceId, body.contactId);
  if (!contact) throw new ApiFailure(404, "not_found", "no such contact");
  const id = newOutreachId();
  const conversationId = await sendOutreach(c.env, {
    workspaceId: me.workspaceId,
    outreachId: id,
    contact,
    channel: body.channel,
    subject: body.subject,
    text: body.text,
    site: body.site,
    agent: agentOf(c),
    note: `Proactive outreach by ${me.name}, ${body.channel === "email" ? "by email" : "shown in the widget on the customer's next visit"}.`,
    baseUrl: baseOf(c),
  });
  const now = Date.now();
  await c.env.DB.prepare(
    `INSERT INTO outreach (id, workspace_id, contact_id, channel, subject, text, status, conversation_id, created_by, created_at, decided_by, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      me.workspaceId,
      contact.id,
      body.channel,
      body.subject ?? null,
      body.text,
      conversationId,
      me.id,
      now,
      me.id,
      now,
    )
    .run();
  await audit(c, {
    action: "outreach.send",
    target: { type: "conversation", id: conversationId },
    after: { outreach: id, contact: contact.id, channel: body.channel },
  });
  const row = await rowOf(c, id);
  if (!row) throw new Error("outreach: the row just written is missing");
  return c.json(outreachOf(row), 201);
});

/** Sends a rule's draft (as worded, or reworded by the approver). Only a waiting draft: 409 once decided. */
outreachApi.post("/:oid/approve", async (c) => {
  const body = parseOr400(outreachApproveSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const prior = await rowOf(c, c.req.param("oid"));
  if (!prior) throw notFound();
  // Claimed first, so that two approvers at once send it once.
  const claimed = await c.env.DB.prepare(
    "UPDATE outreach SET status = 'sent', decided_by = ?, decided_at = ? WHERE id = ? AND workspace_id = ? AND status = 'proposed' RETURNING id",
  )
    .bind(me.id, Date.now(), prior.id, me.workspaceId)
    .first();
  if (!claimed) throw new ApiFailure(409, "already_decided", `this outreach was ${prior.status} already`);
  const contact = await contactIn(c.env.DB, me.workspaceId, prior.contact_id);
  const text = body.text ?? prior.text;
  const subject = body.subject ?? prior.subject ?? undefined;
  let conversationId: string;
  try {
    if (!contact) throw new ApiFailure(409, "contact_gone", "the contact no longer exists (erased?)");
    conversationId = await sendOutreach(c.env, {
      workspaceId: me.workspaceId,
      outreachId: prior.id,
      contact,
      channel: prior.channel,
      subject,
      text,
      site: body.site,
      agent: agentOf(c),
      note: `Proactive outreach proposed by a customer-health rule (${prior.reason ?? "rule"}), approved by ${me.name}.`,
      baseUrl: baseOf(c),
    });
  } catch (e) {
    // Not sent: it waits again, for this agent to fix the cause or another to decide.
    await c.env.DB.prepare("UPDATE outreach SET status = 'proposed', decided_by = NULL, decided_at = NULL WHERE id = ?")
      .bind(prior.id)
      .run();
    throw e;
  }
  await c.env.DB.prepare("UPDATE outreach SET conversation_id = ?, text = ?, subject = ? WHERE id = ?")
    .bind(conversationId, text, subject ?? null, prior.id)
    .run();
  await audit(c, {
    action: "outreach.approve",
    target: { type: "conversation", id: conversationId },
    after: {
      outreach: prior.id,
      contact: prior.contact_id,
      channel: prior.channel,
      rule: prior.rule_id,
      reworded: text !== prior.text,
    },
  });
  const row = await rowOf(c, prior.id);
  if (!row) throw notFound();
  return c.json(outreachOf(row));
});

/** Nothing is sent; the draft is kept as denied (the rule does not propose it again in its window). */
outreachApi.post("/:oid/deny", async (c) => {
  const me = c.get("agent");
  const prior = await rowOf(c, c.req.param("oid"));
  if (!prior) throw notFound();
  const done = await c.env.DB.prepare(
    "UPDATE outreach SET status = 'denied', decided_by = ?, decided_at = ? WHERE id = ? AND workspace_id = ? AND status = 'proposed' RETURNING id",
  )
    .bind(me.id, Date.now(), prior.id, me.workspaceId)
    .first();
  if (!done) throw new ApiFailure(409, "already_decided", `this outreach was ${prior.status} already`);
  await audit(c, {
    action: "outreach.deny",
    target: { type: "outreach", id: prior.id },
    after: { contact: prior.contact_id, rule: prior.rule_id },
  });
  const row = await rowOf(c, prior.id);
  if (!row) throw notFound();
  return c.json(outreachOf(row));
});
