// Snooze, scheduled replies and reminders (worker/conversation/later.ts): set through the console's
// routes, kept as rows of the conversation's SQLite and fired by its one alarm. Each fires exactly
// once, also when the alarm runs twice at once or the object restarts between a reply's send and its
// row's move; a snooze wakes on its time or on the customer's reply, whichever comes first; a
// reminder is an alert to its own agent alone. Roles and workspaces are fenced on every route.
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, InboxFrame, InboxItem, ReminderItem } from "../../shared/api.ts";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import { type Later, Later as LaterPart } from "../../worker/conversation/later.ts";
import type { Meta } from "../../worker/conversation/model.ts";
import type { Sends } from "../../worker/conversation/sends.ts";
import { asCustomer, BASE, call, connect, createAgent, ORIGIN, waitFor, wsAs } from "./helpers.ts";
import { workspace } from "./notify-helpers.ts";

const stubOf = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
// A workspace of its own: its inbox, agents and presence never meet other files' (routing.test.ts counts loads in "demo").
let ws = "";
let site = "";
const inbox = () => env.INBOX.get(env.INBOX.idFromName(ws));

let ana = "";
let ben = "";
let outsider = "";
let anaId = "";
let benId = "";

beforeAll(async () => {
  ({ ws, site } = await workspace("later"));
  ana = await createAgent("later-ana@example.test", "agent", ws);
  ben = await createAgent("later-ben@example.test", "agent", ws);
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('later-other', 'Other', 1)",
  ).run();
  outsider = await createAgent("later-owner@other.test", "owner", "later-other");
  anaId = ((await call<{ id: string }>(ana, "GET", "/api/me")).body as { id: string }).id;
  benId = ((await call<{ id: string }>(ben, "GET", "/api/me")).body as { id: string }).id;
});

/** A conversation whose customer asked for a person, queued; the customer's socket stays open. */
async function handedOff() {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  const c = (await r.json()) as { id: string; token: string };
  const customer = await connect(`/v1/conversations/${c.id}/ws?site=${site}&after=0`, wsAs(c));
  customer.send({ t: "send", clientId: `later-cust-${++n}-000`, text: "My photo book never arrived" });
  await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${site}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify({}),
  });
  await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued", 8000);
  return { c, customer };
}

/** A conversation handed off and joined by Ana; the customer's socket stays open. */
async function joined() {
  const { c, customer } = await handedOff();
  expect((await call(ana, "POST", `/api/conversations/${c.id}/claim`, {})).status).toBe(200);
  return { c, customer };
}

const detail = (id: string) => stubOf(id).detail();
const path = (id: string, rest = "") => `/api/conversations/${id}${rest}`;
let n = 0;
const clientId = () => `later-client-${String(++n).padStart(4, "0")}`;

/** Runs the object's alarm once `at` has passed (the runtime may have run it already: then this is a second run). */
async function alarmAfter(id: string, at: number): Promise<void> {
  const wait = at - Date.now() + 20;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await runDurableObjectAlarm(stubOf(id));
}

const agentMessages = (d: ConversationDetail, text: string) =>
  d.events.filter((e) => e.type === "message" && e.author === "agent" && e.text === text);
const scheduleEvents = (d: ConversationDetail, id: string) =>
  d.events.flatMap((e) =>
    e.type === "schedule" && e.id === id ? [`${e.status}${e.reason ? `:${e.reason}` : ""}`] : [],
  );

async function inboxItem(convId: string, ok: (i: InboxItem | null) => boolean): Promise<InboxItem | null> {
  return waitFor(() => inbox().get(convId), ok, 8000);
}

