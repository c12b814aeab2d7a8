// The runtime killed mid-answer: customers ask questions, and while answers stream to a good share of
// them the whole runtime (wrangler, both workerd processes) is SIGKILLed, then started again on the same
// state directory and port. Before the kill some conversations were handed to people (no agent online,
// so they wait in the queue with an SLA due soon) and an agent set a scheduled reply and a reminder on
// each, due while the runtime is down. Afterwards: every question answered exactly once, every transcript
// equal to its log, and every timer fired once: the SLA breach (flagged in the inbox, one `sla.breached`
// webhook per conversation), the scheduled reply (one message), the reminder (due in the agent's list),
// the idle auto-resolve of the bot's conversations; the customers then rate them, once.
import { randomBytes } from "node:crypto";
import { inboxItemSchema } from "../../../shared/api.ts";
import { reminderListSchema } from "../../../shared/later.ts";
import { DEMO_WORKSPACE } from "../demo-seed.ts";
import { answerBalance } from "../load/compare.ts";
import { QuestionFailed, SimCustomer, type Target } from "../load/customer.ts";
import { type Desk, restartDesk } from "../load/desk.ts";
import { type Admin, logOf, pool, quiesce, type ScenarioResult, sleep, verdictOf } from "./common.ts";
import { FlakyReceiver } from "./receiver.ts";

export type KillOptions = {
  /** Customers asking the bot, and conversations handed to people. */
  askers: number;
  handoffs: number;
  /** When the scheduled reply and the reminder fall due, after they are set (ms): inside the downtime. */
  scheduleInMs: number;
  /** AUTO_RESOLVE_MS of the desk (the bot's idle conversations close after it). */
  autoResolveMs: number;
  questions: string[];
  vars: Record<string, string>;
  log: (s: string) => void;
};

const secret = `whsec_${randomBytes(24).toString("base64")}`;

