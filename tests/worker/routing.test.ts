// Routing and the queue inside workerd: the escalation matrix applied at handoff, presence from
// console sockets, round robin among the least loaded available agents, assign and reassign to a
// person or a team, SLA alarms (near due, breach, rescheduling), role checks and workspace fences.
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type {
  AgentPresence,
  ConversationDetail,
  CreatedConversation,
  InboxFrame,
  InboxItem,
} from "../../shared/api.ts";
import type { InboxDO } from "../../worker/inbox/do.ts";
import { defaultMatrix } from "../../worker/inbox/routing/matrix.ts";
import { nearAt } from "../../worker/inbox/routing/sla.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createConversation,
  demoArticles,
  isBotMessage,
  ORIGIN,
  publishDemoKb,
  q,
  SITE,
  waitFor,
  wsAs,
} from "./helpers.ts";

const HOUR = 3_600_000;

beforeAll(async () => {
  await publishDemoKb();
});

afterEach(() => {
  vi.useRealTimers();
});

type Agent = { id: string; name: string; cookie: string };

let n = 0;
/** A logged-in agent of `workspace` in `teams`. */
async function agent(teams: string[], role = "agent", workspace = "demo"): Promise<Agent> {
  const name = `agent${++n}`;
  const email = `${name}-${crypto.randomUUID().slice(0, 8)}@lumen.example`;
  const r = await SELF.fetch(`${BASE}/admin/v1/agents?workspace=${workspace}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ email, name, password: "correct horse battery", role, teams }),
  });
  if (r.status !== 201) throw new Error(`agent create failed: ${r.status} ${await r.text()}`);
  const { id } = (await r.json()) as { id: string };
  const login = await SELF.fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  return { id, name, cookie: (login.headers.get("set-cookie") ?? "").split(";")[0] as string };
}

/** An agent's console: the inbox socket, which is also their presence. */
async function online(a: Agent) {
  const s = await connect(`/api/inbox/ws`, { cookie: a.cookie });
  await s.until((f) => (f as unknown as InboxFrame).t === "presence");
  return s;
}

const frames = (s: { frames: unknown[] }) => s.frames as InboxFrame[];
const lastPresence = (s: { frames: unknown[] }): AgentPresence[] =>
  frames(s)
    .flatMap((f) => (f.t === "presence" ? [f.agents] : []))
    .at(-1) ?? [];

/** A workspace of its own (inbox, alarm, agents), with a site and, if asked, some of the demo KB. */
async function workspace(articles: string[] = []): Promise<string> {
  const ws = `ws${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, ws).run();
  const site = await put(`/admin/v1/sites/${ws}_site?workspace=${ws}`, ADMIN, { name: ws, allowedOrigins: [ORIGIN] });
  expect(site.status).toBe(200);
  if (articles.length) {
    const r = await put(`/admin/v1/kb/articles?workspace=${ws}`, ADMIN, {
      articles: demoArticles.filter((a) => articles.includes(a.id)),
    });
    expect(r.status).toBe(200);
  }
  return ws;
}

async function conversationIn(ws: string): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${ws}_site`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

/** A customer who asks for a person straight away (no article: routed by the matrix's defaults). */
async function handoff(ws?: string): Promise<CreatedConversation> {
  const c = ws ? await conversationIn(ws) : await createConversation();
  const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?${qs(c, ws)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: "{}",
  });
  expect(r.status).toBe(202);
  return c;
}

/** A customer whose question rests on a KB article, then (for articles the bot answers) asks for a person. */
async function handoffAbout(question: string, ws?: string): Promise<CreatedConversation> {
  const c = ws ? await conversationIn(ws) : await createConversation();
  const s = await connect(`/v1/conversations/${c.id}/ws?${qs(c, ws)}`, wsAs(c));
  s.send({ t: "send", clientId: "cust-000001", text: question });
  await s.until(isBotMessage);
  if (!s.frames.some((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued")) {
    s.send({ t: "send", clientId: "cust-000002", text: "I want to talk to a person please" });
  }
  await s.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
  s.close();
  return c;
}

const qs = (c: CreatedConversation, ws?: string) => (ws ? q(c).replace(`site=${SITE}`, `site=${ws}_site`) : q(c));

async function item(id: string, cookie: string): Promise<InboxItem | undefined> {
  const r = (await (await SELF.fetch(`${BASE}/api/inbox`, { headers: { cookie } })).json()) as { items: InboxItem[] };
  return r.items.find((i) => i.id === id);
}

const detail = async (id: string, cookie: string) =>
  (await (await SELF.fetch(`${BASE}/api/conversations/${id}`, { headers: { cookie } })).json()) as ConversationDetail;

const post = (path: string, cookie: string, body: unknown = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const put = (path: string, headers: Record<string, string>, body: unknown) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const inbox = (workspace = "demo") => env.INBOX.get(env.INBOX.idFromName(workspace));
const alarmIn = (workspace: string) =>
  runInDurableObject(inbox(workspace), (_i: InboxDO, state) => state.storage.getAlarm());

describe("the escalation matrix at handoff", () => {
  it("puts the tier, routed team and SLA due time in the packet and the inbox item", async () => {
    const watcher = await agent(["support"]);
    const cases: [string, { team: string; tier: string; priority: string; article?: string }][] = [
      // refund-request: handoff always, billing, high → tier-1 (1 h)
      [
        "I want a refund for my subscription",
        { team: "billing", tier: "tier-1", priority: "high", article: "refund-request" },
      ],
      // hacked-account: urgent, security → tier-1
      [
        "Someone hacked my account and changed my email",
        { team: "security", tier: "tier-1", priority: "urgent", article: "hacked-account" },
      ],
      // invoices-and-receipts: the bot answers; "a person" routes on it: billing, low → tier-3 (24 h)
      [
        "Where can I download my invoices?",
        { team: "billing", tier: "tier-3", priority: "low", article: "invoices-and-receipts" },
      ],
    ];
    for (const [question, want] of cases) {
      const before = Date.now();
      const c = await handoffAbout(question);
      const d = await detail(c.id, watcher.cookie);
      expect(d.handoff, question).toMatchObject(want);
      const target = defaultMatrix.tiers[want.tier as "tier-1"].targetMinutes * 60_000;
      expect(d.handoff?.slaDueAt).toBe((d.handoff?.at ?? 0) + target);
      expect(d.handoff?.at).toBeGreaterThanOrEqual(before);
      expect(await item(c.id, watcher.cookie)).toMatchObject({
        team: want.team,
        tier: want.tier,
        slaDueAt: d.handoff?.slaDueAt,
        slaState: "ok",
      });
    }
    // No article at all: the default team and the "normal" priority's tier (tier-2, 4 h).
    const plain = await handoff();
    const d = await detail(plain.id, watcher.cookie);
    expect(d.handoff).toMatchObject({ team: "support", tier: "tier-2", priority: "normal" });
    expect((d.handoff?.slaDueAt ?? 0) - (d.handoff?.at ?? 0)).toBe(4 * HOUR);
  });
});

describe("presence and assignment", () => {
  it("counts an agent online while their console is connected, and offline after", async () => {
    // A workspace of its own: the demo inbox holds other tests' queued handoffs, which routing hands to
    // whoever comes online (their load then depends on how fast earlier tests' agents were released).
    const ws = await workspace();
    const a = await agent(["support"], "agent", ws);
    const b = await agent(["billing"], "agent", ws);
    const sa = await online(a);
    const sb = await online(b);
    await sa.until(() => lastPresence(sa).some((p) => p.id === b.id && p.online));
    expect(lastPresence(sa).find((p) => p.id === b.id)).toMatchObject({
      online: true,
      away: false,
      teams: ["billing"],
      load: 0,
    });
    const listed = (await (await SELF.fetch(`${BASE}/api/agents`, { headers: { cookie: a.cookie } })).json()) as {
      agents: AgentPresence[];
    };
    expect(listed.agents.find((p) => p.id === b.id)).toMatchObject({ online: true, teams: ["billing"] });
    sb.close();
    await sa.until(() => lastPresence(sa).some((p) => p.id === b.id && !p.online));
    sa.close();
  });

  it("assigns round robin among the least loaded available agents of the routed team", async () => {
    // A workspace of its own: the demo inbox holds other tests' queued handoffs, which routing hands to
    // whoever comes online (their load then depends on how fast earlier tests' agents were released).
    const ws = await workspace();
    const a1 = await agent(["support"], "agent", ws);
    const a2 = await agent(["support"], "agent", ws);
    const billing = await agent(["billing"], "agent", ws);
    const socks = [await online(a1), await online(a2), await online(billing)];
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push((await item((await handoff(ws)).id, a1.cookie))?.assignee?.id ?? "none");
    // Support handoffs alternate between the two support agents; the billing agent gets none.
    expect(got.filter((x) => x === a1.id)).toHaveLength(2);
    expect(got.filter((x) => x === a2.id)).toHaveLength(2);
    expect(got[0]).not.toBe(got[1]);
    expect(got).not.toContain(billing.id);

    // a1 resolves both of theirs: now the least loaded, a1 gets the next two.
    const items = (await (await SELF.fetch(`${BASE}/api/inbox`, { headers: { cookie: a1.cookie } })).json()) as {
      items: InboxItem[];
    };
    for (const it of items.items.filter((x) => x.assignee?.id === a1.id))
      expect((await post(`/api/conversations/${it.id}/resolve`, a1.cookie)).status).toBe(200);
    const next = [
      (await item((await handoff(ws)).id, a1.cookie))?.assignee?.id,
      (await item((await handoff(ws)).id, a1.cookie))?.assignee?.id,
    ];
    expect(next).toEqual([a1.id, a1.id]);
    const p = lastPresence(socks[0]!);
    expect(p.find((x) => x.id === a1.id)?.load).toBe(2);
    expect(p.find((x) => x.id === a2.id)?.load).toBe(2);
    for (const s of socks) s.close();
  });

  it("skips away and offline agents, falls back to another team, else leaves it unassigned in the team queue", async () => {
    // A workspace of its own: the demo inbox holds other tests' queued handoffs, which routing hands to
    // whoever comes online (their load then depends on how fast earlier tests' agents were released).
    const ws = await workspace();
    const a1 = await agent(["support"], "agent", ws);
    const a2 = await agent(["support"], "agent", ws);
    const billing = await agent(["billing"], "agent", ws);
    const s1 = await online(a1);
    const sb = await online(billing);
    // a2 is not connected; a1 sets themselves away.
    expect((await put(`/api/me/availability`, { cookie: a1.cookie }, { away: true })).status).toBe(200);
    await s1.until(() => lastPresence(s1).some((p) => p.id === a1.id && p.away));
    const c1 = await handoff(ws);
    expect((await item(c1.id, a1.cookie))?.assignee?.id).toBe(billing.id); // nobody of support available
    expect((await item(c1.id, a1.cookie))?.team).toBe("support");
    // Back from away: support work goes to support again.
    await put(`/api/me/availability`, { cookie: a1.cookie }, { away: false });
    expect((await item((await handoff(ws)).id, a1.cookie))?.assignee?.id).toBe(a1.id);
    // Nobody online: it waits unassigned, in its team.
    s1.close();
    sb.close();
    await new Promise((r) => setTimeout(r, 50));
    const c3 = await handoff(ws);
    const waiting = await item(c3.id, a2.cookie);
    expect(waiting?.assignee).toBeUndefined();
    expect(waiting).toMatchObject({ state: "queued", team: "support" });
    // The away flag is stored: it holds on the next connection too.
    expect(
      (await env.DB.prepare("SELECT away FROM agents WHERE id = ?").bind(a1.id).first<{ away: number }>())?.away,
    ).toBe(0);
  });

  it("hands the waiting queue out as agents come online or free up, oldest first, up to their capacity", async () => {
    const ws = await workspace();
    const a1 = await agent(["support"], "agent", ws);
    const a2 = await agent(["support"], "agent", ws);
    // Nobody online: seven handoffs wait unassigned.
    const waiting: CreatedConversation[] = [];
    for (let i = 0; i < 7; i++) waiting.push(await handoff(ws));
    for (const c of waiting) expect((await item(c.id, a1.cookie))?.assignee).toBeUndefined();
    const assignees = async () =>
      Promise.all(waiting.map(async (c) => (await item(c.id, a1.cookie))?.assignee?.id ?? null));
    const capacity = defaultMatrix.agentCapacity;
    // a1 signs in: the oldest `capacity` are theirs, the rest keep waiting; their console hears of it live.
    const s1 = await online(a1);
    const first = Array.from({ length: 7 }, (_, i) => (i < capacity ? a1.id : null));
    expect(await waitFor(assignees, (v) => v.filter(Boolean).length === capacity, 3000)).toEqual(first);
    await s1.until(
      () => frames(s1).filter((f) => f.t === "upsert" && f.item.assignee?.id === a1.id).length >= capacity,
    );
    // a1 resolves one: the next oldest is theirs.
    expect((await post(`/api/conversations/${waiting[0]?.id}/resolve`, a1.cookie)).status).toBe(200);
    expect((await waitFor(assignees, (v) => v[capacity] === a1.id, 3000))[capacity + 1]).toBeNull();
    // a2 signs in away: nothing moves. Back from away: the last one is theirs.
    await put(`/api/me/availability`, { cookie: a2.cookie }, { away: true });
    const s2 = await online(a2);
    await new Promise((r) => setTimeout(r, 100));
    expect((await assignees())[capacity + 1]).toBeNull();
    expect((await put(`/api/me/availability`, { cookie: a2.cookie }, { away: false })).status).toBe(200);
    expect((await assignees())[capacity + 1]).toBe(a2.id);
    // Everyone at capacity or queue empty: a new handoff goes to whoever has room, as before.
    expect((await item((await handoff(ws)).id, a2.cookie))?.assignee?.id).toBe(a2.id);
    s1.close();
    s2.close();
  });

  it("gives back what routing gave an agent who left: unjoined conversations move on after releaseAfterMinutes; joined and hand-assigned ones stay", async () => {
    const ws = await workspace();
    const a1 = await agent(["support"], "agent", ws);
    const a2 = await agent(["support"], "agent", ws);
    const s1 = await online(a1);
    const waiting = await handoff(ws);
    const joined = await handoff(ws);
    expect((await item(waiting.id, a1.cookie))?.assignee?.id).toBe(a1.id);
    expect((await post(`/api/conversations/${joined.id}/claim`, a1.cookie)).status).toBe(200);
    // a1 closes the console. A lead then assigns a conversation to a1 on purpose: that one waits for them.
    const left = Date.now();
    s1.close();
    const owner = await agent([], "owner", ws);
    const forA1 = await handoff(ws);
    await waitFor(
      () => item(forA1.id, owner.cookie),
      (i) => i?.state === "queued",
      3000,
    );
    expect((await post(`/api/conversations/${forA1.id}/assign`, owner.cookie, { agentId: a1.id })).status).toBe(200);
    // a2 is there, back from a quick away that does not start their clock.
    const s2 = await online(a2);
    await put(`/api/me/availability`, { cookie: a2.cookie }, { away: true });
    await put(`/api/me/availability`, { cookie: a2.cookie }, { away: false });
    const grace = defaultMatrix.releaseAfterMinutes * 60_000;
    const alarm = await waitFor(
      () => alarmIn(ws),
      (t) => t !== null && t >= left + grace && t <= Date.now() + grace,
      3000,
    );
    // Before the grace is over nothing moves.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((alarm ?? 0) - 60_000);
    await runDurableObjectAlarm(inbox(ws));
    expect((await item(waiting.id, a2.cookie))?.assignee?.id).toBe(a1.id);
    // Past it: the unjoined one goes to a2; the one a1 was talking in stays theirs.
    vi.setSystemTime((alarm ?? 0) + 1000);
    expect(await runDurableObjectAlarm(inbox(ws))).toBe(true);
    vi.useRealTimers();
    expect((await item(waiting.id, a2.cookie))?.assignee?.id).toBe(a2.id);
    expect(await item(joined.id, a2.cookie)).toMatchObject({ state: "agent", assignee: { id: a1.id } });
    expect((await item(forA1.id, a2.cookie))?.assignee?.id).toBe(a1.id);
    await s2.until(() =>
      frames(s2).some((f) => f.t === "upsert" && f.item.id === waiting.id && f.item.assignee?.id === a2.id),
    );
    // Nothing else waits for a1: no release alarm is left (a2 is available, nothing queued runs an SLA clock to come).
    expect((await detail(waiting.id, a2.cookie)).assignee?.id).toBe(a2.id);
    s2.close();
  });

  it("a handover chooses the agent and counts the load at once, but lists nothing until the conversation is queued", async () => {
    const ws = await workspace();
    const a = await agent(["support"], "agent", ws);
    const sock = await online(a);
    // What the conversation's handover sends while the bot is still saying "connecting you".
    const id = `handover-${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const chosen = await inbox(ws).handover(
      { id, state: "queued", channel: "chat", preview: "", team: "support", createdAt: now, updatedAt: now },
      ws,
    );
    expect(chosen?.id).toBe(a.id);
    // Not listed: an agent's Join would be refused while the bot holds the conversation.
    expect(await item(id, a.cookie)).toBeUndefined();
    expect((await inbox(ws).presence()).find((p) => p.id === a.id)?.load).toBe(1);
    // The conversation moved to the queue: its inbox follower brings the item, and the load stays one.
    await inbox(ws).upsert(
      {
        id,
        state: "queued",
        channel: "chat",
        preview: "help",
        team: "support",
        createdAt: now,
        updatedAt: now + 1,
        assignee: { id: a.id, name: a.name },
      },
      ws,
    );
    expect((await item(id, a.cookie))?.assignee?.id).toBe(a.id);
    expect((await inbox(ws).presence()).find((p) => p.id === a.id)?.load).toBe(1);
    sock.close();
  });

  it("the assignee becomes the conversation's agent when they claim, and the index knows the assignment", async () => {
    const a = await agent(["support"]);
    const s = await online(a);
    const c = await handoff();
    expect((await item(c.id, a.cookie))?.assignee).toEqual({ id: a.id, name: a.name });
    expect(await detail(c.id, a.cookie)).toMatchObject({ state: "queued", assignee: { id: a.id, name: a.name } });
    const row = await env.DB.prepare("SELECT assigned_agent_id FROM conversations WHERE id = ?")
      .bind(c.id)
      .first<{ assigned_agent_id: string }>();
    expect(row?.assigned_agent_id).toBe(a.id);
    expect((await post(`/api/conversations/${c.id}/claim`, a.cookie)).status).toBe(200);
    const d = await detail(c.id, a.cookie);
    expect(d.events.some((e) => e.type === "state" && e.state === "agent" && e.name === a.name)).toBe(true);
    expect(await item(c.id, a.cookie)).toMatchObject({ state: "agent", assignee: { id: a.id } });
    s.close();
  });
});

