// The agent side: login, the live inbox, the handoff packet, live replies to the customer, resolve,
// and the fences: no session, wrong role, another workspace.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, InboxFrame, InboxItem } from "../../shared/api.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { ADMIN, BASE, connect, createAgent, handedOff as handOff, publishDemoKb } from "./helpers.ts";

let cookie = "";
beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("alex@lumen.example");
});

const handedOff = () =>
  handOff(["Where can I download my invoices?", "I want to talk to a person please"], {
    pageUrl: "http://localhost:8787/account/billing",
    pageTitle: "Billing",
  });

describe("agent console API", () => {
  it("refuses without a session, and with a wrong password", async () => {
    expect((await SELF.fetch(`${BASE}/api/inbox`)).status).toBe(401);
    expect((await SELF.fetch(`${BASE}/api/me`)).status).toBe(401);
    const r = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "alex@lumen.example", password: "wrong password" }),
    });
    expect(r.status).toBe(401);
    expect(r.headers.get("set-cookie")).toBeNull();
  });

  it("tells the console who is signed in, so a reload keeps the session", async () => {
    const r = await SELF.fetch(`${BASE}/api/me`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ email: "alex@lumen.example", role: "agent", workspaceId: "demo" });
  });

  it("sets a hardened session cookie and stores only a hash of it", async () => {
    await SELF.fetch(`${BASE}/admin/v1/agents?workspace=demo`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ email: "c@lumen.example", name: "C", password: "correct horse battery" }),
    });
    const r = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "c@lumen.example", password: "correct horse battery" }),
    });
    const set = r.headers.get("set-cookie") ?? "";
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    const token = /edgedesk_session=([^;]+)/.exec(set)?.[1] ?? "";
    const rows = await env.DB.prepare("SELECT token_hash FROM sessions").all<{ token_hash: string }>();
    expect(rows.results.some((x) => x.token_hash === token)).toBe(false);
    const hash = await env.DB.prepare("SELECT password_hash FROM agents WHERE email = 'c@lumen.example'").first<{
      password_hash: string;
    }>();
    expect(hash?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
  });

  it("shows a handoff live in the inbox with the whole context, and the agent's reply reaches the customer", async () => {
    const inbox = await connect(`/api/inbox/ws`, { cookie });
    await inbox.until((f) => (f as unknown as InboxFrame).t === "snapshot");
    const { c, customer } = await handedOff();
    const upsert = (await inbox.until((f) => {
      const x = f as unknown as InboxFrame;
      return x.t === "upsert" && x.item.id === c.id && x.item.state === "queued";
    })) as unknown as InboxFrame[];
    const item = upsert.flatMap((x) => (x.t === "upsert" && x.item.id === c.id ? [x.item] : [])).at(-1) as InboxItem;
    expect(item).toMatchObject({ state: "queued", reason: "asked-for-person", lastFrom: "customer" });
    const list = (await (await SELF.fetch(`${BASE}/api/inbox`, { headers: { cookie } })).json()) as {
      items: InboxItem[];
    };
    expect(list.items.some((i) => i.id === c.id)).toBe(true);

    const detail = (await (
      await SELF.fetch(`${BASE}/api/conversations/${c.id}`, { headers: { cookie } })
    ).json()) as ConversationDetail;
    expect(detail.handoff).toMatchObject({
      reason: "asked-for-person",
      pageUrl: "http://localhost:8787/account/billing",
      pageTitle: "Billing",
      locale: "en",
    });
    expect(detail.handoff?.summary).toContain("invoices");
    expect(detail.handoff?.tried[0]?.articleId).toBe("invoices-and-receipts");
    // "I want a person" routes on what the customer asked about before: the invoices article's team.
    expect(detail.handoff).toMatchObject({
      article: "invoices-and-receipts",
      team: "billing",
      priority: "low",
      category: "billing",
    });
    expect(detail.events.filter((e) => e.type === "message" && e.author === "customer")).toHaveLength(2);

    const agent = await connect(`/api/conversations/${c.id}/ws?after=0`, { cookie });
    await agent.until((f) => f.t === "ready");
    agent.send({ t: "typing", on: true });
    await customer.until((f) => f.t === "typing" && f.on);
    agent.send({ t: "send", clientId: "agent-00001", text: "Hi, I'm Alex. Let me look at your invoices." });
    await customer.until((f) => f.t === "event" && f.event.type === "message" && f.event.author === "agent");
    // The reply joined the agent: its state event follows the message (seq order: a client drops an
    // event below one it already applied, so the message must not come after it).
    const seen = await customer.until(
      (f) => f.t === "event" && f.event.type === "state" && f.event.state === "agent" && f.event.name === "alex",
    );
    const seqs = seen.flatMap((f) => (f.t === "event" ? [f.event.seq] : []));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The customer's later messages reach the agent, not the bot.
    customer.send({ t: "send", clientId: "cust-000003", text: "thanks!" });
    await agent.until((f) => f.t === "event" && f.event.type === "message" && f.event.text === "thanks!");
    // The inbox says who wrote last: a customer's reply is what alerts the assigned agent (docs/alerts.md).
    const from = (text: string, who: string) => (f: unknown) => {
      const x = f as InboxFrame;
      return x.t === "upsert" && x.item.id === c.id && x.item.preview === text && x.item.lastFrom === who;
    };
    await inbox.until(from("Hi, I'm Alex. Let me look at your invoices.", "agent"));
    await inbox.until(from("thanks!", "customer"));
    await new Promise((r) => setTimeout(r, 100));
    expect(agent.frames.filter((f) => f.t === "delta")).toHaveLength(0);

    const res = await SELF.fetch(`${BASE}/api/conversations/${c.id}/resolve`, { method: "POST", headers: { cookie } });
    expect(res.status).toBe(200);
    await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "resolved");
    // Resolving twice (a double click) changes nothing; claiming a resolved conversation is illegal.
    expect(
      (await SELF.fetch(`${BASE}/api/conversations/${c.id}/resolve`, { method: "POST", headers: { cookie } })).status,
    ).toBe(200);
    const states = (
      (await (
        await SELF.fetch(`${BASE}/api/conversations/${c.id}`, { headers: { cookie } })
      ).json()) as ConversationDetail
    ).events.filter((e) => e.type === "state" && e.state === "resolved");
    expect(states).toHaveLength(1);
    const claim = await SELF.fetch(`${BASE}/api/conversations/${c.id}/claim`, { method: "POST", headers: { cookie } });
    expect(claim.status).toBe(409);
    expect(((await claim.json()) as { error: string }).error).toBe("illegal_transition");
    for (const s of [inbox, agent, customer]) s.close();
  });

  it("claims over HTTP and posts with the HTTP fallback idempotently", async () => {
    const { c, customer } = await handedOff();
    expect(
      (await SELF.fetch(`${BASE}/api/conversations/${c.id}/claim`, { method: "POST", headers: { cookie } })).status,
    ).toBe(200);
    await customer.until(
      (f): f is ServerFrame => f.t === "event" && f.event.type === "state" && f.event.state === "agent",
    );
    const send = () =>
      SELF.fetch(`${BASE}/api/conversations/${c.id}/messages`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ clientId: "agent-http-01", text: "On it." }),
      });
    const a = (await (await send()).json()) as { seq: number; duplicate: boolean };
    const b = (await (await send()).json()) as { seq: number; duplicate: boolean };
    expect(b).toEqual({ seq: a.seq, duplicate: true });
    customer.close();
  });

  it("keeps workspaces apart: another workspace's agent cannot see or touch the conversation", async () => {
    await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
    const outsider = await createAgent("mallory@other.example", "owner", "other");
    const { c, customer } = await handedOff();
    expect((await SELF.fetch(`${BASE}/api/conversations/${c.id}`, { headers: { cookie: outsider } })).status).toBe(404);
    expect(
      (await SELF.fetch(`${BASE}/api/conversations/${c.id}/resolve`, { method: "POST", headers: { cookie: outsider } }))
        .status,
    ).toBe(404);
    const ws = await SELF.fetch(`${BASE}/api/conversations/${c.id}/ws`, {
      headers: { cookie: outsider, upgrade: "websocket" },
    });
    expect(ws.status).toBe(404);
    const list = (await (await SELF.fetch(`${BASE}/api/inbox`, { headers: { cookie: outsider } })).json()) as {
      items: InboxItem[];
    };
    expect(list.items.some((i) => i.id === c.id)).toBe(false);
    customer.close();
  });

  it("lets only editors and owners use the admin API with a session", async () => {
    const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles`, { headers: { cookie } });
    expect(r.status).toBe(403);
    const editor = await createAgent("ed@lumen.example", "editor");
    expect((await SELF.fetch(`${BASE}/admin/v1/kb/articles`, { headers: { cookie: editor } })).status).toBe(200);
  });
});
