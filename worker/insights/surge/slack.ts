// The Slack post for a surge escalation: the team, why, and the context pack a person needs to pick
// the conversation up without reading it all.
import type { ContextPack } from "../../../shared/surge.ts";
import type { SlackMessage } from "../notify/slack.ts";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function escalationMessage(p: {
  conversationId: string;
  team: string;
  sweepTitle: string;
  pack: ContextPack;
  consoleUrl?: string;
}): SlackMessage {
  const c = p.pack;
  const facts = [
    `*Team*\n${esc(p.team)}`,
    `*Why*\n${esc(c.reason)}`,
    ...(c.priority ? [`*Priority*\n${esc(c.priority)}`] : []),
    ...(c.slaDueAt ? [`*SLA due*\n${new Date(c.slaDueAt).toISOString().slice(0, 16).replace("T", " ")} UTC`] : []),
    `*Incident*\n${c.clusterSize} similar conversation${c.clusterSize === 1 ? "" : "s"}`,
    ...(c.vip ? ["*Customer*\nVIP"] : []),
  ];
  const tried = c.triedArticle
    ? `\nClosest article: ${esc(c.triedArticle.title)} (confidence ${c.triedArticle.confidence})`
    : "";
  return {
    text: `Surge escalation to ${p.team}: ${c.summary.slice(0, 120)}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `Surge escalation · ${p.sweepTitle}`.slice(0, 150) } },
      {
        type: "section",
        text: { type: "mrkdwn", text: `${esc(c.summary)}${tried}` },
        fields: facts.map((text) => ({ type: "mrkdwn" as const, text })),
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: p.consoleUrl
              ? `<${p.consoleUrl}|Open in EdgeDesk> · ${esc(p.conversationId)}`
              : `Conversation ${esc(p.conversationId)}`,
          },
        ],
      },
    ],
  };
}
