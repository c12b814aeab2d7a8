// The conversation's `quality` follower: when it ends, and again when something that changes its score
// happens afterwards (reopened, rated, the handoff marked needed or not), its scorecards are made anew
// from the whole log. Scoring is idempotent (the rows are replaced), so a batch that runs twice is harmless.
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Follower, FollowerPorts } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";
import { scoreNow } from "./job.ts";

const rescores = (e: ConversationEvent): boolean =>
  e.type === "state" || e.type === "csat" || (e.type === "change" && e.handoffNeeded !== undefined);

export const qualityFollower = (
  env: Pick<Env, "DB" | "SURGE_CONFIG" | "ROUTING_MATRIX">,
  ports: FollowerPorts,
): Follower => ({
  name: "quality",
  kind: "events",
  batch: 500,
  async run({ meta, events }) {
    if (!events.some(rescores)) return;
    const history = ports.history();
    // Scored once it has ended at least once: an open conversation has no verdict yet.
    if (!history.some((e) => e.type === "state" && e.state === "resolved")) return;
    await scoreNow(env, meta, history);
  },
});
