// A conversation answers only to the site that opened it. The conversation token proves "I created
// conversation X", not "X belongs to the site key I send": every customer route must also check that
// the conversation's own site (and so its workspace) is the one the request names. Otherwise a
// workspace that knows its own identity secret could "verify" anyone in another workspace's chat.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, CreatedConversation } from "../../shared/api.ts";
import { bearer } from "../../shared/credentials.ts";
import type { PastTranscript } from "../../shared/customer-history.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createConversation,
  isBotMessage,
  ORIGIN,
  publishDemoKb,
  q,
  signIdentity,
  SITE,
  waitFor,
  wsAs,
} from "./helpers.ts";

const RUN = crypto.randomUUID().slice(0, 6);
/** The attacker's own workspace and site: they know its identity secret. */
const EVIL_WS = `evil${RUN}`;
const EVIL_SITE = `evil_${RUN}_site`;
const EVIL_SECRET = "attacker-owned-identity-secret-0123";
/** The victim workspace, with two sites of its own. */
const VICTIM_WS = `vict${RUN}`;
const VICTIM_SITE = `vict_${RUN}_site`;
const VICTIM_OTHER_SITE = `vict_${RUN}_other`;
const VICTIM_SECRET = "victim-identity-secret-0123456789";
const OTHER_SECRET = "victim-other-site-secret-0123456789";

