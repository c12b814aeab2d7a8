// A real webhook receiver: a Node HTTP server that does what a customer's endpoint should do (verify
// the signature and the timestamp, drop duplicates by delivery id) and misbehaves on demand (answers
// 500 to the first N requests, hangs on chosen ones). The workerd tests reach it over the network
// through `tests/receiver/global-setup.ts`; it knows nothing of the worker's code.
//
// Control (plain HTTP, so tests running inside workerd can drive it):
//   PUT   /_scenarios/:name  {secret?, failFirst?, hang?: [request numbers], hangMs?}  new scenario, empty log
//   PATCH /_scenarios/:name  same fields                                                change behaviour, keep log
//   GET   /_scenarios/:name  → Log
//   POST  /hook/:name        a signed webhook delivery
//   POST  /slack/:name       a Slack incoming-webhook post (unsigned, JSON)
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour = { secret: string; failFirst: number; hang: number[]; hangMs: number };

export type Received = {
  n: number;
  deliveryId: string | null;
  eventType: string | null;
  timestamp: string | null;
  signature: string | null;
  signatureValid: boolean;
  /** The body exactly as received, so a test can recompute the signature itself. */
  raw: string;
  receivedAt: number;
  answered: number;
  hung: boolean;
};

export type Log = { requests: Received[]; processed: { deliveryId: string; body: unknown }[]; duplicates: number };

type Scenario = Behaviour & Log & { seen: Set<string> };

const REPLAY_WINDOW_S = 300;

/** The reference verification of docs/webhooks.md, in Node. */
export function verifySignature(
  secret: string,
  timestamp: string | null,
  signature: string | null,
  rawBody: string,
  nowS = Date.now() / 1000,
): boolean {
  const ts = Number(timestamp);
  if (!signature || !timestamp || !Number.isInteger(ts) || Math.abs(nowS - ts) > REPLAY_WINDOW_S) return false;
  const expected = Buffer.from(`v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`);
  return signature.split(",").some((s) => {
    const got = Buffer.from(s.trim());
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let s = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (s += d));
    req.on("end", () => resolve(s));
    req.on("error", reject);
  });

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

export type Receiver = { url: string; port: number; server: Server; close: () => Promise<void> };

export async function startReceiver(port = 0): Promise<Receiver> {
  const scenarios = new Map<string, Scenario>();
  const behaviour = (b: Partial<Behaviour>, prior?: Behaviour): Behaviour => ({
    secret: b.secret ?? prior?.secret ?? "",
    failFirst: b.failFirst ?? prior?.failFirst ?? 0,
    hang: b.hang ?? prior?.hang ?? [],
    hangMs: b.hangMs ?? prior?.hangMs ?? 2000,
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const [, kind, name = ""] = url.pathname.split("/");
      const raw = await readBody(req);
      if (kind === "_scenarios") {
        const prior = scenarios.get(name);
        if (req.method === "GET")
          return json(
            res,
            prior ? 200 : 404,
            prior
              ? { requests: prior.requests, processed: prior.processed, duplicates: prior.duplicates }
              : { error: "no scenario" },
          );
        const b = behaviour(
          raw ? (JSON.parse(raw) as Partial<Behaviour>) : {},
          req.method === "PATCH" ? prior : undefined,
        );
        scenarios.set(
          name,
          req.method === "PATCH" && prior
            ? Object.assign(prior, b)
            : { ...b, requests: [], processed: [], duplicates: 0, seen: new Set() },
        );
        return json(res, 200, { ok: true });
      }
      const s = scenarios.get(name);
      if (req.method !== "POST" || (kind !== "hook" && kind !== "slack") || !s)
        return json(res, 404, { error: "unknown endpoint" });

      const h = (k: string) => (req.headers[k.toLowerCase()] as string | undefined) ?? null;
      const r: Received = {
        n: s.requests.length + 1,
        deliveryId: h("EdgeDesk-Delivery"),
        eventType: h("EdgeDesk-Event"),
        timestamp: h("EdgeDesk-Timestamp"),
        signature: h("EdgeDesk-Signature"),
        signatureValid: false,
        raw,
        receivedAt: Date.now(),
        answered: 0,
        hung: false,
      };
      s.requests.push(r);
      // Slack posts are not signed (Slack's incoming webhooks have no such thing); they dedup on content.
      r.signatureValid = kind === "slack" || verifySignature(s.secret, r.timestamp, r.signature, raw);
      const answer = (status: number, body: unknown) => {
        r.answered = status;
        json(res, status, body);
      };
      if (!r.signatureValid) return answer(400, { error: "bad signature" });
      if (r.n <= s.failFirst) return answer(500, { error: `failing on purpose (${r.n}/${s.failFirst})` });
      const id = kind === "slack" ? `slack:${raw}` : (r.deliveryId ?? "");
      if (s.seen.has(id)) {
        s.duplicates++;
        return answer(200, { ok: true, duplicate: true });
      }
      s.seen.add(id);
      s.processed.push({ deliveryId: id, body: JSON.parse(raw) as unknown });
      if (s.hang.includes(r.n)) {
        // Processed, but the answer comes too late: the sender times out and retries the same delivery.
        r.hung = true;
        await new Promise((done) => setTimeout(done, s.hangMs));
      }
      answer(200, { ok: true });
    })().catch((e: unknown) => json(res, 500, { error: String(e) }));
  });
  await new Promise<void>((ready) => server.listen(port, "127.0.0.1", ready));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
