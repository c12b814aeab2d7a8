// Owners' alert rules on customer health ("3 negative conversations in 14 days"): checked for a contact
// whenever one of their conversations changes, each firing once per rule, contact and window of `days`
// days (the alert row's key), to Slack through the notifier's outbox or by email to the owners, and/or
// as a drafted outreach to the contact that waits for an agent's approval (outreach.ts).
import { EmailMessage } from "cloudflare:email";
import { type HealthRule, outreachDraftSchema } from "../../../shared/customer-health.ts";
import { parseJson } from "../../../shared/json.ts";
import { composeNotice } from "../../channels/email/compose.ts";
import { supportAddressOf } from "../../channels/email/db.ts";
import type { Env } from "../../env.ts";
import { proposeOutreach } from "./outreach.ts";

const DAY = 86_400_000;

const MATCH: Record<HealthRule["signal"], string> = {
  negative: "negative > 0",
  handoff: "handoffs > 0",
  breach: "breached > 0",
  low_csat: "csat IS NOT NULL AND csat <= 2",
  unresolved: "state != 'resolved'",
};

const WORDS: Record<HealthRule["signal"], string> = {
  negative: "conversations with negative messages",
  handoff: "escalations to a person",
  breach: "answers past the response target",
  low_csat: "ratings of 2 or less",
  unresolved: "unresolved conversations",
};

type RuleRow = {
  id: string;
  name: string;
  signal: HealthRule["signal"];
  threshold: number;
  days: number;
  notify: "slack" | "email";
  alert: number;
  outreach: string | null;
};
type RulesEnv = Pick<Env, "DB" | "NOTIFIER" | "SEND_EMAIL" | "PUBLIC_URL" | "EMAIL_FROM_NAME">;

/** The rules that fire for this contact now; returns the ids of rules that fired (newly). */
export async function checkRules(env: RulesEnv, ws: string, contactId: string, now: number): Promise<string[]> {
  const rules = await env.DB.prepare(
    "SELECT id, name, signal, threshold, days, notify, alert, outreach FROM health_rules WHERE workspace_id = ?",
  )
    .bind(ws)
    .all<RuleRow>();
  const fired: string[] = [];
  for (const rule of rules.results) {
    const row = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM conversation_health WHERE workspace_id = ? AND contact_id = ? AND started_at >= ? AND ${MATCH[rule.signal]}`,
    )
      .bind(ws, contactId, now - rule.days * DAY)
      .first<{ n: number }>();
    if ((row?.n ?? 0) < rule.threshold) continue;
    const win = Math.floor(now / (rule.days * DAY));
    const inserted = await env.DB.prepare(
      "INSERT INTO health_alerts (rule_id, subject, win, workspace_id, fired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING rule_id",
    )
      .bind(rule.id, `contact:${contactId}`, win, ws, now)
      .first();
    if (!inserted) continue;
    fired.push(rule.id);
    const n = row?.n ?? 0;
    if (rule.alert !== 0) await notify(env, ws, rule, contactId, n, win);
    if (rule.outreach)
      await proposeOutreach(env.DB, {
        workspaceId: ws,
        contactId,
        ruleId: rule.id,
        reason: `${n} ${WORDS[rule.signal]} in ${rule.days} days (rule "${rule.name}")`,
        draft: parseJson(outreachDraftSchema, rule.outreach, `outreach draft of rule ${rule.id}`),
        now,
      });
  }
  return fired;
}

async function notify(env: RulesEnv, ws: string, rule: RuleRow, contactId: string, n: number, win: number) {
  const contact = await env.DB.prepare("SELECT email, name FROM contacts WHERE id = ?")
    .bind(contactId)
    .first<{ email: string; name: string | null }>();
  const who = contact?.name ? `${contact.name} <${contact.email}>` : (contact?.email ?? contactId);
  const base = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : "";
  const text = `Customer health: ${who} has ${n} ${WORDS[rule.signal]} in ${rule.days} days (rule "${rule.name}", at ${rule.threshold} or more). ${base}/console/#/health`;
  if (rule.notify === "slack") {
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    await env.NOTIFIER.get(env.NOTIFIER.idFromName(ws)).postSlack(
      ws,
      `health:${rule.id}:${contactId}:${win}`,
      "customer.at_risk",
      {
        text: esc(text),
        blocks: [{ type: "section", text: { type: "mrkdwn", text: esc(text) } }],
      },
    );
    return;
  }
  const host = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).hostname : null;
  const from = (await supportAddressOf(env.DB, ws)) ?? (host ? `no-reply@${host}` : null);
  if (!from || !env.SEND_EMAIL) {
    console.error(
      "customer health: an email rule fired but there is no sender (a support address or PUBLIC_URL) or SEND_EMAIL",
    );
    return;
  }
  const owners = await env.DB.prepare(
    "SELECT email FROM workspace_people WHERE workspace_id = ? AND role = 'owner' AND disabled_at IS NULL",
  )
    .bind(ws)
    .all<{ email: string }>();
  const domain = from.slice(from.lastIndexOf("@") + 1);
  for (const o of owners.results) {
    const raw = composeNotice(
      { customer: o.email, support: from, subject: `Customer at risk: ${contact?.email ?? contactId}`, text },
      {
        messageId: `health.${crypto.randomUUID()}@${domain}`,
        at: Date.now(),
        fromName: env.EMAIL_FROM_NAME ?? "EdgeDesk",
      },
    );
    try {
      await env.SEND_EMAIL.send(new EmailMessage(from, o.email, raw));
    } catch (e) {
      console.error(`customer health: a mail to an owner was not sent: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
