// The webhooks-and-Slack follower (worker/conversation/outbox.ts): the log's events become webhook
// events handed to the workspace's Notifier, which owns delivery and retries from there. Event ids
// derive from the conversation and seq, and the Notifier takes each (event, endpoint) once, so a batch
// handed twice delivers once.
import { inboxItemOf, news } from "../../conversation/model.ts";
import type { Follower, FollowerPorts } from "../../conversation/outbox.ts";
import type { Env } from "../../env.ts";
import { eventsFor } from "./events.ts";
import { notifierOf } from "./index.ts";

export const notifyFollower = (env: Env, ports: Pick<FollowerPorts, "lastText" | "lastRid" | "now">): Follower => ({
  name: "notify",
  kind: "events",
  batch: 100,
  async run({ meta, events, first }) {
    const item = inboxItemOf(meta, ports.lastText(), ports.now());
    // A merge or split copies history: those messages were news in the conversation they came from.
    const out = eventsFor(meta, item, news(events), first, env.PUBLIC_URL);
    if (!out.length) return;
    await notifierOf(env, meta.workspaceId).enqueue(meta.workspaceId, out, ports.lastRid() ?? undefined);
  },
});
