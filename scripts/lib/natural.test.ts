// The held-out natural question set for the demo help centre (tests/fixtures/lumen-natural.jsonl,
// written for issue #15 before any tuning; never tuned on) through the bot's real turn, language from
// the text. The floors are what was measured when it was last run (docs/quality.md), so a change that
// makes the demo help centre's first day worse fails here. The bars (85 % right, every handoff)
// are NOT all met: see docs/quality.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateSet, type LabelledQuestion } from "./natural.ts";

const questions = readFileSync("tests/fixtures/lumen-natural.jsonl", "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as LabelledQuestion);

// Each case publishes the demo KB and asks 105 questions (the first also loads the language detector):
// ~3 s on an idle machine, over vitest's default 5 s when the 2 cores are shared.
const SLOW = { timeout: 30_000 };

describe("demo help centre, natural held-out questions, no history", () => {
  it("answers most with the right article, few wrongly, hands off the cases a person must take", SLOW, async () => {
    const { figures: f } = await evaluateSet("kb", questions);
    expect(f.answerable).toBe(73);
    // The bars: at least 85 % right, at most 3 % wrong, every handoff (66 of 73, 2.9 %, 12 of 12
    // since the demo's questions: blocks).
    expect(f.answeredRight / f.answerable).toBeGreaterThanOrEqual(0.85);
    expect(f.answeredRight).toBeGreaterThanOrEqual(66); // 90.4 %
    expect(f.wrongPct).toBeLessThanOrEqual(3);
    expect(f.handedOff).toBe(f.handoffs);
    expect(f.noneNotAnswered).toBeGreaterThanOrEqual(19); // of 20
    // Chit-chat is declined, not handed to a person: 15 of the 20 (16 before the questions: blocks).
    expect(f.noneDeclined).toBeGreaterThanOrEqual(15);
  });

  it("answers more when the customer answers 'Do you mean …?'", SLOW, async () => {
    const { figures: f } = await evaluateSet("kb", questions, { clarify: true });
    expect(f.answeredRight).toBeGreaterThanOrEqual(68); // 93.2 %
    expect(f.wrongPct).toBeLessThanOrEqual(3);
  });
});