describe("snooze", () => {
  it("takes the conversation out of the active inbox and brings it back, marked, at its time", async () => {
    const { c, customer } = await joined();
    const until = Date.now() + 1500;
    const r = await call<{ id: string; dueAt: number }>(ana, "POST", path(c.id, "/snooze"), { until });
    expect(r.status).toBe(200);
    expect(r.body.dueAt).toBe(until);
    expect((await detail(c.id)).snoozed).toEqual({ until });
    expect((await inboxItem(c.id, (i) => !!i?.snoozed))?.snoozed).toEqual({ until });

    await alarmAfter(c.id, until);
    const d = await waitFor(
      () => detail(c.id),
      (x) => !x.snoozed,
      8000,
    );
    expect(d.woke?.reason).toBe("time");
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "done:time"]);
    const item = await inboxItem(c.id, (i) => !!i?.woke);
    expect(item?.snoozed).toBeUndefined();
    expect(item?.woke?.reason).toBe("time");
    // The customer never sees any of it.
    expect(customer.frames.some((f) => f.t === "event" && f.event.type === "schedule")).toBe(false);

    // The mark stays until an agent writes again.
    await call(ana, "POST", path(c.id, "/messages"), { clientId: clientId(), text: "Back to this one" });
    expect((await detail(c.id)).woke).toBeUndefined();
    expect((await inboxItem(c.id, (i) => !i?.woke))?.woke).toBeUndefined();
    customer.close();
  });

  it("wakes on the customer's reply before its time, and the time then changes nothing", async () => {
    const { c, customer } = await joined();
    const r = await call<{ id: string }>(ana, "POST", path(c.id, "/snooze"), { until: Date.now() + 3_600_000 });
    // Ana's console has the conversation open: it must get the reply, then the wake, in seq order.
    const console_ = await connect(`/api/conversations/${c.id}/ws?after=0`, { cookie: ana, origin: ORIGIN });
    await console_.until((f) => f.t === "ready");
    customer.send({ t: "send", clientId: "later-cust-reply-01", text: "Any news?" });
    const d = await waitFor(
      () => detail(c.id),
      (x) => !!x.woke,
      8000,
    );
    expect(d.woke?.reason).toBe("reply");
    expect(d.snoozed).toBeUndefined();
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "done:reply"]);
    expect((await inboxItem(c.id, (i) => i?.woke?.reason === "reply"))?.snoozed).toBeUndefined();
    await console_.until((f) => f.t === "event" && f.event.type === "schedule" && f.event.status === "done");
    const live = console_.frames.flatMap((f) => (f.t === "event" ? [f.event] : [])).filter((e) => e.seq > 0);
    const seqs = live.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(live.some((e) => e.type === "message" && e.text === "Any news?")).toBe(true);
    console_.close();
    // An alarm now (or at the old time) finds nothing to do.
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) =>
      (i as unknown as { later: Later }).later.fireDue(Date.now() + 7_200_000),
    );
    expect(scheduleEvents(await detail(c.id), r.body.id)).toEqual(["set", "done:reply"]);
    customer.close();
  });

  it("until the customer replies, or by hand; a resolve ends it", async () => {
    const { c, customer } = await joined();
    const a = await call<{ id: string; dueAt?: number }>(ana, "POST", path(c.id, "/snooze"), {});
    expect(a.status).toBe(200);
    expect(a.body.dueAt).toBeUndefined();
    expect((await detail(c.id)).snoozed).toEqual({});
    expect((await call(ben, "DELETE", path(c.id, "/snooze"))).status).toBe(200);
    const d = await detail(c.id);
    expect(d.snoozed).toBeUndefined();
    expect(d.woke).toBeUndefined();
    expect(scheduleEvents(d, a.body.id)).toEqual(["set", "cancelled"]);

    const b = await call<{ id: string }>(ana, "POST", path(c.id, "/snooze"), {});
    expect((await call(ana, "POST", path(c.id, "/resolve"), {})).status).toBe(200);
    const after = await detail(c.id);
    expect(after.snoozed).toBeUndefined();
    expect(scheduleEvents(after, b.body.id)).toEqual(["set", "cancelled:left"]);
    customer.close();
  });

  it("is refused unless a person holds the conversation, and for times past or too far", async () => {
    const { c, customer } = await handedOff();
    const queued = await call<{ error: string }>(ana, "POST", path(c.id, "/snooze"), {});
    expect(queued.status).toBe(409);
    expect(queued.body.error).toBe("not_with_agent");
    await call(ana, "POST", path(c.id, "/claim"), {});
    const past = await call<{ error: string }>(ana, "POST", path(c.id, "/snooze"), { until: Date.now() - 1000 });
    expect([past.status, past.body.error]).toEqual([409, "not_ahead"]);
    const far = await call<{ error: string }>(ana, "POST", path(c.id, "/snooze"), {
      until: Date.now() + 400 * 86_400_000,
    });
    expect([far.status, far.body.error]).toEqual([409, "too_far"]);
    expect((await call(ana, "POST", path(c.id, "/snooze"), { until: "tomorrow" })).status).toBe(400);
    customer.close();
  });
});

