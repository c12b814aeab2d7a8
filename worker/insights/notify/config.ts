// Webhook endpoints and the Slack URL of a workspace, in D1 (migration 0004). The owner API writes
// here; the Notifier reads here (and caches until the API tells it to reload).
import {
  eventTypes,
  type EventType,
  type SlackSettings,
  type Webhook,
  type WebhookWithSecret,
} from "../../../shared/api.ts";
import { parseJson, stringList } from "../../../shared/json.ts";
export { newSecret } from "./signature.ts";

// An event name this worker no longer sends can never match a delivery, so it is dropped on read.
const known = new Set<string>(eventTypes);
const isEventType = (e: string): e is EventType => known.has(e);

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
  /** After a rotation, the secret that still signs until `previous_until` (migration 0012). */
  previous_secret: string | null;
  previous_until: number | null;
};

/** How long a rotated-out secret keeps signing next to the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** What the Notifier needs of a webhook: the API's view plus the previous secret, never shown. */
export type StoredWebhook = WebhookWithSecret & { previousSecret: string | null };

export type WorkspaceConfig = { webhooks: StoredWebhook[]; slackUrl: string | null };

/** The secrets that sign a delivery at `now`: the current one, then a rotated-out one still in its overlap. */
export function signingSecrets(w: StoredWebhook, now: number): string[] {
  return w.previousSecret && (w.previousSecretUntil ?? 0) > now ? [w.secret, w.previousSecret] : [w.secret];
}

const hint = (s: string, keep = 4): string => `…${s.slice(-keep)}`;

export function fromRow(r: WebhookRow): WebhookWithSecret {
  return {
    id: r.id,
    url: r.url,
    events: parseJson(stringList, r.events, `webhooks.events of ${r.id}`).filter(isEventType),
    enabled: r.enabled === 1,
    description: r.description,
    secretHint: hint(r.secret),
    ...(r.previous_secret && r.previous_until ? { previousSecretUntil: r.previous_until } : {}),
    secret: r.secret,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const stored = (r: WebhookRow): StoredWebhook => ({ ...fromRow(r), previousSecret: r.previous_secret });

/** What the API shows: everything but the secrets (the current one and a rotated-out one). */
export function publicWebhook(w: WebhookWithSecret | StoredWebhook): Webhook {
  const { secret: _secret, ...rest } = w;
  if ("previousSecret" in rest) {
    const { previousSecret: _previous, ...shown } = rest;
    return shown;
  }
  return rest;
}

export async function loadConfig(db: D1Database, workspaceId: string): Promise<WorkspaceConfig> {
  const [hooks, settings] = await db.batch([
    db.prepare("SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at").bind(workspaceId),
    db.prepare("SELECT slack_url FROM notification_settings WHERE workspace_id = ?").bind(workspaceId),
  ]);
  const slack = (settings?.results[0] as { slack_url: string | null } | undefined)?.slack_url ?? null;
  return { webhooks: ((hooks?.results ?? []) as WebhookRow[]).map(stored), slackUrl: slack };
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
