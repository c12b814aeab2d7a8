// Conversation quality (worker/quality/): a conversation that ends gets its scorecards from its own
// `quality` follower; agents read only their own parts, owners everyone's; owners re-score (the same
// rubric gives the same scores), version the rubric, override with a comment, and see how often they
// disagree. Reopening and a late rating re-score. Workspaces never see each other's cards.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Rubric, Scorecard } from "../../shared/quality.ts";
import { asCustomer, BASE, call, connect, createAgent, ORIGIN, waitFor, wsAs } from "./helpers.ts";
import { workspace } from "./notify-helpers.ts";

let ws = "";
let site = "";
let ana = "";
let ben = "";
let boss = "";
let stranger = "";
let anaId = "";
let n = 0;
const clientId = () => `quality-${String(++n).padStart(6, "0")}`;

beforeAll(async () => {
  ({ ws, site } = await workspace("quality"));
  ana = await createAgent("quality-ana@example.test", "agent", ws);
  ben = await createAgent("quality-ben@example.test", "agent", ws);
  boss = await createAgent("quality-boss@example.test", "owner", ws);
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('quality-other', 'Other', 1)",
  ).run();
  stranger = await createAgent("quality-stranger@other.test", "owner", "quality-other");
  anaId = ((await call<{ id: string }>(ana, "GET", "/api/me")).body as { id: string }).id;
});

type Chat = { c: { id: string; token: string }; customer: Awaited<ReturnType<typeof connect>> };

/** A customer complains and asks for a person; Ana answers kindly and resolves. */
async function resolvedByAna(reply = "Sorry about that: I have refunded the parcel today."): Promise<Chat> {
  const r = await post(`/v1/conversations?site=${site}`, { locale: "en" });
  const c = (await r.json()) as { id: string; token: string };
  const customer = await connect(`/v1/conversations/${c.id}/ws?site=${site}&after=0`, wsAs(c));
  customer.send({ t: "send", clientId: clientId(), text: "My parcel never arrived, this is useless" });
  await post(
    `/v1/conversations/${c.id}/handoff?site=${site}`,
    {},
    asCustomer(c, { "content-type": "application/json" }),
  );
  await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued", 8000);
  expect(
    (await call(ana, "POST", `/api/conversations/${c.id}/messages`, { clientId: clientId(), text: reply })).status,
  ).toBe(201);
  expect((await call(ana, "POST", `/api/conversations/${c.id}/resolve`, {})).status).toBe(200);
  return { c, customer };
}

