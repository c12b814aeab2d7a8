// A webhook receiver the chaos scenario controls: it can be down (nothing listens on its port), flapping
// (500s, 408s, 429s and answers slower than the sender's timeout, at random), or well. Every request is
// verified with the official Standard Webhooks library as docs/webhooks.md tells receivers to
// (tests/receiver/webhook-receiver.ts `verifyDelivery`), and logged with what it was answered.
// Besides the main endpoint it serves one that always fails with a 503 (its deliveries must end as dead
// letters after the last attempt) and one that answers 410 (must not be retried at all).
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { prng } from "../../../shared/random.ts";
import { verifyDelivery } from "../../../tests/receiver/webhook-receiver.ts";

export type Mode = "ok" | "flap";

export type Logged = {
  path: string;
  deliveryId: string;
  eventId: string;
  /** The event's type and conversation, from the body. */
  type: string;
  conversationId: string;
  answered: number;
  signatureValid: boolean;
  at: number;
  /** Answered after the sender's timeout (the sender saw no answer). */
  slow: boolean;
};

export class FlakyReceiver {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  mode: Mode = "ok";
  readonly log: Logged[] = [];
  private readonly rand: () => number;

  constructor(
    private readonly secrets: Record<string, string>,
    /** How long a "slow" answer takes: longer than the sender's timeout. */
    private readonly slowMs: number,
    seed = 7,
  ) {
    this.rand = prng(seed);
  }

  /** Starts listening (on the same port as before after `down()`). */
  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "").split("?")[0] as string;
        const name = path.replace(/^\/hook\//, "");
        const secret = this.secrets[name];
        let eventId = "";
        let type = "";
        let conversationId = "";
        try {
          const body = JSON.parse(raw) as { id?: unknown; type?: unknown; data?: { conversation?: { id?: unknown } } };
          eventId = String(body.id ?? "");
          type = String(body.type ?? "");
          conversationId = String(body.data?.conversation?.id ?? "");
        } catch {
          // not JSON: logged with no event id
        }
        const signatureValid = secret !== undefined && verifyDelivery(secret, req.headers, raw) === null;
        let status = 200;
        let slow = false;
        if (!signatureValid) status = 400;
        else if (name === "dead") status = 503;
        else if (name === "gone") status = 410;
        else if (this.mode === "flap") {
          const x = this.rand();
          if (x < 0.3) status = 500;
          else if (x < 0.35) status = 408;
          else if (x < 0.4) status = 429;
          else if (x < 0.5) slow = true;
        }
        const entry: Logged = {
          path,
          deliveryId: String(req.headers["webhook-id"] ?? ""),
          eventId,
          type,
          conversationId,
          answered: status,
          signatureValid,
          at: Date.now(),
          slow,
        };
        this.log.push(entry);
        const answer = () => {
          if (!res.destroyed) res.writeHead(status, { "content-type": "text/plain" }).end(String(status));
        };
        if (slow) setTimeout(answer, this.slowMs);
        else answer();
      });
    });
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection: the sender's attempts are refused. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const c of this.sockets) c.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/hook/${name}`;
  }
}
