// One conversation's proposed action, from what KB retrieval found for the customer's words:
// confident on a published article that needs no person → draft a reply from it; an article that
// always needs a person, or nothing close → escalate to the routed team with a context pack;
// anything in between → leave it for a person (the sweep never guesses).
import type { Citation, ContextPack, PlanStep, SurgeAction, SurgeSafeguards } from "../../../shared/surge.ts";
import { negativeSentiment } from "../../answer/engine/decide.ts";

export type KbHit = {
  articleId: string;
  title: string;
  url: string;
  /** Retrieval's fused confidence for this article. */
  score: number;
  handoff: "never" | "always";
  team: string;
  category: string;
  /** The extractive answer from the article (worker/answer/engine/compose.ts). */
  answer: string;
  published: boolean;
};

export type PlanInput = {
  id: string;
  /** The customer's words in this conversation, joined. */
  text: string;
  createdAt: number;
  slaDueAt?: number;
  priority?: string;
  category?: string;
  channel: string;
  /** A chat whose agent replies are also emailed while the customer is away (worker/channels/email/follow-up.ts). */
  mailsReplies?: boolean;
  vip: boolean;
  /** Team the conversation is routed to now (its handoff packet). */
  team?: string;
  hit?: KbHit;
};

export type Thresholds = { draftMinConfidence: number; escalateBelow: number };

export type Proposal = { action: SurgeAction; reason: string; team?: string; draft?: PlanStep["draft"] };

export const isComplaint = (text: string): boolean => negativeSentiment(text) > 0;

export function composeDraft(
  hit: KbHit,
  complaint: boolean,
): { text: string; citations: Citation[]; complaint: boolean } {
  const open = complaint
    ? "I'm sorry for the trouble, and thank you for your patience."
    : "Thanks for getting in touch.";
  const text = `${open}\n\n${hit.answer.trim()}\n\nMore in our help article “${hit.title}”: ${hit.url}`;
  return { text, citations: [{ articleId: hit.articleId, title: hit.title, url: hit.url }], complaint };
}

const pct = (x: number) => x.toFixed(2);

export function propose(i: PlanInput, t: Thresholds, safeguards: SurgeSafeguards, defaultTeam = "support"): Proposal {
  const h = i.hit;
  const routed = i.team ?? defaultTeam;
  if (!h) return { action: "escalate", reason: "no article matches", team: routed };
  if (h.handoff === "always")
    return { action: "escalate", reason: `“${h.title}” always needs a person`, team: h.team || routed };
  if (h.score < t.escalateBelow)
    return { action: "escalate", reason: `low confidence (${pct(h.score)} < ${pct(t.escalateBelow)})`, team: routed };
  if (h.score >= t.draftMinConfidence) {
    if (safeguards.publishedOnly && !h.published) return { action: "leave", reason: `“${h.title}” is not published` };
    // A sent email cannot be recalled, so the undo window would be a promise the sweep cannot keep.
    if (i.channel === "email")
      return { action: "leave", reason: `confident on “${h.title}”, but an email reply cannot be undone` };
    if (i.mailsReplies)
      return {
        action: "leave",
        reason: `confident on “${h.title}”, but replies here are also emailed, which cannot be undone`,
      };
    return {
      action: "draft",
      reason: `confident (${pct(h.score)}) on “${h.title}”`,
      draft: composeDraft(h, isComplaint(i.text)),
    };
  }
  return { action: "leave", reason: `unsure (${pct(h.score)}): a person should read it` };
}

export function contextPack(i: PlanInput, clusterId: string, related: string[], reason: string): ContextPack {
  const summary = i.text.length > 400 ? `${i.text.slice(0, 399)}…` : i.text;
  return {
    summary,
    clusterId,
    clusterSize: related.length + 1,
    related,
    ...(i.priority ? { priority: i.priority } : {}),
    ...((i.category ?? i.hit?.category) ? { category: i.category ?? i.hit?.category } : {}),
    vip: i.vip,
    ...(i.slaDueAt !== undefined ? { slaDueAt: i.slaDueAt } : {}),
    ...(i.hit
      ? { triedArticle: { id: i.hit.articleId, title: i.hit.title, confidence: Math.round(i.hit.score * 1000) / 1000 } }
      : {}),
    reason,
  };
}
