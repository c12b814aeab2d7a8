// A verified customer's past conversations in the widget (`/v1/me`, worker/channels/history/): conversations
// from the widget, email and the REST API of one verified email are listed and readable; unsigned,
// forged, stale or secret-less identities get nothing; other contacts', other workspaces' and
// colleagues' conversations never appear, and their transcripts are refused.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiError, CreatedConversation, EventsPage } from "../../shared/api.ts";
import type { HistorySession, PastConversations, PastTranscript } from "../../shared/customer-history.ts";
import type { CreatedApiKey, RestConversation } from "../../shared/rest.ts";
import { replyToken } from "../../worker/channels/email/address.ts";
import { historyToken } from "../../worker/channels/history/token.ts";
import worker from "../../worker/index.ts";
import { ADMIN, asCustomer, BASE, createAgent, ORIGIN, publishDemoKb, signIdentity, waitFor } from "./helpers.ts";

const SITE = "hist_site";
const SECRET = "history-identity-secret-0123456789";
/** Same workspace, its own identity secret. */
const SITE_B = "hist_site_b";
const SECRET_B = "history-identity-secret-b-0123456789";
/** Another workspace, answering support@other.test. */
const OTHER_WS = "histother";
const OTHER_SITE = "hist_other";
const OTHER_SECRET = "history-identity-secret-other-012345";

const DANA = { id: "u_dana", email: "dana@example.com", name: "Dana Ruiz" };
const EVE = { id: "u_eve", email: "eve@example.com", name: "Eve" };
type User = { id: string; email?: string; name?: string };

const now = () => Math.floor(Date.now() / 1000);
const json = { origin: ORIGIN, "content-type": "application/json" };
let cookie = "";
let apiKey = "";

beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("hera@lumen.example");
  for (const [key, identitySecret] of [
    [SITE, SECRET],
    [SITE_B, SECRET_B],
  ] as const) {
    const r = await SELF.fetch(`${BASE}/admin/v1/sites/${key}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: key, allowedOrigins: [ORIGIN], identitySecret }),
    });
    expect(r.status).toBe(200);
  }
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, 'Other', 0)").bind(OTHER_WS).run();
  await env.DB.prepare(
    "INSERT INTO email_addresses (address, workspace_id, created_at) VALUES ('support@other.test', ?, 0)",
  )
    .bind(OTHER_WS)
    .run();
  const other = await SELF.fetch(`${BASE}/admin/v1/sites/${OTHER_SITE}?workspace=${OTHER_WS}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: "other", allowedOrigins: [ORIGIN], identitySecret: OTHER_SECRET }),
  });
  expect(other.status).toBe(200);
  const key = await SELF.fetch(`${BASE}/admin/v1/api-keys?workspace=demo`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ name: "history test" }),
  });
  apiKey = ((await key.json()) as CreatedApiKey).key;
});

// ---- the channels, driven as their clients do -----------------------------------------------------

async function signed(user: User, secret = SECRET, ts = now()) {
  return { user, hmac: await signIdentity(secret, ts, user.id, user.email), ts };
}

const convQs = (_c: CreatedConversation, site = SITE) => `site=${site}`;

