// The surge API under /api/surge: alert, brief (create, lock), plan, approval by link, execution in
// batches, undo, snapshot, report, feedback, audit trail and replay. Every route needs a session and
// only reaches its own workspace's sweeps; deciding on a plan needs the owner role and a different
// person than the lead who wrote it.
import { Hono, type Context } from "hono";
import { nanoid } from "nanoid";
import {
  surgeBriefSchema,
  surgeDecisionSchema,
  surgeFeedbackSchema,
  surgeTaskUpdateSchema,
  surgeTuningSchema,
  type ApprovalSummary,
  type Sweep,
} from "../../../shared/surge.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { loadMatrix } from "../../inbox/routing/matrix.ts";
import { notifierOf } from "../notify/index.ts";
import { surgeAlert } from "./alert.ts";
import { snapshotFrom } from "./audit.ts";
import { surgeConfig } from "./config.ts";
import { gatherInputs } from "./inputs.ts";
import { buildPlan } from "./plan.ts";
import { reportMarkdown } from "./report.ts";
import { runBatch, undoReply } from "./run.ts";
import { SurgeStore, type SweepRecord } from "./store.ts";

export const surge = new Hono<AppEnv>();
surge.use(requireAgent());

const storeOf = (c: Context<AppEnv>) => new SurgeStore(c.env.DB, c.get("agent").workspaceId);
const who = (c: Context<AppEnv>) => ({ id: c.get("agent").id, name: c.get("agent").name });
const publicUrl = (c: Context<AppEnv>) => c.env.PUBLIC_URL || new URL(c.req.url).origin;

