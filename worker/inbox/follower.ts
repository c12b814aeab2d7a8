// The inbox follower (worker/conversation/outbox.ts): a conversation that left the bot is kept in its
// workspace's inbox as it is now. An upsert of the current state, so running it twice changes nothing.
import { inboxItemOf } from "../conversation/model.ts";
import type { Follower, FollowerPorts } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";

export const inboxOf = (env: Pick<Env, "INBOX">, workspaceId: string) =>
  env.INBOX.get(env.INBOX.idFromName(workspaceId));

export const inboxFollower = (
  env: Pick<Env, "INBOX">,
  ports: Pick<FollowerPorts, "lastText" | "lastAuthor" | "now">,
): Follower => ({
  name: "inbox",
  kind: "state",
  async run({ meta: m }) {
    // The inbox holds what people work on: conversations that left the bot, once they are queued, and
    // those an agent opened towards a customer (outreach).
    if (!(m.handoff || m.outreach) || m.handingOff) return;
    await inboxOf(env, m.workspaceId).upsert(
      inboxItemOf(m, ports.lastText(), ports.now(), ports.lastAuthor()),
      m.workspaceId,
    );
  },
});
