// Follow-up by email inside workerd: a chat customer handed off to a person leaves an address (or has
// a verified identity email); a typed address is mailed a confirmation code first and gets nothing
// else until the code comes back; an agent's reply written while no customer connection is open is
// then mailed through the simulated send_email binding with the conversation's reply token, under a
// subject of ours (never the customer's text), and the customer's answer by email threads back into the
// same chat conversation. Replies the customer can see live are not mailed; an unverified identity
// claim is never used; a workspace without a support address offers nothing.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, CreatedConversation } from "../../shared/api.ts";
import type { ChangeEvent, MessageEvent, NoteEvent } from "../../shared/protocol.ts";
import worker from "../../worker/index.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createAgent,
  handedOff as handOff,
  ORIGIN,
  publishDemoKb,
  q,
  signIdentity,
  SITE,
  waitFor,
  wsAs,
} from "./helpers.ts";

const SUPPORT = "support@lumen.test";
const IDENTITY_SECRET = "follow-up-identity-secret-0123456789";
let cookie = "";

beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent(`follow-${crypto.randomUUID().slice(0, 8)}@lumen.example`);
});

type OutRow = { message_id: string; author: string; status: string; raw: string | null };
/** Replies mailed (bot or agent); confirmation mails are `confirmations`. */
const outbound = async (id: string) =>
  (
    await env.DB.prepare(
      "SELECT message_id, author, status, raw FROM email_messages WHERE conversation_id = ? AND direction = 'out' AND status != 'alias' AND author != 'confirm' ORDER BY created_at, rowid",
    )
      .bind(id)
      .all<OutRow>()
  ).results;
const confirmations = async (id: string) =>
  (
    await env.DB.prepare(
      "SELECT message_id, author, status, raw FROM email_messages WHERE conversation_id = ? AND author = 'confirm' ORDER BY created_at, rowid",
    )
      .bind(id)
      .all<OutRow>()
  ).results;
/** The code in a confirmation mail's quoted-printable body. */
const codeIn = (raw: string | null) => /code in the chat: (\d{6})/.exec((raw ?? "").replace(/=\r\n/g, ""))?.[1] ?? "";
const header = (raw: string, name: string) =>
  new RegExp(`^${name}: (.*(?:\\r\\n [^\\r\\n]*)*)`, "im").exec(raw)?.[1]?.replace(/\r\n /g, " ");
const detail = (id: string): Promise<ConversationDetail> =>
  env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail();

