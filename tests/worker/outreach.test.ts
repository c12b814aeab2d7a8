// Proactive outreach (worker/insights/customers/outreach*.ts, docs/customer-health.md "Outreach"): an
// agent writes first to a contact by email (a thread whose reply lands back in it) or in the widget (the
// verified contact finds it in their history and continues it; nobody else sees it); a health rule drafts
// one that waits for an agent (approve → sent, deny → nothing), once per window. Each send is a
// conversation event and an audit entry; other workspaces reach nothing.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../shared/api.ts";
import type { HealthRule, Outreach } from "../../shared/customer-health.ts";
import type { HistorySession, PastConversations, PastTranscript } from "../../shared/customer-history.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import { replyToken } from "../../worker/channels/email/address.ts";
import { checkRules } from "../../worker/insights/customers/rules.ts";
import worker from "../../worker/index.ts";
import { ADMIN, asCustomer, BASE, call, createAgent, ORIGIN, signIdentity, waitFor } from "./helpers.ts";

const WS = "n_outreach";
const SITE_KEY = "n_outreach_site";
const SECRET = "outreach-identity-secret-0123456789";
const SUPPORT = "support@outreach.test";
const json = { origin: ORIGIN, "content-type": "application/json" };
let owner = "";
let agent = "";
let stranger = "";

const GINA = { id: "u_gina", email: "gina@umbrella.example", name: "Gina" };
const HAL = { id: "u_hal", email: "hal@umbrella.example", name: "Hal" };

async function contact(email: string, name: string): Promise<string> {
  const id = `ct_${email.replace(/[^a-z]/g, "").slice(0, 16)}`;
  await env.DB.prepare(
    "INSERT OR IGNORE INTO contacts (id, workspace_id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)",
  )
    .bind(id, WS, email, name)
    .run();
  return id;
}

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Outreach', 0)")
    .bind(WS)
    .run();
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('outreach-other', 'O', 0)",
  ).run();
  await env.DB.prepare("INSERT INTO email_addresses (address, workspace_id, created_at) VALUES (?, ?, 0)")
    .bind(SUPPORT, WS)
    .run();
  const r = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE_KEY}?workspace=${WS}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: "outreach", allowedOrigins: [ORIGIN], identitySecret: SECRET }),
  });
  expect(r.status).toBe(200);
  owner = await createAgent("outreach-owner@example.test", "owner", WS);
  agent = await createAgent("outreach-agent@example.test", "agent", WS);
  stranger = await createAgent("outreach-stranger@other.test", "owner", "outreach-other");
});

const detail = (id: string): Promise<ConversationDetail> =>
  env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail();
const messagesOf = async (id: string) =>
  (await detail(id)).events.filter((e): e is MessageEvent => e.type === "message");
const audits = (action: string, target: string) =>
  env.DB.prepare("SELECT * FROM audit_log WHERE workspace_id = ? AND action = ? AND target_id = ?")
    .bind(WS, action, target)
    .all();