describe("a scheduled reply", () => {
  it("is sent once at its time, even with the alarm run twice at once", async () => {
    const { c, customer } = await joined();
    const at = Date.now() + 1200;
    const text = "Good morning! Your replacement ships today.";
    const id = clientId();
    const r = await call<{ id: string; dueAt: number }>(ana, "POST", path(c.id, "/scheduled-replies"), {
      clientId: id,
      text,
      at,
    });
    expect(r.status).toBe(201);
    // The same request again (a retry) is the same schedule.
    const again = await call<{ id: string }>(ana, "POST", path(c.id, "/scheduled-replies"), { clientId: id, text, at });
    expect(again.body.id).toBe(r.body.id);
    const before = await detail(c.id);
    expect(before.schedules).toEqual([
      { id: r.body.id, kind: "reply", dueAt: at, text, agent: { id: anaId, name: "later-ana" }, state: "pending" },
    ]);
    expect(agentMessages(before, text)).toHaveLength(0);

    const wait = at - Date.now() + 20;
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    // Two alarm runs at once (and the runtime's own, whenever it comes).
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => Promise.all([i.alarm(), i.alarm()]));
    await runDurableObjectAlarm(stubOf(c.id));
    const d = await waitFor(
      () => detail(c.id),
      (x) => agentMessages(x, text).length > 0,
      8000,
    );
    const sent = agentMessages(d, text);
    expect(sent).toHaveLength(1);
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "done"]);
    const done = d.events.find((e) => e.type === "schedule" && e.id === r.body.id && e.status === "done");
    expect(done?.type === "schedule" && done.messageId).toBe(sent[0]?.type === "message" && sent[0].id);
    expect(d.schedules).toBeUndefined();
    // The customer got it, once; and it was counted once downstream (analytics follower).
    await customer.until((f) => f.t === "event" && f.event.type === "message" && f.event.text === text);
    expect(
      customer.frames.filter((f) => f.t === "event" && f.event.type === "message" && f.event.text === text),
    ).toHaveLength(1);
    const rows = await waitFor(
      () =>
        env.DB.prepare(
          "SELECT COUNT(*) AS n FROM analytics_events WHERE conversation_id = ? AND type = 'agent_message'",
        )
          .bind(c.id)
          .first<{ n: number }>(),
      (x) => (x?.n ?? 0) > 0,
      8000,
    );
    expect(rows?.n).toBe(1);
    // Too late to cancel.
    const late = await call<{ error: string }>(ana, "DELETE", path(c.id, `/schedules/${r.body.id}`));
    expect([late.status, late.body.error]).toEqual([409, "already_done"]);
    customer.close();
  });

  it("is sent once by two overlapping alarms while the first is still sending it (a slow translation)", async () => {
    // The module over a real object's SQLite, with a reply that takes a while, as a translated one does.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName("later-overlap-probe"));
    const result = await runInDurableObject(stub, async (_i: ConversationDO, state) => {
      const sql = (q: string, ...p: (string | number | null)[]) => state.storage.sql.exec(q, ...p).toArray() as never;
      let meta = { id: "later-overlap-probe", state: "agent" } as unknown as Meta;
      let sent = 0;
      const events: string[] = [];
      const later = new LaterPart(
        sql,
        {
          get meta() {
            return meta;
          },
          save: (m) => {
            meta = m;
          },
          emit: (e) => {
            events.push(e.type === "schedule" ? e.status : e.type);
            return { ...e, seq: events.length } as never;
          },
          reply: async () => {
            await new Promise((r) => setTimeout(r, 100));
            sent += 1;
            return { seq: 1, id: "m1" };
          },
          now: () => Date.now(),
          wake: () => undefined,
        },
        () => `s${events.length}`,
      );
      const { id } = later.scheduleReply({ id: "a", name: "A" }, "overlap-client-01", "hello", Date.now() + 5);
      await new Promise((r) => setTimeout(r, 10));
      await Promise.all([later.fireDue(Date.now()), later.fireDue(Date.now())]);
      // And once more after it is done.
      await later.fireDue(Date.now());
      return { sent, events, pending: later.pending(), id };
    });
    expect(result.sent).toBe(1);
    expect(result.events).toEqual(["set", "done"]);
    expect(result.pending).toEqual([]);
  });

  it("on a conversation still waiting in the queue, joins its agent and reaches the customer in seq order", async () => {
    const { c, customer } = await handedOff();
    const at = Date.now() + 800;
    const text = "Morning! Picking this up now.";
    await call(ana, "POST", path(c.id, "/scheduled-replies"), { clientId: clientId(), text, at });
    await alarmAfter(c.id, at);
    await customer.until((f) => f.t === "event" && f.event.type === "message" && f.event.text === text, 8000);
    const seqs = customer.frames.flatMap((f) => (f.t === "event" ? [f.event.seq] : []));
    // A client drops an event below one it already applied: the reply must come before the "joined" state.
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const d = await detail(c.id);
    expect(d.state).toBe("agent");
    expect(d.assignee?.id).toBe(anaId);
    customer.close();
  });

  it("is sent once when the object restarts after the send and before its row moved", async () => {
    const { c, customer } = await joined();
    const text = "Following up as promised.";
    const r = await call<{ id: string }>(ana, "POST", path(c.id, "/scheduled-replies"), {
      clientId: clientId(),
      text,
      at: Date.now() + 60_000,
    });
    // What a runtime killed mid-send leaves: the message stored under the schedule's clientId, the row
    // still "sending" and now due, no "done" event. Then the kill.
    await runInDurableObject(stubOf(c.id), async (i: ConversationDO, state) => {
      const sends = (i as unknown as { sends: Sends }).sends;
      await sends.agent({ id: anaId, name: "later-ana" }, `schedule:${r.body.id}`, text);
      state.storage.sql.exec(
        "UPDATE schedules SET state = 'sending', due_at = ? WHERE id = ?",
        Date.now() - 1,
        r.body.id,
      );
    });
    await runInDurableObject(stubOf(c.id), (_i: ConversationDO, state) => state.abort("killed by the test")).catch(
      () => undefined,
    );
    // A fresh instance: its alarm (set at the restart for what is due, or run here) finishes the job.
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => i.alarm());
    await runDurableObjectAlarm(stubOf(c.id));
    const d = await detail(c.id);
    expect(agentMessages(d, text)).toHaveLength(1);
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "done"]);
    const state = await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
      s.storage.sql.exec<{ state: string }>("SELECT state FROM schedules WHERE id = ?", r.body.id).one(),
    );
    expect(state.state).toBe("done");
    customer.close();
  });

  it("can be cancelled before its time, and then never goes out", async () => {
    const { c, customer } = await joined();
    const at = Date.now() + 1000;
    const text = "This one should never arrive.";
    const r = await call<{ id: string }>(ana, "POST", path(c.id, "/scheduled-replies"), {
      clientId: clientId(),
      text,
      at,
    });
    // A colleague working the conversation may call it off.
    expect((await call(ben, "DELETE", path(c.id, `/schedules/${r.body.id}`))).status).toBe(200);
    expect((await call(ben, "DELETE", path(c.id, `/schedules/${r.body.id}`))).status).toBe(200);
    await alarmAfter(c.id, at);
    const d = await detail(c.id);
    expect(agentMessages(d, text)).toHaveLength(0);
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "cancelled"]);
    expect(d.schedules).toBeUndefined();
    const none = await call<{ error: string }>(ana, "DELETE", path(c.id, "/schedules/no-such-schedule"));
    expect([none.status, none.body.error]).toEqual([409, "no_schedule"]);
    customer.close();
  });

  it("is not sent once the conversation was resolved meanwhile, and says so", async () => {
    const { c, customer } = await joined();
    const at = Date.now() + 1000;
    const text = "Sent to a closed conversation?";
    const r = await call<{ id: string }>(ana, "POST", path(c.id, "/scheduled-replies"), {
      clientId: clientId(),
      text,
      at,
    });
    await call(ana, "POST", path(c.id, "/resolve"), {});
    await alarmAfter(c.id, at);
    const d = await waitFor(
      () => detail(c.id),
      (x) => scheduleEvents(x, r.body.id).length === 2,
      8000,
    );
    expect(scheduleEvents(d, r.body.id)).toEqual(["set", "cancelled:closed"]);
    expect(agentMessages(d, text)).toHaveLength(0);
    // And a resolved conversation takes no new ones.
    const refused = await call<{ error: string }>(ana, "POST", path(c.id, "/scheduled-replies"), {
      clientId: clientId(),
      text,
      at: Date.now() + 60_000,
    });
    expect([refused.status, refused.body.error]).toEqual([409, "not_with_agent"]);
    customer.close();
  });

  it("counts toward at most 20 things waiting per conversation", async () => {
    const { c, customer } = await joined();
    const at = Date.now() + 3_600_000;
    for (let i = 0; i < 20; i++)
      expect(
        (await call(ana, "POST", path(c.id, "/scheduled-replies"), { clientId: clientId(), text: `r${i}`, at })).status,
      ).toBe(201);
    const full = await call<{ error: string }>(ana, "POST", path(c.id, "/reminders"), { clientId: clientId(), at });
    expect([full.status, full.body.error]).toEqual([409, "too_many_schedules"]);
    customer.close();
  });
});

