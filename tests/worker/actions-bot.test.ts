// The bot runs actions for customers (worker/actions/flow.ts, docs/actions.md), each gate end to end in
// workerd against the demo account API: articles name actions; reads run for verified customers only;
// values are asked with a form; writes need the customer's yes, and an agent's approval when marked;
// failures answer honestly and reach the handoff packet; every step is an agents-only event, a call-log
// line and an audit line; analytics counts action resolutions apart.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentRunResult, Approval, CallLogEntry, RunnableAction, ActionCard } from "../../shared/actions.ts";
import type { AnalyticsReport } from "../../shared/analytics.ts";
import type { ConversationDetail } from "../../shared/api.ts";
import type { ActionEvent, ConversationEvent, MessageEvent } from "../../shared/protocol.ts";
import {
  type Customer,
  customer,
  accountScenario,
  actionArticles,
  api,
  cancelAction,
  define,
  orderAction,
  planAction,
  publishArticles,
  seenBy,
  type Team,
  team,
} from "./actions-helpers.ts";
import { ADMIN, BASE, ORIGIN, settled } from "./helpers.ts";

const eventsOf = async (t: Team, id: string) =>
  (await api<ConversationDetail>(t.agent, "GET", `/api/conversations/${id}`)).body.events as ConversationEvent[];
const stepsOf = async (t: Team, id: string) =>
  (await eventsOf(t, id)).filter((e): e is ActionEvent => e.type === "action").map((e) => e.step);

/** Everything the customer's side received, as text: where account data must never appear. */
const customerSaw = (x: Customer) => JSON.stringify(x.frames);

let t: Team;
let plain: string;
beforeAll(async () => {
  t = await team("bot");
  plain = await accountScenario("bot-plain");
  await define(t, planAction(plain), orderAction(plain), cancelAction(plain));
  await publishArticles(t.ws, actionArticles());
});

