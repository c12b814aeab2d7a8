// One customer seeded across every channel and every place the desk keeps data, the way clients do it
// (widget, help-centre widget, email with an attachment, REST API, follow-up address, agent tools,
// webhooks that dead-letter), for the privacy tests. Each customer's texts carry a marker word, so a
// test can search every store for anything of theirs.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { CreatedConversation, Delivery, EventsPage } from "../../shared/api.ts";
import type { CreatedApiKey, RestConversation } from "../../shared/rest.ts";
import worker from "../../worker/index.ts";
import { secretFor } from "./notify-helpers.ts";
import { ADMIN, BASE, demoArticles, ORIGIN, signIdentity, waitFor, fetchAsCustomer } from "./helpers.ts";

export const SITE = "privacy_site";
export const SECRET = "privacy-identity-secret-0123456789";
export const WORKSPACE = "demo";

export type Person = { id: string; email: string; name: string; marker: string };

export const json = { origin: ORIGIN, "content-type": "application/json" };
const qs = (c: CreatedConversation, site = SITE) => `site=${site}&token=${encodeURIComponent(c.token)}`;

export async function setUpSite(): Promise<void> {
  const r = await fetchAsCustomer(`${BASE}/admin/v1/sites/${SITE}?workspace=${WORKSPACE}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: SITE, allowedOrigins: [ORIGIN], identitySecret: SECRET }),
  });
  expect(r.status).toBe(200);
}

async function create(site = SITE, origin = ORIGIN, channel = "chat"): Promise<CreatedConversation> {
  const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { ...json, origin },
    body: JSON.stringify({ locale: "en", pageUrl: `${origin}/account`, channel }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

export const post = (c: CreatedConversation, path: string, body: unknown, site = SITE, origin = ORIGIN) =>
  fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/${path}?${qs(c, site)}`, {
    method: "POST",
    headers: { ...json, origin },
    body: JSON.stringify(body),
  });

export const events = (c: CreatedConversation, site = SITE, origin = ORIGIN) =>
  fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/events?${qs(c, site)}`, { headers: { origin } });

async function say(c: CreatedConversation, text: string, site = SITE, origin = ORIGIN): Promise<EventsPage> {
  expect(
    (await post(c, "messages", { clientId: `m-${crypto.randomUUID().slice(0, 12)}`, text }, site, origin)).status,
  ).toBe(202);
  return waitFor(
    async () => (await (await events(c, site, origin)).json()) as EventsPage,
    (p) => p.events.some((e) => e.type === "message" && e.author === "bot" && e.seq > 1),
    10_000,
  );
}

export const agentCall = (cookie: string, method: string, path: string, body?: unknown) =>
  fetchAsCustomer(`${BASE}${path}`, {
    method,
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Feeds one email to the worker's email handler, as Email Routing does; returns its conversation id. */
export async function email(p: Person, messageId: string, withAttachment: boolean): Promise<string> {
  // Email Routing's stamp for an authenticated sender: only such mail joins the contact (worker/channels/email/auth.ts).
  const stamp = `ARC-Authentication-Results: i=1; mx.cloudflare.net; dmarc=pass header.from=${p.email.split("@")[1]}\r\n`;
  const head = `${stamp}From: "${p.name}" <${p.email}>\r\nTo: support@lumen.test\r\nSubject: Help ${p.marker}\r\nDate: Tue, 03 Nov 2026 09:58:10 +0000\r\nMessage-ID: <${messageId}>\r\nMIME-Version: 1.0\r\n`;
  const text = `My photos will not sync since Monday. ${p.marker}`;
  const raw = withAttachment
    ? `${head}Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--b1\r\nContent-Type: text/plain; name="notes.txt"\r\nContent-Disposition: attachment; filename="notes.txt"\r\n\r\nmy account notes ${p.marker}\r\n--b1--\r\n`
    : `${head}Content-Type: text/plain; charset="utf-8"\r\n\r\n${text}\r\n`;
  const bytes = new TextEncoder().encode(raw);
  const message: ForwardableEmailMessage = {
    from: p.email,
    to: "support@lumen.test",
    headers: new Headers(),
    raw: new Response(bytes).body as ReadableStream<Uint8Array>,
    rawSize: bytes.byteLength,
    setReject: (reason: string) => {
      throw new Error(`rejected: ${reason}`);
    },
    forward: () => Promise.reject(new Error("forward is not used")),
    reply: () => Promise.reject(new Error("reply is not used")),
  };
  await worker.email(message, env);
  const row = await env.DB.prepare("SELECT conversation_id FROM email_messages WHERE message_id = ?")
    .bind(messageId)
    .first<{ conversation_id: string }>();
  if (!row) throw new Error(`${messageId} was not stored`);
  return row.conversation_id;
}

export type Seeded = {
  /** Every conversation that holds something of theirs, by channel. */
  widget: CreatedConversation;
  portal: CreatedConversation;
  followUp: CreatedConversation;
  email: string;
  rest: string;
  ids: string[];
};

/**
 * A customer across every channel: a verified widget chat (bot answer voted on, handed off, agent
 * reply, private note, handoff mark, KB training link, resolved, rated with a comment), the help
 * centre's widget with an unsigned identify(), a chat where they only left a follow-up address, an
 * email with an attachment (answered by mail), a REST API conversation.
 */
export async function seedPerson(p: Person, agentCookie: string, apiKey: string): Promise<Seeded> {
  // Widget, verified.
  const widget = await create();
  const ts = Math.floor(Date.now() / 1000);
  const hmac = await signIdentity(SECRET, ts, p.id, p.email);
  expect((await post(widget, "identify", { user: { id: p.id, email: p.email, name: p.name }, hmac, ts })).status).toBe(
    202,
  );
  const page = await say(widget, `How do I reset my password? ${p.marker}`);
  const answer = page.events.find((e) => e.type === "message" && e.author === "bot");
  if (answer?.type === "message")
    expect((await post(widget, "feedback", { messageId: answer.id, helpful: false })).status).toBe(200);
  expect((await post(widget, "handoff", { reason: "customer-requested" })).status).toBeLessThan(300);
  await waitFor(
    async () => (await (await events(widget)).json()) as EventsPage,
    (pg) => pg.state === "queued",
    10_000,
  );
  const conv = `/api/conversations/${widget.id}`;
  expect((await agentCall(agentCookie, "POST", `${conv}/claim`)).status).toBe(200);
  expect(
    (
      await agentCall(agentCookie, "POST", `${conv}/messages`, {
        clientId: `a-${p.id}-0001`,
        text: `Hi ${p.name}, checking. ${p.marker}`,
      })
    ).status,
  ).toBeLessThan(300);
  expect(
    (await agentCall(agentCookie, "POST", `${conv}/notes`, { clientId: `n-${p.id}-0001`, text: `VIP? ${p.marker}` }))
      .status,
  ).toBeLessThan(300);
  expect((await agentCall(agentCookie, "PUT", `${conv}/handoff-needed`, { needed: true })).status).toBe(200);
  const link = await agentCall(agentCookie, "POST", "/api/kb/links", {
    conversationId: widget.id,
    question: `reset password ${p.marker}`,
    article: demoArticles[0]?.id,
  });
  expect(link.status).toBe(201);
  expect((await agentCall(agentCookie, "POST", `${conv}/resolve`)).status).toBe(200);
  expect((await post(widget, "csat", { score: 2, comment: `slow ${p.marker}` })).status).toBeLessThan(300);

  // The help centre's widget: an unsigned identify() with their address (unverified).
  const portal = await create("demo_portal", BASE, "portal");
  expect((await post(portal, "identify", { user: { id: p.id, email: p.email } }, "demo_portal", BASE)).status).toBe(
    202,
  );
  await say(portal, `Where is my invoice? ${p.marker}`, "demo_portal", BASE);

  // A chat where they only typed an address for replies (no identify at all).
  const followUp = await create();
  await say(followUp, `I need a person about billing ${p.marker}`);
  const left = await post(followUp, "follow-up", { email: p.email });
  expect(left.status).toBe(200);

  // Email, with an attachment in R2; the bot's reply goes out by mail (logged with its raw message).
  const emailId = await email(p, `${p.id}-mail-1@example.com`, true);

  // REST API, the customer vouched for by the caller.
  const auth = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  const created = await fetchAsCustomer(`${BASE}/rest/v1/conversations`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ locale: "en", customer: { id: p.id, email: p.email, name: p.name } }),
  });
  expect(created.status).toBe(201);
  const rest = ((await created.json()) as RestConversation).id;
  expect(
    (
      await fetchAsCustomer(`${BASE}/rest/v1/conversations/${rest}/messages`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ text: `Cancel my plan please ${p.marker}` }),
      })
    ).status,
  ).toBe(200);

  return { widget, portal, followUp, email: emailId, rest, ids: [widget.id, portal.id, followUp.id, emailId, rest] };
}

export async function createApiKey(): Promise<string> {
  const r = await fetchAsCustomer(`${BASE}/admin/v1/api-keys?workspace=${WORKSPACE}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ name: "privacy test" }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as CreatedApiKey).key;
}

