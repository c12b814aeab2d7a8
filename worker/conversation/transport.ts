// How a conversation reaches its clients: hibernatable WebSockets (customers and agents), SSE streams
// (customers' fallback, and one-exchange streams), catch-up on (re)connect, and the one place live
// frames leave the object. Incoming socket frames are parsed with the shared protocol schema here,
// and a customer's socket pays from the conversation's frame budget (budget.ts).
import { clientFrameSchema, type ClientFrame, forCustomer, type ServerFrame } from "../../shared/protocol.ts";
import { closeBack } from "../http/sockets.ts";
import { acceptRid } from "../ops/log.ts";
import { type Bucket, slowDown } from "./budget.ts";
import type { Reader } from "./model.ts";

/** Who a socket belongs to, and the request id it was opened with (its messages' ids derive from it). */
export type Attachment =
  | { role: "customer"; rid?: string }
  | { role: "agent"; id: string; name: string; sessionId?: string; rid?: string };

const encoder = new TextEncoder();
const sseFrame = (f: ServerFrame) => encoder.encode(`data: ${JSON.stringify(f)}\n\n`);

/** A socket's attachment as stored by accept(); anything else is not ours and is treated as a customer's. */
function attachmentOf(ws: WebSocket): Attachment {
  const a: unknown = ws.deserializeAttachment();
  if (a && typeof a === "object" && "role" in a) {
    const o = a as Record<string, unknown>;
    if (o.role === "agent" && typeof o.id === "string" && typeof o.name === "string")
      return {
        role: "agent",
        id: o.id,
        name: o.name,
        ...(typeof o.sessionId === "string" ? { sessionId: o.sessionId } : {}),
        ...(typeof o.rid === "string" ? { rid: o.rid } : {}),
      };
    if (o.role === "customer") return { role: "customer", ...(typeof o.rid === "string" ? { rid: o.rid } : {}) };
  }
  return { role: "customer" };
}

export type FrameHandler = (att: Attachment, frame: ClientFrame, ws: WebSocket) => Promise<void>;

export class Transport {
  private readonly streams = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private lastFloodNotice = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly catchUp: (after: number, reader: Reader) => ServerFrame[],
    /** What the customer side's sockets may send (worker/conversation/budget.ts). */
    private readonly frameBudget: Bucket,
  ) {}

  /** A socket upgrade from the worker (which checked the token or the agent's session). */
  accept(request: Request, after: number): Response {
    const pair = new WebSocketPair();
    const agentId = request.headers.get("x-agent-id");
    const sessionId = request.headers.get("x-session-id");
    const rid = acceptRid(request.headers.get("x-request-id")) ?? undefined;
    const att: Attachment = agentId
      ? {
          role: "agent",
          id: agentId,
          name: request.headers.get("x-agent-name") ?? "Agent",
          ...(sessionId ? { sessionId } : {}),
          ...(rid ? { rid } : {}),
        }
      : { role: "customer", ...(rid ? { rid } : {}) };
    this.ctx.acceptWebSocket(pair[1], [att.role]);
    pair[1].serializeAttachment(att);
    for (const f of this.catchUp(after, att.role)) pair[1].send(JSON.stringify(f));
    // The subprotocol the worker selected (the customer's token came as another one it offered).
    const protocol = request.headers.get("sec-websocket-protocol");
    return new Response(null, {
      status: 101,
      webSocket: pair[0],
      ...(protocol ? { headers: { "sec-websocket-protocol": protocol } } : {}),
    });
  }

  /** A customer's SSE stream from `after`; with `exchange`, one message's ack, its answer, then the end. */
  sse(
    after: number,
    exchange: { clientId: string; seq: number; duplicate: boolean; done: Promise<void> } | null,
  ): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    // A client that goes away at once (closes the stream) rejects these writes: that is not an error.
    const write = (f: ServerFrame) => void writer.write(sseFrame(f)).catch(() => this.streams.delete(writer));
    if (exchange) write({ t: "ack", clientId: exchange.clientId, seq: exchange.seq, duplicate: exchange.duplicate });
    // SSE streams are customers' only (agents use the socket).
    for (const f of this.catchUp(after, "customer")) write(f);
    this.streams.add(writer);
    const close = () => {
      this.streams.delete(writer);
      void writer.close().catch(() => undefined);
    };
    if (exchange) void exchange.done.finally(close);
    writer.closed.catch(() => this.streams.delete(writer));
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }

  /** The one place live frames leave the object: agents-only events go to agent sockets, nowhere else. */
  broadcast(f: ServerFrame): void {
    const text = JSON.stringify(f);
    const agentsOnly = f.t === "event" && !forCustomer(f.event);
    for (const ws of agentsOnly ? this.ctx.getWebSockets("agent") : this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket closing as we write: it will resume from its last seq.
      }
    }
    if (agentsOnly) return;
    const bytes = sseFrame(f);
    for (const w of this.streams) void w.write(bytes).catch(() => this.streams.delete(w));
  }

  /** Typing goes to the other side only; a customer on the SSE fallback sees the agent typing too. */
  typing(from: Attachment["role"], on: boolean): void {
    const to = from === "agent" ? "customer" : "agent";
    const frame = JSON.stringify({ t: "typing", author: from, on } satisfies ServerFrame);
    for (const s of this.ctx.getWebSockets(to)) s.send(frame);
    if (to === "customer")
      for (const w of this.streams)
        void w.write(encoder.encode(`data: ${frame}\n\n`)).catch(() => this.streams.delete(w));
  }

  customerConnected(): boolean {
    return this.ctx.getWebSockets("customer").length > 0 || this.streams.size > 0;
  }

  /**
   * A frame from a socket: the customer's pay from the frame budget (a flood is dropped unread, with one
   * notice a second at most), then parsed with the shared schema; a bad frame is answered, not thrown.
   */
  async receive(ws: WebSocket, message: string | ArrayBuffer, handle: FrameHandler): Promise<void> {
    const att = attachmentOf(ws);
    if (att.role === "customer") {
      const wait = this.frameBudget.take(Date.now());
      if (wait) {
        if (Date.now() - this.lastFloodNotice >= 1000) {
          this.lastFloodNotice = Date.now();
          ws.send(JSON.stringify({ t: "error", ...slowDown(wait) } satisfies ServerFrame));
        }
        return;
      }
    }
    let data: unknown;
    try {
      data = JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message));
    } catch {
      return reject(ws, "invalid_frame", "frame is not JSON");
    }
    const parsed = clientFrameSchema.safeParse(data);
    if (!parsed.success)
      return reject(
        ws,
        "invalid_frame",
        parsed.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; "),
      );
    await handle(att, parsed.data, ws);
  }

  closed(ws: WebSocket, code: number): void {
    closeBack(ws, code);
  }

  /** Closes the agent sockets of ended sessions (worker/people/revoke.ts): they stop reading and writing. */
  closeSessions(ids: string[]): number {
    let n = 0;
    for (const ws of this.ctx.getWebSockets("agent")) {
      const att = attachmentOf(ws);
      if (att.role !== "agent" || !att.sessionId || !ids.includes(att.sessionId)) continue;
      try {
        ws.close(4401, "session ended");
      } catch {
        // already closing
      }
      n++;
    }
    return n;
  }

  /** Every socket and stream ends (erasure). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(code, reason);
      } catch {
        // already closing
      }
    }
    for (const w of this.streams) void w.close().catch(() => undefined);
    this.streams.clear();
  }
}

export function reject(ws: WebSocket, code: string, message: string): void {
  ws.send(JSON.stringify({ t: "error", code, message } satisfies ServerFrame));
}
