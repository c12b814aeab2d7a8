// What one Conversation DO measures of its bot turns, for the operator: time to first token, the
// decision (answer / handoff / decline, and why), handoffs by reason, each logged with the request id
// of the customer message it answers. The DO tells it three things: a customer message was stored
// (with the request id it came with), a frame went out (the first streamed delta or bot message is
// the first token), and the engine recorded a turn (the decision). Turns are answered in the order
// their messages arrived (the engine's queue), so a FIFO pairs each decision with its message.
import type { ServerFrame } from "../../shared/protocol.ts";
import type { TurnRecord } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import { log } from "./log.ts";
import { metric } from "./metrics.ts";

type Waiting = { rid: string; text: string; at: number; firstTokenMs: number | null };

/** Turns waiting beyond this many are forgotten (a conversation a person holds gets no bot answer). */
const MAX_WAITING = 20;

export class TurnMeter {
  private readonly waiting: Waiting[] = [];
  /** The request id of the latest message or turn: what publishes and webhooks carry on. */
  lastRid: string | null = null;

  constructor(
    private readonly env: Env,
    private readonly waitUntil: (p: Promise<unknown>) => void,
    private readonly where: () => { conversation: string; workspaceId: string; channel: string } | null,
  ) {}

  /** A customer message was stored; `botAnswers` says whether the bot will take a turn on it. */
  customerMessage(rid: string, text: string, botAnswers: boolean): void {
    this.lastRid = rid;
    if (!botAnswers) return;
    this.waiting.push({ rid, text, at: Date.now(), firstTokenMs: null });
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
  }

  frame(f: ServerFrame): void {
    const head = this.waiting[0];
    if (!head || head.firstTokenMs !== null) return;
    const bot = f.t === "delta" || (f.t === "event" && f.event.type === "message" && f.event.author === "bot");
    if (!bot) return;
    head.firstTokenMs = Date.now() - head.at;
    const w = this.where();
    metric(this.env, this.waitUntil, {
      name: "first_token",
      label: w?.channel ?? "",
      ...(w ? { workspaceId: w.workspaceId } : {}),
      value: head.firstTokenMs,
    });
  }

  turn(t: TurnRecord): void {
    const i = this.waiting.findIndex((x) => x.text === t.question);
    // A turn not on a waiting message (the customer pressed "talk to a person") has the latest rid.
    const entry = i >= 0 ? this.waiting.splice(0, i + 1).pop() : undefined;
    const rid = entry?.rid ?? this.lastRid ?? "none";
    this.lastRid = rid;
    const w = this.where();
    const ws = w ? { workspaceId: w.workspaceId } : {};
    metric(this.env, this.waitUntil, { name: "answer", label: t.action, label2: t.reason, ...ws, value: 1 });
    if (t.action === "handoff") metric(this.env, this.waitUntil, { name: "handoff", label: t.reason, ...ws, value: 1 });
    log(this.env, "info", "turn", {
      rid,
      conversation: w?.conversation,
      workspace: w?.workspaceId,
      action: t.action,
      reason: t.reason,
      article: t.article ?? null,
      confidence: Math.round(t.confidence * 1000) / 1000,
      firstTokenMs: entry?.firstTokenMs ?? null,
      ms: entry ? Date.now() - entry.at : null,
    });
  }
}