describe("reassign", () => {
  it("to a person: a joined conversation goes back to the queue assigned to them, and they take it over", async () => {
    const lead = await agent(["support"], "editor");
    const a = await agent(["support"]);
    const b = await agent(["billing"]);
    const sa = await online(a);
    const c = await handoff();
    await post(`/api/conversations/${c.id}/claim`, a.cookie);
    const customer = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await customer.until((f) => f.t === "ready");
    const r = await post(`/api/conversations/${c.id}/assign`, lead.cookie, { agentId: b.id });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { assignee: { id: string } }).assignee.id).toBe(b.id);
    await customer.until(
      (f) =>
        f.t === "event" && f.event.type === "state" && f.event.state === "queued" && f.event.reason === "reassigned",
    );
    expect(await item(c.id, a.cookie)).toMatchObject({ state: "queued", assignee: { id: b.id, name: b.name } });
    await sa.until(
      (f) =>
        (f as unknown as InboxFrame).t === "upsert" && (f as unknown as { item: InboxItem }).item.assignee?.id === b.id,
    );
    await post(`/api/conversations/${c.id}/claim`, b.cookie);
    await customer.until(
      (f) => f.t === "event" && f.event.type === "state" && f.event.state === "agent" && f.event.name === b.name,
    );
    customer.close();
    sa.close();
  });

  it("to a team: round robin within it, the packet's team changes; with nobody there it waits for that team", async () => {
    // A workspace of its own: the demo inbox holds other tests' queued handoffs, which routing hands to
    // whoever comes online (their load then depends on how fast earlier tests' agents were released).
    const ws = await workspace();
    const lead = await agent([], "owner", ws);
    const a = await agent(["support"], "agent", ws);
    const f1 = await agent(["fulfilment"], "agent", ws);
    const socks = [await online(a), await online(f1)];
    const c = await handoff(ws);
    expect((await item(c.id, a.cookie))?.assignee?.id).toBe(a.id);
    const r = await post(`/api/conversations/${c.id}/assign`, lead.cookie, { team: "fulfilment" });
    expect(r.status).toBe(200);
    expect(await item(c.id, a.cookie)).toMatchObject({ team: "fulfilment", assignee: { id: f1.id } });
    expect((await detail(c.id, a.cookie)).handoff?.team).toBe("fulfilment");
    socks[1]!.close();
    await new Promise((r) => setTimeout(r, 50));
    // Nobody of billing online and a is away: it waits for billing, unassigned.
    await put(`/api/me/availability`, { cookie: a.cookie }, { away: true });
    await post(`/api/conversations/${c.id}/assign`, lead.cookie, { team: "billing" });
    const waiting = await item(c.id, a.cookie);
    expect(waiting?.team).toBe("billing");
    expect(waiting?.assignee).toBeUndefined();
    socks[0]!.close();
  });

  it("refuses resolved and bot conversations with 409, and validates the body", async () => {
    const lead = await agent([], "owner");
    const c = await handoff();
    expect((await post(`/api/conversations/${c.id}/assign`, lead.cookie, {})).status).toBe(400);
    expect((await post(`/api/conversations/${c.id}/assign`, lead.cookie, { agentId: lead.id, team: "x" })).status).toBe(
      400,
    );
    expect((await post(`/api/conversations/${c.id}/assign`, lead.cookie, { team: "no spaces allowed" })).status).toBe(
      400,
    );
    await post(`/api/conversations/${c.id}/resolve`, lead.cookie);
    const r = await post(`/api/conversations/${c.id}/assign`, lead.cookie, { agentId: lead.id });
    expect(r.status).toBe(409);
    const bot = await createConversation();
    await SELF.fetch(`${BASE}/v1/conversations/${bot.id}/messages?${q(bot)}`, {
      method: "POST",
      headers: asCustomer(bot, { "content-type": "application/json" }),
      body: JSON.stringify({ clientId: "cust-000001", text: "hello" }),
    });
    expect((await post(`/api/conversations/${bot.id}/assign`, lead.cookie, { agentId: lead.id })).status).toBe(409);
  });
});