async function json(r: Response): Promise<unknown> {
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

export async function killMidAnswer(first: Desk, o: KillOptions): Promise<ScenarioResult & { desk: Desk }> {
  const t0 = Date.now();
  let desk = first;
  const target: Target = { url: desk.url, site: "load_site", operator: desk.worker.adminToken };
  const admin: Admin = { url: desk.url, adminToken: desk.worker.adminToken };
  const receiver = new FlakyReceiver({ timers: secret }, 1000);
  await receiver.up();
  const adminCall = (method: string, path: string, body?: unknown) =>
    fetch(`${admin.url}${path}${path.includes("?") ? "&" : "?"}workspace=${DEMO_WORKSPACE}`, {
      method,
      headers: { authorization: `Bearer ${admin.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(json);
  const hook = (await adminCall("POST", "/admin/v1/notifications/webhooks", {
    url: receiver.url("timers"),
    events: ["sla.breached"],
    secret,
  })) as { id: string };

  // An agent who sets things for later, signed in over HTTP only (no inbox socket: not online, so the
  // handed-off conversations stay unassigned and their SLA runs out).
  const agent = first.agents[0];
  if (!agent) throw new Error("the kill scenario needs one agent account");
  const login = await fetch(`${admin.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  await json(login.clone());
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const asAgent = (method: string, path: string, body?: unknown) =>
    fetch(`${admin.url}${path}`, {
      method,
      headers: { cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    }).then(json);

  // The handed-off conversations, each with a scheduled reply and a reminder due during the downtime.
  const handed = await pool(
    Array.from({ length: o.handoffs }, (_, i) => i),
    8,
    async (i) => {
      const c = new SimCustomer(target, "ws", [100, 600]);
      await c.open();
      await c.ask(o.questions[i] as string, 60_000).catch(() => undefined);
      if (c.timeline.state !== "queued") await c.askForPerson();
      await c.until((t) => t.state === "queued", 30_000);
      const at = Date.now() + o.scheduleInMs;
      const reply = (await asAgent("POST", `/api/conversations/${c.id}/scheduled-replies`, {
        clientId: `kill-reply-${i}-${randomBytes(4).toString("hex")}`,
        text: `A scheduled reply for conversation ${i}.`,
        at,
      })) as { id: string };
      await asAgent("POST", `/api/conversations/${c.id}/reminders`, {
        clientId: `kill-remind-${i}-${randomBytes(4).toString("hex")}`,
        at,
        note: `reminder ${i}`,
      });
      return { c, scheduleId: reply.id };
    },
  );
  o.log(`  kill: ${handed.length} conversations handed off, each with a scheduled reply and a reminder`);

  // The askers: question after question until told to stop.
  const askers = await pool(
    Array.from({ length: o.askers }, (_, i) => i),
    16,
    async (i) => {
      const c = new SimCustomer(target, i % 10 === 9 ? "sse" : "ws", [100, 600]);
      await c.open();
      return c;
    },
  );
  let stop = false;
  let asked = 0;
  let answered = 0;
  const failures: Record<string, number> = {};
  let q = o.handoffs;
  const talking = askers.map(async (c) => {
    await sleep(Math.random() * 800);
    while (!stop && (c.timeline.state === "bot" || c.timeline.state === "resolved")) {
      asked++;
      try {
        await c.ask(o.questions[q++ % o.questions.length] as string, 120_000);
        answered++;
      } catch (e) {
        const k = e instanceof QuestionFailed ? e.kind : "other";
        failures[k] = (failures[k] ?? 0) + 1;
      }
      await sleep(300 + Math.random() * 700);
    }
  });

  // Kill when a good share of the askers have an answer streaming to them (or after 15 s whatever).
  const killBy = Date.now() + 15_000;
  const streaming = () => askers.filter((c) => Object.keys(c.timeline.drafts).length > 0).length;
  while (streaming() < Math.max(1, Math.ceil(o.askers / 4)) && Date.now() < killBy) await sleep(10);
  const midStream = streaming();
  const waiting = askers.filter((c) => c.pendingAcks > 0 || Object.keys(c.timeline.drafts).length > 0).length;
  await desk.worker.crash();
  const killedAt = Date.now();
  o.log(`  kill: SIGKILL with ${midStream} answers streaming; restarting on the same state…`);
  desk = await restartDesk(first, o.vars);
  target.url = desk.url;
  admin.url = desk.url;
  admin.adminToken = desk.worker.adminToken;
  const downMs = Date.now() - killedAt;
  o.log(`  kill: back after ${(downMs / 1000).toFixed(1)} s`);

  // A few more questions after the restart, then quiet: the bot's conversations close when idle.
  await sleep(3000);
  stop = true;
  await Promise.all(talking);
  const everyone = [...askers, ...handed.map((h) => h.c)];
  await quiesce(admin, everyone, 120_000);

  // Timers: wait (bounded) until each has fired.
  let inboxOfHanded: string[] = [];
  const deadline = Date.now() + Math.max(60_000, o.autoResolveMs * 4);
  const check = async () => {
    const slaHooks = new Map<string, Set<string>>();
    for (const r of receiver.log)
      if (r.type === "sla.breached" && r.answered === 200) {
        const s = slaHooks.get(r.conversationId) ?? new Set<string>();
        s.add(r.eventId);
        slaHooks.set(r.conversationId, s);
      }
    const inbox = (await asAgent("GET", "/api/inbox")) as { items: unknown[] };
    const items = inbox.items.map((x) => inboxItemSchema.parse(x));
    const breached = handed.filter((h) => items.find((it) => it.id === h.c.id)?.slaState === "breached").length;
    inboxOfHanded = handed.map((h) => {
      const it = items.find((x) => x.id === h.c.id);
      return it
        ? `${it.state} ${it.slaState ?? "-"} due ${it.slaDueAt ? new Date(it.slaDueAt).toISOString() : "-"} ${it.assignee?.name ?? "unassigned"}`
        : "not in the inbox";
    });
    const reminders = reminderListSchema.parse(await asAgent("GET", "/api/inbox/reminders")).reminders;
    const remindersDue = handed.filter(
      (h) => reminders.filter((r) => r.conversationId === h.c.id && r.state === "due").length === 1,
    ).length;
    const sent = await pool(handed, 8, async (h) => {
      const l = await logOf(admin, h.c.id);
      return l.filter((e) => e.type === "message" && e.clientId === `schedule:${h.scheduleId}`).length;
    });
    const repliesSent = sent.filter((n) => n === 1).length;
    const repliesTwice = sent.filter((n) => n > 1).length;
    const askerLogs = await pool(askers, 8, (c) => logOf(admin, c.id));
    // The bot's conversations close when idle; those it handed to people wait for them instead.
    const botHeld = askerLogs.filter((l) => !l.some((e) => e.type === "state" && e.state === "queued"));
    const resolvedIdle = botHeld.filter((l) => {
      const last = [...l].reverse().find((e) => e.type === "state");
      return last?.state === "resolved" && last.reason === "idle";
    }).length;
    return {
      slaBreachedInInbox: breached,
      slaWebhooksOnce: handed.filter((h) => slaHooks.get(h.c.id)?.size === 1).length,
      slaWebhooksTwice: handed.filter((h) => (slaHooks.get(h.c.id)?.size ?? 0) > 1).length,
      scheduledRepliesOnce: repliesSent,
      scheduledRepliesTwice: repliesTwice,
      remindersDue,
      botHeld: botHeld.length,
      autoResolved: resolvedIdle,
      stillUnanswered: askerLogs.reduce((a, l) => a + answerBalance(l).unanswered, 0),
    };
  };
  let timers = await check();
  const all = (t: typeof timers) =>
    t.slaBreachedInInbox === handed.length &&
    t.slaWebhooksOnce === handed.length &&
    t.scheduledRepliesOnce === handed.length &&
    t.remindersDue === handed.length &&
    t.autoResolved === t.botHeld;
  while (!all(timers) && Date.now() < deadline) {
    await sleep(2000);
    timers = await check();
  }
  // Customers of closed conversations rate them: once stored, a second identical rating is a harmless retry.
  let ratings = 0;
  let ratingsRepeated = 0;
  await pool(askers, 8, async (c) => {
    if (c.timeline.state !== "resolved") return;
    if ((await c.rate(5)) === 201) ratings++;
    if ((await c.rate(5)) === 200) ratingsRepeated++;
  });
  await sleep(1500);
  const v = await verdictOf(admin, everyone);
  const csatEvents = (await pool(askers, 8, (c) => logOf(admin, c.id))).reduce(
    (a, l) => a + l.filter((e) => e.type === "csat").length,
    0,
  );
  await adminCall("DELETE", `/admin/v1/notifications/webhooks/${hook.id}`).catch(() => undefined);
  for (const c of everyone) c.close();
  await receiver.down();
  const timersOk = all(timers) && timers.scheduledRepliesTwice === 0 && timers.slaWebhooksTwice === 0;
  return {
    desk,
    lost: v.lost,
    duplicated:
      v.duplicated + timers.scheduledRepliesTwice + timers.slaWebhooksTwice + Math.max(0, csatEvents - ratings),
    out_of_order: v.out_of_order,
    passed:
      v.lost === 0 &&
      v.duplicated === 0 &&
      v.out_of_order === 0 &&
      v.phantom === 0 &&
      v.mismatched === 0 &&
      timersOk &&
      csatEvents === ratings,
    seconds: (Date.now() - t0) / 1000,
    facts: {
      askers: askers.length,
      handoffs: handed.length,
      streamingAtKill: midStream,
      waitingAtKill: waiting,
      downSeconds: Math.round(downMs / 100) / 10,
      asked,
      answered,
      questionFailures: failures,
      unanswered: v.unanswered,
      extraAnswers: v.extra_answers,
      ...timers,
      ratings,
      ratingsRepeated,
      csatEvents,
    },
    details: [
      ...v.details,
      ...(timersOk ? [] : [`timers: ${JSON.stringify(timers)} of ${handed.length} handed off`, ...inboxOfHanded]),
    ],
  };
}