async function workspace(id: string, sites: { key: string; secret?: string }[]): Promise<void> {
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(id, id).run();
  for (const s of sites) {
    const r = await SELF.fetch(`${BASE}/admin/v1/sites/${s.key}?workspace=${id}`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({
        name: s.key,
        allowedOrigins: [ORIGIN],
        ...(s.secret ? { identitySecret: s.secret } : {}),
      }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
  }
}

beforeAll(async () => {
  await workspace(EVIL_WS, [{ key: EVIL_SITE, secret: EVIL_SECRET }]);
  await workspace(VICTIM_WS, [
    { key: VICTIM_SITE, secret: VICTIM_SECRET },
    { key: VICTIM_OTHER_SITE, secret: OTHER_SECRET },
  ]);
});

async function create(site: string): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

const detail = (id: string): Promise<ConversationDetail> =>
  env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail();

type Call = { name: string; method: "GET" | "POST"; path: string; accept?: string; body?: unknown; ws?: boolean };

/** Every public route that takes a conversation id, with a body each would accept. */
const routes: Call[] = [
  { name: "events (page)", method: "GET", path: "events" },
  { name: "events (SSE)", method: "GET", path: "events", accept: "text/event-stream" },
  { name: "WebSocket", method: "GET", path: "ws", ws: true },
  { name: "messages", method: "POST", path: "messages", body: { clientId: "fence-0001", text: "hello there" } },
  {
    name: "messages (SSE)",
    method: "POST",
    path: "messages",
    accept: "text/event-stream",
    body: { clientId: "fence-0002", text: "hello there" },
  },
  { name: "handoff", method: "POST", path: "handoff", body: {} },
  { name: "identify", method: "POST", path: "identify", body: { user: { id: "u_1" } } },
  { name: "csat", method: "POST", path: "csat", body: { score: 1 } },
  { name: "follow-up (read)", method: "GET", path: "follow-up" },
  { name: "follow-up (write)", method: "POST", path: "follow-up", body: { email: "x@example.com" } },
  { name: "follow-up (confirm)", method: "POST", path: "follow-up/confirm", body: { code: "123456" } },
  { name: "feedback", method: "POST", path: "feedback", body: { messageId: "abcdefgh", helpful: false } },
];

function call(c: CreatedConversation, site: string, r: Call): Promise<Response> {
  const headers: Record<string, string> = {
    origin: ORIGIN,
    ...(r.body ? { "content-type": "application/json" } : {}),
    ...(r.accept ? { accept: r.accept } : {}),
    ...(r.ws ? { upgrade: "websocket", ...wsAs(c) } : bearer(c.token)),
  };
  return SELF.fetch(`${BASE}/v1/conversations/${c.id}/${r.path}?site=${site}`, {
    method: r.method,
    headers,
    ...(r.body ? { body: JSON.stringify(r.body) } : {}),
  });
}

describe("a conversation answers only to its own site", () => {
  it("refuses every customer route when the site key is another workspace's, and leaves the conversation untouched", async () => {
    const victim = await create(VICTIM_SITE);
    const before = (await detail(victim.id)).lastSeq;
    for (const r of routes) {
      const res = await call(victim, EVIL_SITE, r);
      expect(res.status, `${r.name} with another workspace's site key`).toBe(404);
      expect(((await res.json()) as { error: string }).error, r.name).toBe("not_found");
    }
    const d = await detail(victim.id);
    expect(d.lastSeq).toBe(before);
    expect(d.identity).toBeUndefined();
    expect(d.state).toBe("bot");
  });

  it("refuses another site of the same workspace too: a site key is the conversation's, not the workspace's", async () => {
    const c = await create(VICTIM_SITE);
    for (const r of routes) {
      const res = await call(c, VICTIM_OTHER_SITE, r);
      expect(res.status, `${r.name} with a sibling site key`).toBe(404);
    }
  });

  it("never verifies a chat with another workspace's identity secret", async () => {
    const victim = await create(VICTIM_SITE);
    const ts = Math.floor(Date.now() / 1000);
    const user = { id: "u_ceo", email: "ceo@victim.example" };
    const r = await SELF.fetch(`${BASE}/v1/conversations/${victim.id}/identify?site=${EVIL_SITE}`, {
      method: "POST",
      headers: asCustomer(victim, { "content-type": "application/json" }),
      body: JSON.stringify({ user, ts, hmac: await signIdentity(EVIL_SECRET, ts, user.id, user.email) }),
    });
    expect(r.status).toBe(404);
    const d = await detail(victim.id);
    expect(d.identity).toBeUndefined();
    expect(d.contactId).toBeUndefined();
  });

  it("still serves every route to the conversation's own site", async () => {
    const c = await create(VICTIM_SITE);
    for (const r of routes) {
      const res = await call(c, VICTIM_SITE, r);
      // A rating before a resolve is 409, and this workspace sends no email (409): neither is the fence.
      // (Confirming with no code pending is 409 too.)
      if (["csat", "follow-up (write)", "follow-up (confirm)"].includes(r.name)) expect(res.status, r.name).toBe(409);
      // No bot answer has that id: the vote's own 404 (the vote on a real answer is tested below).
      else if (r.name === "feedback") expect(res.status, r.name).toBe(404);
      else expect(res.status, r.name).toBeLessThan(300);
      if (r.ws) {
        res.webSocket?.accept();
        res.webSocket?.close(1000, "bye");
      } else await res.body?.cancel();
    }
  });

  it("takes a vote on a bot answer only through the conversation's own site", async () => {
    await publishDemoKb();
    const sibling = `demo_${RUN}_sibling`;
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/${sibling}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: sibling, allowedOrigins: [ORIGIN] }),
    });
    expect(put.status).toBe(200);
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: "fence-vote-01", text: "How do I reset my password?" });
    const frames = await sock.until(isBotMessage);
    sock.close();
    const answer = frames.find(isBotMessage);
    const messageId = answer?.t === "event" && answer.event.type === "message" ? answer.event.id : "";
    const vote = { name: "feedback", method: "POST", path: "feedback", body: { messageId, helpful: true } } as const;
    // The bot's turn is recorded just after its answer streams: wait until the own site's vote counts.
    await waitFor(
      async () => (await call(c, SITE, vote)).status,
      (s) => s === 200,
      3000,
    );
    expect((await call(c, sibling, vote)).status).toBe(404);
  });

  it("offers a chat from the customer's history for continuing only on the site that opened it", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const user = { id: "u_dana", email: `dana-${RUN}@example.com` };
    const signedBy = async (secret: string) => ({
      user,
      ts,
      hmac: await signIdentity(secret, ts, user.id, user.email),
    });
    const chatOn = async (site: string, secret: string) => {
      const c = await create(site);
      const headers = asCustomer(c, { "content-type": "application/json" });
      const qs = `site=${site}`;
      const id = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?${qs}`, {
        method: "POST",
        headers,
        body: JSON.stringify(await signedBy(secret)),
      });
      expect(await id.json()).toMatchObject({ verified: true });
      const sent = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${qs}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ clientId: `fence-h-${site}`.slice(0, 60), text: "Where is my order?" }),
      });
      expect(sent.status).toBe(202);
      return c;
    };
    const here = await chatOn(VICTIM_SITE, VICTIM_SECRET);
    const there = await chatOn(VICTIM_OTHER_SITE, OTHER_SECRET);
    const s = await SELF.fetch(`${BASE}/v1/me/session?site=${VICTIM_SITE}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify(await signedBy(VICTIM_SECRET)),
    });
    const { token } = (await s.json()) as { token: string };
    const read = async (id: string) =>
      (await (
        await SELF.fetch(`${BASE}/v1/me/conversations/${id}?site=${VICTIM_SITE}`, { headers: asCustomer({ token }) })
      ).json()) as PastTranscript;
    const mine = await waitFor(
      () => read(here.id),
      (t) => !!t.conversation,
      3000,
    );
    expect(mine.conversation.continuable).toBe(true);
    expect(mine.token).toBe(here.token);
    // Listed and readable (the same customer, the same workspace), but not continued from this site.
    const elsewhere = await waitFor(
      () => read(there.id),
      (t) => !!t.conversation,
      3000,
    );
    expect(elsewhere.conversation.continuable).toBe(false);
    expect(elsewhere.token).toBeUndefined();
  });
});
