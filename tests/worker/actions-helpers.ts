// Shared by the actions tests: a workspace of one's own with an owner, an editor and an agent, the
// demo account API (scripts/lib/account-api.ts, started by tests/receiver/global-setup.ts) and
// definitions against it.
import { env, SELF } from "cloudflare:test";
import { expect, inject } from "vitest";
import type { ActionDefinitionInput } from "../../shared/actions.ts";
import type { CreatedConversation, IdentifyRequest } from "../../shared/api.ts";
import type { ArticleInput } from "../../shared/article.ts";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { ADMIN, BASE, connect, createAgent, ORIGIN, signIdentityV2, wsAs } from "./helpers.ts";

export const ACCOUNTS = inject("accountApiUrl");
export const ACCOUNTS_KEY = inject("accountApiKey");

export type Team = { ws: string; site: string; owner: string; editor: string; agent: string };

/** A workspace with a site (identity secret `secret`) and three people, each signed in. */
export async function team(
  name: string,
  identitySecret: string | null = `identity-secret-${name}-0123456789`,
): Promise<Team> {
  const ws = `act_${name}`;
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, name).run();
  const site = `${ws}_site`;
  const r = await SELF.fetch(`${BASE}/admin/v1/sites/${site}?workspace=${ws}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ allowedOrigins: [ORIGIN], ...(identitySecret ? { identitySecret } : {}) }),
  });
  expect(r.status).toBe(200);
  const domain = `${ws.replace(/_/g, "-")}.test`;
  return {
    ws,
    site,
    owner: await createAgent(`owner@${domain}`, "owner", ws),
    editor: await createAgent(`editor@${domain}`, "editor", ws),
    agent: await createAgent(`agent@${domain}`, "agent", ws),
  };
}

/** Misbehaviour of the account API for paths under `/s/<name>` (scripts/lib/account-api.ts). */
export async function accountScenario(
  name: string,
  b: { delayMs?: number; failFirst?: number; status?: number; redirectTo?: string; bodyBytes?: number } = {},
): Promise<string> {
  const r = await fetch(`${ACCOUNTS}/_scenarios/${name}`, { method: "PUT", body: JSON.stringify(b) });
  expect(r.status).toBe(200);
  return `${ACCOUNTS}/s/${name}`;
}

export type Seen = {
  n: number;
  method: string;
  path: string;
  authorization: string | null;
  idempotencyKey: string | null;
  body: string;
};
export async function seenBy(name: string): Promise<Seen[]> {
  return ((await (await fetch(`${ACCOUNTS}/_scenarios/${name}`)).json()) as { requests: Seen[] }).requests;
}

/** A read: the customer's plan, by their verified email. */
export const planAction = (base: string, over: Partial<ActionDefinitionInput> = {}): ActionDefinitionInput => ({
  name: "plan",
  description: "The customer's plan and storage",
  kind: "read",
  method: "GET",
  url: `${base}/accounts/{{email}}`,
  headers: { authorization: "Bearer {{secret.LUMEN_KEY}}" },
  inputs: [{ name: "email", from: "identity", field: "email" }],
  response: { plan: "/plan/name", used: "/storage/usedGb", limit: "/storage/limitGb", renews: "/renewsAt" },
  answer: "You're on **{{plan}}**, using {{used}} GB of {{limit}} GB. It renews on {{renews}}.",
  ...over,
});

/** A write: cancel the subscription, after the customer's yes. */
export const cancelAction = (base: string, over: Partial<ActionDefinitionInput> = {}): ActionDefinitionInput => ({
  name: "cancel-subscription",
  description: "Cancels the customer's subscription at the end of the period",
  kind: "write",
  method: "POST",
  url: `${base}/accounts/{{email}}/cancel`,
  headers: { authorization: "Bearer {{secret.LUMEN_KEY}}" },
  inputs: [{ name: "email", from: "identity", field: "email" }],
  response: { plan: "/plan", effective: "/effectiveAt" },
  confirm: "This cancels your **{{email}}** subscription at the end of the current period.",
  answer: "Done: {{plan}} is cancelled. You keep it until {{effective}}.",
  ...over,
});

/** A read with a value asked of the customer: an order's status. */
export const orderAction = (base: string, over: Partial<ActionDefinitionInput> = {}): ActionDefinitionInput => ({
  name: "order-status",
  description: "Where an order is",
  kind: "read",
  method: "GET",
  url: `${base}/orders/{{order}}?email={{email}}`,
  headers: { authorization: "Bearer {{secret.LUMEN_KEY}}" },
  inputs: [
    { name: "email", from: "identity", field: "email" },
    { name: "order", from: "customer", label: "Order number", pattern: "^[A-Za-z]{2}-\\d{4}$" },
  ],
  response: { status: "/status", carrier: "/carrier", eta: "/eta" },
  answer: "Order {{order}} is **{{status}}** with {{carrier}}, due {{eta}}.",
  ...over,
});

export async function api<T = unknown>(
  who: string | Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const auth = typeof who === "string" ? { cookie: who } : who;
  const r = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Defines `d` and sets the account API's key as LUMEN_KEY, as the workspace's owner. */
export async function define(t: Team, ...defs: ActionDefinitionInput[]): Promise<void> {
  expect((await api(t.owner, "PUT", "/api/actions/secrets/LUMEN_KEY", { value: ACCOUNTS_KEY })).status).toBeLessThan(
    300,
  );
  for (const d of defs) expect((await api(t.owner, "PUT", `/api/actions/${d.name}`, d)).status).toBeLessThan(300);
}

/** A small help centre whose account articles name actions (front matter `action:`), and some that do not. */
export const actionArticles = (): ArticleInput[] => [
  {
    id: "my-plan",
    title: "What plan am I on, and how much storage am I using?",
    category: "account",
    questions: ["what plan am I on", "how much storage am I using", "which subscription do I have", "my plan"],
    action: "plan",
    body: "Your plan and storage are under **Settings > Plan**.",
  },
  {
    id: "cancel-subscription",
    title: "Cancel my subscription",
    category: "billing",
    questions: ["cancel my subscription", "I want to cancel", "stop my plan", "cancel my plan"],
    action: "cancel-subscription",
    body: "You can cancel in **Settings > Plan > Cancel subscription**. You keep your plan until the end of the period.",
  },
  {
    id: "order-status",
    title: "Where is my print order?",
    category: "orders",
    questions: ["where is my order", "track my order", "order status", "has my order shipped"],
    action: "order-status",
    body: "Print orders ship within 3 days; you get an email with tracking.",
  },
  {
    id: "reset-password",
    title: "How do I reset my password?",
    category: "account",
    questions: ["reset my password", "forgot my password", "can't sign in"],
    body: "Choose **Forgot password** on the sign-in page and follow the email.",
  },
  {
    id: "shared-albums",
    title: "How do I share an album?",
    category: "sharing",
    questions: ["share an album", "invite someone to an album", "shared album link"],
    body: "Open the album, choose **Share** and invite people by email or link.",
  },
  {
    id: "offline-mode",
    title: "Can I use Lumen offline?",
    category: "apps",
    questions: ["use lumen offline", "offline mode", "no internet"],
    body: "Albums you mark **Available offline** open without a connection.",
  },
];

export async function publishArticles(ws: string, articles: ArticleInput[]): Promise<void> {
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=${ws}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles, replace: true }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

export const ANA: IdentifyRequest["user"] = { id: "u_ana", email: "ana@lumen.example", name: "Ana García" };

export type Customer = {
  c: CreatedConversation;
  /** Sends a message (optionally a form value or a button) and waits for the bot's next stored message. */
  say(text: string, choice?: string): Promise<MessageEvent>;
  frames: ServerFrame[];
};

export async function customer(t: Team, identity: "verified" | "claimed" | "none"): Promise<Customer> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${t.site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en", pageUrl: "https://lumen.example/account" }),
  });
  expect(r.status).toBe(201);
  const c = (await r.json()) as CreatedConversation;
  if (identity !== "none") {
    const ts = Math.floor(Date.now() / 1000);
    const body =
      identity === "verified"
        ? { user: ANA, ts, hmac: await signIdentityV2(`identity-secret-${t.ws.slice(4)}-0123456789`, ts, ANA) }
        : { user: ANA };
    const id = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?site=${t.site}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", authorization: `Bearer ${c.token}` },
      body: JSON.stringify(body),
    });
    expect(id.status).toBe(202);
    expect(((await id.json()) as { verified: boolean }).verified).toBe(identity === "verified");
  }
  const ws = await connect(`/v1/conversations/${c.id}/ws?site=${t.site}&after=0`, wsAs(c));
  let n = 0;
  const botMessages = () =>
    ws.frames.flatMap((f) =>
      f.t === "event" && f.event.type === "message" && f.event.author === "bot" ? [f.event] : [],
    );
  return {
    c,
    frames: ws.frames,
    async say(text, choice) {
      const before = botMessages().length;
      ws.send({
        t: "send",
        clientId: `msg-${c.id.slice(0, 6)}-${++n}`.padEnd(12, "x"),
        text,
        ...(choice ? { choice } : {}),
      });
      await ws.until(() => botMessages().length > before, 15_000);
      return botMessages()[before] as MessageEvent;
    },
  };
}
