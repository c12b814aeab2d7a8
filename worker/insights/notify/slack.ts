// What goes to Slack: only what someone should drop everything for — a new urgent handoff (priority
// urgent, or an executive-tier customer) and an SLA breach. Everything else is for webhooks.
import type { EventConversation, EventHandoff, WebhookEvent } from "../../../shared/api.ts";
import { describeTrust } from "../../../shared/protocol.ts";

export type SlackMessage = { text: string; blocks: SlackBlock[] };
type Text = { type: "mrkdwn" | "plain_text"; text: string };
type SlackBlock =
  | { type: "section"; text: Text; fields?: Text[] }
  | { type: "context"; elements: Text[] }
  | { type: "header"; text: Text };

/** Slack's mrkdwn treats these three as control characters. */
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function isUrgentHandoff(e: WebhookEvent): boolean {
  const c = e.data.conversation;
  const priority = (e.data.handoff?.priority ?? c?.priority ?? "").toLowerCase();
  return e.type === "conversation.handed_off" && (priority === "urgent" || c?.tier?.toLowerCase() === "executive");
}

export function slackMessageFor(e: WebhookEvent): SlackMessage | null {
  const c = e.data.conversation;
  if (!c) return null;
  const h = e.data.handoff;
  if (isUrgentHandoff(e)) {
    const who = c.tier?.toLowerCase() === "executive" ? "Executive customer" : "Urgent";
    const summary = clip(h?.summary ?? c.preview ?? "", 500);
    const title = `${who} handoff waiting: ${clip(c.preview || summary || c.id, 120)}`;
    return {
      text: title,
      blocks: [
        section(`:rotating_light: *${esc(who)} handoff waiting*\n${esc(summary)}${tried(h)}`, fields(c, h)),
        link(c.consoleUrl, c.id),
      ],
    };
  }
  if (e.type === "sla.breached") {
    const metric = e.data.sla?.metric ?? "SLA";
    const title = `SLA breached (${metric}): ${clip(c.preview || c.id, 120)}`;
    const summary = h?.summary ? `\n${esc(clip(h.summary, 500))}` : `\n${esc(clip(c.preview, 500))}`;
    return {
      text: title,
      blocks: [
        section(`:hourglass: *SLA breached: ${esc(metric)}*${summary}${tried(h)}`, fields(c, h)),
        link(c.consoleUrl, c.id),
      ],
    };
  }
  return null;
}

// Slack rejects a section whose `fields` is an empty array (and more than 10 fields).
function section(text: string, f: Text[]): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text }, ...(f.length ? { fields: f.slice(0, 10) } : {}) };
}

/** Slack renders `<!date^…>` in each reader's own time zone; the fallback is UTC. */
const when = (ms: number): string =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString().replace(/\.\d+Z$/, "Z")}>`;

/** The packet, as the console shows it first: routing, SLA, who the customer is, where they were. */
function fields(c: EventConversation, h: EventHandoff | undefined): Text[] {
  const f: Text[] = [];
  const add = (label: string, v: string | undefined, raw = false) =>
    v && f.push({ type: "mrkdwn", text: `*${label}*\n${raw ? v : esc(v)}` });
  add("Priority", c.priority ?? h?.priority);
  add("Team", c.team ?? h?.team);
  add("Reason", h?.reason ?? c.reason);
  add("Tier", c.tier ?? h?.tier);
  add("Category", h?.category);
  add("SLA due", h?.slaDueAt !== undefined ? when(h.slaDueAt) : undefined, true);
  const id = h?.identity;
  if (id)
    add(
      "Customer",
      `${esc(clip(id.name ?? id.email ?? id.id, 80))}${id.name && id.email ? ` (${esc(clip(id.email, 80))})` : ""} · ${esc(describeTrust({ ...id, at: 0 }))}`,
      true,
    );
  const page = h?.pageUrl && /^https?:\/\//i.test(h.pageUrl) ? h.pageUrl : undefined;
  if (page) add("Page", `<${page.replace(/[<>|]/g, encodeURIComponent)}|${esc(clip(h?.pageTitle || page, 80))}>`, true);
  return f;
}

/** A line under the summary: what the bot already tried, so nobody sends the customer there again. */
function tried(h: EventHandoff | undefined): string {
  if (!h?.tried.length) return "";
  return `\n_Bot tried:_ ${h.tried
    .slice(0, 3)
    .map((t) => `${esc(clip(t.title, 60))} (${t.score.toFixed(2)})`)
    .join(", ")}`;
}

function link(url: string | undefined, id: string): SlackBlock {
  return {
    type: "context",
    elements: [{ type: "mrkdwn", text: url ? `<${url}|Open in EdgeDesk> · ${esc(id)}` : `Conversation ${esc(id)}` }],
  };
}
