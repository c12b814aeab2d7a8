// `/api/quality` (docs/quality-review.md): scorecards of ended conversations, the rubric, leads' review.
// Who: any signed-in person of the workspace reads the rubric and their own scorecards (an agent sees
// only the parts they wrote); owners (the leads) see everyone's, review a sample, override with a comment,
// re-score and edit the rubric. On what: the caller's workspace only (rows are keyed by it; a
// conversation of another workspace is a 404). How often: QUALITY_BUDGET per person (a re-score
// replays a conversation's log).
import { Hono, type Context } from "hono";
import {
  overrideRequestSchema,
  type overrideStatsSchema,
  type PerformanceReport,
  rescoreRequestSchema,
  reviewQuerySchema,
  type rubricListSchema,
  type rubricSchema,
  rubricUpdateSchema,
  type scorecardListSchema,
  scorecardQuerySchema,
} from "../../shared/quality.ts";
import type * as z from "zod/mini";
import { audit } from "../audit/log.ts";
import { workspaceConversation } from "../conversation/agent-access.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { inboxOf } from "../inbox/agents.ts";
import { availableMs } from "../inbox/availability.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { performance, performanceCsv } from "./performance.ts";
import {
  agentCardsIn,
  currentRubric,
  listScorecards,
  overrideStats,
  reviewSample,
  rubricHistory,
  rubricVersion,
  saveOverride,
  saveRubric,
} from "./store.ts";

/** Per person: a console page reads a few lists at once; a re-score replays one conversation's log. */
export const QUALITY_BUDGET = { perSecond: 0.5, burst: 30 };

