// Pure helpers of the integrations page: how a delivery's state and last result read to an owner,
// and the checks on the add-webhook form (the server checks again; these only spare a round trip).
import type { Delivery, EventType, Webhook } from "../../../../shared/api.ts";
import { duration } from "../../lib/time.ts";

export const eventLabels: Record<EventType | "ping", string> = {
  "conversation.created": "Conversation started",
  "conversation.handed_off": "Handed off to a person",
  "conversation.assigned": "Assigned to an agent",
  "conversation.resolved": "Resolved",
  "conversation.reopened": "Reopened",
  "message.created": "New message (customer or agent)",
  "message.retracted": "Agent message taken back",
  "sla.breached": "SLA breached",
  ping: "Test ping",
};

export type Tone = "ok" | "wait" | "bad" | "off";

export function deliveryState(d: Pick<Delivery, "status" | "log">): { label: string; tone: Tone } {
  if (d.status === "delivered") return { label: "Delivered", tone: "ok" };
  if (d.status === "dead") return { label: "Dead letter", tone: "bad" };
  if (d.status === "cancelled") return { label: "Cancelled", tone: "off" };
  return d.log.length ? { label: "Retrying", tone: "wait" } : { label: "Queued", tone: "wait" };
}

/** "HTTP 200 · 84 ms", "HTTP 500 · 1.2 s", "Timed out after 10000 ms", or "Not tried yet". */
export function lastResult(d: Pick<Delivery, "log">): string {
  const a = d.log[d.log.length - 1];
  if (!a) return "Not tried yet";
  if (a.status !== undefined) return `HTTP ${a.status} · ${a.ms < 1000 ? `${a.ms} ms` : duration(a.ms)}`;
  const e = a.error ?? "No response";
  return e.charAt(0).toUpperCase() + e.slice(1);
}

export function nextTry(d: Pick<Delivery, "status" | "nextAt">, now: number): string | null {
  if (d.status !== "pending" || d.nextAt === null) return null;
  const wait = d.nextAt - now;
  return wait <= 1000 ? "next try now" : `next try in ${duration(wait)}`;
}

/** Host and path of a webhook URL, or "Slack". Query strings often carry tokens: left out. */
export function targetLabel(d: Pick<Delivery, "kind" | "target" | "url">, webhooks: Webhook[]): string {
  if (d.kind === "slack") return "Slack";
  const url = webhooks.find((w) => w.id === d.target)?.url ?? d.url;
  try {
    const u = new URL(url);
    return u.host + (u.pathname === "/" ? "" : u.pathname);
  } catch {
    return url || d.target;
  }
}

export type WebhookForm = { url: string; events: EventType[] };

export function webhookFormErrors(f: WebhookForm): { url?: string; events?: string } {
  const errors: { url?: string; events?: string } = {};
  const url = f.url.trim();
  if (!url) errors.url = "Enter the URL that should receive events.";
  else if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(url))
    errors.url = "Use a full http(s) URL, like https://example.com/hooks/edgedesk.";
  if (!f.events.length) errors.events = "Choose at least one event.";
  return errors;
}
