// The bot's side of a turn: retrieve from the current KB, decide, and word the reply. The engine
// decides nothing itself; it streams and stores what this returns. Retrieval and wording are parts
// (worker/answer/parts.ts) chosen by configuration: the embedded engine by default, hybrid retrieval
// and an LLM composer when the deployment turns them on (worker/answer/ai/).
import type { Brain } from "../conversation/model.ts";
import { brainFrom, type BrainParts } from "./turn.ts";

export { articleUrl, brainFrom, kbLanguages, type BrainParts } from "./turn.ts";
import type { Meta } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import { defaultDecisionConfig, type DecisionConfig } from "./engine/config.ts";
import { currentKb, recordChoice } from "../knowledge/store.ts";
import { answerParts } from "./ai/index.ts";
import { actionTools } from "./ai/index.ts";
import { listActions } from "../actions/store.ts";
import { translator } from "./ai/translate.ts";
import { parseJson } from "../../shared/json.ts";
import * as z from "zod/mini";

/**
 * DECISION_CONFIG: any of the thresholds, each a number; unknown fields are ignored (as the config's
 * comment promises), a known one of another type is an error naming it.
 */
const decisionOverrides = z.partial(
  z.object(
    Object.fromEntries(Object.keys(defaultDecisionConfig).map((k) => [k, z.number()])) as Record<
      keyof DecisionConfig,
      z.ZodMiniNumber
    >,
  ),
);

/** Thresholds: the defaults chosen on the dev benchmark, overridable per deployment. */
export function decisionConfig(env: Pick<Env, "DECISION_CONFIG">): DecisionConfig {
  if (!env.DECISION_CONFIG) return defaultDecisionConfig;
  return { ...defaultDecisionConfig, ...parseJson(decisionOverrides, env.DECISION_CONFIG, "DECISION_CONFIG") };
}

export function brainParts(env: Env, defer?: (p: Promise<unknown>) => void): BrainParts {
  const { retriever, composer } = answerParts(env);
  const t = translator(env);
  const tools = actionTools(env);
  return {
    retriever,
    composer,
    ...(t ? { translator: t } : {}),
    ...(tools
      ? { chooseAction: async (ws: string, text: string) => tools.choose(text, await listActions(env.DB, ws)) }
      : {}),
    config: decisionConfig(env),
    loadKb: (ws) => currentKb(env, ws),
    learn: (ws, text, article, conversationId) => {
      const done = recordChoice(env, ws, { text, article }, conversationId).catch((e: unknown) =>
        console.warn(`[edgedesk] could not record a clarifying choice: ${String(e)}`),
      );
      defer?.(done);
    },
  };
}

export function makeBrain(env: Env, meta: () => Meta | null, defer?: (p: Promise<unknown>) => void): Brain {
  return brainFrom(brainParts(env, defer), meta);
}
