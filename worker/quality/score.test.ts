import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { defaultRubric, type QualityInputs } from "../../shared/quality.ts";
import { defaultSurgeConfig } from "../insights/surge/config.ts";
import { type QualityFacts, qualityInputs } from "./inputs.ts";
import { scoreConversation } from "./score.ts";

const T0 = 1_700_000_000_000;
const MIN = 60_000;
let seq = 0;
const at = (ms: number) => ({ seq: ++seq, at: T0 + ms });
const customer = (ms: number, text: string): ConversationEvent => ({
  type: "message",
  id: `m${seq + 1}`,
  author: "customer",
  text,
  ...at(ms),
});
const bot = (ms: number, action: "answer" | "handoff" = "answer"): ConversationEvent => ({
  type: "message",
  id: `m${seq + 1}`,
  author: "bot",
  text: "Here is how.",
  action,
  ...at(ms),
});
const agent = (ms: number, name: string, text: string): ConversationEvent => ({
  type: "message",
  id: `m${seq + 1}`,
  author: "agent",
  name,
  text,
  ...at(ms),
});
const state = (ms: number, s: "queued" | "agent" | "resolved" | "bot"): ConversationEvent => ({
  type: "state",
  state: s,
  ...at(ms),
});

const facts = (over: Partial<QualityFacts> = {}): QualityFacts => ({
  state: "resolved",
  helpfulVotes: 0,
  unhelpfulVotes: 0,
  botCorrected: false,
  slaTargetMs: 10 * MIN,
  agentId: (name) => ({ "Ana Lima": "ag_ana" })[name],
  tone: defaultSurgeConfig.validator,
  ...over,
});

describe("qualityInputs", () => {
  it("reads the bot's first answer time, the handoff, each agent's first reply, tone and a reopen", () => {
    const log = [
      customer(0, "This is useless, my card was charged twice!"),
      bot(800),
      state(1_000, "queued"),
      agent(4 * MIN, "Ana Lima", "Your fault for pressing twice. Check the API."),
      agent(5 * MIN, "Ana Lima", "It is refunded now."),
      state(6 * MIN, "resolved"),
      customer(2 * 86_400_000, "It came back"),
      state(2 * 86_400_000 + 1, "queued"),
      agent(2 * 86_400_000 + 20 * MIN, "Bo", "Sorry, fixed for good now."),
      state(2 * 86_400_000 + 30 * MIN, "resolved"),
    ];
    const i = qualityInputs(log, facts({ csat: 2 }));
    expect(i).toEqual({
      resolved: true,
      reopened: true,
      handedOff: true,
      botAnswers: 1,
      botFirstAnswerMs: 800,
      helpfulVotes: 0,
      unhelpfulVotes: 0,
      botCorrected: false,
      csat: 2,
      slaTargetMs: 10 * MIN,
      agents: [
        {
          id: "ag_ana",
          name: "Ana Lima",
          replies: 2,
          firstResponseMs: 4 * MIN - 1_000,
          // From her first reply to the last resolve (after the reopening).
          handleMs: 2 * 86_400_000 + 30 * MIN - 4 * MIN,
          toneIssues: [
            "uses jargon: api",
            'blaming or negative phrasing: "your fault"',
            "the customer complained and the reply has no apology or empathy",
          ],
          repliesWithToneIssues: 1,
        },
        {
          name: "Bo",
          replies: 1,
          firstResponseMs: 20 * MIN - 1,
          handleMs: 10 * MIN,
          toneIssues: [],
          repliesWithToneIssues: 0,
        },
      ],
    });
  });

  it("leaves out retracted messages and copies merged in from elsewhere; a late reopen does not count", () => {
    const answer = bot(500);
    const log: ConversationEvent[] = [
      customer(0, "hello"),
      answer,
      { type: "retract", messageId: answer.type === "message" ? answer.id : "", by: "Ana", ...at(600) },
      {
        type: "message",
        id: "mx",
        author: "agent",
        name: "Cy",
        text: "from the other one",
        origin: { conversationId: "other", kind: "merged" },
        ...at(700),
      } as ConversationEvent,
      state(1_000, "resolved"),
      state(8 * 86_400_000 + 2_000, "bot"),
    ];
    const i = qualityInputs(log, facts({ state: "bot" }));
    expect(i.botAnswers).toBe(0);
    expect(i.agents).toEqual([]);
    expect(i.reopened).toBe(false);
    expect(i.resolved).toBe(false);
  });
});