function token(): string {
  const b = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

async function sweepOr404(c: Context<AppEnv>): Promise<SweepRecord> {
  const s = await storeOf(c).get(c.req.param("id") ?? "");
  if (!s) throw new ApiFailure(404, "not_found", "no such sweep");
  return s;
}

/** The lead runs their sweep; an owner may step in. */
function mustLead(c: Context<AppEnv>, s: SweepRecord): void {
  const a = c.get("agent");
  if (a.id !== s.createdBy.id && a.role !== "owner")
    throw new ApiFailure(403, "forbidden", "only the sweep's lead or an owner can do this");
}

function view(c: Context<AppEnv>, s: SweepRecord): Sweep {
  const { workspaceId: _w, inputs: _i, tuning: _t, planHash: _h, approvalToken, ...rest } = s;
  const a = c.get("agent");
  // The link is the lead's to share; owners see it too. Other agents read the sweep without it.
  const mayShare = a.id === s.createdBy.id || a.role === "owner";
  return { ...rest, ...(mayShare && approvalToken ? { approvalToken } : {}) };
}

function needState(s: SweepRecord, ...states: Sweep["state"][]): void {
  if (!states.includes(s.state))
    throw new ApiFailure(409, "wrong_state", `the sweep is ${s.state}; this needs it ${states.join(" or ")}`);
}

surge.get("/alert", async (c) => {
  const ws = c.get("agent").workspaceId;
  const items = await c.env.INBOX.get(c.env.INBOX.idFromName(ws)).list();
  const deliveries = await notifierOf(c.env, ws)
    .list(undefined, 100)
    .catch(() => []);
  return c.json(surgeAlert(items, deliveries, loadMatrix(c.env), surgeConfig(c.env).alert, Date.now()));
});

surge.get("/sweeps", async (c) => c.json({ items: (await storeOf(c).list()).map((s) => view(c, s)) }));

surge.post("/sweeps", async (c) => {
  const brief = parseOr400(surgeBriefSchema, await jsonBody(c), "body");
  const store = storeOf(c);
  const id = `sw_${nanoid(12)}`;
  const at = Date.now();
  await store.record(
    { sweepId: id, actor: who(c).name, action: "brief.created", inputs: brief, outputs: { id } },
    store.create({ id, brief, by: who(c), at }),
  );
  return c.json(view(c, (await store.get(id)) as SweepRecord), 201);
});

surge.get("/sweeps/:id", async (c) => c.json(view(c, await sweepOr404(c))));

surge.post("/sweeps/:id/lock", async (c) => {
  const s = await sweepOr404(c);
  mustLead(c, s);
  needState(s, "draft");
  const store = storeOf(c);
  const at = Date.now();
  await store.record(
    { sweepId: s.id, actor: who(c).name, action: "brief.locked", inputs: s.brief, outputs: { lockedAt: at } },
    store.lock(s.id, at),
  );
  return c.json(view(c, (await store.get(s.id)) as SweepRecord));
});

surge.post("/sweeps/:id/plan", async (c) => {
  const s = await sweepOr404(c);
  mustLead(c, s);
  needState(s, "locked", "planned", "refused");
  const tuning = parseOr400(surgeTuningSchema, await jsonBody(c), "body");
  const cfg = surgeConfig(c.env);
  const inputs = await gatherInputs(c.env, s.workspaceId, s.brief.filters, publicUrl(c), Date.now());
  const plan = await buildPlan({
    inputs,
    safeguards: s.brief.safeguards,
    tuning,
    config: cfg,
    defaultTeam: loadMatrix(c.env).defaultTeam,
  });
  const store = storeOf(c);
  const t = token();
  await c.env.DB.batch([
    ...store.savePlan(s.id, { plan, inputs, tuning, token: t }),
    store.audit({
      sweepId: s.id,
      actor: who(c).name,
      action: "plan.proposed",
      inputs: { tuning, conversations: inputs.map((i) => i.id) },
      outputs: { hash: plan.hash, totals: plan.totals, clusters: plan.clusters.length },
    }),
    store.audit({
      sweepId: s.id,
      actor: who(c).name,
      action: "approval.requested",
      inputs: { hash: plan.hash },
      outputs: { link: `#/surge/approve/${t}` },
    }),
  ]);
  return c.json(view(c, (await store.get(s.id)) as SweepRecord));
});

/** Recomputes the plan from the stored inputs: the same decisions must come out (same hash). */
surge.get("/sweeps/:id/replay", async (c) => {
  const s = await sweepOr404(c);
  if (!s.plan || !s.inputs) throw new ApiFailure(409, "wrong_state", "the sweep has no plan yet");
  const again = await buildPlan({
    inputs: s.inputs,
    safeguards: s.brief.safeguards,
    tuning: s.tuning ?? {},
    config: surgeConfig(c.env),
    defaultTeam: loadMatrix(c.env).defaultTeam,
  });
  const same = again.hash === s.plan.hash;
  await storeOf(c).record({
    sweepId: s.id,
    actor: who(c).name,
    action: "plan.replayed",
    inputs: { hash: s.plan.hash },
    outputs: { hash: again.hash, same },
  });
  return c.json({ same, stored: s.plan.hash, replayed: again.hash });
});

async function byTokenOr404(c: Context<AppEnv>): Promise<SweepRecord> {
  const s = await storeOf(c).byToken(c.req.param("token") ?? "");
  if (!s)
    throw new ApiFailure(404, "not_found", "no plan waits for approval at this link (a newer plan replaces the link)");
  return s;
}

surge.get("/approvals/:token", async (c) => {
  const s = await byTokenOr404(c);
  const plan = s.plan;
  if (!plan) throw new ApiFailure(409, "wrong_state", "the sweep has no plan");
  const summary: ApprovalSummary = {
    sweepId: s.id,
    title: s.brief.title,
    state: s.state,
    lead: s.createdBy.name,
    affectedCustomers: plan.steps.length,
    conversations: plan.steps.map((x) => ({ id: x.conversationId, action: x.action, preview: x.preview })),
    safeguards: s.brief.safeguards,
    filters: s.brief.filters,
    undoPlan: `Every sent reply can be taken back for ${plan.undoMinutes} minutes: it is removed from the customer's view everywhere and the undo is recorded. Escalations stay with the team they went to.`,
    totals: plan.totals,
    batchSize: plan.batchSize,
    ...(s.approval ? { approval: s.approval } : {}),
  };
  return c.json(summary);
});

surge.post("/approvals/:token", async (c) => {
  const s = await byTokenOr404(c);
  const body = parseOr400(surgeDecisionSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const store = storeOf(c);
  const attempt = { decision: body.decision, comment: body.comment, hash: s.plan?.hash };
  const reject = async (status: 403 | 409, code: string, message: string): Promise<never> => {
    // A refused attempt is part of the record too: who tried to approve what, and why it did not count.
    await store.record({
      sweepId: s.id,
      actor: a.name,
      action: "approval.rejected",
      inputs: attempt,
      outputs: { code, message },
    });
    throw new ApiFailure(status, code, message);
  };
  if (a.role !== "owner") await reject(403, "owner_required", "approving a surge plan needs the owner role");
  if (a.id === s.createdBy.id)
    await reject(403, "second_person_required", "the lead cannot approve their own plan: a second person must");
  if (s.state !== "planned" || !s.plan)
    await reject(409, "wrong_state", `the sweep is ${s.state}; only a planned sweep can be decided`);
  const at = Date.now();
  const hash = s.plan?.hash ?? "";
  const res = await c.env.DB.batch([
    store.decide(s.id, { by: { id: a.id, name: a.name }, decision: body.decision, comment: body.comment, at, hash }),
    store.audit(
      {
        sweepId: s.id,
        actor: a.name,
        action: body.decision === "approve" ? "approval.granted" : "approval.refused",
        inputs: attempt,
        outputs: { state: body.decision === "approve" ? "approved" : "refused" },
      },
      at,
    ),
  ]);
  if (!res[0]?.meta.changes) throw new ApiFailure(409, "wrong_state", "the plan changed while you were deciding");
  return c.json(view(c, (await store.get(s.id)) as SweepRecord));
});

surge.post("/sweeps/:id/execute", async (c) => {
  let s = await sweepOr404(c);
  mustLead(c, s);
  needState(s, "approved", "running");
  const store = storeOf(c);
  const cfg = surgeConfig(c.env);
  if (s.state === "approved") {
    const at = Date.now();
    await store.record(
      {
        sweepId: s.id,
        actor: who(c).name,
        action: "execution.started",
        inputs: { hash: s.plan?.hash },
        outputs: { startedAt: at },
      },
      store.setState(s.id, "running", { startedAt: at }),
    );
    s = (await store.get(s.id)) as SweepRecord;
  }
  const r = await runBatch(c.env, store, s, who(c), cfg, publicUrl(c));
  if (r.remaining === 0) {
    const at = Date.now();
    const done = (await store.get(s.id)) as SweepRecord;
    const snap = snapshotFrom(
      await store.auditTrail(s.id),
      await store.slaBreaches(
        done.steps.map((x) => x.conversationId),
        done.startedAt ?? at,
      ),
    );
    await store.record(
      {
        sweepId: s.id,
        actor: who(c).name,
        action: "execution.finished",
        inputs: { hash: s.plan?.hash },
        outputs: { finishedAt: at, snapshot: snap },
      },
      store.setState(s.id, "done", { finishedAt: at }),
    );
  }
  return c.json({ ...r, sweep: view(c, (await store.get(s.id)) as SweepRecord) });
});

surge.post("/sweeps/:id/steps/:cid/undo", async (c) => {
  const s = await sweepOr404(c);
  mustLead(c, s);
  const r = await undoReply(c.env, storeOf(c), s, c.req.param("cid"), who(c), Date.now());
  if (!r.ok) throw new ApiFailure(409, r.code, r.message);
  return c.json({ step: r.step });
});

async function snapshot(c: Context<AppEnv>, s: SweepRecord) {
  const store = storeOf(c);
  const audit = await store.auditTrail(s.id);
  const breaches = s.startedAt
    ? await store.slaBreaches(
        s.steps.map((x) => x.conversationId),
        s.startedAt,
      )
    : 0;
  return { audit, snap: snapshotFrom(audit, breaches) };
}

surge.get("/sweeps/:id/snapshot", async (c) => c.json((await snapshot(c, await sweepOr404(c))).snap));

surge.get("/sweeps/:id/report", async (c) => {
  const s = await sweepOr404(c);
  const store = storeOf(c);
  const { audit, snap } = await snapshot(c, s);
  const body = reportMarkdown(s, snap, audit, await store.tasks(s.id), surgeConfig(c.env));
  await store.record({
    sweepId: s.id,
    actor: who(c).name,
    action: "report.downloaded",
    inputs: {},
    outputs: { bytes: body.length, snapshot: snap.line },
  });
  return c.body(body, 200, {
    "content-type": "text/markdown; charset=utf-8",
    "content-disposition": `attachment; filename="surge-${s.id}.md"`,
  });
});

surge.post("/sweeps/:id/feedback", async (c) => {
  const s = await sweepOr404(c);
  const { text } = parseOr400(surgeFeedbackSchema, await jsonBody(c), "body");
  const store = storeOf(c);
  const task = {
    id: `task_${nanoid(10)}`,
    sweepId: s.id,
    text,
    createdBy: who(c).name,
    createdAt: Date.now(),
    status: "open" as const,
  };
  await c.env.DB.batch([
    store.addTask(task),
    store.audit({
      sweepId: s.id,
      actor: who(c).name,
      action: "feedback.added",
      inputs: { text },
      outputs: { taskId: task.id },
    }),
    store.audit({
      sweepId: s.id,
      actor: who(c).name,
      action: "task.created",
      inputs: { from: "feedback" },
      outputs: task,
    }),
  ]);
  return c.json(task, 201);
});

surge.get("/sweeps/:id/tasks", async (c) => c.json({ items: await storeOf(c).tasks((await sweepOr404(c)).id) }));

// Anyone on the sweep's workspace may tick a task off: follow-ups land with whoever does the work.
surge.patch("/sweeps/:id/tasks/:taskId", async (c) => {
  const s = await sweepOr404(c);
  const { status } = parseOr400(surgeTaskUpdateSchema, await jsonBody(c), "body");
  const store = storeOf(c);
  const task = (await store.tasks(s.id)).find((t) => t.id === c.req.param("taskId"));
  if (!task) throw new ApiFailure(404, "not_found", "no such task");
  if (task.status === status) return c.json(task);
  await c.env.DB.batch([
    store.setTaskStatus(s.id, task.id, status),
    store.audit({
      sweepId: s.id,
      actor: who(c).name,
      action: status === "done" ? "task.done" : "task.reopened",
      inputs: { taskId: task.id },
      outputs: { status },
    }),
  ]);
  return c.json({ ...task, status });
});

surge.get("/sweeps/:id/audit", async (c) => c.json({ items: await storeOf(c).auditTrail((await sweepOr404(c)).id) }));
