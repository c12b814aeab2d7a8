// The first thing an agent reads: everything the customer already told the bot, and what the bot
// already tried, so nobody asks the customer to repeat themselves.
import { Attachments } from "./Attachments.tsx";
import type { FollowUpResult, HandoffPacket } from "../../../../shared/api.ts";
import {
  describeLocale,
  describeReason,
  describeUserAgent,
  formatScore,
  safeHttpUrl,
  scoreShare,
} from "../../lib/format.ts";
import type { Identity } from "../../../../shared/protocol.ts";
import { PriorityTag, TimeAgo } from "../../shell/bits.tsx";
import { IdentityFacts } from "./IdentityFacts.tsx";

type Props = {
  packet: HandoffPacket | undefined;
  channel: string | undefined;
  /** The conversation's state: without a packet, who holds it decides what the panel says. */
  state?: string | undefined;
  /** The agent who wrote to the customer first (a state event with reason "outreach"), if anyone did. */
  outreachBy?: string | undefined;
  identity?: Identity | undefined;
  followUp?: FollowUpResult | undefined;
};

/** Where replies go if the customer has left the chat (docs/email.md), and how that address is proven. */
function FollowUpLine({ followUp }: { followUp: FollowUpResult | undefined }) {
  if (!followUp) return null;
  if (!followUp.confirmed)
    return (
      <p class="small" data-testid="packet-follow-up" data-confirmed="false">
        The customer typed <strong>{followUp.email}</strong> for replies by email; nothing is mailed there until they
        enter the code we sent it (unverified, not confirmed yet).
      </p>
    );
  return (
    <p class="small" data-testid="packet-follow-up" data-confirmed="true">
      Replies are also emailed to <strong>{followUp.email}</strong> (
      {followUp.verified ? "verified" : "unverified, typed and confirmed by the customer"}) when they are away from the
      chat.
    </p>
  );
}

/** Why there is no packet: the bot has the conversation, an agent began it, or an agent took it without a handoff. */
function NoPacket({ state, channel, outreachBy }: Pick<Props, "state" | "channel" | "outreachBy">) {
  const via = channel ? ` (${channel})` : "";
  if (outreachBy !== undefined)
    return (
      <p class="muted" data-testid="packet-none" data-why="outreach">
        No handoff: {outreachBy || "an agent"} wrote to the customer first{via}, so the bot never had this conversation.
        The customer's health and their earlier conversations are on their contact.
      </p>
    );
  if (state === "bot" || state === undefined)
    return (
      <p class="muted" data-testid="packet-none" data-why="bot">
        Not handed off. The bot is handling this conversation{via}; the handoff details will appear here if the customer
        asks for a person.
      </p>
    );
  if (state === "resolved")
    return (
      <p class="muted" data-testid="packet-none" data-why="resolved">
        Resolved without a handoff{via}: nobody asked for a person, so there is no handoff packet.
      </p>
    );
  return (
    <p class="muted" data-testid="packet-none" data-why="taken">
      No handoff packet: an agent took this conversation{via} over without the bot handing it off.
    </p>
  );
}

export function HandoffPanel({ packet, channel, identity, followUp, state, outreachBy }: Props) {
  if (!packet) {
    return (
      <aside class="packet" aria-labelledby="packet-title" data-testid="handoff-packet" data-empty="true">
        <h2 id="packet-title">Handoff</h2>
        <NoPacket state={state} channel={channel} outreachBy={outreachBy} />
        <IdentityFacts identity={identity} />
        <FollowUpLine followUp={followUp} />
      </aside>
    );
  }
  const link = safeHttpUrl(packet.pageUrl);
  const scores = packet.tried.map((t) => t.score);
  return (
    <aside class="packet" aria-labelledby="packet-title" data-testid="handoff-packet">
      <div class="packet-head">
        <h2 id="packet-title">Handoff</h2>
        <span class="muted small">
          <TimeAgo at={packet.at} />
        </span>
      </div>

      <section class="packet-reason" aria-label="Reason for handoff">
        <span class="eyebrow">Reason</span>
        <p data-testid="packet-reason" data-reason={packet.reason}>
          {describeReason(packet.reason)}
        </p>
      </section>

      <IdentityFacts identity={identity ?? packet.identity} />
      <FollowUpLine followUp={followUp} />

      <section aria-labelledby="packet-summary-title">
        <h3 id="packet-summary-title" class="eyebrow">
          Summary
          {packet.summarySource === "llm" && (
            <span
              class="muted small"
              data-testid="packet-summary-source"
              title="Written by the Workers AI model from the visible conversation; private notes are never shown to it"
            >
              {" "}
              · AI-written
            </span>
          )}
        </h3>
        <p class="packet-summary" data-testid="packet-summary">
          {packet.summary || <span class="muted">No summary.</span>}
        </p>
      </section>

      {packet.attachments && packet.attachments.length > 0 && (
        <section aria-labelledby="packet-files-title" data-testid="packet-files">
          <h3 id="packet-files-title" class="eyebrow">
            Files the customer sent
          </h3>
          <Attachments files={packet.attachments} />
        </section>
      )}
      <dl class="facts">
        <div class="fact fact-wide">
          <dt>Page</dt>
          <dd data-testid="packet-page">
            {link ? (
              <a href={link} target="_blank" rel="noopener noreferrer" class="page-link" data-testid="packet-page-link">
                <span class="page-title">{packet.pageTitle || link}</span>
                {packet.pageTitle && <span class="page-url">{link}</span>}
              </a>
            ) : packet.pageUrl ? (
              <span class="page-url">{packet.pageUrl}</span>
            ) : (
              <span class="muted">Unknown</span>
            )}
          </dd>
        </div>
        {packet.contextArticle && (
          <div class="fact fact-wide">
            <dt>Reading article</dt>
            <dd data-testid="packet-context-article">{packet.contextArticle}</dd>
          </div>
        )}
        <div class="fact">
          <dt>Priority</dt>
          <dd data-testid="packet-priority">
            <PriorityTag priority={packet.priority} />
          </dd>
        </div>
        <div class="fact">
          <dt>Team</dt>
          <dd data-testid="packet-team">{packet.team}</dd>
        </div>
        <div class="fact">
          <dt>Category</dt>
          <dd data-testid="packet-category">{packet.category ?? <span class="muted">—</span>}</dd>
        </div>
        <div class="fact">
          <dt>Language</dt>
          <dd data-testid="packet-locale">{describeLocale(packet.locale)}</dd>
        </div>
        <div class="fact fact-wide">
          <dt>Device</dt>
          <dd data-testid="packet-device" title={packet.userAgent}>
            {describeUserAgent(packet.userAgent)}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="packet-tried-title">
        <h3 id="packet-tried-title" class="eyebrow">
          Articles the bot tried
        </h3>
        {packet.tried.length === 0 ? (
          <p class="muted small">None: the bot found nothing relevant.</p>
        ) : (
          <ol class="tried" data-testid="packet-tried">
            {packet.tried.map((a) => (
              <li key={a.articleId} data-testid="tried-article" data-article-id={a.articleId}>
                <span class="tried-title">{a.title}</span>
                <span class="tried-score">
                  <span class="bar" aria-hidden="true">
                    <span style={{ width: `${Math.round(scoreShare(a.score, scores) * 100)}%` }} />
                  </span>
                  <span class="score">
                    <span class="visually-hidden">score </span>
                    {formatScore(a.score)}
                  </span>
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </aside>
  );
}