describe("a reminder", () => {
  it("is listed for its agent and alerts that agent alone, once, when it comes due", async () => {
    const { c, customer } = await joined();
    const anaInbox = await connect("/api/inbox/ws", { cookie: ana, origin: ORIGIN });
    const benInbox = await connect("/api/inbox/ws", { cookie: ben, origin: ORIGIN });
    const frames = (s: { frames: unknown[] }) => s.frames as InboxFrame[];
    const at = Date.now() + 1500;
    const r = await call<{ id: string }>(ana, "POST", path(c.id, "/reminders"), {
      clientId: clientId(),
      at,
      note: "Check the courier's answer",
    });
    expect(r.status).toBe(201);
    const listed = await waitFor(
      () => call<{ reminders: ReminderItem[] }>(ana, "GET", "/api/inbox/reminders"),
      (x) => x.body.reminders.some((m) => m.id === r.body.id),
      8000,
    );
    expect(listed.body.reminders.find((m) => m.id === r.body.id)).toEqual({
      id: r.body.id,
      conversationId: c.id,
      dueAt: at,
      note: "Check the courier's answer",
      state: "pending",
    });
    expect((await call<{ reminders: ReminderItem[] }>(ben, "GET", "/api/inbox/reminders")).body.reminders).toEqual([]);
    // Only its own agent may call it off.
    const theirs = await call<{ error: string }>(ben, "DELETE", path(c.id, `/schedules/${r.body.id}`));
    expect([theirs.status, theirs.body.error]).toEqual([409, "not_yours"]);

    await alarmAfter(c.id, at);
    await anaInbox.until((f) => (f as unknown as InboxFrame).t === "alert", 8000);
    const alerts = (s: { frames: unknown[] }) => frames(s).filter((f) => f.t === "alert");
    expect(alerts(anaInbox)).toEqual([
      {
        t: "alert",
        alert: {
          kind: "reminder",
          reminder: expect.objectContaining({ id: r.body.id, conversationId: c.id, state: "due" }),
        },
      },
    ]);
    const due = (await call<{ reminders: ReminderItem[] }>(ana, "GET", "/api/inbox/reminders")).body.reminders;
    expect(due.find((m) => m.id === r.body.id)?.state).toBe("due");

    // The follower runs again (a restart before its cursor moved): no second alert.
    await runInDurableObject(stubOf(c.id), async (_i: ConversationDO, s) => {
      s.storage.sql.exec("UPDATE outbox SET cursor = 0 WHERE follower = 'reminders'");
    });
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => i.alarm());
    await waitFor(
      () =>
        runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
          s.storage.sql.exec<{ cursor: number }>("SELECT cursor FROM outbox WHERE follower = 'reminders'").one(),
        ),
      (x) => x.cursor > 0,
      8000,
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(alerts(anaInbox)).toHaveLength(1);
    expect(alerts(benInbox)).toHaveLength(0);

    // Dismissed by its agent only; then off the list for good.
    expect((await call(ben, "POST", `/api/inbox/reminders/${r.body.id}/dismiss`, {})).status).toBe(404);
    expect((await call(outsider, "POST", `/api/inbox/reminders/${r.body.id}/dismiss`, {})).status).toBe(404);
    expect((await call(ana, "POST", `/api/inbox/reminders/${r.body.id}/dismiss`, {})).status).toBe(200);
    expect(
      (await call<{ reminders: ReminderItem[] }>(ana, "GET", "/api/inbox/reminders")).body.reminders.some(
        (m) => m.id === r.body.id,
      ),
    ).toBe(false);
    anaInbox.close();
    benInbox.close();
    customer.close();
  });
});

describe("the later routes' fences", () => {
  it("reach only conversations of the caller's workspace", async () => {
    const { c, customer } = await joined();
    const at = Date.now() + 3_600_000;
    const tries: [string, string, unknown][] = [
      ["POST", "/snooze", {}],
      ["DELETE", "/snooze", undefined],
      ["POST", "/scheduled-replies", { clientId: clientId(), text: "x", at }],
      ["POST", "/reminders", { clientId: clientId(), at }],
      ["DELETE", "/schedules/whatever", undefined],
    ];
    for (const [method, rest, body] of tries) {
      expect((await call(outsider, method, path(c.id, rest), body)).status, `${method} ${rest}`).toBe(404);
      expect((await call({}, method, path(c.id, rest), body)).status, `${method} ${rest}`).toBe(401);
    }
    // Nothing was set by them.
    expect((await detail(c.id)).schedules).toBeUndefined();
    expect(benId).not.toBe(anaId);
    customer.close();
  });
});
