// The scorecards of one ended conversation: a pure function of its inputs (inputs.ts) and a rubric, so
// the same conversation scored with the same rubric always gets the same scores (score.test.ts). Each
// criterion is a value in 0..1 with the reason a person reads, or null when it does not apply to that
// part (its weight then counts for nothing); the score is the weighted mean, 0..100, rounded.
import type {
  AgentPartInputs,
  Criterion,
  CriterionResult,
  QualityInputs,
  Rubric,
  Scorecard,
} from "../../shared/quality.ts";

/** The bot's first answer in this time scores full speed marks, none at `BOT_SLOW_MS`; linear between. */
export const BOT_FAST_MS = 1_000;
export const BOT_SLOW_MS = 10_000;
/** An agent's first reply within the SLA target scores full marks, none at this many targets. */
export const AGENT_SLOW_TARGETS = 3;

const na = (reason: string): Omit<CriterionResult, "weight"> => ({ value: null, reason });
const v = (value: number, reason: string): Omit<CriterionResult, "weight"> => ({
  value: Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000,
  reason,
});
/** 1 up to `good`, 0 from `bad`, a straight line between. */
const ramp = (x: number, good: number, bad: number): number =>
  x <= good ? 1 : x >= bad ? 0 : (bad - x) / (bad - good);
const secs = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);
const mins = (ms: number): string => (ms < 120_000 ? secs(ms) : `${Math.round(ms / 60_000)} min`);

function csatOf(i: QualityInputs): Omit<CriterionResult, "weight"> {
  return i.csat === undefined ? na("no rating given") : v((i.csat - 1) / 4, `the customer rated ${i.csat}/5`);
}

function botCriteria(i: QualityInputs): Record<Criterion, Omit<CriterionResult, "weight">> {
  const resolution = i.handedOff
    ? i.handoffNeeded === true
      ? na("handed to a person, and the agents marked the handoff as needed")
      : v(0, "handed to a person")
    : !i.resolved
      ? v(0, "not resolved")
      : i.reopened
        ? v(0.25, "resolved by the bot, then reopened within 7 days")
        : v(1, "resolved by the bot");
  const speed =
    i.botFirstAnswerMs === undefined
      ? na("the bot did not answer a question")
      : v(ramp(i.botFirstAnswerMs, BOT_FAST_MS, BOT_SLOW_MS), `first answer after ${secs(i.botFirstAnswerMs)}`);
  const votes = i.helpfulVotes + i.unhelpfulVotes;
  const accuracy = i.botCorrected
    ? v(0, "an editor linked the question to an article the bot had not given")
    : i.handoffNeeded === false
      ? v(0, "the agents marked the handoff as not needed: the bot could have answered")
      : votes > 0
        ? v(i.helpfulVotes / votes, `${i.helpfulVotes} of ${votes} answer votes helpful`)
        : na("no accuracy signal (votes, corrections or a handoff mark)");
  return {
    resolution,
    speed,
    accuracy,
    tone: na("the bot's words are the articles': their tone is the content team's"),
    // A rating after a person took over is theirs.
    csat: i.handedOff ? na("the rating is for the agents who took over") : csatOf(i),
  };
}

function agentCriteria(i: QualityInputs, a: AgentPartInputs): Record<Criterion, Omit<CriterionResult, "weight">> {
  const resolution = !i.resolved
    ? v(0, "not resolved")
    : i.reopened
      ? v(0, "resolved, then reopened within 7 days")
      : v(1, "resolved and not reopened within 7 days");
  const speed =
    a.firstResponseMs === undefined
      ? na("joined without a queue wait to measure")
      : v(
          ramp(a.firstResponseMs, i.slaTargetMs, AGENT_SLOW_TARGETS * i.slaTargetMs),
          `first reply ${mins(a.firstResponseMs)} after the handoff (target ${mins(i.slaTargetMs)})`,
        );
  const tone =
    a.replies === 0
      ? na("no replies")
      : v(
          1 - a.repliesWithToneIssues / a.replies,
          a.repliesWithToneIssues === 0
            ? `${a.replies} ${a.replies === 1 ? "reply" : "replies"}, no tone issue`
            : `${a.repliesWithToneIssues} of ${a.replies} replies: ${a.toneIssues.join("; ")}`,
        );
  return {
    resolution,
    speed,
    accuracy: na("accuracy signals are about the bot's answers"),
    tone,
    csat: csatOf(i),
  };
}

function card(
  conversationId: string,
  part: Pick<Scorecard, "part" | "kind" | "agent">,
  raw: Record<Criterion, Omit<CriterionResult, "weight">>,
  inputs: QualityInputs,
  rubric: Rubric,
  scoredAt: number,
): Scorecard {
  const criteria = Object.fromEntries(
    (Object.keys(raw) as Criterion[]).map((c) => [c, { ...raw[c], weight: rubric.weights[c] }]),
  ) as Record<Criterion, CriterionResult>;
  let sum = 0;
  let weights = 0;
  for (const c of Object.values(criteria)) {
    if (c.value === null || c.weight === 0) continue;
    sum += c.weight * c.value;
    weights += c.weight;
  }
  return {
    conversationId,
    ...part,
    score: weights ? Math.round((100 * sum) / weights) : null,
    rubricVersion: rubric.version,
    criteria,
    inputs,
    scoredAt,
  };
}

/** The bot's scorecard (when it answered anything) and one per agent who replied. */
export function scoreConversation(
  conversationId: string,
  inputs: QualityInputs,
  rubric: Rubric,
  scoredAt: number,
): Scorecard[] {
  const out: Scorecard[] = [];
  if (inputs.botAnswers > 0)
    out.push(card(conversationId, { part: "bot", kind: "bot" }, botCriteria(inputs), inputs, rubric, scoredAt));
  for (const a of inputs.agents) {
    if (a.replies === 0) continue;
    out.push(
      card(
        conversationId,
        { part: agentPart(a), kind: "agent", agent: { ...(a.id ? { id: a.id } : {}), name: a.name } },
        agentCriteria(inputs, a),
        inputs,
        rubric,
        scoredAt,
      ),
    );
  }
  return out;
}

/** The part's key: the agent's id when known, else their name. */
export const agentPart = (a: { id?: string | undefined; name: string }): string => `agent:${a.id ?? a.name}`;
