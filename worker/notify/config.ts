// Webhook endpoints and the Slack URL of a workspace, in D1 (migration 0004). The owner API writes
// here; the Notifier reads here (and caches until the API tells it to reload).
import type { EventType, SlackSettings, Webhook, WebhookWithSecret } from "../../shared/api.ts";
import { randomToken } from "../auth/crypto.ts";

export type WebhookRow = {
  id: string;
  workspace_id: string;
  url: string;
  secret: string;
  events: string;
  enabled: number;
  description: string;
  created_at: number;
  updated_at: number;
};

export type WorkspaceConfig = { webhooks: WebhookWithSecret[]; slackUrl: string | null };

export const newSecret = (): string => `whsec_${randomToken(24)}`;

const hint = (s: string, keep = 4): string => `…${s.slice(-keep)}`;

export function fromRow(r: WebhookRow): WebhookWithSecret {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as EventType[],
    enabled: r.enabled === 1,
    description: r.description,
    secretHint: hint(r.secret),
    secret: r.secret,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What the API shows: everything but the secret. */
export function publicWebhook(w: WebhookWithSecret): Webhook {
  const { secret: _secret, ...rest } = w;
  return rest;
}

export async function loadConfig(db: D1Database, workspaceId: string): Promise<WorkspaceConfig> {
  const [hooks, settings] = await db.batch([
    db.prepare("SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at").bind(workspaceId),
    db.prepare("SELECT slack_url FROM notification_settings WHERE workspace_id = ?").bind(workspaceId),
  ]);
  const slack = (settings?.results[0] as { slack_url: string | null } | undefined)?.slack_url ?? null;
  return { webhooks: ((hooks?.results ?? []) as WebhookRow[]).map(fromRow), slackUrl: slack };
}

export function slackSettings(url: string | null): SlackSettings {
  if (!url) return { configured: false, hint: null };
  // Slack's URLs end in the secret part; show the host and the last characters only.
  let host = "";
  try {
    host = new URL(url).host;
  } catch {
    // Validated on the way in; an unparsable one still gets its tail shown.
  }
  return { configured: true, hint: `${host}/${hint(url, 6)}` };
}
