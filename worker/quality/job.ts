// Scoring one conversation now: its log (from its own object), the facts kept in D1 (answer votes, an
// editor's article link, agents' ids), the SLA target of its handoff and the rubric. Run by the
// conversation's `quality` follower when it ends (or is reopened, rated, or its handoff marked), and by
// an owner's re-score.
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Rubric, Scorecard } from "../../shared/quality.ts";
import type { Meta } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import { loadMatrix, targetMs } from "../inbox/routing/matrix.ts";
import { surgeConfig } from "../insights/surge/config.ts";
import { qualityInputs } from "./inputs.ts";
import { scoreConversation } from "./score.ts";
import { currentRubric, saveScorecards } from "./store.ts";

type Facts = { helpful: number; unhelpful: number; corrected: number };

export async function scoreNow(
  env: Pick<Env, "DB" | "SURGE_CONFIG" | "ROUTING_MATRIX">,
  meta: Meta,
  history: readonly ConversationEvent[],
  rubric?: Rubric,
  now = Date.now(),
): Promise<Scorecard[]> {
  const ws = meta.workspaceId;
  const given = new Set(
    history.flatMap((e) =>
      e.type === "message" && e.author === "bot" ? (e.sources ?? []).map((s) => s.articleId) : [],
    ),
  );
  const [facts, people, chosen] = await Promise.all([
    env.DB.prepare(
      `SELECT
         (SELECT COUNT(*) FROM answer_votes WHERE conversation_id = ?1 AND workspace_id = ?2 AND helpful = 1) AS helpful,
         (SELECT COUNT(*) FROM answer_votes WHERE conversation_id = ?1 AND workspace_id = ?2 AND helpful = 0) AS unhelpful,
         (SELECT COUNT(*) FROM resolved_questions WHERE conversation_id = ?1 AND workspace_id = ?2
            AND article_id NOT IN (SELECT value FROM json_each(?3))) AS corrected`,
    )
      .bind(meta.id, ws, JSON.stringify([...given]))
      .first<Facts>(),
    env.DB.prepare("SELECT id, name FROM workspace_people WHERE workspace_id = ?")
      .bind(ws)
      .all<{ id: string; name: string }>(),
    rubric ? Promise.resolve(rubric) : currentRubric(env.DB, ws),
  ]);
  // A name shared by two people is not an identity: that part stays keyed by name.
  const byName = new Map<string, string | null>();
  for (const p of people.results) byName.set(p.name, byName.has(p.name) ? null : p.id);
  const matrix = loadMatrix(env);
  const packet = meta.handoff;
  const slaTargetMs =
    packet?.slaDueAt !== undefined
      ? Math.max(60_000, packet.slaDueAt - packet.at)
      : targetMs(matrix, packet?.tier ?? matrix.defaultTier);
  const inputs = qualityInputs(history, {
    state: meta.state,
    csat: meta.csat?.score,
    handoffNeeded: meta.handoffNeeded?.needed,
    helpfulVotes: facts?.helpful ?? 0,
    unhelpfulVotes: facts?.unhelpful ?? 0,
    botCorrected: (facts?.corrected ?? 0) > 0,
    slaTargetMs,
    agentId: (name) => {
      if (meta.assignedAgentName === name && meta.assignedAgentId) return meta.assignedAgentId;
      return byName.get(name) ?? undefined;
    },
    tone: surgeConfig(env).validator,
  });
  const cards = scoreConversation(meta.id, inputs, chosen, now);
  await saveScorecards(env.DB, ws, meta.id, cards);
  return cards;
}