/** A POST the widget would make (JSON, from the site's origin unless other headers are given). */
function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { origin: ORIGIN, "content-type": "application/json" },
) {
  return SELF.fetch(`${BASE}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

const cardsOf = (cookie: string, id: string) =>
  call<{ scorecards: Scorecard[] }>(cookie, "GET", `/api/quality/conversations/${id}`);
const scored = (cookie: string, id: string, ok: (cards: Scorecard[]) => boolean = (l) => l.length > 0) =>
  waitFor(
    () => cardsOf(cookie, id),
    (r) => ok(r.body.scorecards),
    8000,
  ).then((r) => r.body.scorecards);

describe("scorecards", () => {
  it("are made when a conversation ends, for each agent who replied, with the rubric version and inputs", async () => {
    const { c, customer } = await resolvedByAna();
    const cards = await scored(boss, c.id);
    const mine = cards.find((x) => x.kind === "agent");
    expect(mine).toMatchObject({
      conversationId: c.id,
      part: `agent:${anaId}`,
      agent: { id: anaId },
      rubricVersion: 0,
      inputs: { resolved: true, reopened: false, handedOff: true },
    });
    expect(mine?.criteria.resolution).toMatchObject({ value: 1, weight: 3 });
    expect(mine?.criteria.tone).toMatchObject({ value: 1, reason: "1 reply, no tone issue" });
    expect(mine?.score).toBeGreaterThanOrEqual(80);
    // Inputs hold no customer text.
    expect(JSON.stringify(cards)).not.toContain("parcel never arrived");
    customer.close();
  });

  it("an agent sees only their own parts; owners see all; another workspace sees nothing", async () => {
    const { c, customer } = await resolvedByAna();
    await scored(boss, c.id);
    const asAna = (await call<{ scorecards: Scorecard[] }>(ana, "GET", "/api/quality/scorecards")).body.scorecards;
    expect(asAna.length).toBeGreaterThan(0);
    expect(asAna.every((x) => x.agent?.id === anaId)).toBe(true);
    // Asking for someone else's changes nothing for an agent.
    const sneaky = await call<{ scorecards: Scorecard[] }>(ben, "GET", `/api/quality/scorecards?agent=${anaId}`);
    expect(sneaky.body.scorecards).toEqual([]);
    expect((await cardsOf(ben, c.id)).body.scorecards).toEqual([]);
    const asBoss = await call<{ scorecards: Scorecard[] }>(boss, "GET", `/api/quality/scorecards?agent=${anaId}`);
    expect(asBoss.body.scorecards.some((x) => x.conversationId === c.id)).toBe(true);
    expect((await cardsOf(stranger, c.id)).body.scorecards).toEqual([]);
    expect((await call(stranger, "POST", `/api/quality/conversations/${c.id}/rescore`, {})).status).toBe(404);
    expect((await call({}, "GET", "/api/quality/scorecards")).status).toBe(401);
    customer.close();
  });

  it("re-scoring with the same rubric gives the same scores; a new rubric version changes them; version 0 gives them back", async () => {
    const { c, customer } = await resolvedByAna("Your fault, the API shows it was delivered.");
    const first = await scored(boss, c.id);
    const strip = (l: Scorecard[]) => l.map(({ scoredAt: _, ...x }) => x);
    const again = await call<{ scorecards: Scorecard[] }>(
      boss,
      "POST",
      `/api/quality/conversations/${c.id}/rescore`,
      {},
    );
    expect(again.status).toBe(200);
    expect(strip(again.body.scorecards)).toEqual(strip(first));
    const agentCard = first.find((x) => x.kind === "agent");
    expect(agentCard?.criteria.tone.value).toBe(0);

    expect(
      (
        await call(ana, "PUT", "/api/quality/rubric", {
          weights: { resolution: 1, speed: 0, accuracy: 0, tone: 9, csat: 0 },
        })
      ).status,
    ).toBe(403);
    const bad = await call<{ error: string }>(boss, "PUT", "/api/quality/rubric", {
      weights: { resolution: 0, speed: 0, accuracy: 0, tone: 0, csat: 0 },
    });
    expect([bad.status, bad.body.error]).toEqual([400, "invalid_body"]);
    const v = await call<Rubric>(boss, "PUT", "/api/quality/rubric", {
      weights: { resolution: 1, speed: 0, accuracy: 0, tone: 9, csat: 0 },
    });
    expect(v.status).toBe(200);
    expect(v.body.version).toBeGreaterThanOrEqual(1);
    expect((await call<Rubric>(ana, "GET", "/api/quality/rubric")).body.version).toBe(v.body.version);
    const toneHeavy = await call<{ scorecards: Scorecard[] }>(
      boss,
      "POST",
      `/api/quality/conversations/${c.id}/rescore`,
      {},
    );
    const heavy = toneHeavy.body.scorecards.find((x) => x.kind === "agent");
    expect(heavy?.rubricVersion).toBe(v.body.version);
    expect(heavy?.score).toBe(10);
    const back = await call<{ scorecards: Scorecard[] }>(boss, "POST", `/api/quality/conversations/${c.id}/rescore`, {
      rubricVersion: 0,
    });
    expect(strip(back.body.scorecards)).toEqual(strip(first));
    expect(
      (await call(boss, "POST", `/api/quality/conversations/${c.id}/rescore`, { rubricVersion: 999 })).status,
    ).toBe(404);
    const versions = await call<{ rubrics: Rubric[] }>(boss, "GET", "/api/quality/rubrics");
    expect(versions.body.rubrics.map((r) => r.version)).toContain(0);
    // Back to even weights for the other tests of this file.
    await call(boss, "PUT", "/api/quality/rubric", {
      weights: { resolution: 3, speed: 2, accuracy: 2, tone: 1, csat: 2 },
    });
    customer.close();
  });

  it("a reopening within 7 days and a late rating re-score on their own", async () => {
    const { c, customer } = await resolvedByAna();
    const before = await scored(boss, c.id);
    expect(before.find((x) => x.kind === "agent")?.inputs.reopened).toBe(false);
    expect(
      (
        await post(
          `/v1/conversations/${c.id}/csat?site=${site}`,
          { score: 2 },
          asCustomer(c, { "content-type": "application/json" }),
        )
      ).status,
    ).toBe(201);
    const rated = await scored(boss, c.id, (l) => l.some((x) => x.inputs.csat === 2));
    expect(rated.find((x) => x.kind === "agent")?.criteria.csat).toMatchObject({ value: 0.25 });
    customer.send({ t: "send", clientId: clientId(), text: "It still has not come" });
    const reopened = await scored(boss, c.id, (l) => l.some((x) => x.inputs.reopened));
    expect(reopened.find((x) => x.kind === "agent")?.criteria.resolution).toMatchObject({ value: 0 });
    customer.close();
  });
});

describe("review and overrides", () => {
  it("owners review a sample, override with a comment, and see how often they disagree; agents cannot", async () => {
    const { c, customer } = await resolvedByAna();
    const cards = await scored(boss, c.id);
    const part = cards.find((x) => x.kind === "agent")?.part ?? "";
    const sample = await call<{ scorecards: Scorecard[] }>(boss, "GET", "/api/quality/review?n=50");
    expect(sample.body.scorecards.some((x) => x.conversationId === c.id)).toBe(true);
    expect((await call(ana, "GET", "/api/quality/review")).status).toBe(403);

    const path = `/api/quality/conversations/${c.id}/parts/${encodeURIComponent(part)}/override`;
    expect((await call(ana, "PUT", path, { score: 10, comment: "mine" })).status).toBe(403);
    expect((await call(boss, "PUT", path, { score: 10, comment: "  " })).status).toBe(400);
    expect(
      (
        await call(boss, "PUT", `/api/quality/conversations/${c.id}/parts/agent%3Anobody/override`, {
          score: 10,
          comment: "x",
        })
      ).status,
    ).toBe(404);
    const o = await call<{ scorecards: Scorecard[] }>(boss, "PUT", path, {
      score: 10,
      comment: "promised a refund we do not give",
    });
    expect(o.status).toBe(200);
    expect(o.body.scorecards.find((x) => x.part === part)?.override).toMatchObject({
      score: 10,
      comment: "promised a refund we do not give",
    });
    // The automatic score stays beside it, and Ana sees the override on her own card.
    const hers = (await cardsOf(ana, c.id)).body.scorecards[0];
    expect(hers?.override?.score).toBe(10);
    expect(hers?.score).toBeGreaterThan(20);
    const stats = await call<{ overrides: number; disagreements: number; rate: number }>(
      boss,
      "GET",
      "/api/quality/overrides/stats",
    );
    expect(stats.body.overrides).toBeGreaterThanOrEqual(1);
    expect(stats.body.disagreements).toBeGreaterThanOrEqual(1);
    expect((await call(ana, "GET", "/api/quality/overrides/stats")).status).toBe(403);
    // Reviewed cards leave the sample.
    const after = await call<{ scorecards: Scorecard[] }>(boss, "GET", "/api/quality/review?n=50");
    expect(after.body.scorecards.some((x) => x.conversationId === c.id && x.part === part)).toBe(false);
    customer.close();
  });
});

describe("performance", () => {
  it("owners get every agent and team for a period; an agent only their own row; CSV the same", async () => {
    const { c, customer } = await resolvedByAna();
    await scored(boss, c.id);
    type Perf = { agents: { key: string; handled: number; firstResponseP50: number | null }[]; teams: unknown[] };
    const all = await call<Perf>(boss, "GET", "/api/quality/performance");
    expect(all.status).toBe(200);
    const anaRow = all.body.agents.find((r) => r.key === anaId);
    expect(anaRow?.handled).toBeGreaterThanOrEqual(1);
    expect(anaRow?.firstResponseP50).not.toBeNull();
    expect(all.body.agents.length).toBeGreaterThanOrEqual(3);
    const own = await call<Perf>(ben, "GET", "/api/quality/performance");
    expect(own.body.agents.map((r) => r.key)).not.toContain(anaId);
    expect(own.body.agents).toHaveLength(1);
    expect(own.body.teams).toEqual([]);
    // A period with nothing in it.
    const empty = await call<Perf>(boss, "GET", "/api/quality/performance?from=1&to=2");
    expect(empty.body.agents.every((r) => r.handled === 0)).toBe(true);
    expect((await call(boss, "GET", "/api/quality/performance?from=5&to=2")).status).toBe(400);
    const csv = await SELF.fetch(`${BASE}/api/quality/performance.csv`, { headers: { cookie: ben, origin: ORIGIN } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect((await call(stranger, "GET", "/api/quality/performance")).body).not.toMatchObject({
      agents: expect.arrayContaining([expect.objectContaining({ key: anaId })]),
    });
    customer.close();
  });
});