/** A widget conversation: created, identified (signed unless told otherwise), one question answered by the bot. */
async function widgetConversation(text: string, identify: unknown, site = SITE): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ locale: "en" }),
  });
  const c = (await r.json()) as CreatedConversation;
  expect(
    (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?${convQs(c, site)}`, {
        method: "POST",
        headers: { ...json, ...asCustomer(c) },
        body: JSON.stringify(identify),
      })
    ).status,
  ).toBe(202);
  const sent = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${convQs(c, site)}`, {
    method: "POST",
    headers: { ...json, ...asCustomer(c) },
    body: JSON.stringify({ clientId: `hist-${crypto.randomUUID().slice(0, 12)}`, text }),
  });
  expect(sent.status).toBe(202);
  await waitFor(
    async () =>
      (await (
        await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${convQs(c, site)}`, {
          headers: asCustomer(c),
        })
      ).json()) as EventsPage,
    (p) => p.events.some((e) => e.type === "message" && e.author !== "customer"),
    10_000,
  );
  return c;
}

/** Feeds one email to the worker's email handler the way Email Routing does; returns its conversation id. */
async function email(
  from: string,
  messageId: string,
  body: string,
  to = "support@lumen.test",
  extra = "",
): Promise<string> {
  const raw = `From: ${from}\r\nTo: ${to}\r\nSubject: Help\r\nDate: Tue, 03 Nov 2026 09:58:10 +0000\r\nMessage-ID: <${messageId}>\r\nMIME-Version: 1.0\r\n${extra}Content-Type: text/plain; charset="utf-8"\r\n\r\n${body}\r\n`;
  return emailRaw(raw, from, to, messageId);
}

async function emailRaw(raw: string, from: string, to: string, messageId: string): Promise<string> {
  // Authenticated mail, as Email Routing stamps it (worker/channels/email/auth.ts): only that joins a history.
  const domain = (/<([^>]+)>/.exec(from)?.[1] ?? from).split("@")[1];
  const stamp = `ARC-Authentication-Results: i=1; mx.cloudflare.net; dmarc=pass header.from=${domain}\r\n`;
  const bytes = new TextEncoder().encode(stamp + raw);
  const message: ForwardableEmailMessage = {
    from: /<([^>]+)>/.exec(from)?.[1] ?? from,
    to,
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

async function restConversation(customer: User, text: string): Promise<string> {
  const auth = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  const created = await SELF.fetch(`${BASE}/rest/v1/conversations`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ locale: "en", customer }),
  });
  const conv = (await created.json()) as RestConversation;
  expect(
    (
      await SELF.fetch(`${BASE}/rest/v1/conversations/${conv.id}/messages`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ text }),
      })
    ).status,
  ).toBe(200);
  return conv.id;
}

// ---- the history API ----------------------------------------------------------------------------

const session = (body: unknown, site = SITE) =>
  SELF.fetch(`${BASE}/v1/me/session?site=${site}`, { method: "POST", headers: json, body: JSON.stringify(body) });

async function tokenFor(user: User, site = SITE, secret = SECRET): Promise<string> {
  const r = await session(await signed(user, secret), site);
  expect(r.status).toBe(201);
  return ((await r.json()) as HistorySession).token;
}

const list = (token: string, site = SITE) =>
  SELF.fetch(`${BASE}/v1/me/conversations?site=${site}`, { headers: asCustomer({ token }) });
const transcript = (token: string, id: string, site = SITE) =>
  SELF.fetch(`${BASE}/v1/me/conversations/${id}?site=${site}`, { headers: asCustomer({ token }) });
const listed = async (token: string, site = SITE) => {
  const r = await list(token, site);
  expect(r.status).toBe(200);
  return ((await r.json()) as PastConversations).conversations;
};
const read = async (token: string, id: string, site = SITE) => {
  const r = await transcript(token, id, site);
  expect(r.status).toBe(200);
  return (await r.json()) as PastTranscript;
};

let danaWidget: CreatedConversation;
let danaEmail = "";
let danaRest = "";

describe("a verified customer's history", () => {
  it("lists their conversations from the widget, email and REST API of the same verified email, newest first", async () => {
    danaEmail = await email(
      "Dana Ruiz <dana@example.com>",
      "hist-email-1@mail.example.com",
      "My automatic backup stopped working",
    );
    danaWidget = await widgetConversation("How do I reset my password?", await signed(DANA));
    // The REST customer's email differs in case: contacts are keyed by the normalised address.
    danaRest = await restConversation({ id: "u_dana", email: "Dana@Example.com" }, "How do I export my photos?");

    const r = await session(await signed(DANA));
    expect(r.status).toBe(201);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const s = (await r.json()) as HistorySession;
    expect(s.expiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(s.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 60_000);

    const rows = await listed(s.token);
    expect(rows.map((x) => x.id).sort()).toEqual([danaEmail, danaWidget.id, danaRest].sort());
    const byId = new Map(rows.map((x) => [x.id, x]));
    expect(byId.get(danaEmail)).toMatchObject({
      channel: "email",
      title: "My automatic backup stopped working",
      continuable: false,
    });
    expect(byId.get(danaWidget.id)).toMatchObject({
      channel: "chat",
      status: "open",
      title: "How do I reset my password?",
      continuable: true,
    });
    expect(byId.get(danaRest)).toMatchObject({
      channel: "api",
      title: "How do I export my photos?",
      continuable: false,
    });
    for (const row of rows) {
      expect(row.messages).toBeGreaterThanOrEqual(2);
      expect(row.last?.author).not.toBe("customer");
    }
    const times = rows.map((x) => x.updatedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("reads a transcript as the customer saw it: no private notes, attachment names without agents' links", async () => {
    const note = "PRIVATE: refund approved by finance";
    const n = await SELF.fetch(`${BASE}/api/conversations/${danaWidget.id}/notes`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "hist-note-0001", text: note }),
    });
    expect(n.status).toBe(201);
    const token = await tokenFor(DANA);
    const t = await read(token, danaWidget.id);
    expect(t.messages.map((m) => m.author)).toEqual(["customer", "bot"]);
    expect(t.messages[0]?.text).toBe("How do I reset my password?");
    expect(t.messages[1]?.sources?.[0]?.url).toContain("/hc/demo/articles/");
    expect(JSON.stringify(t)).not.toContain("PRIVATE");

    // An email with files: the customer sees the names, never the agent-only download URL.
    const boundary = "hist-boundary";
    const raw =
      `From: Dana Ruiz <dana@example.com>\r\nTo: support@lumen.test\r\nSubject: Receipt\r\nDate: Tue, 03 Nov 2026 10:00:00 +0000\r\nMessage-ID: <hist-attach-1@mail.example.com>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI was charged twice, receipt attached\r\n` +
      `--${boundary}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="receipt.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--${boundary}--\r\n`;
    const withFile = await emailRaw(raw, "dana@example.com", "support@lumen.test", "hist-attach-1@mail.example.com");
    const f = await read(token, withFile);
    expect(f.messages[0]).toMatchObject({
      author: "customer",
      text: "I was charged twice, receipt attached",
      attachments: [{ name: "receipt.pdf", size: 9 }],
    });
    expect(JSON.stringify(f)).not.toContain("/attachments/");
  });

  it("gives an open chat's token to continue it, and none for email, REST or a closed conversation", async () => {
    const token = await tokenFor(DANA);
    const open = await read(token, danaWidget.id);
    expect(open.conversation.continuable).toBe(true);
    expect(open.token).toBe(danaWidget.token);
    expect(
      (
        await SELF.fetch(`${BASE}/v1/conversations/${danaWidget.id}/events?site=${SITE}`, {
          headers: asCustomer({ token: open.token ?? "" }),
        })
      ).status,
    ).toBe(200);
    expect((await read(token, danaEmail)).token).toBeUndefined();
    expect((await read(token, danaRest)).token).toBeUndefined();

    const closed = await widgetConversation("How do I change my email address?", await signed(DANA));
    expect(
      (await SELF.fetch(`${BASE}/api/conversations/${closed.id}/resolve`, { method: "POST", headers: { cookie } }))
        .status,
    ).toBe(200);
    const t = await read(token, closed.id);
    expect(t.conversation).toMatchObject({ status: "closed", continuable: false });
    expect(t.token).toBeUndefined();
    expect((await listed(token)).find((x) => x.id === closed.id)?.status).toBe("closed");
  });
});

