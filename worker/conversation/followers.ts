// The one place where what follows from a conversation is registered: each follower catches up with
// the conversation's log through the outbox (outbox.ts), retried until it succeeds, idempotent.
// The conversation's own D1 rows (its index row, its rating, the handoff verdict) are written here;
// the rest lives with the context it serves.
import { actionsFollower } from "../actions/follower.ts";
import { emailRepliesFollower } from "../channels/email/conversation.ts";
import { followUpFollower } from "../channels/email/follow-up.ts";
import type { Env } from "../env.ts";
import { inboxFollower } from "../inbox/follower.ts";
import { mentionsFollower } from "../inbox/mentions.ts";
import { remindersFollower } from "../inbox/reminders.ts";
import { analyticsFollower } from "../insights/analytics/follower.ts";
import { notifyFollower } from "../insights/notify/follower.ts";
import { knowledgeFollower } from "../knowledge/follower.ts";
import type { SubjectIndex } from "../privacy/subjects.ts";
import { healthFollower } from "../insights/customers/follower.ts";
import { qualityFollower } from "../quality/follower.ts";
import { searchFollower } from "../search/follower.ts";
import { type MergePeers, mergeFollower } from "./merge.ts";
import { inboxItemOf } from "./model.ts";
import type { Follower, FollowerPorts } from "./outbox.ts";

export function followersOf(env: Env, ports: FollowerPorts, subjects: SubjectIndex): Follower[] {
  return [
    indexFollower(env, ports),
    inboxFollower(env, ports),
    remindersFollower(env),
    mentionsFollower(env),
    analyticsFollower(env),
    notifyFollower(env, ports),
    emailRepliesFollower(env, ports),
    followUpFollower(env, ports),
    knowledgeFollower(env, ports),
    csatFollower(env),
    handoffMarkFollower(env),
    { name: "privacy-subjects", kind: "state", run: ({ meta }) => subjects.index(meta) },
    searchFollower(env),
    qualityFollower(env, ports),
    healthFollower(env, ports),
    mergeFollower(mergePeers(env), ports),
    actionsFollower(env),
  ];
}

/**
 * The other conversations a merge or split writes to, through their own objects. A refusal there is an
 * answer, not a failure to retry (the kept conversation was erased since, say): it is logged and the
 * follower moves on; anything else throws, and the outbox tries again.
 */
function mergePeers(env: Env): MergePeers {
  const stub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
  const settled = (what: string, r: { ok: true } | { ok: false; error: string; message: string }) => {
    if (!r.ok) console.error(JSON.stringify({ at: "merge", what, refused: r.error, message: r.message }));
  };
  return {
    absorb: async (into, from, items, opening) => settled("absorb", await stub(into).absorb(from, items, opening)),
    openSplit: async (seed) => settled("split", await stub(seed.id).openSplit(seed)),
    async linkContact(contactId, conversationId, channel) {
      await env.DB.prepare(
        "INSERT OR IGNORE INTO contact_conversations (contact_id, conversation_id, channel, created_at) VALUES (?, ?, ?, ?)",
      )
        .bind(contactId, conversationId, channel, Date.now())
        .run();
    },
  };
}

/** The console's list and search read the D1 `conversations` row: an upsert of the record as it is now. */
const indexFollower = (env: Pick<Env, "DB">, ports: Pick<FollowerPorts, "lastText" | "now">): Follower => ({
  name: "index",
  kind: "state",
  async run({ meta: m }) {
    const item = inboxItemOf(m, ports.lastText(), ports.now());
    await env.DB.prepare(
      `INSERT INTO conversations (id, workspace_id, site_key, channel, state, locale, page_url, preview, reason, team, priority, assigned_agent_id, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
       ON CONFLICT (id) DO UPDATE SET state = ?5, preview = CASE WHEN ?8 = '' THEN preview ELSE ?8 END, reason = ?9, team = ?10,
         priority = ?11, assigned_agent_id = ?12, updated_at = ?14`,
    )
      .bind(
        m.id,
        m.workspaceId,
        m.siteKey,
        m.channel,
        item.state,
        m.locale,
        m.pageUrl ?? null,
        item.preview,
        item.reason ?? null,
        item.team ?? null,
        item.priority ?? null,
        m.assignedAgentId ?? null,
        item.createdAt,
        item.updatedAt,
      )
      .run();
  },
});

/** The rating, where CSAT is computed across conversations; the first one stands (ON CONFLICT DO NOTHING). */
const csatFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "csat",
  kind: "events",
  async run({ meta: m, events }) {
    const e = events.find((x) => x.type === "csat");
    if (e?.type !== "csat") return;
    await env.DB.prepare(
      `INSERT INTO csat (conversation_id, workspace_id, score, comment, agent_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING`,
    )
      .bind(m.id, m.workspaceId, e.score, e.comment ?? null, m.assignedAgentId ?? null, e.at)
      .run();
  },
});

/** The agent's "was this handoff needed?", where escalation accuracy is computed: the latest verdict stands. */
const handoffMarkFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "handoff-mark",
  kind: "events",
  async run({ meta: m, events }) {
    if (!events.some((e) => e.type === "change" && e.handoffNeeded !== undefined)) return;
    const v = m.handoffNeeded;
    if (!v) return;
    await env.DB.prepare(
      `INSERT INTO handoff_marks (conversation_id, workspace_id, needed, reason, agent_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
       ON CONFLICT (conversation_id) DO UPDATE SET needed = ?3, reason = ?4, agent_id = ?5, updated_at = ?6`,
    )
      .bind(m.id, m.workspaceId, v.needed ? 1 : 0, m.handoff?.reason ?? null, m.handoffNeededBy ?? null, v.at)
      .run();
  },
});
