// Drives realistic conversations through the real public and agent APIs, for the analytics dashboard
// (`npm run simulate`) and its end-to-end test. Customers ask questions from a committed file (text
// only), vote on some answers, ask for a person now and then and rate some conversations; agents
// (logged in through the console's API) reply, judge whether the handoff was needed and resolve.
// Conversations the bot keeps are left to go quiet, so the worker's idle auto-resolve closes them.
// Everything is drawn from a seeded PRNG: the same seed and answers make the same choices.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ConversationDetail, CreatedConversation } from "../../shared/api.ts";
import { bearer, OPERATOR_HEADER } from "../../shared/credentials.ts";
import type { ConversationState, MessageEvent } from "../../shared/protocol.ts";
import { DEMO_WORKSPACE, seedDemo } from "./demo-seed.ts";
import { readKbDir } from "./kb-files.ts";
import { admin } from "./worker.ts";
import { sseFrames } from "./sse.ts";

/** A worker to drive; `timeoutMs` bounds every request (default REQUEST_TIMEOUT_MS). */
export type Target = { url: string; adminToken: string; timeoutMs?: number };
/** What setup() made, for teardown(): the agents' ids and the site key. */
export type Created = { agentIds: string[]; site: string; workspace?: string; identitySecret: string };
export type Agent = { email: string; name: string; password: string; role: "agent" | "owner" };
export type SimConversation = {
  id: string;
  channel: string;
  votes: { messageId: string; helpful: boolean }[];
  handedOff: boolean;
  agentReplied: boolean;
  needed?: boolean;
  csat?: number;
  reopened: boolean;
};

export const SIM_SITE = "sim_site";

/** Who works the simulated conversations and who looks at the dashboard. */
export type Accounts = { agents: Agent[]; owner: Agent };

/**
 * Fresh accounts for one run: emails unique to the run (so a real agent of the same address is never
 * overwritten) and random passwords (so nobody can guess a simulation's login on a real deployment).
 */
export function simAccounts(run = randomBytes(4).toString("hex")): Accounts {
  const password = () => randomBytes(18).toString("base64url");
  const person = (first: string, name: string, role: Agent["role"]): Agent => ({
    email: `sim-${run}-${first}@lumen.example`,
    name,
    password: password(),
    role,
  });
  return {
    agents: [
      person("sam", "Sam Rivera", "agent"),
      person("ana", "Ana Costa", "agent"),
      person("kai", "Kai Tanaka", "agent"),
    ],
    owner: person("olivia", "Olivia Owner", "owner"),
  };
}

import { prng } from "../../shared/random.ts";

export { prng };

export function readQuestions(path = "tests/fixtures/lumen-questions.jsonl"): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String((JSON.parse(l) as { text: unknown }).text));
}

/**
 * The demo KB, the simulation's site, its agents and owner, in `workspace` (default `demo`). `seed`: a
 * fresh local worker, whose demo workspace has to be made first (migrations seed none). `publishKb:
 * false` leaves a worker's KB alone. Returns what it made, for teardown().
 */
export async function setup(
  t: Target,
  opts: { publishKb: boolean; accounts: Accounts; workspace?: string; seed?: boolean },
): Promise<Created> {
  const workspace = opts.workspace ?? DEMO_WORKSPACE;
  const ws = `?workspace=${workspace}`;
  if (opts.seed) await seedDemo(t, [t.url]);
  if (opts.publishKb) await admin(t, "PUT", `/admin/v1/kb/articles${ws}`, { articles: readKbDir("kb"), replace: true });
  // An identity secret of the run's own: simulated customers sign in (customer health, the widget's history).
  const identitySecret = randomBytes(24).toString("base64url");
  await admin(t, "PUT", `/admin/v1/sites/${SIM_SITE}${ws}`, {
    name: "Simulated customers",
    allowedOrigins: [],
    identitySecret,
  });
  const created: Created = { agentIds: [], site: SIM_SITE, workspace, identitySecret };
  for (const a of [...opts.accounts.agents, opts.accounts.owner])
    created.agentIds.push((await admin<{ id: string }>(t, "POST", `/admin/v1/agents${ws}`, a)).id);
  return created;
}

/** Removes the accounts (and their sessions) and the site setup() made; the conversations stay, they are the data. */
export async function teardown(t: Target, created: Created): Promise<void> {
  const ws = created.workspace ? `?workspace=${created.workspace}` : "";
  const problems: string[] = [];
  for (const path of [...created.agentIds.map((id) => `/admin/v1/agents/${id}`), `/admin/v1/sites/${created.site}`]) {
    const r = await request(t, `${path}${ws}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t.adminToken}` },
    }).catch((e: Error) => e);
    if (r instanceof Error) problems.push(r.message);
    else if (r.status !== 204 && r.status !== 404) problems.push(`DELETE ${path}: ${r.status} ${await r.text()}`);
  }
  if (problems.length) throw new Error(`could not remove what the simulation created:\n  ${problems.join("\n  ")}`);
}

