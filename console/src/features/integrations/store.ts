// State of the integrations page: the workspace's webhooks and Slack setting, recent deliveries and
// dead letters, refreshed every few seconds while the page is open (retries happen server-side).
import { signal } from "@preact/signals";
import * as z from "zod/mini";
import {
  deliverySchema,
  integrationsSchema,
  slackStatusSchema,
  webhookWithSecretSchema,
  type Delivery,
  type Integrations,
  type SlackSettings,
  type WebhookCreate,
  type WebhookUpdate,
} from "../../../../shared/api.ts";
import { api, apiVoid, errorMessage } from "../../lib/api.ts";

const deliveryList = z.object({ deliveries: z.array(deliverySchema) });
/** A PATCH answers the webhook, with its new secret after a rotation. */
const webhookUpdatedSchema = z.partial(webhookWithSecretSchema);

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
      api(BASE, integrationsSchema),
      api(`${BASE}/deliveries?limit=25`, deliveryList),
      api(`${BASE}/dead-letters?limit=50`, deliveryList),
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
  const w = await api(`${BASE}/webhooks`, webhookWithSecretSchema, { method: "POST", body });
  revealed.value = { id: w.id, secret: w.secret };
  await refresh();
}

export async function updateWebhook(id: string, body: WebhookUpdate): Promise<void> {
  const w = await api(`${BASE}/webhooks/${encodeURIComponent(id)}`, webhookUpdatedSchema, {
    method: "PATCH",
    body,
  });
  if (w.secret) revealed.value = { id, secret: w.secret };
  await refresh();
}

export async function deleteWebhook(id: string): Promise<void> {
  await apiVoid(`${BASE}/webhooks/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (revealed.value?.id === id) revealed.value = null;
  await refresh();
}

export async function testWebhook(id: string): Promise<void> {
  await apiVoid(`${BASE}/webhooks/${encodeURIComponent(id)}/test`, { method: "POST", body: {} });
  await refresh();
}

export async function saveSlack(url: string | null): Promise<SlackSettings> {
  const s = await api(`${BASE}/slack`, slackStatusSchema, { method: "PUT", body: { url } });
  await refresh();
  return s;
}

export async function testSlack(): Promise<void> {
  await apiVoid(`${BASE}/slack/test`, { method: "POST", body: {} });
  await refresh();
}

export async function retryDeadLetter(id: string): Promise<void> {
  await apiVoid(`${BASE}/dead-letters/${encodeURIComponent(id)}/retry`, { method: "POST", body: {} });
  await refresh();
}