describe("read actions", () => {
  it("answer a verified customer with their data, instead of quoting the article", async () => {
    const x = await customer(t, "verified");
    const m = await x.say("what plan am I on?");
    expect(m.action).toBe("act");
    expect(m.text).toBe("You're on **Lumen Plus**, using 61.4 GB of 200 GB. It renews on 2026-08-01.");
    const steps = await stepsOf(t, x.c.id);
    expect(steps).toEqual(["ok"]);
    // Agents-only: the customer never received the event, only the answer.
    expect(customerSaw(x)).not.toContain('"type":"action"');
    await settled([x.c.id]);
    const log = await api<{ calls: CallLogEntry[] }>(t.owner, "GET", "/api/actions/plan/calls");
    expect(log.body.calls.find((l) => l.conversationId === x.c.id)).toMatchObject({
      status: "ok",
      by: "bot",
      httpStatus: 200,
      inputs: { email: "an••••" },
    });
    const audit = await env.DB.prepare(
      "SELECT action, actor_id FROM audit_log WHERE workspace_id = ? AND target_type = 'action' AND after LIKE ?",
    )
      .bind(t.ws, `%${x.c.id}%`)
      .all<{ action: string; actor_id: string }>();
    expect(audit.results).toEqual([{ action: "action.ok", actor_id: "bot" }]);
  });

  it("never show an unverified visitor account data: sign in, or a person", async () => {
    const base = await accountScenario("bot-unverified");
    const u = await team("bot_unverified");
    await define(u, planAction(base));
    await publishArticles(u.ws, actionArticles());
    // Claimed, not signed: the page says it is Ana.
    const claimed = await customer(u, "claimed");
    const m = await claimed.say("what plan am I on?");
    expect(m.action).toBe("decline");
    expect(m.text).toMatch(/Please sign in on our website/);
    expect(customerSaw(claimed)).not.toContain("Lumen Plus");
    expect(customerSaw(claimed)).not.toContain("61.4");
    // A site with no identity set up: there is nothing to sign in with, so a person is offered.
    const noId = await team("bot_no_identity", null);
    await define(noId, planAction(base));
    await publishArticles(noId.ws, actionArticles());
    const anon = await customer(noId, "none");
    const n = await anon.say("what plan am I on?");
    expect(n.text).toMatch(/Talk to a person/);
    expect(customerSaw(anon)).not.toContain("Lumen Plus");
    expect(await seenBy("bot-unverified")).toEqual([]);
    expect(await stepsOf(u, claimed.c.id)).toEqual(["refused"]);
  });

  it("ask the customer for a value in the widget's composer, checked before anything is sent", async () => {
    const x = await customer(t, "verified");
    const ask = await x.say("where is my order?");
    expect(ask).toMatchObject({ action: "ask", field: { label: "Order number" } });
    const callId = (await eventsOf(t, x.c.id)).find((e): e is ActionEvent => e.type === "action")?.callId ?? "";
    const again = await x.say("nope", `in:${callId}`);
    expect(again).toMatchObject({ action: "ask" });
    expect(again.text).toMatch(/doesn't look like a valid order number/);
    const done = await x.say("LM-4821", `in:${callId}`);
    expect(done).toMatchObject({ action: "act", text: "Order LM-4821 is **shipped** with DHL, due 2026-07-18." });
    expect(await stepsOf(t, x.c.id)).toEqual(["asked", "ok"]);
    // The widget sends whatever is typed under an open question as its answer; a second miss is taken
    // as what it most likely is, a new question.
    const y = await customer(t, "verified");
    await y.say("track my order");
    const id = (await eventsOf(t, y.c.id)).find((e): e is ActionEvent => e.type === "action")?.callId ?? "";
    expect((await y.say("I don't know it", `in:${id}`)).action).toBe("ask");
    const moved = await y.say("how do I share an album?", `in:${id}`);
    expect(moved.action).toBe("answer");
    expect(await stepsOf(t, y.c.id)).toEqual(["asked", "abandoned"]);
  });

  it("carry the input's type, pattern and length in the ask frame, and why a value was refused", async () => {
    const x = await customer(t, "verified");
    const ask = await x.say("where is my order?");
    expect(ask.field).toEqual({
      id: expect.stringMatching(/^act_/),
      label: "Order number",
      type: "text",
      pattern: "^[A-Za-z]{2}-\\d{4}$",
      maxLength: 200,
    });
    const id = ask.field?.id ?? "";
    // The form checks too, but the worker never trusts it: a value sent from the form is checked again.
    const again = await x.say("LM-12", `form:${id}`);
    expect(again).toMatchObject({ action: "ask", field: { id, label: "Order number", error: "pattern" } });
    // From the form a miss is an answer however often it misses (the composer's second miss is a question).
    const third = await x.say("LM-48210", `form:${id}`);
    expect(third).toMatchObject({ action: "ask", field: { id, error: "pattern" } });
    const done = await x.say(" LM-4821 ", `form:${id}`);
    expect(done).toMatchObject({ action: "act", text: "Order LM-4821 is **shipped** with DHL, due 2026-07-18." });
    expect(done.field).toBeUndefined();
    expect(await stepsOf(t, x.c.id)).toEqual(["asked", "ok"]);
  });

  it("take the input's own maxLength and type to the form, and check them again", async () => {
    const s = await team("bot_form_shape");
    const base = await accountScenario("bot-form-shape");
    await define(
      s,
      orderAction(base, {
        inputs: [
          { name: "email", from: "identity", field: "email" },
          { name: "order", from: "customer", label: "Order number", type: "number", maxLength: 6 },
        ],
      }),
    );
    await publishArticles(s.ws, actionArticles());
    const x = await customer(s, "verified");
    const ask = await x.say("where is my order?");
    expect(ask.field).toMatchObject({ type: "number", maxLength: 6 });
    expect(ask.field?.pattern).toBeUndefined();
    const id = ask.field?.id ?? "";
    expect((await x.say("1234567", `form:${id}`)).field?.error).toBe("long");
    expect((await x.say("12a", `form:${id}`)).field?.error).toBe("number");
    expect(await seenBy("bot-form-shape")).toEqual([]);
  });

  it("drop the call on the form's Cancel: nothing runs, and the customer can still ask for a person", async () => {
    const before = (await seenBy("bot-plain")).length;
    // Another call's cancel is not this one's: the call is dropped as when the customer moves on.
    const x = await customer(t, "verified");
    await x.say("where is my order?");
    expect((await x.say("Cancel", "cancel:act_someone_else")).action).not.toBe("ask");
    expect((await stepsOf(t, x.c.id)).slice(0, 2)).toEqual(["asked", "abandoned"]);
    const y = await customer(t, "verified");
    const ask2 = await y.say("where is my order?");
    const id2 = ask2.field?.id ?? "";
    const said = await y.say("Cancel", `cancel:${id2}`);
    expect(said.action).toBe("decline");
    expect(said.field).toBeUndefined();
    expect(said.text).toMatch(/I've left that/);
    expect(said.text).toMatch(/Talk to a person/);
    expect(await stepsOf(t, y.c.id)).toEqual(["asked", "declined"]);
    // The call is gone: the order number sent now is not taken as its answer.
    expect((await y.say("LM-4821", `form:${id2}`)).action).not.toBe("act");
    expect((await seenBy("bot-plain")).length).toBe(before);
    const handoff = await SELF.fetch(`${BASE}/v1/conversations/${y.c.id}/handoff?site=${t.site}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", authorization: `Bearer ${y.c.token}` },
      body: "{}",
    });
    expect(handoff.status).toBeLessThan(300);
    await settled([y.c.id]);
    const detail = (await api<ConversationDetail>(t.agent, "GET", `/api/conversations/${y.c.id}`)).body;
    expect(detail.state).toBe("queued");
  });

  it("answer honestly when the API fails, and put the attempt in the handoff packet", async () => {
    const f = await team("bot_failure");
    await define(f, planAction(await accountScenario("bot-timeout", { delayMs: 3000 }), { timeoutMs: 300 }));
    await publishArticles(f.ws, actionArticles());
    const x = await customer(f, "verified");
    const m = await x.say("what plan am I on?");
    expect(m.action).toBe("decline");
    expect(m.text).toMatch(/couldn't get that information right now/);
    expect(m.text).toMatch(/Talk to a person/);
    const handoff = await SELF.fetch(`${BASE}/v1/conversations/${x.c.id}/handoff?site=${f.site}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", authorization: `Bearer ${x.c.token}` },
      body: "{}",
    });
    expect(handoff.status).toBeLessThan(300);
    await settled([x.c.id]);
    const detail = (await api<ConversationDetail>(f.agent, "GET", `/api/conversations/${x.c.id}`)).body;
    expect(detail.handoff?.actions).toEqual([
      { name: "plan", step: "timeout", at: expect.any(Number), error: "no answer within 300 ms" },
    ]);
  });
});

describe("write actions", () => {
  it("show what will happen and run only on the customer's yes, with an idempotency key", async () => {
    const w = await team("bot_write");
    const base = await accountScenario("bot-write");
    await define(w, cancelAction(base));
    await publishArticles(w.ws, actionArticles());
    const x = await customer(w, "verified");
    const card = await x.say("I want to cancel my subscription");
    expect(card.action).toBe("confirm");
    expect(card.text).toBe("This cancels your **ana@lumen.example** subscription at the end of the current period.");
    const callId = card.options?.[0]?.articleId.slice(4) ?? "";
    expect(card.options).toEqual([
      { articleId: `yes:${callId}`, title: "Yes, go ahead" },
      { articleId: `no:${callId}`, title: "No, don't" },
    ]);
    expect(await seenBy("bot-write")).toEqual([]);
    // A typed "yes" is not the button: the call waits for the customer's explicit choice of this card.
    const done = await x.say("Yes, go ahead", `yes:${callId}`);
    expect(done).toMatchObject({ action: "act", text: "Done: Lumen Plus is cancelled. You keep it until 2026-08-01." });
    const calls = await seenBy("bot-write");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", idempotencyKey: callId });
    expect(await stepsOf(w, x.c.id)).toEqual(["confirming", "ok"]);
    // The same button again (a resend from another tab) finds nothing waiting: no second call.
    await x.say("Yes, go ahead", `yes:${callId}`);
    expect(await seenBy("bot-write")).toHaveLength(1);
  });

  it("do nothing on no, and drop the card when the customer moves on", async () => {
    const w = await team("bot_write_no");
    const base = await accountScenario("bot-write-no");
    await define(w, cancelAction(base));
    await publishArticles(w.ws, actionArticles());
    const x = await customer(w, "verified");
    const card = await x.say("cancel my plan");
    const callId = card.options?.[0]?.articleId.slice(4) ?? "";
    const no = await x.say("No, don't", `no:${callId}`);
    expect(no.text).toBe("OK, I haven't changed anything.");
    const again = await x.say("cancel my subscription");
    expect(again.action).toBe("confirm");
    await x.say("how do I share an album?");
    expect(await seenBy("bot-write-no")).toEqual([]);
    expect(await stepsOf(w, x.c.id)).toEqual(["confirming", "declined", "confirming", "abandoned"]);
  });

  it("wait for an agent's approval when the owner asks for it: denied with a reason, or approved and run", async () => {
    const w = await team("bot_approval");
    const other = await team("bot_approval_other");
    const base = await accountScenario("bot-approval");
    await define(w, cancelAction(base, { requiresApproval: true }));
    await publishArticles(w.ws, actionArticles());

    const first = await customer(w, "verified");
    const card = await first.say("cancel my subscription");
    const callId = card.options?.[0]?.articleId.slice(4) ?? "";
    const wait = await first.say("Yes, go ahead", `yes:${callId}`);
    expect(wait.text).toMatch(/approves this kind of change/);
    await settled([first.c.id]);
    const queue = await api<{ approvals: Approval[] }>(w.agent, "GET", "/api/action-runs/approvals");
    expect(queue.body.approvals).toEqual([
      expect.objectContaining({
        id: callId,
        conversationId: first.c.id,
        action: "cancel-subscription",
        status: "pending",
      }),
    ]);
    expect(queue.body.approvals[0]?.summary).toContain("ana@lumen.example");
    expect(
      (await api<{ approvals: Approval[] }>(other.agent, "GET", "/api/action-runs/approvals")).body.approvals,
    ).toEqual([]);
    expect((await api(other.agent, "POST", `/api/action-runs/approvals/${callId}`, { approve: true })).status).toBe(
      404,
    );
    const denied = await api<AgentRunResult>(w.agent, "POST", `/api/action-runs/approvals/${callId}`, {
      approve: false,
      reason: "You have an open refund; we'll cancel it with that.",
    });
    expect(denied.body.step).toBe("denied");
    expect((await api(w.agent, "POST", `/api/action-runs/approvals/${callId}`, { approve: true })).status).toBe(409);
    const said = (await eventsOf(w, first.c.id)).filter((e): e is MessageEvent => e.type === "message").at(-1);
    expect(said?.text).toBe(
      "A person on our team didn't approve this, so nothing was changed. Their reason: You have an open refund; we'll cancel it with that.",
    );
    expect(await seenBy("bot-approval")).toEqual([]);

    const second = await customer(w, "verified");
    const card2 = await second.say("cancel my subscription");
    const call2 = card2.options?.[0]?.articleId.slice(4) ?? "";
    await second.say("Yes, go ahead", `yes:${call2}`);
    const approved = await api<AgentRunResult>(w.agent, "POST", `/api/action-runs/approvals/${call2}`, {
      approve: true,
    });
    expect(approved.body.step).toBe("ok");
    expect(await seenBy("bot-approval")).toHaveLength(1);
    expect(await stepsOf(w, second.c.id)).toEqual(["confirming", "awaiting-approval", "approved", "ok"]);
    const decided = await api<{ approvals: Approval[] }>(w.agent, "GET", "/api/action-runs/approvals?status=decided");
    expect(decided.body.approvals.map((a) => [a.id, a.status])).toEqual([
      [call2, "approved"],
      [callId, "denied"],
    ]);
  });
});

describe("from the console", () => {
  it("fills inputs from the conversation: the customer's language, the page they wrote from, the conversation", async () => {
    const ctxTeam = await team("bot_context");
    const base = await accountScenario("bot-context");
    await define(
      ctxTeam,
      planAction(base, {
        url: `${base}/accounts/{{email}}?lang={{lang}}&from={{page}}&c={{conv}}`,
        inputs: [
          { name: "email", from: "identity", field: "email" },
          { name: "lang", from: "conversation", field: "locale" },
          { name: "page", from: "conversation", field: "page" },
          { name: "conv", from: "conversation", field: "conversation" },
        ],
      }),
    );
    const x = await customer(ctxTeam, "verified");
    await x.say("hello");
    const run = await api<AgentRunResult>(ctxTeam.agent, "POST", "/api/action-runs", {
      conversation: x.c.id,
      action: "plan",
    });
    expect(run.body).toMatchObject({ step: "ok" });
    const sent = await seenBy("bot-context");
    expect(sent.map((r) => r.path)).toEqual([
      `/accounts/ana@lumen.example?lang=en&from=${encodeURIComponent("https://lumen.example/account")}&c=${x.c.id}`,
    ]);
  });

  it("lets an agent run a read with the customer's context, through the same gates, and shows the card", async () => {
    const card = await team("bot_console");
    const base = await accountScenario("bot-console");
    await define(card, planAction(base, { customerCard: true }), cancelAction(base));
    await publishArticles(card.ws, actionArticles());
    const verified = await customer(card, "verified");
    await verified.say("hello");
    const runnable = await api<{ actions: RunnableAction[] }>(
      card.agent,
      "GET",
      `/api/action-runs?conversation=${verified.c.id}`,
    );
    expect(runnable.body.actions.map((a) => [a.name, a.blocked ?? "ok"])).toEqual([
      ["cancel-subscription", "ok"],
      ["plan", "ok"],
    ]);
    const run = await api<AgentRunResult>(card.agent, "POST", "/api/action-runs", {
      conversation: verified.c.id,
      action: "plan",
    });
    expect(run.body).toMatchObject({ step: "ok", answer: expect.stringContaining("Lumen Plus") });
    // The answer is for the agent: the customer received nothing new.
    expect(customerSaw(verified)).not.toContain("Lumen Plus");
    const cards = await api<{ cards: ActionCard[] }>(
      card.agent,
      "GET",
      `/api/action-runs/card?conversation=${verified.c.id}`,
    );
    expect(cards.body.cards).toEqual([
      expect.objectContaining({ name: "plan", status: "ok", answer: expect.stringContaining("61.4 GB") }),
    ]);

    const claimed = await customer(card, "claimed");
    await claimed.say("hello");
    const refused = await api<AgentRunResult>(card.agent, "POST", "/api/action-runs", {
      conversation: claimed.c.id,
      action: "plan",
    });
    expect(refused.body).toMatchObject({ step: "refused", error: "the customer's email is not verified" });
    const blocked = await api<{ actions: RunnableAction[] }>(
      card.agent,
      "GET",
      `/api/action-runs?conversation=${claimed.c.id}`,
    );
    expect(blocked.body.actions.find((a) => a.name === "plan")?.blocked).toBe("needs the customer's verified email");
    const noCard = await api<{ cards: ActionCard[] }>(
      card.agent,
      "GET",
      `/api/action-runs/card?conversation=${claimed.c.id}`,
    );
    expect(noCard.body.cards).toEqual([expect.objectContaining({ status: "unavailable" })]);
    // Another workspace's agent cannot reach the conversation at all.
    const other = await team("bot_console_other");
    expect(
      (await api(other.agent, "POST", "/api/action-runs", { conversation: verified.c.id, action: "plan" })).status,
    ).toBe(404);
    expect((await api(other.agent, "GET", `/api/action-runs/card?conversation=${verified.c.id}`)).status).toBe(404);
    // An agent's write asks the customer: the card reaches the widget, nothing runs before the yes.
    const write = await api<AgentRunResult>(card.agent, "POST", "/api/action-runs", {
      conversation: verified.c.id,
      action: "cancel-subscription",
    });
    expect(write.body.step).toBe("confirming");
    expect(await seenBy("bot-console")).toHaveLength(2);
    await settled([verified.c.id, claimed.c.id]);
  });
});

describe("analytics", () => {
  it("counts a conversation an action resolved apart from one an article resolved", async () => {
    const a = await team("bot_analytics");
    await define(a, planAction(plain));
    await publishArticles(a.ws, actionArticles());
    const byAction = await customer(a, "verified");
    await byAction.say("what plan am I on?");
    const byArticle = await customer(a, "verified");
    await byArticle.say("how do I reset my password?");
    for (const x of [byAction, byArticle])
      expect((await api(a.agent, "POST", `/api/conversations/${x.c.id}/resolve`)).status).toBeLessThan(300);
    await settled([byAction.c.id, byArticle.c.id]);
    const report = await api<AnalyticsReport>(a.owner, "GET", "/api/analytics");
    expect(report.body.summary).toMatchObject({ autoResolved: 2, autoResolvedAfterAnswer: 1, autoResolvedByAction: 1 });
  });
});

describe("learning", () => {
  it("learns from resolved conversations which wordings an action answers, as it does for an article", async () => {
    // A workspace of its own: what it learns must not move the other tests' answers.
    const l = await team("learn");
    const base = await accountScenario("learn-plain");
    await define(l, orderAction(base));
    await publishArticles(l.ws, actionArticles());
    const asked = "my print is late, what is going on";
    const first = await customer(l, "verified");
    const before = await first.say(asked);
    // Nothing in the article says "late": on the first day the bot does not guess an order lookup.
    expect(before.action).not.toBe("ask");
    expect(await stepsOf(l, first.c.id)).toEqual([]);
    const person = await first.say("talk to a person please");
    expect(person.action).toBe("handoff");
    // The agent who took it over says which article answered it (the console's link), the same way a
    // handed-off question is taught for any article; other customers' wordings were resolved before.
    const link = await api<{ recorded: number; job?: string }>(l.editor, "POST", "/api/kb/links", {
      conversationId: first.c.id,
      question: asked,
      article: "order-status",
    });
    expect(link.status).toBe(201);
    expect(link.body.recorded).toBe(1);
    const history = await SELF.fetch(`${BASE}/admin/v1/kb/history?workspace=${l.ws}`, {
      method: "POST",
      headers: { ...ADMIN },
      body: JSON.stringify({
        items: [
          "my prints are late",
          "why is my print order so late",
          "the photo book I ordered is late",
          "my order is late, where is it",
          "prints are running late, what's happening",
        ].map((text) => ({ text, article: "order-status" })),
      }),
    });
    expect(history.status, await history.clone().text()).toBe(200);
    const next = await customer(l, "verified");
    const after = await next.say(asked);
    // Now the action runs: it asks for the order number, as for "where is my order".
    expect(after).toMatchObject({ action: "ask", field: { label: "Order number" } });
    expect(await stepsOf(l, next.c.id)).toEqual(["asked"]);
  });
});