describe("roles and workspaces", () => {
  it("lets an agent take work themselves or pass on their own, and leaves assigning others to editors and owners", async () => {
    const a = await agent(["support"]);
    const b = await agent(["support"]);
    const c = await handoff(); // nobody online: unassigned
    expect((await post(`/api/conversations/${c.id}/assign`, a.cookie, { agentId: b.id })).status).toBe(403);
    expect((await post(`/api/conversations/${c.id}/assign`, a.cookie, { team: "billing" })).status).toBe(403);
    expect((await post(`/api/conversations/${c.id}/assign`, a.cookie, { agentId: a.id })).status).toBe(200);
    // Now a's own: they may pass it on.
    expect((await post(`/api/conversations/${c.id}/assign`, a.cookie, { agentId: b.id })).status).toBe(200);
    expect((await post(`/api/conversations/${c.id}/assign`, a.cookie, { agentId: a.id })).status).toBe(200);
    const ed = await agent([], "editor");
    expect((await post(`/api/conversations/${c.id}/assign`, ed.cookie, { team: "billing" })).status).toBe(200);
  });

  it("sets an agent's teams and availability: owners and the admin token only", async () => {
    const a = await agent(["support"]);
    const ed = await agent([], "editor");
    const owner = await agent([], "owner");
    const path = `/admin/v1/agents/${a.id}/routing`;
    expect((await put(path, { cookie: a.cookie }, { teams: ["billing"] })).status).toBe(403);
    expect((await put(path, { cookie: ed.cookie }, { teams: ["billing"] })).status).toBe(403);
    expect((await put(path, { cookie: owner.cookie }, {})).status).toBe(400);
    expect((await put(path, { cookie: owner.cookie }, { teams: ["not a team!"] })).status).toBe(400);
    const sa = await online(a);
    const r = await put(path, { cookie: owner.cookie }, { teams: ["billing", "billing", "vip"], away: true });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id: a.id, teams: ["billing", "vip"], away: true });
    // The live roster follows at once, without reconnecting.
    await sa.until(() => lastPresence(sa).some((p) => p.id === a.id && p.away && p.teams.includes("vip")));
    expect((await put(`${path}?workspace=demo`, ADMIN, { away: false })).status).toBe(200);
    await sa.until(() => lastPresence(sa).some((p) => p.id === a.id && !p.away && p.teams.includes("vip")));
    const row = await env.DB.prepare("SELECT teams, away FROM agents WHERE id = ?")
      .bind(a.id)
      .first<{ teams: string; away: number }>();
    expect(row).toEqual({ teams: '["billing","vip"]', away: 0 });
    sa.close();
  });

  it("keeps the new endpoints inside the workspace", async () => {
    // A workspace of its own: the demo inbox holds other tests' queued handoffs, which routing hands to
    // whoever comes online (their load then depends on how fast earlier tests' agents were released).
    const ws = await workspace();
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
    const outsider = await agent(["support"], "owner", "other");
    const mine = await agent(["support"], "owner", ws);
    const c = await handoff(ws);
    expect((await post(`/api/conversations/${c.id}/assign`, outsider.cookie, { agentId: outsider.id })).status).toBe(
      404,
    );
    expect((await post(`/api/conversations/${c.id}/assign`, mine.cookie, { agentId: outsider.id })).status).toBe(404);
    expect(
      (await put(`/admin/v1/agents/${mine.id}/routing`, { cookie: outsider.cookie }, { teams: ["x"] })).status,
    ).toBe(404);
    const theirs = (await (
      await SELF.fetch(`${BASE}/api/agents`, { headers: { cookie: outsider.cookie } })
    ).json()) as { agents: AgentPresence[] };
    expect(theirs.agents.map((x) => x.id)).toEqual([outsider.id]);
    // Presence on the other workspace's inbox does not show our agents, nor route our handoffs.
    const so = await online(outsider);
    expect(lastPresence(so).map((p) => p.id)).toEqual([outsider.id]);
    expect((await item((await handoff(ws)).id, mine.cookie))?.assignee).toBeUndefined();
    so.close();
  });
});

