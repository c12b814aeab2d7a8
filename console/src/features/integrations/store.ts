// State of the integrations page: the workspace's webhooks and Slack setting, recent deliveries and
// dead letters, refreshed every few seconds while the page is open (retries happen server-side).
import { signal } from "@preact/signals";
import type {
  Delivery,
  Integrations,
  SlackSettings,
  WebhookCreate,
  WebhookUpdate,
  WebhookWithSecret,
} from "../../../../shared/api.ts";
import { api, errorMessage } from "../../lib/api.ts";

const BASE = "/admin/v1/notifications";
const REFRESH_MS = 5000;

export const integrations = signal<Integrations | null>(null);
export const recent = signal<Delivery[]>([]);
export const deadLetters = signal<Delivery[]>([]);
export const loadError = signal<string | null>(null);
/** The secret of the webhook just created or rotated: shown once, until dismissed. */
export const revealed = signal<{ id: string; secret: string } | null>(null);

export async function refresh(): Promise<void> {
  try {
    const [cfg, all, dead] = await Promise.all([
      api<Integrations>(BASE),
      api<{ deliveries: Delivery[] }>(`${BASE}/deliveries?limit=25`),
      api<{ deliveries: Delivery[] }>(`${BASE}/dead-letters?limit=50`),
    ]);
    integrations.value = cfg;
    recent.value = all.deliveries;
    deadLetters.value = dead.deliveries;
    loadError.value = null;
  } catch (e) {
    loadError.value = errorMessage(e);
  }
}

let timer: ReturnType<typeof setInterval> | undefined;

export function startIntegrations(): () => void {
  void refresh();
  timer = setInterval(() => void refresh(), REFRESH_MS);
  return () => {
    clearInterval(timer);
    timer = undefined;
  };
}

export async function createWebhook(body: WebhookCreate): Promise<void> {
  const w = await api<WebhookWithSecret>(`${BASE}/webhooks`, { method: "POST", body });
  revealed.value = { id: w.id, secret: w.secret };
  await refresh();
}

export async function updateWebhook(id: string, body: WebhookUpdate): Promise<void> {
  const w = await api<Partial<WebhookWithSecret>>(`${BASE}/webhooks/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body,
  });
  if (w.secret) revealed.value = { id, secret: w.secret };
  await refresh();
}

export async function deleteWebhook(id: string): Promise<void> {
  await api(`${BASE}/webhooks/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (revealed.value?.id === id) revealed.value = null;
  await refresh();
}

export async function testWebhook(id: string): Promise<void> {
  await api(`${BASE}/webhooks/${encodeURIComponent(id)}/test`, { method: "POST", body: {} });
  await refresh();
}

export async function saveSlack(url: string | null): Promise<SlackSettings> {
  const s = await api<SlackSettings>(`${BASE}/slack`, { method: "PUT", body: { url } });
  await refresh();
  return s;
}

export async function testSlack(): Promise<void> {
  await api(`${BASE}/slack/test`, { method: "POST", body: {} });
  await refresh();
}

export async function retryDeadLetter(id: string): Promise<void> {
  await api(`${BASE}/dead-letters/${encodeURIComponent(id)}/retry`, { method: "POST", body: {} });
  await refresh();
}
