// The knowledge follower (worker/conversation/outbox.ts): each bot decision (kept beside its message in
// the conversation's log) becomes a `bot_turns` row for the gaps report and article figures. A row is
// written only when none exists for its (conversation, message), so a decision handed twice counts once.
import type { Follower, FollowerPorts } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";
import { recordTurn } from "./signals.ts";

export const knowledgeFollower = (env: Pick<Env, "DB">, ports: Pick<FollowerPorts, "turn" | "dropTurn">): Follower => ({
  name: "knowledge",
  kind: "events",
  batch: 100,
  async run({ meta, events }) {
    for (const e of events) {
      if (e.type !== "message" || e.author !== "bot") continue;
      const t = ports.turn(e.id);
      if (!t) continue;
      await recordTurn(env.DB, meta, t);
      ports.dropTurn(e.id);
    }
  },
});
