// Execution: the approved plan, one batch at a time, through the Conversation DO's RPC methods that
// the agent routes call (update = labels/priority, postAgent = reply, postNote = private note,
// assign = reassign to a team, retract = undo). Each step is recorded in the audit trail together
// with its status change, in one D1 batch.
import type { PlanStep, SweepStep } from "../../../shared/surge.ts";
import type { Outcome } from "../../conversation/model.ts";
import type { Env } from "../../env.ts";
import { consoleUrl } from "../notify/events.ts";
import { notifierOf } from "../notify/index.ts";
import type { SurgeConfig } from "./config.ts";
import { publishedIds } from "./inputs.ts";
import { escalationMessage } from "./slack.ts";
import type { SurgeStore, SweepRecord } from "./store.ts";
import { validateDraft } from "./validate.ts";

export type Actor = { id: string; name: string };

const stubOf = (env: Env, id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

function failure<T>(r: Outcome<T>): string | null {
  return r.ok ? null : `${r.error}: ${r.message}`;
}

/** Runs up to `batchSize` pending steps in plan order. Returns how many ran and how many remain. */
export async function runBatch(
  env: Env,
  store: SurgeStore,
  sweep: SweepRecord,
  actor: Actor,
  cfg: SurgeConfig,
  publicUrl: string,
): Promise<{ ran: number; remaining: number }> {
  const plan = sweep.plan;
  if (!plan) return { ran: 0, remaining: 0 };
  const byId = new Map(plan.steps.map((s) => [s.conversationId, s]));
  const pending = sweep.steps.filter((s) => s.status === "pending");
  const batch = pending.slice(0, plan.batchSize);
  const published = await publishedIds(env, sweep.workspaceId);
  for (const step of batch) {
    const p = byId.get(step.conversationId);
    if (p) await runStep(env, store, sweep, p, actor, cfg, published, publicUrl);
  }
  return { ran: batch.length, remaining: pending.length - batch.length };
}

async function runStep(
  env: Env,
  store: SurgeStore,
  sweep: SweepRecord,
  p: PlanStep,
  actor: Actor,
  cfg: SurgeConfig,
  published: Set<string>,
  publicUrl: string,
): Promise<void> {
  const stub = stubOf(env, p.conversationId);
  const base = { sweepId: sweep.id, actor: actor.name };
  const now = () => Date.now();

  // Categorise: the incident label and the sweep's label, added to whatever labels agents set.
  const detail = await stub.detail();
  const labels = [...new Set([...(detail.labels ?? []), "surge", `incident-${p.clusterId}`.slice(0, 40)])];
  const changed = await stub.update(actor, { labels });
  await store.record({
    ...base,
    action: "step.categorised",
    inputs: { conversationId: p.conversationId, clusterId: p.clusterId, order: p.order },
    outputs: { conversationId: p.conversationId, labels, changed: changed.changed },
  });

  if (p.action === "draft" && p.draft) {
    const verdict = validateDraft(p.draft, published, sweep.brief.safeguards, cfg.validator);
    if (!verdict.ok) {
      const reason = verdict.reasons.join("; ");
      // The person who picks it up sees why and can edit the draft.
      await stub.postNote(
        actor,
        `surge-held-${sweep.id}-${p.conversationId}`,
        `Surge draft held for a person: ${reason}\n\nDraft:\n${p.draft.text}`,
      );
      await store.record(
        {
          ...base,
          action: "step.held",
          inputs: { conversationId: p.conversationId, draft: p.draft },
          outputs: { conversationId: p.conversationId, reasons: verdict.reasons, grade: verdict.grade },
        },
        store.setStep(sweep.id, p.conversationId, { status: "held", reason, at: now() }),
      );
      return;
    }
    const clientId = `surge-${sweep.id}-${p.conversationId}`.slice(0, 64);
    const sent = await stub.postAgent(actor, clientId, p.draft.text);
    const err = failure(sent);
    if (err) return fail(store, sweep, p, base, err);
    const after = await stub.detail();
    const msg = after.events.find((e) => e.type === "message" && e.clientId === clientId);
    const messageId = msg?.type === "message" ? msg.id : undefined;
    const at = now();
    const undoUntil = at + plan(sweep).undoMinutes * 60_000;
    await store.record(
      {
        ...base,
        action: "step.sent",
        inputs: { conversationId: p.conversationId, text: p.draft.text, citations: p.draft.citations },
        outputs: {
          conversationId: p.conversationId,
          messageId,
          seq: sent.ok ? sent.value.seq : null,
          undoUntil,
          grade: verdict.grade,
          effortMinutes: p.effortMinutes,
        },
      },
      store.setStep(sweep.id, p.conversationId, { status: "sent", at, undoUntil, ...(messageId ? { messageId } : {}) }),
    );
    return;
  }

  if (p.action === "escalate" && p.team && p.context) {
    const r = await stub.assign({ team: p.team });
    const err = failure(r);
    if (err) return fail(store, sweep, p, base, err);
    const pack = p.context;
    await stub.postNote(
      actor,
      `surge-context-${sweep.id}-${p.conversationId}`,
      `Surge escalation to ${p.team}: ${pack.reason}\n${pack.summary}`,
    );
    const url = consoleUrl(publicUrl, p.conversationId);
    const slack = await notifierOf(env, sweep.workspaceId)
      .postSlack(
        sweep.workspaceId,
        `surge.${sweep.id}.${p.conversationId}`,
        "surge.escalated",
        escalationMessage({
          conversationId: p.conversationId,
          team: p.team,
          sweepTitle: sweep.brief.title,
          pack,
          ...(url ? { consoleUrl: url } : {}),
        }),
      )
      .catch((e: unknown) => {
        console.error(`[edgedesk] surge: Slack post for ${p.conversationId} failed: ${String(e)}`);
        return false;
      });
    await store.record(
      {
        ...base,
        action: "step.escalated",
        inputs: { conversationId: p.conversationId, team: p.team, context: pack },
        outputs: {
          conversationId: p.conversationId,
          assignee: r.ok ? r.value : null,
          slack: slack ? "queued" : "not configured",
          effortMinutes: p.effortMinutes,
        },
      },
      store.setStep(sweep.id, p.conversationId, { status: "escalated", at: now() }),
    );
    return;
  }

  await store.record(
    {
      ...base,
      action: "step.left",
      inputs: { conversationId: p.conversationId, reason: p.reason },
      outputs: { conversationId: p.conversationId, effortMinutes: p.effortMinutes },
    },
    store.setStep(sweep.id, p.conversationId, { status: "left", reason: p.reason, at: now() }),
  );
}

const plan = (s: SweepRecord) => s.plan as NonNullable<SweepRecord["plan"]>;

async function fail(
  store: SurgeStore,
  sweep: SweepRecord,
  p: PlanStep,
  base: { sweepId: string; actor: string },
  err: string,
): Promise<void> {
  await store.record(
    {
      ...base,
      action: "step.failed",
      inputs: { conversationId: p.conversationId, action: p.action },
      outputs: { conversationId: p.conversationId, error: err },
    },
    store.setStep(sweep.id, p.conversationId, { status: "failed", reason: err, at: Date.now() }),
  );
}

export type UndoResult = { ok: true; step: SweepStep } | { ok: false; code: string; message: string };

/** Undo inside the window: the reply leaves the customer's view everywhere; outside it is refused. */
export async function undoReply(
  env: Env,
  store: SurgeStore,
  sweep: SweepRecord,
  conversationId: string,
  actor: Actor,
  now: number,
): Promise<UndoResult> {
  const step = sweep.steps.find((s) => s.conversationId === conversationId);
  const base = { sweepId: sweep.id, actor: actor.name };
  const refuse = async (code: string, message: string): Promise<UndoResult> => {
    await store.record({
      ...base,
      action: "undo.refused",
      inputs: { conversationId, at: now },
      outputs: { code, message },
    });
    return { ok: false, code, message };
  };
  if (step?.status !== "sent" || !step.messageId)
    return refuse("not_sent", "this sweep sent no reply in that conversation (or it was undone already)");
  if (step.undoUntil === undefined || now > step.undoUntil)
    return refuse("undo_window_closed", `the undo window closed at ${new Date(step.undoUntil ?? 0).toISOString()}`);
  const r = await stubOf(env, conversationId).retract(actor, step.messageId, "taken back by the surge sweep's undo");
  if (!r.ok) return refuse(r.error, r.message);
  await store.record(
    {
      ...base,
      action: "reply.undone",
      inputs: { conversationId, messageId: step.messageId, at: now },
      outputs: { conversationId, messageId: step.messageId, retractSeq: r.value.seq },
    },
    store.setStep(sweep.id, conversationId, { status: "undone", at: now }),
  );
  return { ok: true, step: { ...step, status: "undone", at: now } };
}