/** A webhook whose endpoint always fails: every conversation event ends as a dead letter. */
export async function failingWebhook(receiver: string, name: string): Promise<void> {
  const s = await fetch(`${receiver}/_scenarios/${name}`, {
    method: "PUT",
    body: JSON.stringify({ secret: secretFor(name), failFirst: 100_000 }),
  });
  expect(s.status).toBe(200);
  const r = await fetchAsCustomer(`${BASE}/admin/v1/notifications/webhooks?workspace=${WORKSPACE}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({
      url: `${receiver}/hook/${name}`,
      events: ["message.created", "conversation.created"],
      secret: secretFor(name),
    }),
  });
  expect(r.status).toBe(201);
}

export async function deliveries(status?: string): Promise<Delivery[]> {
  const r = await fetchAsCustomer(
    `${BASE}/admin/v1/notifications/deliveries?workspace=${WORKSPACE}${status ? `&status=${status}` : ""}`,
    { headers: ADMIN },
  );
  return ((await r.json()) as { deliveries: Delivery[] }).deliveries;
}

/** Every row of every D1 table, as text: what a search for someone's data has to come up empty in. */
export async function everyD1Row(): Promise<{ table: string; text: string }[]> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  const out: { table: string; text: string }[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    for (const r of rows.results) out.push({ table: name, text: JSON.stringify(r) });
  }
  return out;
}