describe("nothing without a verified identity", () => {
  it("refuses unsigned, forged, stale and secret-less identities, and a verified identity without an email", async () => {
    const refusals: [string, Response, number][] = [
      ["unsigned", await session({ user: DANA }), 401],
      ["signed for another email", await session({ ...(await signed(EVE)), user: { ...EVE, email: DANA.email } }), 401],
      ["signed with another key", await session(await signed(DANA, "a-completely-different-secret")), 401],
      ["an all-zero signature", await session({ user: DANA, hmac: "00".repeat(32), ts: now() }), 401],
      ["stale", await session(await signed(DANA, SECRET, now() - 3600)), 401],
      ["from the future", await session(await signed(DANA, SECRET, now() + 3600)), 401],
      ["a site without an identity secret", await session(await signed(DANA), "demo_site"), 401],
      ["verified but no email", await session(await signed({ id: DANA.id })), 403],
    ];
    for (const [what, r, status] of refusals) {
      expect(r.status, what).toBe(status);
      const body = await r.text();
      expect(body, what).not.toContain('token"');
      expect(body, what).not.toContain(danaWidget.id);
    }
    const stale = (await (await session(await signed(DANA, SECRET, now() - 3600))).json()) as ApiError;
    expect(stale).toMatchObject({ error: "unverified" });
    expect(stale.message).toContain("stale");
  });

  it("refuses missing, malformed, tampered, expired, other-site and rotated-secret tokens", async () => {
    const good = await tokenFor(DANA);
    const [exp, emailPart, mac] = good.split(".") as [string, string, string];
    const eveEmail = btoa(EVE.email).replace(/=+$/, "");
    const expired = await historyToken(
      env.SECRET,
      { key: SITE, identitySecret: SECRET },
      DANA.email,
      Date.now() - 31 * 60_000,
    );
    const bad: [string, string][] = [
      ["garbage", "x".repeat(40)],
      ["another email, same mac", `${exp}.${eveEmail}.${mac}`],
      ["a later expiry, same mac", `${Number(exp) + 60_000}.${emailPart}.${mac}`],
      ["a flipped mac", `${exp}.${emailPart}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`],
      ["expired", expired.token],
      [
        "made with another worker secret",
        (
          await historyToken(
            "not-the-worker-secret-0123",
            { key: SITE, identitySecret: SECRET },
            DANA.email,
            Date.now(),
          )
        ).token,
      ],
    ];
    for (const [what, token] of bad) {
      const r = await list(token);
      expect(r.status, what).toBe(401);
      expect(((await r.json()) as ApiError).error, what).toBe("bad_token");
      expect((await transcript(token, danaWidget.id)).status, what).toBe(401);
    }
    expect((await SELF.fetch(`${BASE}/v1/me/conversations?site=${SITE}`, { headers: { origin: ORIGIN } })).status).toBe(
      401,
    );
    // A token is for the site whose secret verified the identity.
    expect((await list(good, SITE_B)).status).toBe(401);
    // Rotating a site's identity secret ends its tokens at once.
    const b = await tokenFor(DANA, SITE_B, SECRET_B);
    expect((await list(b, SITE_B)).status).toBe(200);
    await SELF.fetch(`${BASE}/admin/v1/sites/${SITE_B}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({
        name: SITE_B,
        allowedOrigins: [ORIGIN],
        identitySecret: "rotated-identity-secret-0123456789",
      }),
    });
    expect((await list(b, SITE_B)).status).toBe(401);
  });

  it("never lists a conversation that merely claims the email without a valid signature", async () => {
    const claim = await widgetConversation("How do I delete my account?", { user: DANA });
    const forged = await widgetConversation("How do I cancel my subscription?", {
      user: DANA,
      hmac: "ab".repeat(32),
      ts: now(),
    });
    const token = await tokenFor(DANA);
    const ids = (await listed(token)).map((x) => x.id);
    expect(ids).not.toContain(claim.id);
    expect(ids).not.toContain(forged.id);
    expect((await transcript(token, claim.id)).status).toBe(404);
  });
});

describe("fences", () => {
  it("a verified customer without any conversation yet has an empty history", async () => {
    expect(await listed(await tokenFor({ id: "u_new", email: "newcomer@example.com" }))).toEqual([]);
  });

  it("another contact sees only their own conversations and cannot read Dana's", async () => {
    const eves = await widgetConversation("How do I share an album?", await signed(EVE));
    const eve = await tokenFor(EVE);
    expect((await listed(eve)).map((x) => x.id)).toEqual([eves.id]);
    for (const id of [danaWidget.id, danaEmail, danaRest]) {
      const r = await transcript(eve, id);
      expect(r.status).toBe(404);
      expect(await r.text()).not.toContain("password");
    }
    const dana = await tokenFor(DANA);
    expect((await listed(dana)).map((x) => x.id)).not.toContain(eves.id);
    expect((await transcript(dana, eves.id)).status).toBe(404);
    // A well-formed id that exists nowhere looks the same as someone else's.
    expect((await transcript(dana, "nosuchconversation00")).status).toBe(404);
    expect((await transcript(dana, "bad!id")).status).toBe(400);
  });

  it("a colleague who replied through the reply address is linked to the thread but does not own it", async () => {
    const token = await replyToken(env.SECRET, danaEmail);
    const bobReply = await email(
      "Bob <bob@example.com>",
      "hist-bob-1@mail.example.com",
      "Forwarding for Dana: any news?",
      `support+${token}@lumen.test`,
    );
    expect(bobReply).toBe(danaEmail);
    const bob = await tokenFor({ id: "u_bob", email: "bob@example.com" });
    expect(await listed(bob)).toEqual([]);
    expect((await transcript(bob, danaEmail)).status).toBe(404);
    // Dana still reads the whole thread, Bob's message included.
    expect((await read(await tokenFor(DANA), danaEmail)).messages.map((m) => m.text)).toContain(
      "Forwarding for Dana: any news?",
    );
  });

  it("the same email in another workspace is another contact: no crossing either way", async () => {
    const otherConv = await email(
      "Dana Ruiz <dana@example.com>",
      "hist-other-1@mail.example.com",
      "Question for the other company",
      "support@other.test",
    );
    const demo = await tokenFor(DANA);
    expect((await listed(demo)).map((x) => x.id)).not.toContain(otherConv);
    expect((await transcript(demo, otherConv)).status).toBe(404);
    const other = await tokenFor(DANA, OTHER_SITE, OTHER_SECRET);
    expect((await listed(other, OTHER_SITE)).map((x) => x.id)).toEqual([otherConv]);
    for (const id of [danaWidget.id, danaEmail, danaRest])
      expect((await transcript(other, id, OTHER_SITE)).status).toBe(404);
    // A token minted on one workspace's site is refused by another's.
    expect((await list(demo, OTHER_SITE)).status).toBe(401);
    expect((await list(other, SITE)).status).toBe(401);
  });
});
