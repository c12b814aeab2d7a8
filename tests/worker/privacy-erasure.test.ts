// A contact's data over its life (worker/privacy/, docs/privacy.md): Dana is seeded across every
// channel and every store (Conversation DOs, D1 index and analytics, R2 attachments, KB training links,
// webhook dead letters, the inbox); an owner finds her by address, exports one archive with all of it,
// then erases her. Afterwards nothing of hers can be read anywhere: every D1 row, R2 object, webhook
// delivery, inbox item and KV value is searched for her address, her marker word and her conversation
// ids, and every way into her conversations answers 404. Eve, seeded the same way, is untouched.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { ContactRecord, EraseResult, PrivacyAuditEntry } from "../../shared/privacy.ts";
import type { PastConversations } from "../../shared/customer-history.ts";
import { unzip } from "../../worker/privacy/zip.ts";
import { ADMIN, BASE, createAgent, ORIGIN, publishDemoKb, signIdentity, waitFor, fetchAsCustomer } from "./helpers.ts";
import {
  createApiKey,
  deliveries,
  events,
  everyD1Row,
  failingWebhook,
  post,
  SECRET,
  seedPerson,
  setUpSite,
  SITE,
  WORKSPACE,
  type Person,
  type Seeded,
} from "./privacy-seed.ts";

const DANA: Person = { id: "u_dana", email: "Dana.Erase@Example.com", name: "Dana Quist", marker: "quokka7421" };
const EVE: Person = { id: "u_eve", email: "eve.keep@example.com", name: "Eve Marsh", marker: "wombat5310" };
const danaAddress = DANA.email.toLowerCase();

let owner = "";
let agent = "";
let dana: Seeded;
let eve: Seeded;

