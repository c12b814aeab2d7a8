// Surge triage inside workerd: the brief, plan, approval rules, execution through the Conversation
// DO (replies, escalations, held drafts), undo inside and after the window, the retract event's
// effect on the customer's view, the append-only audit trail and its completeness, and replay.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type {
  ApprovalSummary,
  AuditEntry,
  CreatedConversation,
  ConversationDetail,
  SurgeAlert,
  SurgeSnapshot,
  Sweep,
} from "../../shared/api.ts";
import { emptyTimeline, applyFrame } from "../../shared/timeline.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { SurgeStore } from "../../worker/insights/surge/store.ts";
import { undoReply } from "../../worker/insights/surge/run.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createAgent,
  createConversation,
  ORIGIN,
  publishDemoKb,
  q,
  wsAs,
} from "./helpers.ts";

const RECEIVER = inject("receiverUrl");

const json = { "content-type": "application/json" };
const call = (method: string, path: string, cookie: string, body?: unknown) =>
  SELF.fetch(`${BASE}/api/surge${path}`, {
    method,
    headers: { cookie, ...json },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
async function ok<T>(r: Promise<Response>, status = 200): Promise<T> {
  const res = await r;
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function customerAsks(text: string): Promise<CreatedConversation> {
  const c = await createConversation();
  const h = { origin: ORIGIN, ...json };
  expect(
    (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
        method: "POST",
        headers: { ...h, ...asCustomer(c) },
        body: JSON.stringify({ clientId: `seed-${c.id}`.slice(0, 40), text }),
      })
    ).status,
  ).toBe(202);
  // The handoff waits behind the bot's answer to that message (one chain per conversation).
  expect(
    (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?${q(c)}`, {
        method: "POST",
        headers: { ...h, ...asCustomer(c) },
        body: "{}",
      })
    ).status,
  ).toBe(202);
  return c;
}

const customerEvents = async (c: CreatedConversation): Promise<ConversationEvent[]> =>
  (
    (await (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c)}`, {
        headers: asCustomer(c),
      })
    ).json()) as { events: ConversationEvent[] }
  ).events;

let lead: string;
let owner: string;
let owner2: string;
let agent: string;
let outsider: string;
const convs: CreatedConversation[] = [];

const QUESTIONS = [
  "How do I reset my password? I forgot it",
  "how do i reset my password, i forgot it!",
  "How can I reset my password? forgot it",
  "I think my account was hacked, someone logged in from another country",
  "This is ridiculous, my storage is full and I cannot upload anything, fix it",
  "Where can I find my invoices and receipts?",
  "zqx blorf wibble quux",
];

beforeAll(async () => {
  await publishDemoKb();
  lead = await createAgent("lead@lumen.example", "agent");
  owner = await createAgent("olive@lumen.example", "owner");
  owner2 = await createAgent("otto@lumen.example", "owner");
  agent = await createAgent("andy@lumen.example", "agent");
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
  outsider = await createAgent("mallory@other.example", "owner", "other");
  for (const text of QUESTIONS) convs.push(await customerAsks(text));
});

const brief = {
  title: "Password surge",
  filters: {},
  safeguards: { publishedOnly: true, plainLanguage: true, empathetic: true },
};