async function historyToken(user: { id: string; email: string }): Promise<string> {
  const ts = Math.floor(Date.now() / 1000);
  const r = await SELF.fetch(`${BASE}/v1/me/session?site=${SITE_KEY}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ user, hmac: await signIdentity(SECRET, ts, user.id, user.email), ts }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as HistorySession).token;
}

/** Feeds one raw message to the worker's email handler the way Email Routing does. */
async function receive(raw: string, to: string) {
  const bytes = new TextEncoder().encode(raw);
  const rejected: string[] = [];
  await worker.email(
    {
      from: /^From:.*<([^>]+)>/im.exec(raw)?.[1] ?? "",
      to,
      headers: new Headers(),
      raw: new Response(bytes).body as ReadableStream<Uint8Array>,
      rawSize: bytes.byteLength,
      setReject: (reason: string) => void rejected.push(reason),
      forward: () => Promise.reject(new Error("unused")),
      reply: () => Promise.reject(new Error("unused")),
    },
    env,
  );
  return rejected;
}

describe("outreach by an agent", () => {
  it("by email: the first mail of a thread, with the reply token; the contact's reply continues the conversation", async () => {
    const id = await contact("ivy@initrode.example", "Ivy Chen");
    const sent = await call<Outreach>(agent, "POST", "/api/outreach", {
      contactId: id,
      channel: "email",
      subject: "Your exports this week",
      text: "Hi Ivy, we saw your exports failed twice. We raised your limit; does it work now?",
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ status: "sent", channel: "email", email: "ivy@initrode.example" });
    const cid = sent.body.conversationId ?? "";
    // The conversation: the agent's note on how it came about, then their message; the agent holds it.
    const d = await detail(cid);
    expect(d).toMatchObject({ channel: "email", state: "agent", contactId: id });
    expect(d.events.some((e) => e.type === "note" && e.text.startsWith("Proactive outreach by"))).toBe(true);
    expect((await messagesOf(cid)).filter((m) => m.author === "agent").map((m) => m.text)).toEqual([
      "Hi Ivy, we saw your exports failed twice. We raised your limit; does it work now?",
    ]);
    // The mail went out from the support address, answerable through the signed reply token.
    const out = await waitFor(
      () =>
        env.DB.prepare(
          "SELECT message_id, raw, status FROM email_messages WHERE conversation_id = ? AND direction = 'out' AND status = 'sent'",
        )
          .bind(cid)
          .first<{ message_id: string; raw: string }>(),
      (r) => r !== null,
      10_000,
    );
    const token = await replyToken(env.SECRET, cid);
    expect(out?.raw).toContain(`Reply-To: <support+${token}@outreach.test>`);
    expect(out?.raw).toMatch(/^To: .*ivy@initrode\.example/m);
    expect(out?.raw).toContain("Subject: Re: Your exports this week");
    // Her reply, to the Reply-To address, quoting our Message-ID, lands in the same conversation.
    const reply = [
      "From: Ivy Chen <ivy@initrode.example>",
      `To: <support+${token}@outreach.test>`,
      "Subject: Re: Your exports this week",
      "Date: Tue, 03 Nov 2026 10:00:00 +0000",
      "Message-ID: <ivy-reply-1@mail.initrode.example>",
      `In-Reply-To: <${out?.message_id}>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Yes, it works now, thank you!",
      "",
    ].join("\r\n");
    expect(await receive(reply, `support+${token}@outreach.test`)).toEqual([]);
    const msgs = await waitFor(
      () => messagesOf(cid),
      (m) => m.some((x) => x.author === "customer"),
      10_000,
    );
    expect(msgs.filter((m) => m.author === "customer").map((m) => m.text)).toEqual(["Yes, it works now, thank you!"]);
    // Agents see it like any other conversation, in the inbox too (the agent holds it); the send is audited.
    expect((await call<ConversationDetail>(agent, "GET", `/api/conversations/${cid}`)).status).toBe(200);
    const inbox = await waitFor(
      () => call<{ items: { id: string; state: string; assignee?: { name: string } }[] }>(agent, "GET", "/api/inbox"),
      (r) => r.body.items.some((i) => i.id === cid),
      10_000,
    );
    expect(inbox.body.items.find((i) => i.id === cid)).toMatchObject({
      state: "agent",
      assignee: { name: "outreach-agent" },
    });
    expect((await audits("outreach.send", cid)).results).toHaveLength(1);
  });

  it("in the widget: the verified contact finds it in their history and continues it; nobody else sees it", async () => {
    // Gina chatted once, verified: that made her contact.
    const first = (await (
      await SELF.fetch(`${BASE}/v1/conversations?site=${SITE_KEY}`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ locale: "en" }),
      })
    ).json()) as { id: string; token: string };
    const ts = Math.floor(Date.now() / 1000);
    await SELF.fetch(`${BASE}/v1/conversations/${first.id}/identify?site=${SITE_KEY}`, {
      method: "POST",
      headers: { ...json, ...asCustomer(first) },
      body: JSON.stringify({ user: GINA, hmac: await signIdentity(SECRET, ts, GINA.id, GINA.email), ts }),
    });
    const gina = await waitFor(
      () =>
        env.DB.prepare("SELECT id FROM contacts WHERE workspace_id = ? AND email = ?")
          .bind(WS, GINA.email)
          .first<{ id: string }>(),
      (r) => r !== null,
      5000,
    );
    const text = "Hi Gina, your renewal is next week: shall we walk you through the new plan?";
    const sent = await call<Outreach>(agent, "POST", "/api/outreach", {
      contactId: gina?.id,
      channel: "widget",
      text,
    });
    expect(sent.status).toBe(201);
    const cid = sent.body.conversationId ?? "";
    expect((await detail(cid)).channel).toBe("chat");

    // Gina's next visit, signed in: the outreach is in her history, continuable, with its token.
    const token = await historyToken(GINA);
    const list = (await (
      await SELF.fetch(`${BASE}/v1/me/conversations?site=${SITE_KEY}`, { headers: asCustomer({ token }) })
    ).json()) as PastConversations;
    const row = list.conversations.find((x) => x.id === cid);
    expect(row).toMatchObject({ continuable: true, status: "open", last: { author: "agent" } });
    const t = (await (
      await SELF.fetch(`${BASE}/v1/me/conversations/${cid}?site=${SITE_KEY}`, { headers: asCustomer({ token }) })
    ).json()) as PastTranscript;
    expect(t.messages.map((m) => m.text)).toEqual([text]);
    // The agents-only note never reaches her.
    expect(JSON.stringify(t)).not.toContain("Proactive outreach");
    const convToken = t.token ?? "";
    expect(
      (
        await SELF.fetch(`${BASE}/v1/conversations/${cid}/messages?site=${SITE_KEY}`, {
          method: "POST",
          headers: { ...json, ...asCustomer({ token: convToken }) },
          body: JSON.stringify({ clientId: "gina-reply-1", text: "Yes please, Thursday works" }),
        })
      ).status,
    ).toBe(202);
    expect((await messagesOf(cid)).map((m) => `${m.author}: ${m.text}`)).toContain(
      "customer: Yes please, Thursday works",
    );

    // Hal (verified, same company) does not see it, and cannot open it by id.
    const hal = await historyToken(HAL);
    const halList = (await (
      await SELF.fetch(`${BASE}/v1/me/conversations?site=${SITE_KEY}`, { headers: asCustomer({ token: hal }) })
    ).json()) as PastConversations;
    expect(halList.conversations.some((x) => x.id === cid)).toBe(false);
    expect(
      (await SELF.fetch(`${BASE}/v1/me/conversations/${cid}?site=${SITE_KEY}`, { headers: asCustomer({ token: hal }) }))
        .status,
    ).toBe(404);
    // An unverified visitor gets no history at all, and no conversation without its token.
    const unsigned = await SELF.fetch(`${BASE}/v1/me/session?site=${SITE_KEY}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ user: GINA, hmac: "0".repeat(64), ts: Math.floor(Date.now() / 1000) }),
    });
    expect(unsigned.status).toBe(401);
    expect(
      (await SELF.fetch(`${BASE}/v1/conversations/${cid}/events?site=${SITE_KEY}`, { headers: { origin: ORIGIN } }))
        .status,
    ).toBe(401);
    expect((await audits("outreach.send", cid)).results).toHaveLength(1);
  });

  it("is the workspace's own: another workspace's contact is not found; a bad channel or empty text is a 400", async () => {
    const id = await contact("jo@initrode.example", "Jo");
    expect(
      (await call(stranger, "POST", "/api/outreach", { contactId: id, channel: "email", text: "hi" })).status,
    ).toBe(404);
    expect((await call(agent, "POST", "/api/outreach", { contactId: id, channel: "sms", text: "hi" })).status).toBe(
      400,
    );
    expect((await call(agent, "POST", "/api/outreach", { contactId: id, channel: "email", text: " " })).status).toBe(
      400,
    );
    expect((await call({}, "POST", "/api/outreach", { contactId: id, channel: "email", text: "hi" })).status).toBe(401);
    expect((await call<{ outreach: Outreach[] }>(stranger, "GET", "/api/outreach")).body.outreach).toEqual([]);
  });
});

describe("outreach proposed by a rule", () => {
  it("a rule drafts one per contact and window; denied sends nothing, approved sends it; decided once", async () => {
    const rule: Omit<HealthRule, "id" | "createdAt"> = {
      name: "Reach out after a bad rating",
      signal: "low_csat",
      threshold: 1,
      days: 30,
      notify: "email",
      alert: false,
      outreach: {
        channel: "email",
        subject: "About your last conversation",
        text: "Sorry it went badly: can we help?",
      },
    };
    // Owners only; a rule that neither alerts nor proposes is refused.
    expect((await call(agent, "POST", "/api/customer-health/rules", rule)).status).toBe(403);
    const { outreach: _o, ...bare } = rule;
    expect((await call(owner, "POST", "/api/customer-health/rules", bare)).status).toBe(400);
    const made = await call<HealthRule>(owner, "POST", "/api/customer-health/rules", rule);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ alert: false, outreach: rule.outreach });

    const kim = await contact("kim@hooli.example", "Kim");
    const lee = await contact("lee@hooli.example", "Lee");
    const now = Date.now();
    for (const [c, conv] of [
      [kim, "conv-kim-1"],
      [lee, "conv-lee-1"],
    ] as const)
      await env.DB.prepare(
        `INSERT INTO conversation_health (workspace_id, conversation_id, contact_id, company, started_at, state, customer_messages, negative, handoffs, breached, csat, updated_at)
         VALUES (?, ?, ?, 'hooli.example', ?, 'resolved', 2, 1, 0, 0, 1, ?)`,
      )
        .bind(WS, conv, c, now - 3_600_000, now)
        .run();
    expect(await checkRules(env, WS, kim, now)).toEqual([made.body.id]);
    expect(await checkRules(env, WS, lee, now)).toEqual([made.body.id]);
    // Checked again in the same window: nothing new is drafted.
    expect(await checkRules(env, WS, kim, now + 60_000)).toEqual([]);
    const waiting = await call<{ outreach: Outreach[] }>(agent, "GET", "/api/outreach?status=proposed");
    const forKim = waiting.body.outreach.filter((o) => o.contactId === kim);
    expect(forKim).toHaveLength(1);
    expect(forKim[0]).toMatchObject({
      status: "proposed",
      ruleId: made.body.id,
      reason: '1 ratings of 2 or less in 30 days (rule "Reach out after a bad rating")',
    });
    const forLee = waiting.body.outreach.find((o) => o.contactId === lee);
    // Nothing was sent while it waits.
    const mails = () =>
      env.DB.prepare(
        "SELECT COUNT(*) AS n FROM email_messages m JOIN contact_conversations cc ON cc.conversation_id = m.conversation_id WHERE cc.contact_id = ? AND m.direction = 'out' AND m.status = 'sent'",
      );
    expect((await mails().bind(kim).first<{ n: number }>())?.n).toBe(0);

    // Another workspace cannot decide it.
    expect((await call(stranger, "POST", `/api/outreach/${forKim[0]?.id}/approve`, {})).status).toBe(404);
    // Denied: nothing sent, no conversation, audited; decided once.
    const denied = await call<Outreach>(agent, "POST", `/api/outreach/${forKim[0]?.id}/deny`);
    expect(denied.body).toMatchObject({ status: "denied" });
    expect(denied.body.conversationId).toBeUndefined();
    expect((await call(agent, "POST", `/api/outreach/${forKim[0]?.id}/approve`, {})).status).toBe(409);
    expect((await audits("outreach.deny", forKim[0]?.id ?? "")).results).toHaveLength(1);
    expect((await mails().bind(kim).first<{ n: number }>())?.n).toBe(0);

    // Approved, reworded: sent by email in a new conversation of Lee's, with a note naming the rule.
    const approved = await call<Outreach>(agent, "POST", `/api/outreach/${forLee?.id}/approve`, {
      text: "Hi Lee, sorry the last conversation went badly. Can we call you?",
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: "sent",
      text: "Hi Lee, sorry the last conversation went badly. Can we call you?",
    });
    const cid = approved.body.conversationId ?? "";
    const d = await detail(cid);
    expect(d.events.some((e) => e.type === "note" && e.text.includes("approved by"))).toBe(true);
    await waitFor(
      async () => (await mails().bind(lee).first<{ n: number }>())?.n ?? 0,
      (n) => n === 1,
      10_000,
    );
    expect((await call(agent, "POST", `/api/outreach/${forLee?.id}/deny`)).status).toBe(409);
    expect((await audits("outreach.approve", cid)).results).toHaveLength(1);

    // Erasing a contact takes their outreach with it: the sent one (with its conversation) and the draft.
    const outreachOf = (contactId: string) =>
      env.DB.prepare("SELECT COUNT(*) AS n FROM outreach WHERE contact_id = ?").bind(contactId).first<{ n: number }>();
    for (const [email, id] of [
      ["lee@hooli.example", lee],
      ["kim@hooli.example", kim],
    ] as const) {
      expect((await outreachOf(id))?.n).toBe(1);
      const erased = await call(owner, "POST", "/api/privacy/contacts/erase", { email, confirm: email });
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect((await outreachOf(id))?.n).toBe(0);
    }
  });
});
