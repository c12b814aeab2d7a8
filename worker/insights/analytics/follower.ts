// The analytics follower (worker/conversation/outbox.ts): the log's events become `analytics_events`
// rows. INSERT OR IGNORE on (conversation, seq) makes a batch that runs twice (a restart between the
// write and the cursor's move) write each row once.
import type { Env } from "../../env.ts";
import { news } from "../../conversation/model.ts";
import type { Follower } from "../../conversation/outbox.ts";
import { categories, rowsFor, writeRows } from "./record.ts";

export const analyticsFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "analytics",
  kind: "events",
  batch: 500,
  async run({ meta, events: all }) {
    // Copies from a merge or split were counted in the conversation they came from (analytics rows are
    // keyed by conversation and seq, so a skipped seq leaves no gap that matters).
    const events = news(all);
    if (!events.length) return;
    const cats = await categories(env.DB, meta.workspaceId, events);
    await writeRows(
      env.DB,
      rowsFor(meta, events, (id) => cats.get(id) ?? null),
    );
  },
});
