// A webhook receiver that is down, then flapping, while customers write. Three endpoints subscribe to
// the customers' messages: the main one (down for a while, then answering 500, 408, 429 or too late at
// random, then well), one that always answers 503 (every delivery must end a dead letter after exactly
// the last attempt) and one that answers 410 (not worth retrying: one attempt, then a dead letter).
// Afterwards every event the conversations stored must have reached the main endpoint (a second
// delivery only under the same delivery id) or be a listed dead letter, which an owner's retry then
// delivers; every attempt must follow the published schedule (webhook-audit.ts).
import { randomBytes } from "node:crypto";
import { deliverySchema } from "../../../shared/notifications.ts";
import { DEMO_WORKSPACE } from "../demo-seed.ts";
import { QuestionFailed, SimCustomer, type Target } from "../load/customer.ts";
import { type Admin, logOf, pool, type ScenarioResult, sleep } from "./common.ts";
import { FlakyReceiver } from "./receiver.ts";
import { auditWebhooks, type Policy, type SenderDelivery } from "./webhook-audit.ts";

export type WebhookOptions = {
  customers: number;
  /** How long the receiver is down, then flapping (ms). */
  downMs: number;
  flapMs: number;
  policy: Policy & { timeoutMs: number };
  questions: string[];
  log: (s: string) => void;
};

const secret = () => `whsec_${randomBytes(24).toString("base64")}`;