describe("SLA alarms", () => {
  it("sets one alarm at the earliest near-due time, and none when nothing waits", async () => {
    const ws = await workspace(["hacked-account", "reset-password"]);
    const alarmOf = () => alarmIn(ws);
    expect(await alarmOf()).toBeNull();
    const owner = await agent([], "owner", ws);
    const c = await handoff(ws); // tier-2: 4 h
    const due = (await detail(c.id, owner.cookie)).handoff?.slaDueAt ?? 0;
    expect(await alarmOf()).toBe(nearAt(defaultMatrix, { tier: "tier-2", slaDueAt: due }));
    expect(due - (await alarmOf())!).toBe(48 * 60_000); // 80 % of 4 h passed
    // An urgent (tier-1) handoff comes due sooner: the alarm moves to it.
    const urgent = await handoffAbout("Someone hacked my account and changed my email", ws);
    const due1 = (await detail(urgent.id, owner.cookie)).handoff?.slaDueAt ?? 0;
    expect(await alarmOf()).toBe(due1 - 12 * 60_000);
    // Claimed (the response came) and resolved: the clocks stop, the alarm follows, then goes.
    // (Claim and resolve publish to the inbox after they answer, hence the polls.)
    await post(`/api/conversations/${urgent.id}/claim`, owner.cookie);
    await expect.poll(alarmOf).toBe(due - 48 * 60_000);
    await post(`/api/conversations/${c.id}/resolve`, owner.cookie);
    await expect.poll(alarmOf).toBeNull();
    // Reassigning the claimed one back to the queue restarts its clock (same due time).
    await post(`/api/conversations/${urgent.id}/assign`, owner.cookie, { team: "security" });
    expect(await alarmOf()).toBe(due1 - 12 * 60_000);
  });

  it("flags near due, then breached, live; records each once in D1 and calls the hook", async () => {
    const ws = await workspace();
    const alarmOf = () => alarmIn(ws);
    const owner = await agent([], "owner", ws);
    const watch = await online(owner);
    const c = await handoff(ws);
    const due = (await detail(c.id, owner.cookie)).handoff?.slaDueAt ?? 0;
    const log = vi.spyOn(console, "log");
    // Controlled clock: the Inbox DO runs in this isolate, so a faked Date reaches it.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(due - 30 * 60_000);
    expect(await runDurableObjectAlarm(inbox(ws))).toBe(true);
    await watch.until(
      (f) =>
        (f as unknown as InboxFrame).t === "upsert" && (f as unknown as { item: InboxItem }).item.slaState === "near",
    );
    expect((await item(c.id, owner.cookie))?.slaState).toBe("near");
    expect(await alarmOf()).toBe(due); // next: the due time itself
    // The alarm firing again before the due time changes nothing and records nothing twice.
    await runDurableObjectAlarm(inbox(ws));
    vi.setSystemTime(due + 1000);
    expect(await runDurableObjectAlarm(inbox(ws))).toBe(true);
    await watch.until(
      (f) =>
        (f as unknown as InboxFrame).t === "upsert" &&
        (f as unknown as { item: InboxItem }).item.slaState === "breached",
    );
    expect(await alarmOf()).toBeNull(); // nothing else pending
    const events = await env.DB.prepare(
      "SELECT kind, conversation_id, tier, team, due_at FROM sla_events WHERE conversation_id = ? ORDER BY seq",
    )
      .bind(c.id)
      .all();
    expect(events.results).toEqual([
      { kind: "near", conversation_id: c.id, tier: "tier-2", team: "support", due_at: due },
      { kind: "breached", conversation_id: c.id, tier: "tier-2", team: "support", due_at: due },
    ]);
    expect(log.mock.calls.some((args) => String(args[0]).includes(`SLA breached: conversation ${c.id}`))).toBe(true);
    log.mockRestore();
    // A breached item keeps its flag through later updates of the same handoff.
    vi.useRealTimers();
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${qs(c, ws)}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ clientId: "cust-000009", text: "hello? anyone?" }),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await item(c.id, owner.cookie)).toMatchObject({ slaState: "breached", preview: "hello? anyone?" });
    watch.close();
  });

  it("jumps straight to breached when the alarm runs late, and skips the near event", async () => {
    const ws = await workspace();
    const owner = await agent([], "owner", ws);
    const c = await handoff(ws);
    const due = (await detail(c.id, owner.cookie)).handoff?.slaDueAt ?? 0;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(due + 5 * 60_000);
    await runDurableObjectAlarm(inbox(ws));
    vi.useRealTimers();
    expect((await item(c.id, owner.cookie))?.slaState).toBe("breached");
    const kinds = await env.DB.prepare("SELECT kind FROM sla_events WHERE conversation_id = ?")
      .bind(c.id)
      .all<{ kind: string }>();
    expect(kinds.results.map((r) => r.kind)).toEqual(["breached"]);
  });
});
