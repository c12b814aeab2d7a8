// What a conversation's scorecards rest on, read from its log (the agents' view: notes and changes
// included) and a few facts kept elsewhere (answer votes, an editor's article link, the SLA target).
// Pure, so the same log gives the same inputs (inputs.test.ts).
import type { AgentPartInputs, QualityInputs } from "../../shared/quality.ts";
import type { ConversationEvent, MessageEvent } from "../../shared/protocol.ts";
import { isComplaint } from "../insights/surge/propose.ts";
import type { SurgeConfig } from "../insights/surge/config.ts";
import { toneIssues } from "../insights/surge/validate.ts";

/** A reopening later than this after the resolve is a new matter, not a sign the first one failed. */
export const REOPEN_WINDOW_MS = 7 * 86_400_000;

export type QualityFacts = {
  state: string;
  csat?: number | undefined;
  handoffNeeded?: boolean | undefined;
  helpfulVotes: number;
  unhelpfulVotes: number;
  botCorrected: boolean;
  slaTargetMs: number;
  /** An agent's id from their name as shown on their replies (undefined: unknown or ambiguous). */
  agentId: (name: string) => string | undefined;
  tone: SurgeConfig["validator"];
};

export function qualityInputs(events: readonly ConversationEvent[], f: QualityFacts): QualityInputs {
  const gone = new Set(events.flatMap((e) => (e.type === "retract" ? [e.messageId] : [])));
  // Copies merged in from another conversation were scored there.
  const messages = events.filter(
    (e): e is MessageEvent & { seq: number } => e.type === "message" && !gone.has(e.id) && e.origin === undefined,
  );
  const firstCustomer = messages.find((m) => m.author === "customer");
  const firstBot = firstCustomer ? messages.find((m) => m.author === "bot" && m.at >= firstCustomer.at) : undefined;

  const states = events.filter((e) => e.type === "state");
  let reopened = false;
  for (const [i, s] of states.entries()) {
    if (s.state !== "resolved") continue;
    const next = states.slice(i + 1).find((t) => t.state !== "resolved");
    if (next && next.at - s.at <= REOPEN_WINDOW_MS) reopened = true;
  }

  const agents = new Map<string, AgentPartInputs>();
  const firstReplyAt = new Map<string, number>();
  let sinceReply: string[] = [];
  let queuedAt: number | undefined;
  for (const e of events) {
    if (e.type === "state" && e.state === "queued") queuedAt = e.at;
    if (e.type !== "message" || gone.has(e.id) || e.origin !== undefined) continue;
    if (e.author === "customer") sinceReply.push(e.text);
    if (e.author !== "agent") continue;
    const name = e.name ?? "Agent";
    let a = agents.get(name);
    if (!a) {
      const id = f.agentId(name);
      a = {
        ...(id ? { id } : {}),
        name,
        replies: 0,
        ...(queuedAt !== undefined ? { firstResponseMs: Math.max(0, e.at - queuedAt) } : {}),
        toneIssues: [],
        repliesWithToneIssues: 0,
      };
      agents.set(name, a);
      firstReplyAt.set(name, e.at);
    }
    a.replies++;
    const issues = toneIssues(e.text, sinceReply.some(isComplaint), f.tone);
    if (issues.length) {
      a.repliesWithToneIssues++;
      for (const r of issues) if (!a.toneIssues.includes(r)) a.toneIssues.push(r);
    }
    sinceReply = [];
  }

  // Handle time: from each agent's first reply to the last resolve, when the conversation is resolved now.
  const lastResolve = f.state === "resolved" ? states.filter((s) => s.state === "resolved").at(-1) : undefined;
  if (lastResolve)
    for (const a of agents.values()) {
      const first = firstReplyAt.get(a.name);
      if (first !== undefined && lastResolve.at >= first) a.handleMs = lastResolve.at - first;
    }

  return {
    resolved: f.state === "resolved",
    reopened,
    handedOff: states.some((s) => s.state === "queued"),
    ...(f.handoffNeeded !== undefined ? { handoffNeeded: f.handoffNeeded } : {}),
    botAnswers: messages.filter((m) => m.author === "bot" && m.action === "answer").length,
    ...(firstBot && firstCustomer ? { botFirstAnswerMs: firstBot.at - firstCustomer.at } : {}),
    helpfulVotes: f.helpfulVotes,
    unhelpfulVotes: f.unhelpfulVotes,
    botCorrected: f.botCorrected,
    ...(f.csat !== undefined ? { csat: f.csat } : {}),
    slaTargetMs: f.slaTargetMs,
    agents: [...agents.values()],
  };
}
