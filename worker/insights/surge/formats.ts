// What a sweep stores besides its plan (shared/surge.ts surgePlanSchema): the inputs the plan was
// computed from (surge_sweeps.inputs), read back through a schema so a replay recomputes from data
// that is known to have the shape buildPlan expects.
import * as z from "zod/mini";
import type { PlanInput } from "./propose.ts";

const kbHit = z.object({
  articleId: z.string(),
  title: z.string(),
  url: z.string(),
  score: z.number(),
  handoff: z.enum(["never", "always"]),
  team: z.string(),
  category: z.string(),
  answer: z.string(),
  published: z.boolean(),
});

export const planInputs = z.array(
  z.object({
    id: z.string(),
    text: z.string(),
    createdAt: z.number(),
    slaDueAt: z.optional(z.number()),
    priority: z.optional(z.string()),
    category: z.optional(z.string()),
    channel: z.string(),
    mailsReplies: z.optional(z.boolean()),
    vip: z.boolean(),
    team: z.optional(z.string()),
    hit: z.optional(kbHit),
  }),
);
const _isInputs: z.ZodMiniType<PlanInput[]> = planInputs;
void _isInputs;

/** An audit row's inputs or outputs: any JSON the step recorded. */
export const auditJson = z.unknown();
