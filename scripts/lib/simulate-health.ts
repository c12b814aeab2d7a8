// What `npm run simulate` adds after the analytics run, so that the Quality, Performance, Reports and
// Customer health pages show real figures (docs/customer-health.md, docs/quality-review.md): agents online
// in the inbox (their time available), verified customers of a few companies writing through the widget's
// API (some angrily, some left waiting: at risk, with reasons), an owner's rule that drafts an outreach for
// an agent's approval, one approved and one sent by an agent, a lead's overrides of a few scores, and the
// weekly report of this week so far, made on demand. Everything goes through the public and console
// APIs, as people would.
import { createHmac, randomUUID } from "node:crypto";
import WebSocket from "ws";
import type { CreatedConversation } from "../../shared/api.ts";
import { identityCanonicalV2 } from "../../shared/api.ts";
import { bearer, OPERATOR_HEADER } from "../../shared/credentials.ts";
import type { CustomerHealth, Outreach } from "../../shared/customer-health.ts";
import type { PerformanceReport, Scorecard } from "../../shared/quality.ts";
import { type Agent, login, request, SIM_SITE, type Target } from "./simulate.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Console API call as a signed-in person; throws on anything but 2xx. */
async function api<T>(t: Target, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await request(t, path, {
    method,
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** The agents' inbox sockets: their presence, which the performance page counts as time available. */
export type Presence = { stop(): Promise<void>; away(email: string, away: boolean): Promise<void> };

export async function goOnline(t: Target, agents: Agent[]): Promise<Presence> {
  const cookies = new Map<string, string>();
  const sockets: WebSocket[] = [];
  for (const a of agents) {
    const cookie = await login(t, a);
    cookies.set(a.email, cookie);
    const ws = new WebSocket(`${t.url.replace(/^http/, "ws")}/api/inbox/ws`, {
      headers: { cookie },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("message", () => resolve());
      ws.once("error", reject);
    });
    sockets.push(ws);
  }
  return {
    async away(email, away) {
      const cookie = cookies.get(email);
      if (cookie) await api(t, cookie, "PUT", "/api/me/availability", { away });
    },
    async stop() {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((r) => {
              if (ws.readyState === WebSocket.CLOSED) return r();
              ws.once("close", () => r());
              ws.close(1000, "simulation done");
            }),
        ),
      );
    },
  };
}

/** Signed in full (identify v2): the name shows in the console, `company` groups them (else the email's domain). */
type Customer = { id: string; email: string; name: string; attributes?: { company: string } };
/** A conversation's course: `angry` writes a complaint; `waiting` asks for a person nobody answers; `rating` after an agent resolved it. */
type Course = { angry: boolean; waiting?: boolean; rating?: number };

/** Customers of three companies and one on free mail; Northwind's are unhappy, Globex's mixed. */
const CUSTOMERS: [Customer, Course[]][] = [
  [
    {
      id: "sim-nora",
      email: "nora.hale@northwind.example",
      name: "Nora Hale",
      attributes: { company: "Northwind Traders" },
    },
    [{ angry: true, rating: 1 }, { angry: true, waiting: true }, { angry: true }],
  ],
  [
    {
      id: "sim-ned",
      email: "ned.park@northwind.example",
      name: "Ned Park",
      attributes: { company: "Northwind Traders" },
    },
    [
      { angry: true, rating: 2 },
      { angry: true, waiting: true },
    ],
  ],
  [
    { id: "sim-gus", email: "gus.moore@globex.example", name: "Gus Moore" },
    [
      { angry: true, waiting: true },
      { angry: false, rating: 4 },
    ],
  ],
  [{ id: "sim-gia", email: "gia.lane@globex.example", name: "Gia Lane" }, [{ angry: false, rating: 5 }]],
  [{ id: "sim-ian", email: "ian.wu@initech.example", name: "Ian Wu" }, [{ angry: false, rating: 5 }, { angry: false }]],
  [{ id: "sim-pat", email: "pat.doe@gmail.com", name: "Pat Doe" }, [{ angry: false, rating: 4 }]],
];

const COMPLAINTS = [
  "This is useless, the album export is broken again and I lost a whole afternoon.",
  "Terrible: my invoice is wrong for the third time and nobody fixes it.",
  "Awful experience, the sync keeps failing and support never answers.",
];
const QUESTIONS = ["How do I share an album with a client?", "Can I change the watermark on exported photos?"];

export type HealthRun = {
  contacts: number;
  companies: string[];
  atRisk: string[];
  proposed: number;
  approved: number;
  sent: number;
  overrides: number;
  /** The weekly report was made (on demand, not mailed). */
  report: true;
  /** Seconds each agent was available so far (online in the inbox, not away), by name. */
  available: (readonly [string, number])[];
};

/**
 * The customer-health part of a run. `secret`: the sim site's identity secret; `agents` work the
 * conversations (the first also sends the outreach), `owner` sets the rule, reviews and makes the report;
 * `away`: the name of an agent who stepped away meanwhile (reported with the others' time available).
 */
export async function simulateHealth(
  t: Target,
  opts: { secret: string; agents: Agent[]; owner: Agent; away?: string; onStep?: (what: string) => void },
): Promise<HealthRun> {
  const step = opts.onStep ?? (() => {});
  const owner = await login(t, opts.owner);
  const agents = await Promise.all(opts.agents.map((a) => login(t, a)));
  const agent = agents[0] as string;
  step("an owner's rule that drafts an outreach");
  await api(t, owner, "POST", "/api/customer-health/rules", {
    name: "Two unhappy conversations in two weeks",
    signal: "negative",
    threshold: 2,
    days: 14,
    notify: "email",
    alert: false,
    outreach: {
      channel: "widget",
      text: "Hi, this is Lumen support. We saw the last few conversations did not go well: sorry. Could you tell us what is still not working? We will look at it first.",
    },
  });

  const customer = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await request(t, path, {
      method,
      headers: {
        [OPERATOR_HEADER]: t.adminToken,
        "content-type": "application/json",
        ...(token ? bearer(token) : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path.split("?")[0]}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as unknown;
  };

  step("verified customers of three companies");
  let n = 0;
  for (const [who, courses] of CUSTOMERS) {
    for (const course of courses) {
      const k = n++;
      const c = (await customer("POST", `/v1/conversations?site=${SIM_SITE}`, {
        locale: "en",
        channel: "chat",
        pageUrl: "https://lumen.example/app",
      })) as CreatedConversation;
      const ts = Math.floor(Date.now() / 1000);
      const hmac = createHmac("sha256", opts.secret).update(identityCanonicalV2(ts, who)).digest("hex");
      await customer("POST", `/v1/conversations/${c.id}/identify?site=${SIM_SITE}`, { user: who, hmac, ts }, c.token);
      const text = course.angry
        ? (COMPLAINTS[k % COMPLAINTS.length] as string)
        : (QUESTIONS[k % QUESTIONS.length] as string);
      await customer(
        "POST",
        `/v1/conversations/${c.id}/messages?site=${SIM_SITE}`,
        { clientId: randomUUID(), text },
        c.token,
      );
      if (!course.waiting && course.rating === undefined) continue;
      await customer(
        "POST",
        `/v1/conversations/${c.id}/handoff?site=${SIM_SITE}`,
        { reason: "customer-requested" },
        c.token,
      );
      if (course.waiting) continue;
      const by = agents[k % agents.length] as string;
      await api(t, by, "POST", `/api/conversations/${c.id}/messages`, {
        clientId: randomUUID(),
        text: course.angry
          ? "I am sorry about this. I have fixed the export settings on your account; please try again."
          : "Happy to help: it is under Album → Share, then Invite client.",
      });
      await api(t, by, "POST", `/api/conversations/${c.id}/resolve`);
      if (course.rating !== undefined)
        await customer("POST", `/v1/conversations/${c.id}/csat?site=${SIM_SITE}`, { score: course.rating }, c.token);
    }
  }

  // The health follower and the rule run after each change: wait for the drafts of Northwind's two.
  step("the rule's drafts");
  const deadline = Date.now() + 60_000;
  let proposed: Outreach[] = [];
  for (;;) {
    proposed = (await api<{ outreach: Outreach[] }>(t, agent, "GET", "/api/outreach?status=proposed")).outreach;
    if (proposed.length >= 2 || Date.now() > deadline) break;
    await sleep(500);
  }
  // One approved by an agent (Ned's, if there); the other left waiting for the approvals list.
  let approved = 0;
  const ned = proposed.find((o) => o.email === "ned.park@northwind.example") ?? proposed[1];
  if (ned) {
    await api(t, agent, "POST", `/api/outreach/${ned.id}/approve`, {});
    approved++;
  }
  step("an agent's outreach");
  const health = (await api<{ customers: CustomerHealth[] }>(t, agent, "GET", "/api/customer-health/contacts"))
    .customers;
  const gus = health.find((h) => h.email === "gus.moore@globex.example");
  let sent = 0;
  if (gus) {
    await api(t, agent, "POST", "/api/outreach", {
      contactId: gus.key,
      channel: "widget",
      text: "Hi Gus, sorry your sync question waited. It is fixed on our side now; shall we check it together?",
    });
    sent++;
  }

  step("a lead's review");
  const sample = (await api<{ scorecards: Scorecard[] }>(t, owner, "GET", "/api/quality/review?n=10")).scorecards;
  const overrides: [number, string][] = [
    [-35, "The reply did not solve it: the customer had to come back."],
    [0, "Agree with the automatic score."],
    [-25, "Tone was fine, but the answer skipped the export limit."],
  ];
  let overridden = 0;
  for (let i = 0; i < Math.min(sample.length, overrides.length); i++) {
    const card = sample[i];
    const o = overrides[i];
    if (!card || !o || card.score === null) continue;
    const score = Math.max(0, Math.min(100, Math.round(card.score + o[0])));
    await api(
      t,
      owner,
      "PUT",
      `/api/quality/conversations/${encodeURIComponent(card.conversationId)}/parts/${encodeURIComponent(card.part)}/override`,
      { score, comment: o[1] },
    );
    overridden++;
  }

  step("the weekly report");
  const report = await request(t, "/api/reports/weekly/run", {
    method: "POST",
    headers: { cookie: owner, "content-type": "application/json" },
    body: JSON.stringify({ send: false, week: "current" }),
  });
  if (!report.ok) throw new Error(`POST /api/reports/weekly/run: ${report.status} ${await report.text()}`);
  await report.body?.cancel();

  const companies = (await api<{ customers: CustomerHealth[] }>(t, agent, "GET", "/api/customer-health/companies"))
    .customers;
  const perf = await api<PerformanceReport>(t, owner, "GET", "/api/quality/performance");
  return {
    contacts: health.length,
    companies: companies.map((c) => c.name),
    atRisk: health.filter((h) => h.level === "at-risk").map((h) => h.email ?? h.name),
    proposed: proposed.length,
    approved,
    sent,
    overrides: overridden,
    report: true,
    available: perf.agents.flatMap((a) =>
      opts.agents.some((x) => x.name === a.name) || a.name === opts.away
        ? [[a.name, Math.round((a.availableMs ?? 0) / 1000)] as const]
        : [],
    ),
  };
}
