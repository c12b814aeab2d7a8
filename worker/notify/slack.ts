// What goes to Slack: only what someone should drop everything for — a new urgent handoff (priority
// urgent, or an executive-tier customer) and an SLA breach. Everything else is for webhooks.
import type { WebhookEvent } from "../../shared/api.ts";

export type SlackMessage = { text: string; blocks: SlackBlock[] };
type Text = { type: "mrkdwn" | "plain_text"; text: string };
type SlackBlock = { type: "section"; text: Text; fields?: Text[] } | { type: "context"; elements: Text[] } | { type: "header"; text: Text };

/** Slack's mrkdwn treats these three as control characters. */
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const clip = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + "…" : s);

export function isUrgentHandoff(e: WebhookEvent): boolean {
  const c = e.data.conversation;
  const priority = (e.data.handoff?.priority ?? c?.priority ?? "").toLowerCase();
  return e.type === "conversation.handed_off" && (priority === "urgent" || c?.tier?.toLowerCase() === "executive");
}

export function slackMessageFor(e: WebhookEvent): SlackMessage | null {
  const c = e.data.conversation;
  if (!c) return null;
  if (isUrgentHandoff(e)) {
    const h = e.data.handoff;
    const who = c.tier?.toLowerCase() === "executive" ? "Executive customer" : "Urgent";
    const summary = clip(h?.summary ?? c.preview ?? "", 500);
    const title = `${who} handoff waiting: ${clip(c.preview || summary || c.id, 120)}`;
    return {
      text: title,
      blocks: [
        section(`:rotating_light: *${esc(who)} handoff waiting*\n${esc(summary)}`, fields(c.priority ?? h?.priority, c.team ?? h?.team, h?.reason ?? c.reason, c.tier)),
        link(c.consoleUrl, c.id),
      ],
    };
  }
  if (e.type === "sla.breached") {
    const metric = e.data.sla?.metric ?? "SLA";
    const title = `SLA breached (${metric}): ${clip(c.preview || c.id, 120)}`;
    return {
      text: title,
      blocks: [
        section(`:hourglass: *SLA breached: ${esc(metric)}*\n${esc(clip(c.preview, 500))}`, fields(c.priority, c.team, c.reason, c.tier)),
        link(c.consoleUrl, c.id),
      ],
    };
  }
  return null;
}

// Slack rejects a section whose `fields` is an empty array.
function section(text: string, f: Text[]): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text }, ...(f.length ? { fields: f } : {}) };
}

function fields(priority?: string, team?: string, reason?: string, tier?: string): Text[] {
  const f: Text[] = [];
  if (priority) f.push({ type: "mrkdwn", text: `*Priority*\n${esc(priority)}` });
  if (team) f.push({ type: "mrkdwn", text: `*Team*\n${esc(team)}` });
  if (reason) f.push({ type: "mrkdwn", text: `*Reason*\n${esc(reason)}` });
  if (tier) f.push({ type: "mrkdwn", text: `*Tier*\n${esc(tier)}` });
  return f;
}

function link(url: string | undefined, id: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: url ? `<${url}|Open in EdgeDesk> · ${esc(id)}` : `Conversation ${esc(id)}` }] };
}
