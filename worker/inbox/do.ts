// One Inbox Durable Object per workspace: the live list of conversations that left the bot, pushed to
// every connected agent console. Conversation DOs call `upsert` on each change.
import { DurableObject } from "cloudflare:workers";
import type { InboxFrame, InboxItem } from "../../shared/api.ts";
import { PING, PONG } from "../../shared/protocol.ts";
import type { Env } from "../env.ts";

/** Resolved conversations stay visible this long, so an agent sees what just closed. */
const RESOLVED_VISIBLE_MS = 24 * 60 * 60 * 1000;

export class InboxDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL, data TEXT NOT NULL)");
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  list(): InboxItem[] {
    return this.ctx.storage.sql
      .exec<{ data: string }>("SELECT data FROM items WHERE state != 'resolved' OR updated_at > ? ORDER BY updated_at DESC LIMIT 500", Date.now() - RESOLVED_VISIBLE_MS)
      .toArray()
      .map((r) => JSON.parse(r.data) as InboxItem);
  }

  upsert(item: InboxItem): void {
    const prior = this.ctx.storage.sql.exec<{ data: string }>("SELECT data FROM items WHERE id = ?", item.id).toArray()[0];
    // Keep the last customer text when an update (a state change) carries none.
    const merged: InboxItem = prior && !item.preview ? { ...item, preview: (JSON.parse(prior.data) as InboxItem).preview } : item;
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO items (id, state, updated_at, data) VALUES (?, ?, ?, ?)",
      merged.id,
      merged.state,
      merged.updatedAt,
      JSON.stringify(merged),
    );
    this.send({ t: "upsert", item: merged });
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(JSON.stringify({ t: "snapshot", items: this.list() } satisfies InboxFrame));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
  }

  private send(frame: InboxFrame): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // Closed mid-send: the console reconnects and gets a fresh snapshot.
      }
    }
  }
}
