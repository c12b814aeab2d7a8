// The analytics follower (worker/conversation/outbox.ts): the log's events become `analytics_events`
// rows. INSERT OR IGNORE on (conversation, seq) makes a batch that runs twice (a restart between the
// write and the cursor's move) write each row once.
import type { Env } from "../../env.ts";
import type { Follower } from "../../conversation/outbox.ts";
import { categories, rowsFor, writeRows } from "./record.ts";

export const analyticsFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "analytics",
  kind: "events",
  batch: 500,
  async run({ meta, events }) {
    if (!events.length) return;
    const cats = await categories(env.DB, meta.workspaceId, events);
    await writeRows(
      env.DB,
      rowsFor(meta, events, (id) => cats.get(id) ?? null),
    );
  },
});
