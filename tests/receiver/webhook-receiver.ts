// A real webhook receiver: a Node HTTP server that does what a customer's endpoint should do (verify
// the signature and the timestamp with the official Standard Webhooks library, `standardwebhooks` on
// npm, and drop duplicates by webhook-id) and misbehaves on demand (answers 500 to the first N
// requests, hangs on chosen ones, redirects). The workerd tests reach it over the network through
// `tests/receiver/global-setup.ts`; it knows nothing of the worker's code.
//
// Control (plain HTTP, so tests running inside workerd can drive it):
//   PUT   /_scenarios/:name  {secret?, failFirst?, failWith?, hang?: [request numbers], hangMs?, redirectTo?}  new scenario, empty log
//   PATCH /_scenarios/:name  same fields                                                change behaviour, keep log
//   GET   /_scenarios/:name  → Log
//   POST  /hook/:name        a signed webhook delivery
//   POST  /slack/:name       a Slack incoming-webhook post (unsigned, JSON)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type Behaviour = {
  /** The `whsec_` secret the receiver verifies with. */
  secret: string;
  failFirst: number;
  /** What the first `failFirst` requests are answered (500 unless said). */
  failWith: number;
  hang: number[];
  hangMs: number;
  /** Answer every delivery with a 302 to this URL (a receiver trying to bounce the sender elsewhere). */
  redirectTo: string;
};

export type Received = {
  n: number;
  deliveryId: string | null;
  eventType: string | null;
  timestamp: string | null;
  signature: string | null;
  signatureValid: boolean;
  /** Why the library refused it, when it did. */
  verifyError: string | null;
  /** The body exactly as received, so a test can recompute the signature itself. */
  raw: string;
  receivedAt: number;
  answered: number;
  hung: boolean;
};

export type Log = { requests: Received[]; processed: { deliveryId: string; body: unknown }[]; duplicates: number };

type Scenario = Behaviour & Log & { seen: Set<string> };

/**
 * The verification docs/webhooks.md shows for Node: the Standard Webhooks library checks the
 * signature over id.timestamp.body and the 5-minute window. Returns why it refused, or null.
 */
export function verifyDelivery(secret: string, headers: IncomingMessage["headers"], rawBody: string): string | null {
  try {
    new Webhook(secret).verify(rawBody, {
      "webhook-id": String(headers["webhook-id"] ?? ""),
      "webhook-timestamp": String(headers["webhook-timestamp"] ?? ""),
      "webhook-signature": String(headers["webhook-signature"] ?? ""),
    });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
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
    failWith: b.failWith ?? prior?.failWith ?? 500,
    hang: b.hang ?? prior?.hang ?? [],
    hangMs: b.hangMs ?? prior?.hangMs ?? 2000,
    redirectTo: b.redirectTo ?? prior?.redirectTo ?? "",
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
        deliveryId: h("webhook-id"),
        eventType: h("EdgeDesk-Event"),
        timestamp: h("webhook-timestamp"),
        signature: h("webhook-signature"),
        signatureValid: false,
        verifyError: null,
        raw,
        receivedAt: Date.now(),
        answered: 0,
        hung: false,
      };
      s.requests.push(r);
      // Slack posts are not signed (Slack's incoming webhooks have no such thing); they dedup on content.
      r.verifyError = kind === "slack" ? null : verifyDelivery(s.secret, req.headers, raw);
      r.signatureValid = r.verifyError === null;
      const answer = (status: number, body: unknown) => {
        r.answered = status;
        json(res, status, body);
      };
      if (s.redirectTo) {
        r.answered = 302;
        res.writeHead(302, { location: s.redirectTo, "content-type": "text/plain" });
        return res.end(`secret internal answer from ${s.redirectTo}`);
      }
      if (!r.signatureValid) return answer(400, { error: "bad signature" });
      if (r.n <= s.failFirst) return answer(s.failWith, { error: `failing on purpose (${r.n}/${s.failFirst})` });
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