const base: QualityInputs = {
  resolved: true,
  reopened: false,
  handedOff: false,
  botAnswers: 2,
  botFirstAnswerMs: 700,
  helpfulVotes: 1,
  unhelpfulVotes: 0,
  botCorrected: false,
  csat: 5,
  slaTargetMs: 10 * MIN,
  agents: [],
};

describe("scoreConversation", () => {
  it("a bot-resolved, fast, voted-helpful, 5-star conversation scores 100 for the bot, tone not applicable", () => {
    const [c, ...rest] = scoreConversation("c1", base, defaultRubric, 1);
    expect(rest).toEqual([]);
    expect(c?.score).toBe(100);
    expect(c?.criteria.tone).toMatchObject({ value: null, weight: 1 });
    expect(c?.rubricVersion).toBe(0);
  });

  it("weights applicable criteria only, and gives the exact weighted mean", () => {
    // Bot: resolution 0 (handed off, unmarked), speed ramp (5.5 s → 0.5), accuracy 0 (not needed), csat n/a.
    const i: QualityInputs = {
      ...base,
      handedOff: true,
      handoffNeeded: false,
      botFirstAnswerMs: 5_500,
      csat: 4,
      agents: [
        {
          id: "a",
          name: "Ana",
          replies: 4,
          firstResponseMs: 20 * MIN,
          toneIssues: ["uses jargon: api"],
          repliesWithToneIssues: 1,
        },
      ],
    };
    const [b, a] = scoreConversation("c2", i, defaultRubric, 1);
    // (3·0 + 2·0.5 + 2·0) / (3+2+2) = 1/7
    expect(b?.score).toBe(Math.round(100 / 7));
    expect(b?.criteria.csat.value).toBeNull();
    // Agent: resolution 1 (w3), speed: 20 min on a 10 min target, zero at 30 → 0.5 (w2), tone 0.75 (w1), csat 0.75 (w2).
    expect(a?.part).toBe("agent:a");
    expect(a?.score).toBe(Math.round((100 * (3 * 1 + 2 * 0.5 + 1 * 0.75 + 2 * 0.75)) / 8));
    expect(a?.criteria.speed.reason).toBe("first reply 20 min after the handoff (target 10 min)");
  });

  it("is reproducible: the same inputs and rubric give the same cards; another rubric changes only what it weighs", () => {
    const i: QualityInputs = { ...base, reopened: true, csat: 3 };
    expect(scoreConversation("c3", i, defaultRubric, 5)).toEqual(scoreConversation("c3", i, defaultRubric, 5));
    const csatOnly = { version: 4, weights: { resolution: 0, speed: 0, accuracy: 0, tone: 0, csat: 1 }, createdAt: 1 };
    const [c] = scoreConversation("c3", i, csatOnly, 5);
    expect(c?.score).toBe(50);
    expect(c?.rubricVersion).toBe(4);
  });

  it("a handoff the agents marked needed is not held against the bot's resolution; a correction zeroes accuracy", () => {
    const [c] = scoreConversation(
      "c4",
      { ...base, handedOff: true, handoffNeeded: true, botCorrected: true, helpfulVotes: 3 },
      defaultRubric,
      1,
    );
    expect(c?.criteria.resolution.value).toBeNull();
    expect(c?.criteria.accuracy).toMatchObject({ value: 0 });
    expect(c?.score).toBe(Math.round((100 * (2 * 1)) / 4));
  });

  it("no applicable criterion: no score rather than a made-up one", () => {
    const [c] = scoreConversation(
      "c5",
      { ...base, botFirstAnswerMs: undefined, helpfulVotes: 0, handedOff: true, csat: undefined },
      { version: 1, weights: { resolution: 0, speed: 1, accuracy: 1, tone: 1, csat: 1 }, createdAt: 1 },
      1,
    );
    expect(c?.score).toBeNull();
  });
});