describe("surge sweep", () => {
  let sweep: Sweep;

  it("shows the alert with countdowns and integration health", async () => {
    const a = await ok<SurgeAlert>(call("GET", "/alert", lead));
    expect(a.arrivals).toBeGreaterThanOrEqual(QUESTIONS.length);
    expect(a.urgent.length).toBeGreaterThan(0);
    expect(a.urgent[0]?.slaDueAt).toBeGreaterThan(Date.now());
    expect(Array.isArray(a.integrations)).toBe(true);
  });

  it("saves the brief, locks it, and refuses planning before the lock", async () => {
    sweep = await ok<Sweep>(call("POST", "/sweeps", lead, brief), 201);
    expect(sweep.state).toBe("draft");
    expect((await call("POST", `/sweeps/${sweep.id}/plan`, lead, {})).status).toBe(409);
    expect((await call("POST", `/sweeps/${sweep.id}/lock`, agent)).status).toBe(403);
    sweep = await ok<Sweep>(call("POST", `/sweeps/${sweep.id}/lock`, lead));
    expect(sweep.state).toBe("locked");
    // The database itself refuses to change a locked brief.
    await expect(
      env.DB.prepare("UPDATE surge_sweeps SET brief = '{}' WHERE id = ?").bind(sweep.id).run(),
    ).rejects.toThrow(/locked/);
  });

  it("isolates workspaces", async () => {
    expect((await call("GET", `/sweeps/${sweep.id}`, outsider)).status).toBe(404);
  });

  it("plans: clusters the duplicates, orders by SLA risk, proposes actions, and replays to the same decisions", async () => {
    sweep = await ok<Sweep>(call("POST", `/sweeps/${sweep.id}/plan`, lead, { batchSize: 3 }));
    const plan = sweep.plan;
    expect(sweep.state).toBe("planned");
    expect(plan?.steps.length).toBe(QUESTIONS.length);
    expect(plan?.batchSize).toBe(3);
    const ids = convs.map((c) => c.id);
    const pw = plan?.clusters.find((c) => c.conversationIds.includes(ids[0] as string));
    expect(pw?.conversationIds.sort()).toEqual(ids.slice(0, 3).sort());
    const dues = plan?.steps.map((s) => s.slaDueAt ?? Infinity) ?? [];
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const step = (i: number) => plan?.steps.find((s) => s.conversationId === ids[i]);
    expect(step(0)?.action).toBe("draft");
    expect(step(0)?.draft?.citations[0]?.articleId).toBe("reset-password");
    expect(step(3)).toMatchObject({ action: "escalate", team: "security" });
    expect(step(3)?.context?.summary).toContain("hacked");
    expect(step(6)?.action).not.toBe("draft");
    expect(plan?.alternatives.some((a) => a.risky)).toBe(true);
    expect(sweep.approvalToken).toBeTruthy();
    const replay = await ok<{ same: boolean }>(call("GET", `/sweeps/${sweep.id}/replay`, agent));
    expect(replay.same).toBe(true);
    // Agents who are not the lead do not get the approval link.
    expect((await ok<Sweep>(call("GET", `/sweeps/${sweep.id}`, agent))).approvalToken).toBeUndefined();
  });

  it("needs a second person with the owner role to approve", async () => {
    const link = `/approvals/${sweep.approvalToken}`;
    const summary = await ok<ApprovalSummary>(call("GET", link, owner));
    expect(summary).toMatchObject({
      sweepId: sweep.id,
      affectedCustomers: QUESTIONS.length,
      lead: "lead",
      safeguards: brief.safeguards,
    });
    expect(summary.undoPlan).toMatch(/15 minutes/);
    expect((await call("POST", `/sweeps/${sweep.id}/execute`, lead)).status).toBe(409);
    expect((await call("POST", link, lead, { decision: "approve", comment: "mine" })).status).toBe(403);
    expect((await call("POST", link, agent, { decision: "approve", comment: "" })).status).toBe(403);
    expect((await call("POST", link, outsider, { decision: "approve", comment: "" })).status).toBe(404);
    // Refused, re-planned (a new link), then approved by another owner.
    sweep = await ok<Sweep>(call("POST", link, owner, { decision: "refuse", comment: "batch too small" }));
    expect(sweep.state).toBe("refused");
    sweep = await ok<Sweep>(call("POST", `/sweeps/${sweep.id}/plan`, lead, { batchSize: 4 }));
    expect((await call("GET", link, owner)).status).toBe(404);
    sweep = await ok<Sweep>(
      call("POST", `/approvals/${sweep.approvalToken}`, owner2, { decision: "approve", comment: "go" }),
    );
    expect(sweep).toMatchObject({ state: "approved", approval: { by: "otto", decision: "approve", comment: "go" } });
    await expect(
      env.DB.prepare("UPDATE surge_sweeps SET plan = '{}' WHERE id = ?").bind(sweep.id).run(),
    ).rejects.toThrow(/approved/);
  });

  it("executes in batches through the agents' code paths, holding drafts that fail the validator", async () => {
    // An article unpublished after approval: its drafts must not go out.
    const invoice = sweep.plan?.steps.find((s) => s.conversationId === convs[5]?.id);
    expect(invoice?.action).toBe("draft");
    await env.DB.prepare("DELETE FROM articles WHERE workspace_id = 'demo' AND id = ?")
      .bind(invoice?.draft?.citations[0]?.articleId ?? "")
      .run();
    // Slack, set up now so that only the sweep's own posts arrive there.
    expect((await fetch(`${RECEIVER}/_scenarios/surge`, { method: "PUT", body: "{}" })).status).toBe(200);
    expect(
      (
        await SELF.fetch(`${BASE}/admin/v1/notifications/slack?workspace=demo`, {
          method: "PUT",
          headers: ADMIN,
          body: JSON.stringify({ url: `${RECEIVER}/slack/surge` }),
        })
      ).status,
    ).toBe(200);
    let r = await ok<{ ran: number; remaining: number; sweep: Sweep }>(
      call("POST", `/sweeps/${sweep.id}/execute`, lead),
    );
    expect(r).toMatchObject({ ran: 4, remaining: 3 });
    r = await ok(call("POST", `/sweeps/${sweep.id}/execute`, lead));
    expect(r.remaining).toBe(0);
    sweep = r.sweep;
    expect(sweep.state).toBe("done");
    const byId = new Map(sweep.steps.map((s) => [s.conversationId, s]));
    const sent = byId.get(convs[0]?.id as string);
    expect(sent).toMatchObject({ status: "sent" });
    expect((sent?.undoUntil ?? 0) - (sent?.at ?? 0)).toBe(15 * 60_000);
    expect(byId.get(convs[5]?.id as string)).toMatchObject({
      status: "held",
      reason: expect.stringMatching(/not a published article/),
    });
    expect(byId.get(convs[3]?.id as string)?.status).toBe("escalated");
    // The complaint's draft opens with an apology and passed the tone check.
    expect(byId.get(convs[4]?.id as string)?.status).toBe("sent");

    const cookie = lead;
    const d = (await (
      await SELF.fetch(`${BASE}/api/conversations/${convs[0]?.id}`, { headers: { cookie } })
    ).json()) as ConversationDetail;
    expect(d.state).toBe("agent");
    expect(d.labels).toContain("surge");
    const reply = d.events.find((e) => e.type === "message" && e.author === "agent");
    expect(reply?.type === "message" && reply.text).toContain("/hc/demo/articles/reset-password");
    // The customer sees the reply.
    expect(
      (await customerEvents(convs[0] as CreatedConversation)).some((e) => e.type === "message" && e.author === "agent"),
    ).toBe(true);
    const esc = (await (
      await SELF.fetch(`${BASE}/api/conversations/${convs[3]?.id}`, { headers: { cookie } })
    ).json()) as ConversationDetail;
    expect(esc.handoff?.team).toBe("security");
    expect(esc.events.some((e) => e.type === "note" && e.text.startsWith("Surge escalation to security"))).toBe(true);
    // Each escalation went to Slack with its context pack, through the notifier's outbox.
    const escalations = sweep.steps.filter((s) => s.status === "escalated").length;
    let posts: { text: string; blocks: unknown[] }[] = [];
    for (let i = 0; i < 50 && posts.length < escalations; i++) {
      await new Promise((res) => setTimeout(res, 100));
      posts = (
        (await (await fetch(`${RECEIVER}/_scenarios/surge`)).json()) as {
          processed: { body: { text: string; blocks: unknown[] } }[];
        }
      ).processed.map((p) => p.body);
    }
    expect(posts).toHaveLength(escalations);
    const hacked = posts.find((p) => p.text.startsWith("Surge escalation to security"));
    expect(hacked?.text).toContain("hacked");
    expect(JSON.stringify(hacked?.blocks)).toContain("*Why*");
    expect(JSON.stringify(hacked?.blocks)).toContain(`/console/#/c/${convs[3]?.id}|Open in EdgeDesk>`);
  });

  it("undoes a reply inside the window: gone from the customer's replay, live socket and a client that had it; webhooks are told", async () => {
    const c = convs[0] as CreatedConversation;
    const before = await customerEvents(c);
    // A webhook told of retractions, and the customer's live socket.
    const secret = `whsec_${btoa("surge-retract-secret-0123456789-abcdef")}`;
    expect(
      (await fetch(`${RECEIVER}/_scenarios/surge-retract`, { method: "PUT", body: JSON.stringify({ secret }) })).status,
    ).toBe(200);
    const hook = await SELF.fetch(`${BASE}/admin/v1/notifications/webhooks?workspace=demo`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ url: `${RECEIVER}/hook/surge-retract`, events: ["message.retracted"], secret }),
    });
    expect(hook.status).toBe(201);
    const live = await connect(`/v1/conversations/${c.id}/ws?${q(c, before[before.length - 1]?.seq ?? 0)}`, wsAs(c));
    await live.until((f) => f.t === "ready");
    const r = await ok<{ step: { status: string } }>(call("POST", `/sweeps/${sweep.id}/steps/${c.id}/undo`, lead));
    expect(r.step.status).toBe("undone");
    await live.until((f) => f.t === "event" && f.event.type === "retract");
    live.close();
    let hooks: { type: string; data: { retraction?: { messageId: string } } }[] = [];
    for (let i = 0; i < 50 && !hooks.length; i++) {
      await new Promise((res) => setTimeout(res, 100));
      hooks = (
        (await (await fetch(`${RECEIVER}/_scenarios/surge-retract`)).json()) as {
          processed: { body: (typeof hooks)[number] }[];
        }
      ).processed.map((p) => p.body);
    }
    const retracted = before.find((e) => e.type === "message" && e.author === "agent");
    expect(hooks).toEqual([
      expect.objectContaining({
        type: "message.retracted",
        data: expect.objectContaining({
          retraction: expect.objectContaining({ messageId: retracted?.type === "message" ? retracted.id : "?" }),
        }),
      }),
    ]);
    const after = await customerEvents(c);
    expect(after.some((e) => e.type === "message" && e.author === "agent")).toBe(false);
    expect(after.some((e) => e.type === "retract")).toBe(true);
    // A client that had the message drops it when the retract arrives.
    const t = [...before, ...after.filter((e) => e.type === "retract")].reduce(
      (tl, event) => applyFrame(tl, { t: "event", event }),
      emptyTimeline(),
    );
    expect(t.messages.some((m) => m.author === "agent")).toBe(false);
    // Twice is refused.
    expect((await call("POST", `/sweeps/${sweep.id}/steps/${c.id}/undo`, lead)).status).toBe(409);
  });

  it("refuses undo after the window", async () => {
    const store = new SurgeStore(env.DB, "demo");
    const s = await store.get(sweep.id);
    const step = s?.steps.find((x) => x.status === "sent");
    expect(step).toBeTruthy();
    if (!s || !step) return;
    const r = await undoReply(env, store, s, step.conversationId, { id: "x", name: "lead" }, (step.undoUntil ?? 0) + 1);
    expect(r).toMatchObject({ ok: false, code: "undo_window_closed" });
    const events = await customerEvents(convs.find((c) => c.id === step.conversationId) as CreatedConversation);
    expect(events.some((e) => e.type === "message" && e.author === "agent")).toBe(true);
  });

  it("reflects: the snapshot agrees with the steps; feedback becomes a task; a report downloads", async () => {
    const snap = await ok<SurgeSnapshot>(call("GET", `/sweeps/${sweep.id}/snapshot`, agent));
    const steps = (await ok<Sweep>(call("GET", `/sweeps/${sweep.id}`, lead))).steps;
    const n = (st: string) => steps.filter((s) => s.status === st).length;
    expect(snap).toMatchObject({
      triaged: QUESTIONS.length,
      draftsSent: n("sent"),
      draftsUndone: 1,
      held: n("held"),
      escalated: n("escalated"),
      slaBreaches: 0,
    });
    expect(snap.line).toMatch(/^7 triaged · \d+ drafts? sent/);
    const task = await ok<{ id: string; text: string }>(
      call("POST", `/sweeps/${sweep.id}/feedback`, lead, { text: "Add a password article for SSO users" }),
      201,
    );
    expect(
      (await ok<{ items: { id: string }[] }>(call("GET", `/sweeps/${sweep.id}/tasks`, owner))).items.map((t) => t.id),
    ).toEqual([task.id]);
    // Whoever does the work ticks it off; it can be reopened; nonsense is refused.
    expect(await ok(call("PATCH", `/sweeps/${sweep.id}/tasks/${task.id}`, agent, { status: "done" }))).toMatchObject({
      id: task.id,
      status: "done",
    });
    expect(
      (await ok<{ items: { status: string }[] }>(call("GET", `/sweeps/${sweep.id}/tasks`, lead))).items[0]?.status,
    ).toBe("done");
    expect((await call("PATCH", `/sweeps/${sweep.id}/tasks/${task.id}`, agent, { status: "finished" })).status).toBe(
      400,
    );
    expect((await call("PATCH", `/sweeps/${sweep.id}/tasks/task_nope`, agent, { status: "done" })).status).toBe(404);
    expect((await call("PATCH", `/sweeps/${sweep.id}/tasks/${task.id}`, outsider, { status: "open" })).status).toBe(
      404,
    );
    const rep = await call("GET", `/sweeps/${sweep.id}/report`, lead);
    expect(rep.headers.get("content-disposition")).toContain("attachment");
    const md = await rep.text();
    expect(md).toContain(snap.line);
    expect(md).toContain("- [x] Add a password article for SSO users");
    expect(await ok(call("PATCH", `/sweeps/${sweep.id}/tasks/${task.id}`, lead, { status: "open" }))).toMatchObject({
      status: "open",
    });
  });

  it("keeps a complete, append-only audit trail", async () => {
    const audit = (await ok<{ items: AuditEntry[] }>(call("GET", `/sweeps/${sweep.id}/audit`, lead))).items;
    const actions = audit.map((a) => a.action);
    for (const want of [
      "brief.created",
      "brief.locked",
      "plan.proposed",
      "approval.requested",
      "approval.rejected",
      "approval.refused",
      "approval.granted",
      "execution.started",
      "step.categorised",
      "step.sent",
      "step.escalated",
      "reply.undone",
      "undo.refused",
      "execution.finished",
      "feedback.added",
      "task.created",
      "task.done",
      "task.reopened",
      "report.downloaded",
      "plan.replayed",
    ]) {
      expect(actions, want).toContain(want);
    }
    // One categorised record and one outcome record per conversation.
    for (const c of convs) {
      expect(
        audit.filter(
          (a) => a.action === "step.categorised" && (a.outputs as { conversationId: string }).conversationId === c.id,
        ),
      ).toHaveLength(1);
      expect(
        audit.filter(
          (a) =>
            /^step\.(sent|held|escalated|left|failed)$/.test(a.action) &&
            (a.outputs as { conversationId: string }).conversationId === c.id,
        ),
      ).toHaveLength(1);
    }
    const granted = audit.find((a) => a.action === "approval.granted");
    expect(granted).toMatchObject({ actor: "otto", inputs: { decision: "approve", comment: "go" } });
    expect(audit.every((a) => a.at > 0 && a.actor)).toBe(true);
    await expect(env.DB.prepare("UPDATE surge_audit SET actor = 'someone else'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM surge_audit").run()).rejects.toThrow(/append-only/);
    expect((await ok<{ items: AuditEntry[] }>(call("GET", `/sweeps/${sweep.id}/audit`, lead))).items).toHaveLength(
      audit.length,
    );
  });
});
