// Puts one conversation together from its parts, for the Durable Object (do.ts): the log over the
// object's SQLite, the lifecycle with the bot, the outbox with its followers, transport, sends, the
// alarm's jobs. Only this file and do.ts know the runtime's `DurableObjectState`.
import { nanoid } from "nanoid";
import { flowPorts } from "../actions/ports.ts";
import { handoffSummarizer } from "../answer/ai/summary.ts";
import { translator } from "../answer/ai/translate.ts";
import { makeBrain } from "../answer/brain.ts";
import { FollowUp } from "../channels/email/follow-up.ts";
import type { Env } from "../env.ts";
import { deskOf } from "../hours/desk.ts";
import { inboxOf } from "../inbox/follower.ts";
import { loadMatrix } from "../inbox/routing/matrix.ts";
import { TurnMeter } from "../ops/turns.ts";
import { SubjectIndex } from "../privacy/subjects.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import { Bucket, fileCaps, frameLimits, messageLimits, uploadLimits } from "./budget.ts";
import { Files } from "./files.ts";
import { followersOf } from "./followers.ts";
import { Later } from "./later.ts";
import { Engine } from "./lifecycle.ts";
import { MergeSplit } from "./merge.ts";
import { type Sql, Store } from "./log.ts";
import { botAnswers, type NewEvent } from "./model.ts";
import { legacyCursor, Outbox } from "./outbox.ts";
import { quietIfErased, Sends } from "./sends.ts";
import { Timers } from "./timers.ts";
import { Transport } from "./transport.ts";

export type Parts = {
  store: Store;
  engine: Engine;
  outbox: Outbox;
  transport: Transport;
  sends: Sends;
  followUp: FollowUp;
  subjects: SubjectIndex;
  timers: Timers;
  later: Later;
  merges: MergeSplit;
  files: Files;
  storage: DurableObjectStorage;
};

export function wire(ctx: DurableObjectState, env: Env): Parts {
  const sql: Sql = (query, ...params) => ctx.storage.sql.exec(query, ...params).toArray() as never;
  const store = new Store(sql);
  // Work that outlives its call; one cut short by erasure (worker/privacy/) is not an error.
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p.catch(quietIfErased));
  const turns = new TurnMeter(env, waitUntil, () => {
    const m = store.meta();
    return m ? { conversation: m.id, workspaceId: m.workspaceId, channel: m.channel } : null;
  });
  // Parts refer to each other through these late-bound names (the alarm needs the engine, the engine
  // broadcasts through transport): all are set before the object handles its first call.
  let engine: Engine;
  let outbox: Outbox;
  let sends: Sends;
  let later: Later | null = null;
  const timers = new Timers(
    ctx.storage,
    store,
    () => engine,
    () => outbox,
    Number(env.AUTO_RESOLVE_MS ?? 1_800_000) || 0,
    waitUntil,
    () => later,
  );
  const transport = new Transport(
    ctx,
    (after, reader) => engine.catchUp(after, reader),
    new Bucket(frameLimits(env), Date.now()),
  );
  const broadcast = (f: ServerFrame): void => {
    if (f.t === "event" && f.event.type === "message" && f.event.author === "customer") {
      const m = store.meta();
      // A message without a request id (email) is known by its conversation and seq, as webhooks know it.
      // A file on its own gets no bot turn (lifecycle.ts): nothing to wait a first token for.
      const answered = !!m && botAnswers(m.state) && f.event.text.trim() !== "";
      turns.customerMessage(sends.incomingRid ?? `${m?.id}.${f.event.seq}`, f.event.text, answered);
    }
    turns.frame(f);
    if (f.t === "event") timers.changed();
    transport.broadcast(f);
  };
  const summarizer = handoffSummarizer(env);
  const workspace = () => store.meta()?.workspaceId ?? "";
  engine = new Engine(
    store,
    makeBrain(env, () => store.meta(), waitUntil),
    {
      broadcast,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
      measured: (t) => turns.turn(t),
      ...(summarizer ? { summarize: summarizer.summarize } : {}),
      defer: (p) => ctx.waitUntil(p.catch(quietIfErased)),
      thought: () => timers.thought(),
      idle: () => timers.caughtUp(),
      changed: () => timers.changed(),
      settle: () => outbox.flush(),
      handover: (item) => inboxOf(env, workspace()).handover(item, workspace()),
      begin: () => outbox.begin(),
      desk: (team) => deskOf(env, engine.meta, team, Date.now()),
      actions: flowPorts(env),
    },
    {
      streamDelayMs: Number(env.STREAM_DELAY_MS ?? 12),
      // Four words a frame at the same reading pace (a frame every ~48 ms): a frame costs the object a
      // broadcast to every socket and stream, and a word a frame was a quarter of its CPU under load
      // (docs/performance.md).
      wordsPerChunk: 4,
      routing: loadMatrix(env),
      ...(summarizer ? { summaryWaitMs: summarizer.settings.waitMs } : {}),
      ...(env.AGENT_LOCALE ? { agentLocale: env.AGENT_LOCALE } : {}),
    },
    () => nanoid(12),
  );
  const subjects = new SubjectIndex(ctx.storage.sql, env.DB);
  const ports = {
    meta: () => store.meta(),
    record: engine,
    emit: (e: NewEvent) => void engine.emit(e),
    lastText: () => store.lastText(),
    lastAuthor: () => store.lastAuthor(),
    history: () => store.all(),
    turn: (id: string) => store.turn(id),
    dropTurn: (id: string) => store.dropTurn(id),
    customerConnected: () => transport.customerConnected(),
    lastRid: () => turns.lastRid,
    now: () => Date.now(),
  };
  outbox = new Outbox(
    ctx.storage.sql,
    store,
    followersOf(env, ports, subjects),
    (at) => timers.wake(at),
    Date.now,
    (name) => legacyCursor(ctx.storage.sql, name),
    () => timers.caughtUp(),
  );
  const agentLocale = (env.AGENT_LOCALE ?? "en").slice(0, 2).toLowerCase();
  sends = new Sends(
    store,
    engine,
    new Bucket(messageLimits(env), Date.now()),
    translator(env),
    agentLocale,
    waitUntil,
    (from, on) => transport.typing(from, on),
  );
  const followUp = new FollowUp(env, engine);
  later = new Later(
    sql,
    {
      get meta() {
        return engine.meta;
      },
      save: (m) => store.saveMeta(m),
      emit: (e) => engine.emit(e),
      // A scheduled reply goes out as any reply does (translated for the customer), once per clientId.
      reply: async (agent, clientId, text) => {
        const r = await sends.agent(agent, clientId, text);
        const e = store.events(r.seq - 1, 1)[0];
        return { seq: r.seq, id: e?.type === "message" ? e.id : "" };
      },
      now: () => Date.now(),
      wake: (at) => timers.wake(at),
    },
    () => nanoid(12),
  );
  engine.later = later;
  const merges = new MergeSplit(
    store,
    engine,
    () => nanoid(12),
    () => Date.now(),
    waitUntil,
  );
  const files = new Files(store, engine, new Bucket(uploadLimits(env), Date.now()), fileCaps(env));
  return {
    store,
    engine,
    outbox,
    transport,
    sends,
    followUp,
    subjects,
    timers,
    later,
    merges,
    files,
    storage: ctx.storage,
  };
}