const followUp = (c: CreatedConversation, init?: RequestInit, site = SITE) =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/follow-up?${q(c).replace(`site=${SITE}`, `site=${site}`)}`, {
    ...init,
    headers: asCustomer(c, { "content-type": "application/json" }),
  });
const leave = (c: CreatedConversation, email: string) =>
  followUp(c, { method: "POST", body: JSON.stringify({ email }) });
const confirm = (c: CreatedConversation, code: string) =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/follow-up/confirm?${q(c)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify({ code }),
  });

async function agentReply(id: string, clientId: string, text: string): Promise<void> {
  const r = await SELF.fetch(`${BASE}/api/conversations/${id}/messages`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ clientId, text }),
  });
  expect(r.status).toBe(201);
}

/** A chat customer who asks for a person straight away, still connected. */
const handedOff = () => handOff(["I want to talk to a person about my invoice"]);

/** The customer answers the mailed reply from their mail client, to its Reply-To address. */
async function answerByEmail(mail: OutRow, from: string, text: string) {
  const raw = mail.raw ?? "";
  const replyTo = /<([^>]+)>/.exec(header(raw, "Reply-To") ?? "")?.[1] ?? "";
  const id = `${crypto.randomUUID()}@mail.example.com`;
  const eml = [
    `From: Ana <${from}>`,
    `To: <${replyTo}>`,
    `Subject: Re: ${header(raw, "Subject")}`,
    `Message-ID: <${id}>`,
    `In-Reply-To: <${mail.message_id}>`,
    "Date: Mon, 23 Nov 2026 10:00:00 +0000",
    "",
    text,
    "",
    `On Monday Support wrote:`,
    "> the old reply",
    "",
  ].join("\r\n");
  const bytes = new TextEncoder().encode(eml);
  const rejected: string[] = [];
  await worker.email(
    {
      from,
      to: replyTo,
      headers: new Headers(),
      raw: new Response(bytes).body as ReadableStream<Uint8Array>,
      rawSize: bytes.byteLength,
      setReject: (r: string) => void rejected.push(r),
      forward: () => Promise.reject(new Error("unused")),
      reply: () => Promise.reject(new Error("unused")),
    } as ForwardableEmailMessage,
    env,
  );
  return { rejected };
}

describe("follow-up by email for chat conversations", { timeout: 30_000 }, () => {
  it("mails a typed address a code first, mails an agent's reply only once it is confirmed and the customer has left, threads it, and takes the answer by email back into the chat", async () => {
    const { c, customer: s } = await handedOff();
    expect(await (await followUp(c)).json()).toEqual({ available: true });
    const left = await leave(c, "  Ana@Mail.Example.com ");
    expect(left.status).toBe(200);
    expect(await left.json()).toEqual({ email: "ana@mail.example.com", verified: false, confirmed: false });
    expect(await (await followUp(c)).json()).toEqual({
      available: true,
      email: "ana@mail.example.com",
      verified: false,
      confirmed: false,
    });
    // The agents see where replies will go, and that it is the customer's unconfirmed word.
    const change = (await detail(c.id)).events.find((e): e is ChangeEvent => e.type === "change" && !!e.followUp);
    expect(change).toMatchObject({
      by: "customer",
      followUp: { email: "ana@mail.example.com", verified: false, confirmed: false },
    });

    // One confirmation mail: our words, a code, nothing the customer typed, not even in the subject.
    const [ask] = await confirmations(c.id);
    expect(ask).toMatchObject({ author: "confirm", status: "sent" });
    const confirmRaw = ask?.raw ?? "";
    expect(header(confirmRaw, "To")).toBe("<ana@mail.example.com>");
    expect(header(confirmRaw, "Subject")).toBe("Confirm your email address");
    expect(header(confirmRaw, "Auto-Submitted")).toBe("auto-generated");
    expect(confirmRaw).not.toMatch(/invoice|talk to a person/i);
    const code = codeIn(confirmRaw);
    expect(code).toMatch(/^\d{6}$/);

    // Until the code comes back, the customer leaving changes nothing: no reply goes to the address.
    s.close();
    await new Promise((r) => setTimeout(r, 100));
    await agentReply(c.id, "agent-follow-00", "Hi Ana, looking at your invoice now.");
    await new Promise((r) => setTimeout(r, 300));
    expect(await outbound(c.id)).toHaveLength(0);
    const unsent = (await detail(c.id)).events.filter((e): e is NoteEvent => e.type === "note").at(-1);
    expect(unsent?.text).toBe(
      "This reply was not emailed to ana@mail.example.com: the customer has not confirmed that address.",
    );

    // A wrong code is refused; the right one confirms.
    expect((await confirm(c, code === "000000" ? "111111" : "000000")).status).toBe(409);
    const ok = await confirm(c, code);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ email: "ana@mail.example.com", verified: false, confirmed: true });

    // Back in the chat: while it is open the customer reads the reply there, nothing is mailed.
    const back = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await back.until((f) => f.t === "ready");
    await agentReply(c.id, "agent-follow-01", "Still looking.");
    await back.until((f) => f.t === "event" && f.event.type === "message" && f.event.text === "Still looking.");
    await new Promise((r) => setTimeout(r, 200));
    expect(await outbound(c.id)).toHaveLength(0);

    // The customer closes the page; the next reply goes by email, from the support address, answerable.
    back.close();
    await new Promise((r) => setTimeout(r, 100));
    await agentReply(c.id, "agent-follow-02", "Found it: the second charge is a hold and drops off in 3 days.");
    const [mail] = await waitFor(
      () => outbound(c.id),
      (rows) => rows.length === 1,
      5000,
    );
    expect(mail).toMatchObject({ author: "agent", status: "sent" });
    const raw = mail?.raw ?? "";
    expect(header(raw, "To")).toBe("<ana@mail.example.com>");
    expect(header(raw, "From")).toMatch(new RegExp(`<${SUPPORT}>$`));
    expect(header(raw, "Reply-To")).toMatch(/^<support\+c[a-z2-7]+\.[a-z2-7]{16}@lumen\.test>$/);
    // Our subject, not the customer's words: they could be anything, addressed to anyone.
    expect(header(raw, "Subject")).toBe("Re: Your conversation with Support");
    expect(header(raw, "Subject")).not.toMatch(/invoice/);
    expect(header(raw, "Auto-Submitted")).toBeUndefined();
    expect(raw).toContain("the second charge is a hold");
    const notes = (await detail(c.id)).events.filter((e): e is NoteEvent => e.type === "note");
    expect(notes.at(-1)?.text).toBe(
      "The customer had left the chat, so this reply was also emailed to ana@mail.example.com.",
    );
    // Notes are the agents' own: the customer's replay never carries them.
    const page = (await (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c)}`, {
        headers: asCustomer(c),
      })
    ).json()) as { events: { type: string }[] };
    expect(page.events.some((e) => e.type === "note" || e.type === "change")).toBe(false);

    // Ana answers from her mail client: the same conversation, her words without the quoted reply.
    const { rejected } = await answerByEmail(
      mail as OutRow,
      "ana@mail.example.com",
      "Thanks! And when will the refund show?",
    );
    expect(rejected).toEqual([]);
    const answered = await waitFor(
      () => detail(c.id),
      (d) => d.events.some((e) => e.type === "message" && e.author === "customer" && e.text.startsWith("Thanks!")),
      5000,
    );
    const theirs = answered.events
      .filter((e): e is MessageEvent => e.type === "message" && e.author === "customer")
      .at(-1);
    expect(theirs?.text).toBe("Thanks! And when will the refund show?");
    expect(answered.channel).toBe("chat");

    // The next reply continues the same mail thread.
    await agentReply(c.id, "agent-follow-03", "Within 5 working days.");
    const rows = await waitFor(
      () => outbound(c.id),
      (r) => r.length === 2,
      5000,
    );
    expect(header(rows[1]?.raw ?? "", "References")).toContain(`<${mail?.message_id}>`);
  });

  it("uses a verified identity's email without asking, and never an unverified claim", async () => {
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: "Lumen demo site", allowedOrigins: [ORIGIN], identitySecret: IDENTITY_SECRET }),
    });
    expect(put.status).toBe(200);
    const identify = async (c: CreatedConversation, email: string, signed: boolean) => {
      const ts = Math.floor(Date.now() / 1000);
      // Signed v1 (id and email only): the name next to it stays the page's claim.
      const body = {
        user: { id: `u-${email}`, email, name: "The Boss" },
        ...(signed ? { ts, hmac: await signIdentity(IDENTITY_SECRET, ts, `u-${email}`, email) } : {}),
      };
      const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?${q(c)}`, {
        method: "POST",
        headers: asCustomer(c, { "content-type": "application/json" }),
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(202);
    };

    const verified = await handedOff();
    await identify(verified.c, "bea@mail.example.com", true);
    expect(await (await followUp(verified.c)).json()).toEqual({
      available: true,
      email: "bea@mail.example.com",
      verified: true,
      confirmed: true,
    });
    verified.customer.close();
    await new Promise((r) => setTimeout(r, 100));
    await agentReply(verified.c.id, "agent-follow-11", "Hi Bea, sorted.");
    const [mail] = await waitFor(
      () => outbound(verified.c.id),
      (r) => r.length === 1,
      5000,
    );
    // No display name: the one given was not signed (v1), and we write the To: header.
    expect(header(mail?.raw ?? "", "To")).toBe("<bea@mail.example.com>");

    // Anyone can type a claim into the page: it is shown to agents, never mailed.
    const claimed = await handedOff();
    await identify(claimed.c, "victim@mail.example.com", false);
    expect(await (await followUp(claimed.c)).json()).toEqual({ available: true });
    claimed.customer.close();
    await new Promise((r) => setTimeout(r, 100));
    await agentReply(claimed.c.id, "agent-follow-12", "Hello?");
    await new Promise((r) => setTimeout(r, 300));
    expect(await outbound(claimed.c.id)).toHaveLength(0);
    // Leaving that same address by hand is the customer's own request, marked unverified, and it
    // waits for its code like any typed address.
    expect(await (await leave(claimed.c, "victim@mail.example.com")).json()).toEqual({
      email: "victim@mail.example.com",
      verified: false,
      confirmed: false,
    });
    expect(await confirmations(claimed.c.id)).toHaveLength(1);
    // Typing the verified identity's own address needs no code.
    const own = await handedOff();
    await identify(own.c, "cy@mail.example.com", true);
    expect(await (await leave(own.c, "cy@mail.example.com")).json()).toEqual({
      email: "cy@mail.example.com",
      verified: true,
      confirmed: true,
    });
    expect(await confirmations(own.c.id)).toHaveLength(0);
    // Another address typed next to a verified one: the widget asks for its code, and until it comes
    // back replies still go to the verified address.
    expect(await (await leave(own.c, "cy.other@mail.example.com")).json()).toEqual({
      email: "cy.other@mail.example.com",
      verified: false,
      confirmed: false,
    });
    expect(await (await followUp(own.c)).json()).toMatchObject({
      email: "cy.other@mail.example.com",
      confirmed: false,
    });
    own.customer.close();
    await new Promise((r) => setTimeout(r, 100));
    await agentReply(own.c.id, "agent-follow-13", "Still with you.");
    const [toOwn] = await waitFor(
      () => outbound(own.c.id),
      (r) => r.length === 1,
      5000,
    );
    expect(header(toOwn?.raw ?? "", "To")).toBe("<cy@mail.example.com>");
  });

  it("caps confirmation mails per conversation and per address, and voids a code after five wrong tries", async () => {
    const target = `target-${crypto.randomUUID().slice(0, 8)}@mail.example.com`;
    const a = await handedOff();
    // Each new address is a mail; a fourth in a day from one conversation is refused.
    for (const [i, to] of [target, `x1-${target}`, `x2-${target}`].entries()) {
      const r = await leave(a.c, to);
      expect(r.status, `mail ${i + 1}`).toBe(200);
    }
    const fourth = await leave(a.c, `x3-${target}`);
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: string }).error).toBe("too_many_confirmations");
    expect(await confirmations(a.c.id)).toHaveLength(3);
    // Saving the same address twice within a minute is one mail, not two.
    const b = await handedOff();
    expect((await leave(b.c, target)).status).toBe(200);
    expect((await leave(b.c, target)).status).toBe(200);
    expect(await confirmations(b.c.id)).toHaveLength(1);
    // One address gets at most three a day, whichever conversations ask.
    const c3 = await handedOff();
    expect((await leave(c3.c, target)).status).toBe(200);
    const d = await handedOff();
    const refused = await leave(d.c, target);
    expect(refused.status).toBe(429);
    expect(await confirmations(d.c.id)).toHaveLength(0);

    // Five wrong codes and even the right one no longer works.
    const code = codeIn((await confirmations(b.c.id))[0]?.raw ?? null);
    const wrong = code === "123456" ? "654321" : "123456";
    for (let i = 0; i < 5; i++) {
      const r = await confirm(b.c, wrong);
      expect(((await r.json()) as { error: string }).error).toBe("wrong_code");
    }
    const late = await confirm(b.c, code);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: string }).error).toBe("too_many_tries");
    expect((await confirm(b.c, "12345")).status).toBe(400);
    for (const x of [a, b, c3, d]) x.customer.close();
  });

  it("validates: a malformed address is 400, a wrong token 403, and a workspace without a support address offers nothing", async () => {
    const { c, customer: s } = await handedOff();
    expect((await leave(c, "not an address")).status).toBe(400);
    const forged = { ...c, token: c.token.slice(0, -2) + (c.token.endsWith("AA") ? "BB" : "AA") };
    expect((await leave(forged, "ana@mail.example.com")).status).toBe(403);
    s.close();

    const ws = `ws${crypto.randomUUID().slice(0, 8)}`;
    await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, ws).run();
    const site = await SELF.fetch(`${BASE}/admin/v1/sites/${ws}_site?workspace=${ws}`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: ws, allowedOrigins: [ORIGIN] }),
    });
    expect(site.status).toBe(200);
    const r = await SELF.fetch(`${BASE}/v1/conversations?site=${ws}_site`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en" }),
    });
    const other = (await r.json()) as CreatedConversation;
    expect(await (await followUp(other, undefined, `${ws}_site`)).json()).toEqual({ available: false });
    const refused = await followUp(
      other,
      { method: "POST", body: JSON.stringify({ email: "ana@mail.example.com" }) },
      `${ws}_site`,
    );
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe("follow_up_unavailable");
  });
});
