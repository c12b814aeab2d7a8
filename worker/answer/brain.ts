// The bot's side of a turn: retrieve from the current KB, decide, and word the reply. The engine
// decides nothing itself; it streams and stores what this returns.
import type { Source } from "../../shared/protocol.ts";
import type { BotTurn, Brain } from "../conversation/engine.ts";
import { reply } from "../conversation/replies.ts";
import type { Meta } from "../conversation/store.ts";
import type { Env } from "../env.ts";
import { composeAnswer } from "../kb/compose.ts";
import { defaultDecisionConfig, type DecisionConfig } from "../kb/config.ts";
import { asksForPerson, decide } from "../kb/decide.ts";
import { retrieve, type Candidate } from "../kb/retrieve.ts";
import { currentKb } from "../knowledge/store.ts";

/** Thresholds: the defaults chosen on the dev benchmark, overridable per deployment. */
export function decisionConfig(env: Pick<Env, "DECISION_CONFIG">): DecisionConfig {
  if (!env.DECISION_CONFIG) return defaultDecisionConfig;
  return { ...defaultDecisionConfig, ...(JSON.parse(env.DECISION_CONFIG) as Partial<DecisionConfig>) };
}

export const articleUrl = (baseUrl: string, id: string) => `${baseUrl.replace(/\/$/, "")}/help/${encodeURIComponent(id)}`;

export function makeBrain(env: Env, meta: () => Meta | null): Brain {
  const config = decisionConfig(env);
  return {
    async turn(text, ctx): Promise<BotTurn> {
      const m = meta();
      const kb = m ? await currentKb(env, m.workspaceId) : null;
      if (!kb) {
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
      let r = retrieve(kb.index, text, { locale: ctx.locale });
      const d = decide(r, { text, locale: ctx.locale, priorLowConfidence: ctx.priorLowConfidence, priorFailures: ctx.priorFailures }, config);
      if (d.reason === "asked-for-person") {
        // "I want a person" says nothing of the problem: route on what the customer asked before.
        r = ctx.earlier.length ? retrieve(kb.index, ctx.earlier.join("\n"), { locale: ctx.locale }) : { ...r, candidates: [] };
        const top = r.candidates[0];
        if (top && top.score >= config.answerMinConfidence) d.article = top;
        else delete d.article;
      }
      const source = (c: Candidate): Source => ({ articleId: c.articleId, title: c.title, url: articleUrl(m?.baseUrl ?? "", c.articleId) });
      const a = d.article;
      const lowConfidence = d.reason === "low-confidence" || d.reason === "low-confidence-after-rephrase";
      const text_ =
        d.action === "answer" && a ? composeAnswer(text, a) : reply(ctx.locale, d.reason === "out-of-scope" ? "decline" : "unsure");
      return {
        action: d.action,
        reason: d.reason,
        confidence: d.confidence,
        text: text_,
        sources: d.action === "answer" && a ? [source(a)] : [],
        ...(a ? { article: { id: a.articleId, title: a.title, category: a.article.category, team: a.team, priority: a.priority } } : {}),
        tried: r.candidates.slice(0, 3).map((c) => ({ articleId: c.articleId, title: c.title, score: Math.round(c.score * 1000) / 1000 })),
        lowConfidence,
      };
    },
  };
}