export async function login(t: Target, a: Pick<Agent, "email" | "password">): Promise<string> {
  const r = await request(t, "/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  if (!r.ok) throw new Error(`login ${a.email}: ${r.status} ${await r.text()}`);
  return (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long any one request may take, answer included (an SSE answer streams for a few seconds). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** 429s waited out per request before giving up. */
const MAX_RATE_LIMITED = 8;

/**
 * Every request of the simulation: a deadline on the whole exchange, and a clear error when it
 * passes. A 429 (a target that still limits us, e.g. the login limit) is waited out as its
 * Retry-After says, a few times. The body must be read within the same deadline.
 */
export async function request(t: Target, path: string, init: RequestInit = {}) {
  const timeoutMs = t.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const what = `${init.method ?? "GET"} ${path.split("?")[0]}`;
  for (let tries = 0; ; tries++) {
    let r: Response;
    try {
      r = await fetch(`${t.url}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      throw new Error(
        name === "TimeoutError"
          ? `${what}: no answer from ${t.url} within ${timeoutMs / 1000} s`
          : `${what}: cannot reach ${t.url} (${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)})`,
      );
    }
    if (r.status !== 429 || tries >= MAX_RATE_LIMITED) return r;
    await r.body?.cancel();
    const wait = Math.min(30, Number(r.headers.get("retry-after")) || 1);
    await sleep(wait * 1000);
  }
}

function pickWeighted<T>(rand: () => number, items: [T, number][]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = rand() * total;
  for (const [v, w] of items) if ((x -= w) < 0) return v;
  return (items[items.length - 1] as [T, number])[0];
}

export type SimOptions = {
  conversations: number;
  seed?: number;
  concurrency?: number;
  questions?: string[];
  /** How long an agent takes to answer, ms (compressed from real minutes so a run takes minutes). */
  agentDelayMs?: [number, number];
  /**
   * The worker's AUTO_RESOLVE_MS: conversations the bot keeps are waited for until the worker closes
   * them, then some are rated. `null`: do not wait (a deployment closes them after its own, usually
   * long, idle time; they are left open and unrated).
   */
  autoResolveMs?: number | null;
  /** The agents who work handoffs (from simAccounts()). */
  agents: Agent[];
  onProgress?: (done: number, total: number) => void;
};

export async function simulate(t: Target, opts: SimOptions): Promise<SimConversation[]> {
  const questions = opts.questions ?? readQuestions();
  const seed = opts.seed ?? 1;
  const [minDelay, maxDelay] = opts.agentDelayMs ?? [400, 4000];
  const autoResolveMs = opts.autoResolveMs === undefined ? 2000 : opts.autoResolveMs;
  const cookies = await Promise.all(opts.agents.map((a) => login(t, a)));
  const out: SimConversation[] = new Array(opts.conversations);
  let next = 0;
  let done = 0;
  let failed = false;

  const api = async <T>(cookie: string, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await request(t, path, {
      method,
      headers: { cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  /**
   * The public chat API as a customer, plus the ADMIN_TOKEN: the operator's own load is exempt from
   * the per-IP write limit (20 in a burst, then 2 a second), which a run of many customers from one
   * machine would otherwise hit at once.
   */
  // The operator's own load is exempt from the public write limit (OPERATOR_HEADER); the conversation's
  // token, when there is one, travels as the customer's bearer credential.
  const customer = async (
    method: string,
    path: string,
    body?: unknown,
    accept?: string,
    token?: { authorization: string },
  ): Promise<Response> => {
    const r = await request(t, path, {
      method,
      headers: {
        [OPERATOR_HEADER]: t.adminToken,
        "content-type": "application/json",
        ...(accept ? { accept } : {}),
        ...token,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${path.split("?")[0]}: ${r.status} ${await r.text()}`);
    return r;
  };

  async function one(k: number): Promise<SimConversation> {
    // One PRNG per conversation: its choices do not depend on how others interleave.
    const rand = prng(seed * 1_000_003 + k);
    const q = () => questions[Math.floor(rand() * questions.length)] as string;
    const channel = pickWeighted(rand, [
      ["chat", 75],
      ["portal", 15],
      ["api", 10],
    ]);
    const created = (await (
      await customer("POST", `/v1/conversations?site=${SIM_SITE}`, {
        locale: "en",
        channel,
        pageUrl: "https://lumen.example/app",
      })
    ).json()) as CreatedConversation;
    // The site key in the query; the conversation token in a header, never the URL (shared/credentials.ts).
    const auth = `site=${SIM_SITE}`;
    const token = bearer(created.token);
    const c: SimConversation = {
      id: created.id,
      channel,
      votes: [],
      handedOff: false,
      agentReplied: false,
      reopened: false,
    };

    const ask = async (text: string): Promise<MessageEvent | null> => {
      const path = `/v1/conversations/${c.id}/messages?${auth}`;
      const r = await customer("POST", path, { clientId: randomUUID(), text }, "text/event-stream", token);
      let bot: MessageEvent | null = null;
      try {
        for await (const f of sseFrames(r))
          if (f.t === "event" && f.event.type === "message" && f.event.author === "bot") bot = f.event;
      } catch (e) {
        throw new Error(
          `POST /v1/conversations/${c.id}/messages: the answer stopped (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      return bot;
    };
    const vote = async (messageId: string, helpful: boolean) => {
      const r = await request(t, `/v1/conversations/${c.id}/feedback?${auth}`, {
        method: "POST",
        headers: { [OPERATOR_HEADER]: t.adminToken, "content-type": "application/json", ...token },
        body: JSON.stringify({ messageId, helpful }),
      });
      await r.body?.cancel();
      if (r.ok) c.votes.push({ messageId, helpful });
    };
    const state = async (): Promise<ConversationState> =>
      (
        (await (
          await customer("GET", `/v1/conversations/${c.id}/events?${auth}&after=0`, undefined, undefined, token)
        ).json()) as {
          state: ConversationState;
        }
      ).state;
    /** False when the run does not wait for the worker's idle close (autoResolveMs null). */
    const untilResolved = async (): Promise<boolean> => {
      if (autoResolveMs === null) return false;
      // Generous: on a busy machine the alarm can run late, and a late close is not a failure.
      const deadline = Date.now() + autoResolveMs * 4 + 60_000;
      await sleep(autoResolveMs);
      while ((await state()) !== "resolved") {
        if (Date.now() > deadline)
          throw new Error(`conversation ${c.id} was not auto-resolved within ${(deadline - Date.now()) / 1000} s`);
        if (failed) throw new Error("stopped: another conversation failed");
        await sleep(300);
      }
      return true;
    };
    const handOff = async () => {
      await customer(
        "POST",
        `/v1/conversations/${c.id}/handoff?${auth}`,
        { reason: "customer-requested" },
        undefined,
        token,
      );
    };
    /** An agent works the handoff: usually replies, judges whether a person was needed, resolves. */
    const work = async () => {
      c.handedOff = true;
      const cookie = cookies[Math.floor(rand() * cookies.length)] as string;
      const detail = await api<ConversationDetail>(cookie, "GET", `/api/conversations/${c.id}`);
      const reason = detail.handoff?.reason ?? "customer-requested";
      if (rand() >= 0.06) {
        await sleep(minDelay + rand() * (maxDelay - minDelay) * (rand() < 0.1 ? 2.5 : 1));
        await api(cookie, "POST", `/api/conversations/${c.id}/messages`, {
          clientId: randomUUID(),
          text: "Hi, I'm here to help. Let me look into this for you.",
        });
        c.agentReplied = true;
        await sleep(100 + rand() * 400);
      }
      if (rand() < 0.9) {
        // Agents agree with most handoffs the customer asked for, fewer of the bot's unsure ones.
        const pNeeded =
          reason === "article-requires-person"
            ? 0.97
            : reason === "customer-requested" || reason === "asked-for-person"
              ? 0.9
              : 0.75;
        c.needed = rand() < pNeeded;
        await api(cookie, "PUT", `/api/conversations/${c.id}/handoff-needed`, { needed: c.needed });
      }
      await api(cookie, "POST", `/api/conversations/${c.id}/resolve`);
    };

    const first = await ask(q());
    let down = false;
    if (first?.action === "handoff") await work();
    else if (first?.action === "answer") {
      const r = rand();
      if (r < 0.12) {
        down = true;
        await vote(first.id, false);
        if (rand() < 0.5) {
          await handOff();
          await work();
        }
      } else if (r < 0.4) await vote(first.id, true);
      if (!c.handedOff && rand() < 0.15) {
        const again = await ask(q());
        if (again?.action === "handoff") await work();
      }
    } else if (rand() < 0.45) {
      await handOff();
      await work();
    }
    const closed = c.handedOff || (await untilResolved());
    if (closed && rand() < (c.handedOff ? 0.55 : 0.4)) {
      const weights: [number, number][] = down
        ? [
            [1, 30],
            [2, 30],
            [3, 25],
            [4, 10],
            [5, 5],
          ]
        : c.handedOff
          ? [
              [1, 3],
              [2, 4],
              [3, 8],
              [4, 25],
              [5, 60],
            ]
          : [
              [1, 2],
              [2, 3],
              [3, 5],
              [4, 20],
              [5, 70],
            ];
      const score = pickWeighted(rand, weights);
      await customer("POST", `/v1/conversations/${c.id}/csat?${auth}`, { score }, undefined, token);
      c.csat = score;
    }
    if (closed && rand() < 0.03) {
      // The customer comes back with another question: the conversation reopens.
      c.reopened = true;
      const later = await ask(q());
      if (later?.action === "handoff") await work();
      else await untilResolved();
    }
    return c;
  }

  // The first failure stops the run: lanes take no new conversation, and the error is the one reported.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(opts.concurrency ?? 16, opts.conversations) }, async () => {
      while (next < opts.conversations && !failed) {
        const k = next++;
        try {
          out[k] = await one(k);
        } catch (e) {
          failed = true;
          throw e;
        }
        opts.onProgress?.(++done, opts.conversations);
      }
    }),
  );
  const first = lanes.find((l): l is PromiseRejectedResult => l.status === "rejected");
  if (first) throw first.reason;
  return out;
}
