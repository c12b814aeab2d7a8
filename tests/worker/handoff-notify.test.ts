// The handoff packet travels with the notifications, end to end: a real handoff with a verified
// identity, delivered to the test receiver (tests/receiver) as conversation.handed_off, and an SLA
// breach raised by the routing hook for that conversation, which fetches the packet from it.
import { env, SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import type { CreatedConversation, WebhookEvent } from "../../shared/api.ts";
import { onBreach } from "../../worker/inbox/routing/hooks.ts";
import { ADMIN, asCustomer, BASE, ORIGIN, waitFor as poll } from "./helpers.ts";

const RECEIVER = inject("receiverUrl");
type Log = { processed: { deliveryId: string; body: unknown }[] };

const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000) => poll(read, ok, ms);

const received = async (name: string): Promise<Log> => (await fetch(`${RECEIVER}/_scenarios/${name}`)).json();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return Array.from(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message))), (x) =>
    x.toString(16).padStart(2, "0"),
  ).join("");
}

describe("the handoff packet in notifications", () => {
  it("handed_off and the hook's sla.breached carry reason, summary, page, verified identity, tried articles, routing and SLA due time", async () => {
    const ws = "n_packet";
    const site = `${ws}_site`;
    const identitySecret = "packet-identity-secret-0123456789";
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)")
      .bind(ws, "Packet")
      .run();
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/${site}?workspace=${ws}`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ allowedOrigins: [ORIGIN], identitySecret }),
    });
    expect(put.status).toBe(200);
    const secret = `whsec_${btoa("secret-packet-hook-0123456789-abcdef")}`;
    expect(
      (await fetch(`${RECEIVER}/_scenarios/packet_hook`, { method: "PUT", body: JSON.stringify({ secret }) })).status,
    ).toBe(200);
    const hook = await SELF.fetch(`${BASE}/admin/v1/notifications/webhooks?workspace=${ws}`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({
        url: `${RECEIVER}/hook/packet_hook`,
        events: ["conversation.handed_off", "sla.breached"],
        secret,
      }),
    });
    expect(hook.status).toBe(201);

    const created = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en", pageUrl: "http://localhost:8787/account/billing", pageTitle: "Billing" }),
    });
    expect(created.status).toBe(201);
    const c: CreatedConversation = await created.json();
    const chat = (path: string, body: unknown) =>
      SELF.fetch(`${BASE}/v1/conversations/${c.id}/${path}?site=${site}`, {
        method: "POST",
        headers: asCustomer(c, { "content-type": "application/json" }),
        body: JSON.stringify(body),
      });
    const ts = Math.floor(Date.now() / 1000);
    const hmac = await hmacHex(identitySecret, `edgedesk-identity-v1\n${ts}\nu_77\nana@example.com`);
    expect(
      (await chat("identify", { user: { id: "u_77", email: "ana@example.com", name: "Ana" }, hmac, ts })).status,
    ).toBeLessThan(300);
    expect((await chat("handoff", {})).status).toBeLessThan(300);

    const log = await waitFor(
      () => received("packet_hook"),
      (l) => l.processed.some((p) => (p.body as WebhookEvent).type === "conversation.handed_off"),
    );
    const handedOff = log.processed
      .map((p) => p.body as WebhookEvent)
      .find((e) => e.type === "conversation.handed_off");
    expect(handedOff?.data.handoff).toMatchObject({
      reason: "customer-requested",
      summary: expect.any(String),
      summarySource: "extractive",
      pageUrl: "http://localhost:8787/account/billing",
      pageTitle: "Billing",
      identity: { id: "u_77", email: "ana@example.com", name: "Ana", verified: true },
      tried: [],
      priority: "normal",
      team: expect.any(String),
      tier: expect.any(String),
      slaDueAt: expect.any(Number),
    });

    // What the Inbox DO's alarm hands the hook on a breach: the inbox item, without the packet.
    const item = {
      id: c.id,
      state: "queued" as const,
      channel: "chat",
      preview: "",
      createdAt: 1,
      updatedAt: 2,
      ...(handedOff?.data.handoff?.slaDueAt ? { slaDueAt: handedOff.data.handoff.slaDueAt } : {}),
    };
    await onBreach(env, ws, item);
    const after = await waitFor(
      () => received("packet_hook"),
      (l) => l.processed.some((p) => (p.body as WebhookEvent).type === "sla.breached"),
    );
    const breach = after.processed.map((p) => p.body as WebhookEvent).find((e) => e.type === "sla.breached");
    expect(breach?.data.handoff).toEqual(handedOff?.data.handoff);
    expect(breach?.data.sla).toMatchObject({ metric: "first_response", dueAt: handedOff?.data.handoff?.slaDueAt });
  });
});