const privacy = (path: string, body: unknown, headers: Record<string, string> = { cookie: owner }) =>
  fetchAsCustomer(`${BASE}/api/privacy${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Everything of Dana's a search must not find: her address, her marker word, her conversation ids. */
const needles = () => [danaAddress, DANA.marker, DANA.name, ...dana.ids];
const hits = (text: string) => needles().filter((n) => text.toLowerCase().includes(n.toLowerCase()));

beforeAll(async () => {
  await publishDemoKb();
  await setUpSite();
  owner = await createAgent("olga@lumen.example", "owner");
  // An editor: the seed also records a KB training link, which only editors and owners may write.
  agent = await createAgent("alex.privacy@lumen.example", "editor");
  await failingWebhook(inject("receiverUrl"), "privacy-dead");
  const key = await createApiKey();
  dana = await seedPerson(DANA, agent, key);
  eve = await seedPerson(EVE, agent, key);
  // Every message event of theirs has dead-lettered at the failing endpoint by now, or soon.
  await waitFor(
    () => deliveries("dead"),
    (ds) => dana.ids.every((id) => ds.some((d) => d.eventId.startsWith(`${id}.`))),
    20_000,
  );
}, 90_000);

describe("finding a contact", () => {
  it("lists every conversation that holds the address, from every channel, verified or not", async () => {
    const r = await privacy("/contacts/find", { email: "  DANA.erase@example.COM " });
    expect(r.status).toBe(200);
    const rec = (await r.json()) as ContactRecord;
    expect(rec.email).toBe(danaAddress);
    expect(rec.contact?.id).toMatch(/^ct_/);
    const byId = new Map(rec.conversations.map((c) => [c.id, c]));
    expect(new Set(byId.keys())).toEqual(new Set(dana.ids));
    expect(byId.get(dana.widget.id)).toMatchObject({ channel: "chat", verified: true });
    expect(byId.get(dana.widget.id)?.via).toEqual(expect.arrayContaining(["contact", "identity"]));
    expect(byId.get(dana.portal.id)).toMatchObject({ via: ["identity"], verified: false });
    expect(byId.get(dana.followUp.id)).toMatchObject({ via: ["follow-up"], verified: false });
    expect(byId.get(dana.email)?.via).toEqual(expect.arrayContaining(["contact", "email"]));
    expect(byId.get(dana.rest)?.via).toEqual(expect.arrayContaining(["contact", "identity"]));
  });

  it("is for owners (session or admin token) only", async () => {
    expect((await privacy("/contacts/find", { email: danaAddress }, { cookie: agent })).status).toBe(403);
    expect((await privacy("/contacts/find", { email: danaAddress }, {})).status).toBe(401);
    expect((await privacy("/contacts/find", { email: "not an address" })).status).toBe(400);
    const admin = await fetchAsCustomer(`${BASE}/admin/v1/privacy/contacts/find?workspace=${WORKSPACE}`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ email: danaAddress }),
    });
    expect(admin.status).toBe(200);
  });
});

describe("export", () => {
  it("is one zip with the contact, every conversation's record and rows, and the attachments", async () => {
    const r = await privacy("/contacts/export", { email: danaAddress });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/zip");
    expect(r.headers.get("content-disposition")).toMatch(
      /^attachment; filename="contact-export-\d{4}-\d\d-\d\d\.zip"$/,
    );
    const files = unzip(new Uint8Array(await r.arrayBuffer()));
    const names = [...files.keys()];
    const text = (name: string) => new TextDecoder().decode(files.get(name));
    expect(names.slice(0, 2)).toEqual(["manifest.json", "contact.json"]);
    for (const id of dana.ids) expect(names).toContain(`conversations/${id}/conversation.json`);
    for (const id of dana.ids) expect(names).toContain(`conversations/${id}/records.json`);
    const attachment = names.find((n) => n.startsWith(`conversations/${dana.email}/attachments/`));
    expect(attachment).toMatch(/-notes\.txt$/);
    expect(text(attachment as string)).toContain(`my account notes ${DANA.marker}`);

    const widget = JSON.parse(text(`conversations/${dana.widget.id}/conversation.json`)) as {
      meta: { identity: { email: string; verified: boolean }; csat: { comment: string } };
      events: { type: string; author?: string; text?: string }[];
    };
    expect(widget.meta.identity).toMatchObject({ email: DANA.email, verified: true });
    expect(widget.meta.csat.comment).toBe(`slow ${DANA.marker}`);
    const authors = new Set(widget.events.filter((e) => e.type === "message").map((e) => e.author));
    expect(authors).toEqual(new Set(["customer", "bot", "agent"]));
    expect(widget.events.some((e) => e.type === "note" && e.text?.includes(DANA.marker))).toBe(true);
    const rows = JSON.parse(text(`conversations/${dana.widget.id}/records.json`)) as Record<string, unknown[]>;
    for (const table of [
      "conversations",
      "analytics_events",
      "analytics_conversations",
      "csat",
      "handoff_marks",
      "bot_turns",
      "answer_votes",
      "resolved_questions",
      "contact_conversations",
      "privacy_subjects",
    ])
      expect(rows[table]?.length, table).toBeGreaterThan(0);
    const mail = JSON.parse(text(`conversations/${dana.email}/records.json`)) as Record<
      string,
      { direction: string }[]
    >;
    expect(new Set(mail.email_messages?.map((m) => m.direction))).toEqual(new Set(["in", "out"]));
    // Nothing of Eve's.
    for (const [name, bytes] of files) expect(new TextDecoder().decode(bytes).includes(EVE.marker), name).toBe(false);
  });
});

describe("erasure", () => {
  let result: EraseResult;

  it("needs the address typed twice", async () => {
    const r = await privacy("/contacts/erase", { email: danaAddress, confirm: "someone@else.example" });
    expect(r.status).toBe(400);
    expect(
      (await privacy("/contacts/erase", { email: danaAddress, confirm: danaAddress }, { cookie: agent })).status,
    ).toBe(403);
  });

  it("erases every conversation, the contact and the copies, and says what it removed", async () => {
    const r = await privacy("/contacts/erase", { email: danaAddress, confirm: DANA.email });
    expect(r.status).toBe(200);
    result = (await r.json()) as EraseResult;
    expect(result).toMatchObject({ done: true, remaining: 0 });
    expect(result.erased.conversations).toBe(dana.ids.length);
    expect(result.erased.attachments).toBe(1);
    expect(result.erased.trainingLinks).toBe(1);
    expect(result.erased.deliveries).toBeGreaterThan(0);
    expect(result.erased.events).toBeGreaterThan(10);
    expect(result.kbRebuild).toBeTruthy();
  });

  it("leaves nothing of hers in any D1 table", async () => {
    const found = (await everyD1Row()).filter((r) => hits(r.text).length);
    expect(found).toEqual([]);
  });

  it("leaves nothing in her Conversation Durable Objects, and they refuse new writes", async () => {
    for (const id of dana.ids) {
      const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
      expect(await stub.exists()).toBe(false);
      expect(await stub.exportData(WORKSPACE)).toBeNull();
    }
    // Her widget still holds a valid token: it opens nothing and stores nothing.
    expect((await events(dana.widget)).status).toBe(404);
    expect((await post(dana.widget, "messages", { clientId: "after-erasure-1", text: DANA.marker })).status).toBe(404);
    const socket = await fetchAsCustomer(
      `${BASE}/v1/conversations/${dana.widget.id}/ws?site=${SITE}&token=${encodeURIComponent(dana.widget.token)}`,
      { headers: { upgrade: "websocket", origin: ORIGIN } },
    );
    expect(socket.status).toBe(404);
  });

  it("leaves no attachment in R2, no webhook delivery (dead letters included), no inbox item, no KV value", async () => {
    const objects = await env.ATTACHMENTS?.list();
    expect(objects?.objects.filter((o) => dana.ids.some((id) => o.key.includes(id)))).toEqual([]);
    const all = await deliveries();
    expect(all.filter((d) => hits(JSON.stringify(d)).length)).toEqual([]);
    const notifier = env.NOTIFIER.get(env.NOTIFIER.idFromName(WORKSPACE));
    expect((await notifier.list(undefined, 1000)).filter((d) => hits(JSON.stringify(d)).length)).toEqual([]);
    const inbox = await env.INBOX.get(env.INBOX.idFromName(WORKSPACE)).list();
    expect(inbox.filter((i) => hits(JSON.stringify(i)).length)).toEqual([]);
    const keys = await env.KB.list();
    for (const k of keys.keys) {
      const v = (await env.KB.get(k.name)) ?? "";
      expect(hits(v), k.name).toEqual([]);
    }
  });

  it("closes every way in: agent API, REST API, the customer's history, the privacy API itself", async () => {
    for (const id of dana.ids)
      expect((await fetchAsCustomer(`${BASE}/api/conversations/${id}`, { headers: { cookie: agent } })).status).toBe(
        404,
      );
    const key = await createApiKey();
    const rest = await fetchAsCustomer(`${BASE}/rest/v1/conversations/${dana.rest}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(rest.status).toBe(404);
    const ts = Math.floor(Date.now() / 1000);
    const session = await fetchAsCustomer(`${BASE}/v1/me/session?site=${SITE}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({
        user: { id: DANA.id, email: danaAddress },
        hmac: await signIdentity(SECRET, ts, DANA.id, danaAddress),
        ts,
      }),
    });
    const token = ((await session.json()) as { token: string }).token;
    const list = await fetchAsCustomer(`${BASE}/v1/me/conversations?site=${SITE}&token=${encodeURIComponent(token)}`, {
      headers: { origin: ORIGIN },
    });
    expect(((await list.json()) as PastConversations).conversations).toEqual([]);
    expect((await privacy("/contacts/export", { email: danaAddress })).status).toBe(404);
    expect((await privacy("/contacts/erase", { email: danaAddress, confirm: danaAddress })).status).toBe(404);
  });

  it("keeps an audit entry with counts, and neither her address nor anything she wrote", async () => {
    const r = await fetchAsCustomer(`${BASE}/api/privacy/audit`, { headers: { cookie: owner } });
    const { entries } = (await r.json()) as { entries: PrivacyAuditEntry[] };
    const erased = entries.find((e) => e.action === "contact.erased");
    expect(erased).toMatchObject({ subject: expect.stringMatching(/^ct_/), detail: { done: true, conversations: 5 } });
    expect(entries.find((e) => e.action === "contact.exported")).toBeTruthy();
    expect(hits(JSON.stringify(entries))).toEqual([]);
    // Append-only, by the database itself.
    await expect(env.DB.prepare("DELETE FROM privacy_audit").run()).rejects.toThrow(/append-only/);
  });

  it("leaves Eve's conversations whole", async () => {
    for (const id of eve.ids) {
      const r = await fetchAsCustomer(`${BASE}/api/conversations/${id}`, { headers: { cookie: agent } });
      expect(r.status).toBe(200);
      expect(JSON.stringify(await r.json())).toContain(EVE.marker);
    }
    const rec = (await (await privacy("/contacts/find", { email: EVE.email })).json()) as ContactRecord;
    expect(new Set(rec.conversations.map((c) => c.id))).toEqual(new Set(eve.ids));
    expect((await env.ATTACHMENTS?.list({ prefix: `conversations/${eve.email}/` }))?.objects.length).toBe(1);
  });
});
