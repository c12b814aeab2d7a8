import { describe, expect, it } from "vitest";
import { defaultRubric, type QualityInputs } from "../../shared/quality.ts";
import { performance, performanceCsv, percentile } from "./performance.ts";
import { scoreConversation } from "./score.ts";

const MIN = 60_000;
const inputs = (over: Partial<QualityInputs>, agents: QualityInputs["agents"]): QualityInputs => ({
  resolved: true,
  reopened: false,
  handedOff: true,
  botAnswers: 0,
  helpfulVotes: 0,
  unhelpfulVotes: 0,
  botCorrected: false,
  slaTargetMs: 10 * MIN,
  ...over,
  agents,
});
const part = (id: string, name: string, frt: number, handle: number) => ({
  id,
  name,
  replies: 1,
  firstResponseMs: frt,
  handleMs: handle,
  toneIssues: [],
  repliesWithToneIssues: 0,
});

const cards = [
  ...scoreConversation("c1", inputs({ csat: 5 }, [part("a", "Ana", 2 * MIN, 10 * MIN)]), defaultRubric, 1),
  ...scoreConversation("c2", inputs({ reopened: true }, [part("a", "Ana", 8 * MIN, 30 * MIN)]), defaultRubric, 2),
  ...scoreConversation(
    "c3",
    inputs({ csat: 2 }, [part("a", "Ana", 4 * MIN, 20 * MIN), part("b", "Bo", 6 * MIN, 5 * MIN)]),
    defaultRubric,
    3,
  ),
];

describe("percentile", () => {
  it("nearest rank", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 90)).toBe(4);
    expect(percentile([], 50)).toBeNull();
  });
});

describe("performance", () => {
  const people = [
    { id: "a", name: "Ana", teams: ["billing"], load: 2, capacity: 5 },
    { id: "b", name: "Bo", teams: ["billing", "vip"] },
    { id: "c", name: "Cy", teams: [] },
  ];
  const p = performance(cards, people);

  it("gives each agent their handled count, percentiles, rates, rating and quality", () => {
    const ana = p.agents.find((r) => r.key === "a");
    expect(ana).toMatchObject({
      handled: 3,
      firstResponseP50: 4 * MIN,
      firstResponseP90: 8 * MIN,
      handleP50: 20 * MIN,
      handleP90: 30 * MIN,
      resolutionRate: 0.667,
      reopenRate: 0.333,
      csat: 3.5,
      csatCount: 2,
      load: 2,
      capacity: 5,
      teams: ["billing"],
    });
    expect(ana?.quality).toBeGreaterThan(0);
    // Someone with nothing in the period is still listed.
    expect(p.agents.find((r) => r.key === "c")).toMatchObject({ handled: 0, firstResponseP50: null, quality: null });
  });

  it("a team is the cards of its agents", () => {
    expect(p.teams.map((t) => [t.key, t.handled])).toEqual([
      ["billing", 4],
      ["vip", 1],
    ]);
  });

  it("an override counts instead of the automatic score", () => {
    const [first, ...rest] = cards;
    if (!first) throw new Error("no card");
    const overridden = [{ ...first, override: { score: 0, comment: "x", by: { id: "o", name: "O" }, at: 1 } }, ...rest];
    const before = performance(cards, people).agents[0]?.quality ?? 0;
    const after = performance(overridden, people).agents[0]?.quality ?? 0;
    expect(after).toBeLessThan(before);
  });

  it("CSV: seconds, one line per agent and team, formula-like names defused", () => {
    const csv = performanceCsv(performance(cards, [...people, { id: "x", name: "=HYPERLINK(1)", teams: [] }]));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe(
      "kind,name,handled,first_response_p50_s,first_response_p90_s,handle_p50_s,handle_p90_s,resolution_rate,reopen_rate,csat,csat_count,quality,load_now,capacity,available_s,occupancy",
    );
    expect(lines[1]?.startsWith("agent,Ana,3,240,480,1200,1800,0.667,0.333,3.5,2,")).toBe(true);
    expect(lines).toContain("agent,'=HYPERLINK(1),0,,,,,,,,0,,,,,");
    expect(lines.filter((l) => l.startsWith("team,"))).toHaveLength(2);
  });

  it("time available and load against capacity: handle time over available slot-time, per agent and team", () => {
    const timed = performance(cards, [
      { id: "a", name: "Ana", teams: ["billing"], capacity: 2, availableMs: 60 * MIN },
      { id: "b", name: "Bo", teams: ["billing"], capacity: 1, availableMs: 10 * MIN },
    ]);
    // Ana handled 10 + 30 + 20 = 60 minutes in 60 available minutes with 2 slots: half her capacity.
    expect(timed.agents[0]).toMatchObject({ availableMs: 60 * MIN, occupancy: 0.5 });
    // Bo: 5 minutes in 10 with 1 slot.
    expect(timed.agents[1]).toMatchObject({ availableMs: 10 * MIN, occupancy: 0.5 });
    // The team: 65 minutes over 60×2 + 10×1 = 130 slot-minutes.
    expect(timed.teams[0]).toMatchObject({ key: "billing", availableMs: 70 * MIN, occupancy: 0.5 });
    // Never available: no figure rather than a division by zero.
    expect(performance(cards, [{ id: "a", name: "Ana", teams: [], availableMs: 0 }]).agents[0]?.occupancy).toBeNull();
    const csv = performanceCsv(timed).split("\r\n");
    expect(csv[1]?.endsWith(",3600,0.5")).toBe(true);
  });
});
