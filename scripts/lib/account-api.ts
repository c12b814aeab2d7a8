// A small account API for the Lumen demo (docs/actions.md): what a company's own API looks like to
// EdgeDesk's actions. `npm run dev` starts it on a free loopback port and defines actions against it;
// the workerd tests, the Chromium test and scripts/bench-actions.ts use it as the far end of every call.
// Node `http` only, in memory, nothing persisted.
//
//   GET  /accounts/:email            plan, storage, renewal, status
//   GET  /accounts/:email/invoices   the last invoices
//   GET  /orders/:id?email=          an order of that customer (404 for another's)
//   POST /accounts/:email/cancel     cancels the subscription; the same Idempotency-Key answers the same
//
// Every call needs `Authorization: Bearer <key>`. Tests misbehave it per scenario: a path under
// `/s/<scenario>/…` follows what `PUT /_scenarios/<scenario>` set ({delayMs, failFirst, status,
// redirectTo, bodyBytes}), answers `/s/<scenario>/echo?value=` with that value (data an attacker typed
// somewhere and the API stored), and `GET /_scenarios/<scenario>` lists the requests it received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour = {
  /** Wait this long before answering (a slow or hung API). */
  delayMs: number;
  /** Answer `status` (default 503) to the first N requests. */
  failFirst: number;
  status: number;
  /** Answer every request with a 302 to this URL. */
  redirectTo: string;
  /** Pad a successful answer to at least this many bytes. */
  bodyBytes: number;
};

export type Seen = {
  n: number;
  method: string;
  path: string;
  authorization: string | null;
  idempotencyKey: string | null;
  body: string;
  at: number;
};

type Account = {
  email: string;
  name: string;
  plan: { name: string; price: string; interval: string };
  storage: { usedGb: number; limitGb: number };
  status: "active" | "cancelled";
  renewsAt: string;
  invoices: { id: string; date: string; amount: string; status: string }[];
  orders: { id: string; status: string; carrier: string; eta: string }[];
};

/** The demo's customers; each server starts with its own copy. */
function seedAccounts(): Map<string, Account> {
  const list: Account[] = [
    {
      email: "ana@lumen.example",
      name: "Ana García",
      plan: { name: "Lumen Plus", price: "$2.99", interval: "month" },
      storage: { usedGb: 61.4, limitGb: 200 },
      status: "active",
      renewsAt: "2026-08-01",
      invoices: [
        { id: "INV-2026-07", date: "2026-07-01", amount: "$2.99", status: "paid" },
        { id: "INV-2026-06", date: "2026-06-01", amount: "$2.99", status: "paid" },
        { id: "INV-2026-05", date: "2026-05-01", amount: "$2.99", status: "paid" },
      ],
      orders: [{ id: "LM-4821", status: "shipped", carrier: "DHL", eta: "2026-07-18" }],
    },
    {
      email: "sam@lumen.example",
      name: "Sam Lee",
      plan: { name: "Lumen Free", price: "$0", interval: "month" },
      storage: { usedGb: 4.8, limitGb: 5 },
      status: "active",
      renewsAt: "—",
      invoices: [],
      orders: [],
    },
  ];
  return new Map(list.map((a) => [a.email, a]));
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let s = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (s += d));
    req.on("end", () => resolve(s));
    req.on("error", reject);
  });

export type AccountApi = {
  url: string;
  port: number;
  key: string;
  server: Server;
  close(): Promise<void>;
};