export async function webhookOutage(target: Target, admin: Admin, o: WebhookOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const secrets = { main: secret(), dead: secret(), gone: secret() };
  const receiver = new FlakyReceiver(secrets, o.policy.timeoutMs + 500);
  await receiver.up();
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${admin.url}${path}${path.includes("?") ? "&" : "?"}workspace=${DEMO_WORKSPACE}`, {
      method,
      headers: { authorization: `Bearer ${admin.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  const hooks: Record<keyof typeof secrets, string> = { main: "", dead: "", gone: "" };
  for (const name of ["main", "dead", "gone"] as const) {
    const events = name === "main" ? ["conversation.created", "message.created"] : ["message.created"];
    const h = (await call("POST", "/admin/v1/notifications/webhooks", {
      url: receiver.url(name),
      events,
      secret: secrets[name],
      description: `chaos ${name}`,
    })) as { id: string };
    hooks[name] = h.id;
  }

  // Down: nothing listens. Customers write all along.
  await receiver.down();
  o.log(`  webhooks: receiver down for ${o.downMs / 1000} s, customers writing`);
  const customers = await pool(
    Array.from({ length: o.customers }, (_, i) => i),
    8,
    async () => {
      const c = new SimCustomer(target, "ws", [100, 500]);
      await c.open();
      return c;
    },
  );
  let writing = true;
  let asked = 0;
  const failures: Record<string, number> = {};
  let q = 0;
  const talking = customers.map(async (c) => {
    await sleep(Math.random() * 2000);
    while (writing && (c.timeline.state === "bot" || c.timeline.state === "resolved")) {
      asked++;
      try {
        await c.ask(o.questions[q++ % o.questions.length] as string, 60_000);
      } catch (e) {
        const k = e instanceof QuestionFailed ? e.kind : "other";
        failures[k] = (failures[k] ?? 0) + 1;
      }
      await sleep(1500 + Math.random() * 2500);
    }
  });
  await sleep(o.downMs);
  await receiver.up();
  receiver.mode = "flap";
  o.log(`  webhooks: receiver back, flapping for ${o.flapMs / 1000} s`);
  await sleep(o.flapMs);
  receiver.mode = "ok";
  writing = false;
  await Promise.all(talking);
  o.log("  webhooks: receiver well; waiting for the retries to settle");

  // Until nothing is pending (the last series can take the whole schedule).
  // Every page of them: a full run leaves more dead letters than one page holds.
  const list = async (status: string): Promise<SenderDelivery[]> => {
    const out: SenderDelivery[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const r = (await call(
        "GET",
        `/admin/v1/notifications/deliveries?status=${status}&limit=200${after ? `&after=${encodeURIComponent(after)}` : ""}`,
      )) as { deliveries: unknown[]; next?: unknown };
      for (const d of r.deliveries) out.push(deliverySchema.parse(d));
      if (typeof r.next !== "string") return out;
      after = r.next;
    }
    throw new Error("more than 1,000 pages of deliveries");
  };
  const span =
    Array.from({ length: o.policy.maxAttempts }, (_, i) =>
      Math.min(o.policy.maxDelayMs, o.policy.baseMs * 2 ** i),
    ).reduce((a, b) => a + b, 0) * 1.2;
  const settleBy = Date.now() + span + 60_000;
  let pending = await list("pending");
  while (pending.length && Date.now() < settleBy) {
    await sleep(1000);
    pending = await list("pending");
  }
  const [delivered, dead] = [await list("delivered"), await list("dead")];
  const sender = [...delivered, ...dead, ...pending];

  // What the conversations stored: each customer message is a message.created; each conversation a conversation.created.
  const logs = await pool(customers, 8, async (c) => ({ id: c.id, log: await logOf(admin, c.id) }));
  const messages = logs.flatMap(({ id, log }) =>
    log.filter((e) => e.type === "message" && e.author === "customer").map((e) => `${id}.${e.seq}`),
  );
  const created = logs.map(({ id }) => `${id}.created`);
  const receipts = (name: string) =>
    receiver.log
      .filter((r) => r.path === `/hook/${name}` && r.signatureValid)
      .map((r) => ({ deliveryId: r.deliveryId, eventId: r.eventId, answered: r.answered }));
  const late = 3000;
  const of = (name: keyof typeof hooks) =>
    sender.filter((d) => (d as SenderDelivery & { target: string }).target === hooks[name]);
  const main = auditWebhooks([...created, ...messages], receipts("main"), of("main"), o.policy, late);
  const deadAudit = auditWebhooks(messages, receipts("dead"), of("dead"), o.policy, late);
  const gone = auditWebhooks(messages, receipts("gone"), of("gone"), o.policy, late);
  const deadAttempts = of("dead").map((d) => d.log.length);
  // Attempts while the receiver was down found no connection (worth retrying); the first 410 ends it.
  const goneAnswers = of("gone").map((d) => d.log.filter((a) => a.status === 410).length);
  const goneDead = of("gone").filter((d) => d.status === "dead" && d.log.at(-1)?.status === 410).length;

  // An owner retries the main endpoint's dead letters now that it is well: the same delivery ids, delivered.
  const mainDead = of("main").filter((d) => d.status === "dead");
  for (const d of mainDead) await call("POST", `/admin/v1/notifications/dead-letters/${d.id}/retry`);
  const retryBy = Date.now() + 30_000;
  while (
    Date.now() < retryBy &&
    mainDead.some((d) => !receipts("main").some((r) => r.deliveryId === d.id && r.answered === 200))
  )
    await sleep(500);
  const afterRetry = auditWebhooks(
    [...created, ...messages],
    receipts("main"),
    [...(await list("delivered")), ...(await list("dead")), ...(await list("pending"))].filter(
      (d) => (d as SenderDelivery & { target: string }).target === hooks.main,
    ),
    o.policy,
    late,
  );
  const lostAfterRetry = [...created, ...messages].filter(
    (e) => !receipts("main").some((r) => r.eventId === e && r.answered === 200),
  ).length;

  for (const id of Object.values(hooks))
    await call("DELETE", `/admin/v1/notifications/webhooks/${id}`).catch(() => undefined);
  for (const c of customers) c.close();
  await receiver.down();
  const badSignatures = receiver.log.filter((r) => !r.signatureValid).length;
  const lost = main.lost + deadAudit.lost + gone.lost + lostAfterRetry;
  const duplicated = main.duplicated + afterRetry.duplicated + deadAudit.duplicated + gone.duplicated;
  const violations = main.scheduleViolations + deadAudit.scheduleViolations + gone.scheduleViolations;
  const deadOk = deadAttempts.every((n) => n === o.policy.maxAttempts);
  const goneOk = goneAnswers.every((n) => n === 1) && goneDead === goneAnswers.length;
  return {
    lost,
    duplicated,
    out_of_order: null,
    passed: lost === 0 && duplicated === 0 && violations === 0 && deadOk && goneOk && badSignatures === 0,
    seconds: (Date.now() - t0) / 1000,
    facts: {
      customers: customers.length,
      asked,
      questionFailures: failures,
      events: created.length + messages.length,
      requests: receiver.log.length,
      mainAccepted: main.accepted,
      mainDeadBeforeRetry: mainDead.length,
      mainLostAfterOwnerRetry: lostAfterRetry,
      redeliveredSameId: afterRetry.redeliveredSameId,
      slowAnswers: receiver.log.filter((r) => r.slow).length,
      scheduleViolations: violations,
      deadEndpoint: { deliveries: deadAttempts.length, attempts: [...new Set(deadAttempts)], dead: deadAudit.dead },
      goneEndpoint: { deliveries: goneAnswers.length, deadAfterOne410: goneDead },
      badSignatures,
    },
    details: [...main.details, ...deadAudit.details, ...gone.details].slice(0, 20),
  };
}
