// A sweep's stored plan and inputs read back through their schemas: equal to what was stored (so a
// replay recomputes the same hash), and refused with the path when they do not fit.
import { describe, expect, it } from "vitest";
import { DataError, parseJson } from "../../../shared/json.ts";
import { surgePlanSchema } from "../../../shared/surge.ts";
import { defaultSafeguards, defaultSurgeConfig } from "./config.ts";
import { planInputs } from "./formats.ts";
import { buildPlan } from "./plan.ts";
import type { KbHit, PlanInput } from "./propose.ts";

const hit: KbHit = {
  articleId: "export-photos",
  title: "Export your photos",
  url: "https://help.example/help/export-photos",
  score: 0.8,
  handoff: "never",
  team: "support",
  category: "library",
  answer: "Open the library. Pick the photos. Tap Export and choose a folder.",
  published: true,
};
const inputs: PlanInput[] = [
  { id: "c1", text: "How do I export my photos?", createdAt: 1, channel: "web", vip: false, team: "support", hit },
  { id: "c2", text: "export my photos please", createdAt: 2, slaDueAt: 9, channel: "email", vip: true },
  { id: "c3", text: "delete my data", createdAt: 3, channel: "web", vip: false, hit: { ...hit, handoff: "always" } },
];

describe("stored sweep data", () => {
  it("reads back the plan and inputs as stored, and a replay from them gives the same hash", async () => {
    const req = { inputs, safeguards: defaultSafeguards, tuning: {}, config: defaultSurgeConfig };
    const plan = await buildPlan(req);
    const readPlan = parseJson(surgePlanSchema, JSON.stringify(plan), "surge_sweeps.plan");
    const readInputs = parseJson(planInputs, JSON.stringify(inputs), "surge_sweeps.inputs");
    expect(readPlan).toEqual(plan);
    expect(readInputs).toEqual(inputs);
    expect((await buildPlan({ ...req, inputs: readInputs })).hash).toBe(plan.hash);
  });

  it("refuses a plan or inputs that do not fit, naming where", async () => {
    const plan = await buildPlan({ inputs, safeguards: defaultSafeguards, tuning: {}, config: defaultSurgeConfig });
    const bad = { ...plan, steps: plan.steps.map((s, i) => (i === 1 ? { ...s, action: "close" } : s)) };
    expect(() => parseJson(surgePlanSchema, JSON.stringify(bad), "surge_sweeps.plan of s1")).toThrow(
      new DataError(`surge_sweeps.plan of s1 is not valid: steps.1.action: expected "draft" or "escalate" or "leave"`),
    );
    const noText = inputs.map(({ text: _t, ...rest }) => rest);
    expect(() => parseJson(planInputs, JSON.stringify(noText), "surge_sweeps.inputs")).toThrow(
      /inputs is not valid: 0\.text: /,
    );
    expect(() => parseJson(planInputs, "{", "surge_sweeps.inputs")).toThrow(/surge_sweeps.inputs is not JSON/);
  });
});