export async function startAccountApi(opts: { key: string; port?: number }): Promise<AccountApi> {
  // Each scenario is a world of its own (its customers, cancels and log): tests in files that run side by
  // side share this server, and one's cancel must not change what another's scenario answers.
  type World = { seen: Seen[]; cancels: Map<string, unknown>; accounts: Map<string, Account> };
  const scenarios = new Map<string, Behaviour & World>();
  const plain: World = { seen: [], cancels: new Map(), accounts: seedAccounts() };

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://account-api");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const body = await readBody(req);
    if (parts[0] === "_scenarios" && parts[1]) {
      const name = parts[1];
      if (req.method === "GET") return send(res, 200, { requests: scenarios.get(name)?.seen ?? [] });
      const b = (body ? JSON.parse(body) : {}) as Partial<Behaviour>;
      scenarios.set(name, {
        delayMs: b.delayMs ?? 0,
        failFirst: b.failFirst ?? 0,
        status: b.status ?? 503,
        redirectTo: b.redirectTo ?? "",
        bodyBytes: b.bodyBytes ?? 0,
        seen: [],
        cancels: new Map(),
        accounts: seedAccounts(),
      });
      return send(res, 200, { ok: true });
    }
    const scenario = parts[0] === "s" && parts[1] ? scenarios.get(parts[1]) : undefined;
    if (parts[0] === "s" && !scenario) return send(res, 404, { error: "no such scenario" });
    const path = scenario ? parts.slice(2) : parts;
    const state = scenario ?? plain;
    const accounts = state.accounts;
    const seen: Seen = {
      n: state.seen.length + 1,
      method: req.method ?? "GET",
      path: `/${path.join("/")}${url.search}`,
      authorization: req.headers.authorization ?? null,
      idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
      body,
      at: Date.now(),
    };
    state.seen.push(seen);
    if (scenario?.delayMs) await new Promise((r) => setTimeout(r, scenario.delayMs));
    if (res.destroyed) return;
    if (scenario?.redirectTo) {
      res.writeHead(302, { location: scenario.redirectTo, "content-type": "text/plain" });
      return void res.end("moved");
    }
    if (scenario && seen.n <= scenario.failFirst)
      return send(res, scenario.status, { error: `failing on purpose (${seen.n}/${scenario.failFirst})` });
    if (req.headers.authorization !== `Bearer ${opts.key}`) return send(res, 401, { error: "bad or missing API key" });
    const pad = (v: object) =>
      scenario?.bodyBytes ? { ...v, padding: "x".repeat(Math.max(0, scenario.bodyBytes)) } : v;

    const [root, id, sub] = path;
    // Tests only: the API answers whatever it is given, as an API storing customer-typed data would.
    if (scenario && root === "echo") return send(res, 200, { value: url.searchParams.get("value") ?? "" });
    if (root === "accounts" && id) {
      const a = accounts.get(id.toLowerCase());
      if (!a) return send(res, 404, { error: "no such account" });
      if (req.method === "GET" && !sub)
        return send(
          res,
          200,
          pad({
            email: a.email,
            name: a.name,
            plan: a.plan,
            storage: a.storage,
            status: a.status,
            renewsAt: a.renewsAt,
          }),
        );
      if (req.method === "GET" && sub === "invoices") return send(res, 200, pad({ invoices: a.invoices }));
      if (req.method === "POST" && sub === "cancel") {
        const key = seen.idempotencyKey;
        const before = key ? state.cancels.get(key) : undefined;
        if (before) return send(res, 200, before);
        const answer = {
          status: "cancelled",
          plan: a.plan.name,
          effectiveAt: a.status === "cancelled" ? "already cancelled" : a.renewsAt,
        };
        a.status = "cancelled";
        if (key) state.cancels.set(key, answer);
        return send(res, 200, answer);
      }
    }
    if (root === "orders" && id && req.method === "GET") {
      const email = url.searchParams.get("email")?.toLowerCase() ?? "";
      const order = accounts.get(email)?.orders.find((o) => o.id === id.toUpperCase());
      return order ? send(res, 200, pad(order)) : send(res, 404, { error: "no such order for this customer" });
    }
    return send(res, 404, { error: "unknown endpoint" });
  }

  await new Promise<void>((ready) => server.listen(opts.port ?? 0, "127.0.0.1", ready));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    key: opts.key,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
