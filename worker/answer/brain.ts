// The bot's side of a turn: retrieve from the current KB, decide, and word the reply. The engine
// decides nothing itself; it streams and stores what this returns. Retrieval and wording are parts
// (worker/answer/parts.ts) chosen by configuration: the embedded engine by default, hybrid retrieval
// and an LLM composer when the deployment turns them on (worker/answer/ai/).
import type { Source } from "../../shared/protocol.ts";
import type { BotTurn, Brain } from "../conversation/engine.ts";
import { reply } from "../conversation/replies.ts";
import type { Meta } from "../conversation/store.ts";
import type { Env } from "../env.ts";
import { defaultDecisionConfig, type DecisionConfig } from "../kb/config.ts";
import { asksForPerson, decide } from "../kb/decide.ts";
import type { Candidate } from "../kb/retrieve.ts";
import { currentKb, type LoadedKb } from "../knowledge/store.ts";
import { answerParts } from "./ai/index.ts";
import type { Composer, Retriever } from "./parts.ts";

/** Thresholds: the defaults chosen on the dev benchmark, overridable per deployment. */
export function decisionConfig(env: Pick<Env, "DECISION_CONFIG">): DecisionConfig {
  if (!env.DECISION_CONFIG) return defaultDecisionConfig;
  return { ...defaultDecisionConfig, ...(JSON.parse(env.DECISION_CONFIG) as Partial<DecisionConfig>) };
}

/** The article's page in the workspace's help centre (worker/portal/). */
export const articleUrl = (baseUrl: string, workspaceId: string, id: string) =>
  `${baseUrl.replace(/\/$/, "")}/hc/${encodeURIComponent(workspaceId)}/articles/${encodeURIComponent(id)}`;

export type BrainParts = {
  retriever: Retriever;
  composer: Composer;
  config: DecisionConfig;
  loadKb(workspaceId: string): Promise<LoadedKb | null>;
};

export function brainParts(env: Env): BrainParts {
  const { retriever, composer } = answerParts(env);
  return { retriever, composer, config: decisionConfig(env), loadKb: (ws) => currentKb(env, ws) };
}

export function makeBrain(env: Env, meta: () => Meta | null): Brain {
  return brainFrom(brainParts(env), meta);
}

export function brainFrom(parts: BrainParts, meta: () => Meta | null): Brain {
  const { retriever, composer, config } = parts;
  return {
    async turn(text, ctx): Promise<BotTurn> {
      const m = meta();
      const kb = m ? await parts.loadKb(m.workspaceId) : null;
      if (!m || !kb) {
        // Nothing published yet: never guess, offer a person.
        const person = asksForPerson(text);
        return {
          action: person ? "handoff" : "decline",
          reason: person ? "asked-for-person" : "no-knowledge-base",
          confidence: 0,
          text: reply(ctx.locale, "decline"),
          sources: [],
          tried: [],
          lowConfidence: true,
        };
      }
      let r = await retriever.retrieve(kb, m.workspaceId, text, ctx.locale);
      const d = decide(
        r,
        { text, locale: ctx.locale, priorLowConfidence: ctx.priorLowConfidence, priorFailures: ctx.priorFailures },
        config,
      );
      if (d.reason === "asked-for-person") {
        // "I want a person" says nothing of the problem: route on what the customer asked before.
        r = ctx.earlier.length
          ? await retriever.retrieve(kb, m.workspaceId, ctx.earlier.join("\n"), ctx.locale)
          : { ...r, candidates: [] };
        const top = r.candidates[0];
        if (top && top.score >= config.answerMinConfidence) d.article = top;
        else delete d.article;
      }
      const source = (c: Candidate): Source => ({
        articleId: c.articleId,
        title: c.title,
        url: articleUrl(m.baseUrl, m.workspaceId, c.articleId),
      });
      const a = d.article;
      const base = {
        confidence: d.confidence,
        ...(a
          ? {
              article: {
                id: a.articleId,
                title: a.title,
                category: a.article.category,
                team: a.team,
                priority: a.priority,
              },
            }
          : {}),
        tried: r.candidates
          .slice(0, 3)
          .map((c) => ({ articleId: c.articleId, title: c.title, score: Math.round(c.score * 1000) / 1000 })),
      };
      if (d.action === "answer" && a) {
        const composed = await composer.compose({ text, locale: ctx.locale, article: a, retrieval: r, source });
        if (composed.kind === "answer") {
          return {
            ...base,
            action: "answer",
            reason: d.reason,
            text: composed.text,
            sources: composed.sources,
            ...(composed.citedSources ? { citedSources: composed.citedSources } : {}),
            lowConfidence: false,
          };
        }
        // The composer found the passages do not answer this: as unsure as low retrieval confidence,
        // so a second miss hands off like any low-confidence rephrase.
        const again = ctx.priorLowConfidence >= 1;
        return {
          ...base,
          action: again ? "handoff" : "decline",
          reason: again ? "low-confidence-after-rephrase" : "not-in-sources",
          text: reply(ctx.locale, "unsure"),
          sources: [],
          lowConfidence: true,
        };
      }
      const lowConfidence = d.reason === "low-confidence" || d.reason === "low-confidence-after-rephrase";
      return {
        ...base,
        action: d.action,
        reason: d.reason,
        text: reply(ctx.locale, d.reason === "out-of-scope" ? "decline" : "unsure"),
        sources: [],
        lowConfidence,
      };
    },
  };
}
