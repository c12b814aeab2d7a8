// Effort saved, from the constants in config.ts (assumptions, stated in the report): what a person
// would have spent doing the step by hand, minus what reviewing it in the plan costs.
import type { SurgeAction } from "../../../shared/surge.ts";
import type { EffortConstants } from "./config.ts";

export function effortMinutes(action: SurgeAction, e: EffortConstants): number {
  const manual =
    action === "draft"
      ? e.triageMinutes + e.replyMinutes
      : action === "escalate"
        ? e.triageMinutes + e.escalateMinutes
        : e.triageMinutes;
  return Math.max(0, manual - e.reviewMinutes);
}

/** "about 2 h", "about 45 min": a round figure, since the constants are estimates. */
export function aboutTime(minutes: number): string {
  if (minutes < 60) return `about ${Math.round(minutes)} min`;
  const h = Math.round((minutes / 60) * 2) / 2;
  return `about ${h} h`;
}
