// Drives realistic conversations through the real public and agent APIs, for the analytics dashboard
// (`npm run simulate`) and its end-to-end test. Customers ask questions from a committed file (text
// only), vote on some answers, ask for a person now and then and rate some conversations; agents
// (logged in through the console's API) reply, judge whether the handoff was needed and resolve.
// Conversations the bot keeps are left to go quiet, so the worker's idle auto-resolve closes them.
// Everything is drawn from a seeded PRNG: the same seed and answers make the same choices.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ConversationDetail, CreatedConversation } from "../../shared/api.ts";
import { bearer } from "../../shared/credentials.ts";
import type { ConversationState, MessageEvent } from "../../shared/protocol.ts";
import { readKbDir } from "./kb-files.ts";
import { admin } from "./worker.ts";
import { sseFrames } from "./sse.ts";

export type Target = { url: string; adminToken: string };
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
export const SIM_AGENTS: Agent[] = [
  { email: "sam@lumen.example", name: "Sam Rivera", password: "simulate-agent-pass", role: "agent" },
  { email: "ana@lumen.example", name: "Ana Costa", password: "simulate-agent-pass", role: "agent" },
  { email: "kai@lumen.example", name: "Kai Tanaka", password: "simulate-agent-pass", role: "agent" },
];
export const SIM_OWNER: Agent = {
  email: "olivia@lumen.example",
  name: "Olivia Owner",
  password: "simulate-owner-pass",
  role: "owner",
};

import { prng } from "../../shared/random.ts";

export { prng };

export function readQuestions(path = "tests/fixtures/lumen-questions.jsonl"): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String((JSON.parse(l) as { text: unknown }).text));
}

/** The demo KB, the simulation's site, its agents and owner. `publishKb: false` leaves a worker's KB alone. */
export async function setup(t: Target, opts: { publishKb: boolean; workspace?: string }): Promise<void> {
  const ws = opts.workspace ? `?workspace=${opts.workspace}` : "";
  if (opts.publishKb) await admin(t, "PUT", `/admin/v1/kb/articles${ws}`, { articles: readKbDir("kb"), replace: true });
  await admin(t, "PUT", `/admin/v1/sites/${SIM_SITE}${ws}`, { name: "Simulated customers", allowedOrigins: [] });
  for (const a of [...SIM_AGENTS, SIM_OWNER]) await admin(t, "POST", `/admin/v1/agents${ws}`, a);
}

export async function login(url: string, a: Pick<Agent, "email" | "password">): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  if (!r.ok) throw new Error(`login ${a.email}: ${r.status} ${await r.text()}`);
  return (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  /** The worker's AUTO_RESOLVE_MS: how long to wait at most for an idle conversation to close. */
  autoResolveMs?: number;
  onProgress?: (done: number, total: number) => void;
};

export async function simulate(t: Target, opts: SimOptions): Promise<SimConversation[]> {
  const questions = opts.questions ?? readQuestions();
  const seed = opts.seed ?? 1;
  const [minDelay, maxDelay] = opts.agentDelayMs ?? [400, 4000];
  const autoResolveMs = opts.autoResolveMs ?? 2000;
  const cookies = await Promise.all(SIM_AGENTS.map((a) => login(t.url, a)));
  const out: SimConversation[] = new Array(opts.conversations);
  let next = 0;
  let done = 0;

  const api = async <T>(cookie: string, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${t.url}${path}`, {
      method,
      headers: { cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
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
      await fetch(`${t.url}/v1/conversations?site=${SIM_SITE}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale: "en", channel, pageUrl: "https://lumen.example/app" }),
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
      const r = await fetch(`${t.url}/v1/conversations/${c.id}/messages?${auth}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...token },
        body: JSON.stringify({ clientId: randomUUID(), text }),
      });
      let bot: MessageEvent | null = null;
      for await (const f of sseFrames(r))
        if (f.t === "event" && f.event.type === "message" && f.event.author === "bot") bot = f.event;
      return bot;
    };
    const vote = async (messageId: string, helpful: boolean) => {
      const r = await fetch(`${t.url}/v1/conversations/${c.id}/feedback?${auth}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...token },
        body: JSON.stringify({ messageId, helpful }),
      });
      if (r.ok) c.votes.push({ messageId, helpful });
    };
    const state = async (): Promise<ConversationState> =>
      (
        (await (
          await fetch(`${t.url}/v1/conversations/${c.id}/events?${auth}&after=0`, { headers: token })
        ).json()) as {
          state: ConversationState;
        }
      ).state;
    const untilResolved = async () => {
      // Generous: on a busy machine the alarm can run late, and a late close is not a failure.
      const deadline = Date.now() + autoResolveMs * 4 + 60_000;
      await sleep(autoResolveMs);
      while ((await state()) !== "resolved") {
        if (Date.now() > deadline) throw new Error(`conversation ${c.id} was not auto-resolved`);
        await sleep(300);
      }
    };
    const handOff = async () => {
      await fetch(`${t.url}/v1/conversations/${c.id}/handoff?${auth}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...token },
        body: JSON.stringify({ reason: "customer-requested" }),
      });
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
    if (!c.handedOff) await untilResolved();
    if (rand() < (c.handedOff ? 0.55 : 0.4)) {
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
      c.csat = pickWeighted(rand, weights);
      await fetch(`${t.url}/v1/conversations/${c.id}/csat?${auth}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...token },
        body: JSON.stringify({ score: c.csat }),
      });
    }
    if (rand() < 0.03) {
      // The customer comes back with another question: the conversation reopens.
      c.reopened = true;
      const later = await ask(q());
      if (later?.action === "handoff") await work();
      else await untilResolved();
    }
    return c;
  }

  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency ?? 16, opts.conversations) }, async () => {
      while (next < opts.conversations) {
        const k = next++;
        out[k] = await one(k);
        opts.onProgress?.(++done, opts.conversations);
      }
    }),
  );
  return out;
}