export const qualityApi = new Hono<AppEnv>();
qualityApi.use(requireAgent());
qualityApi.use(
  rateLimit({
    limits: () => QUALITY_BUDGET,
    key: (c) => `quality:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);
const owner = requireAgent({ role: "owner" });

const ws = (c: Context<AppEnv>) => c.get("agent").workspaceId;
/** An agent reads only their own parts, whatever they ask for. */
const ownOnly = (c: Context<AppEnv>, asked?: string) => (c.get("agent").role === "owner" ? asked : c.get("agent").id);

qualityApi.get("/scorecards", async (c) => {
  const q = parseOr400(scorecardQuerySchema, c.req.query(), "query");
  const body: z.infer<typeof scorecardListSchema> = {
    scorecards: await listScorecards(c.env.DB, ws(c), {
      agentId: ownOnly(c, q.agent),
      from: q.from,
      to: q.to,
      limit: q.limit,
    }),
  };
  return c.json(body);
});

qualityApi.get("/conversations/:id", async (c) => {
  const body: z.infer<typeof scorecardListSchema> = {
    scorecards: await listScorecards(c.env.DB, ws(c), { conversationId: c.req.param("id"), agentId: ownOnly(c) }),
  };
  return c.json(body);
});

qualityApi.post("/conversations/:id/rescore", owner, async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(rescoreRequestSchema, await jsonBody(c), "body");
  const rubric =
    body.rubricVersion === undefined
      ? await currentRubric(c.env.DB, ws(c))
      : await rubricVersion(c.env.DB, ws(c), body.rubricVersion);
  if (!rubric) throw new ApiFailure(404, "not_found", "no such rubric version");
  const cards = await stub.rescoreQuality(rubric);
  if (!cards) throw new ApiFailure(409, "not_ended", "this conversation has not ended yet: nothing to score");
  const out: z.infer<typeof scorecardListSchema> = { scorecards: cards };
  return c.json(out);
});

qualityApi.put("/conversations/:id/parts/:part/override", owner, async (c) => {
  const body = parseOr400(overrideRequestSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const id = c.req.param("id");
  const part = c.req.param("part");
  if (!(await saveOverride(c.env.DB, ws(c), id, part, { ...body, by: { id: a.id, name: a.name } })))
    throw new ApiFailure(404, "not_found", "no scorecard for that part of that conversation");
  await audit(c, {
    action: "quality.override",
    target: { type: "conversation", id },
    after: { part, score: body.score },
  });
  const out: z.infer<typeof scorecardListSchema> = {
    scorecards: await listScorecards(c.env.DB, ws(c), { conversationId: id }),
  };
  return c.json(out);
});

qualityApi.get("/overrides/stats", owner, async (c) => {
  const q = parseOr400(scorecardQuerySchema, c.req.query(), "query");
  const body: z.infer<typeof overrideStatsSchema> = await overrideStats(c.env.DB, ws(c), q.from ?? 0);
  return c.json(body);
});

qualityApi.get("/review", owner, async (c) => {
  const q = parseOr400(reviewQuerySchema, c.req.query(), "query");
  const body: z.infer<typeof scorecardListSchema> = { scorecards: await reviewSample(c.env.DB, ws(c), q.n ?? 10) };
  return c.json(body);
});

/** The period's agent and team figures; an agent gets their own row only (and no team rows). */
async function performanceFor(c: Context<AppEnv>): Promise<PerformanceReport> {
  const q = parseOr400(scorecardQuerySchema, c.req.query(), "query");
  const to = q.to ?? Date.now();
  const from = q.from ?? to - 30 * 86_400_000;
  if (from >= to) throw new ApiFailure(400, "invalid_query", "query: from must be before to");
  const me = c.get("agent");
  const lead = me.role === "owner";
  const [cards, people, live] = await Promise.all([
    agentCardsIn(c.env.DB, ws(c), from, to, lead ? undefined : me.id),
    c.env.DB.prepare(
      "SELECT id, name, teams, capacity FROM workspace_people WHERE workspace_id = ? AND disabled_at IS NULL ORDER BY name",
    )
      .bind(ws(c))
      .all<{ id: string; name: string; teams: string; capacity: number | null }>(),
    inboxOf(c).presence(),
  ]);
  const available = await availableMs(c.env.DB, ws(c), from, to, Date.now());
  const defaultCapacity = loadMatrix(c.env).agentCapacity;
  const load = new Map(live.map((p) => [p.id, p.load]));
  const rows = people.results
    .filter((p) => lead || p.id === me.id)
    .map((p) => ({
      id: p.id,
      name: p.name,
      teams: parseJson(stringList, p.teams, `teams of ${p.id}`),
      capacity: p.capacity ?? defaultCapacity,
      load: load.get(p.id) ?? 0,
      availableMs: available.get(p.id) ?? 0,
    }));
  const figures = performance(cards, rows);
  return { from, to, agents: figures.agents, teams: lead ? figures.teams : [] };
}

qualityApi.get("/performance", async (c) => c.json(await performanceFor(c)));

qualityApi.get("/performance.csv", async (c) =>
  c.body(performanceCsv(await performanceFor(c)), 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": 'attachment; filename="performance.csv"',
  }),
);

/** Everyone may read how they are scored. */
qualityApi.get("/rubric", async (c) => {
  const body: z.infer<typeof rubricSchema> = await currentRubric(c.env.DB, ws(c));
  return c.json(body);
});

qualityApi.get("/rubrics", owner, async (c) => {
  const body: z.infer<typeof rubricListSchema> = { rubrics: await rubricHistory(c.env.DB, ws(c)) };
  return c.json(body);
});

/** New weights: the next version. Scores made before keep theirs until re-scored. */
qualityApi.put("/rubric", owner, async (c) => {
  const body = parseOr400(rubricUpdateSchema, await jsonBody(c), "body");
  const saved = await saveRubric(c.env.DB, ws(c), body.weights, c.get("agent").id);
  await audit(c, {
    action: "quality.rubric",
    target: { type: "workspace", id: ws(c) },
    after: { version: saved.version, weights: body.weights },
  });
  const out: z.infer<typeof rubricSchema> = saved;
  return c.json(out);
});
