// One bot turn, pure: the customer's language, retrieval from the current KB, decide(), and the
// wording of the reply. No bindings: brain.ts gives it its parts; the offline evaluators (scripts/
// eval-natural.ts) run the very same function in Node.
import type { Source } from "../../shared/protocol.ts";
import { reply, replyLocale } from "../conversation/replies.ts";
import type { Meta } from "../conversation/model.ts";
import type { DecisionConfig } from "./engine/config.ts";
import { composeAnswer } from "./engine/compose.ts";
import { asksForPerson, clarifyOptions, decide } from "./engine/decide.ts";
import type { LoadedKb } from "./engine/index.ts";
import type { Candidate } from "./engine/retrieve.ts";
import { chooseLanguage, LANGUAGE_NAMES } from "./language.ts";
import type { Composer, Retriever } from "./parts.ts";
import { smallTalk } from "./smalltalk.ts";
import type { BotTurn, Brain, Translate } from "./turn-types.ts";

/** The article's page in the workspace's help centre (worker/channels/portal/). */
export const articleUrl = (baseUrl: string, workspaceId: string, id: string) =>
  `${baseUrl.replace(/\/$/, "")}/hc/${encodeURIComponent(workspaceId)}/articles/${encodeURIComponent(id)}`;

/** How an answer cites an article: its title and its help-centre page. */
export const sourceIn =
  (baseUrl: string, workspaceId: string) =>
  (c: Candidate): Source => ({
    articleId: c.articleId,
    title: c.title,
    url: articleUrl(baseUrl, workspaceId, c.articleId),
  });

export type BrainParts = {
  retriever: Retriever;
  composer: Composer;
  config: DecisionConfig;
  loadKb(workspaceId: string): Promise<LoadedKb | null>;
  /** Machine translation (worker/answer/ai/translate.ts), when the deployment has it. */
  translator?: Translate | undefined;
  /** Records a question → article the customer confirmed (a clarifying choice), for the next training. */
  learn?(workspaceId: string, question: string, articleId: string, conversationId: string): void;
  /**
   * The LLM path's actions as tools (ai/tools.ts): the action a model picks for this message, with the
   * customer's values it found; null leaves the turn to the articles. Absent without COMPOSER=llm.
   */
  chooseAction?(workspaceId: string, text: string): Promise<{ name: string; given: Record<string, string> } | null>;
};

/** The languages a KB has articles in (two-letter codes). */
export function kbLanguages(kb: LoadedKb): string[] {
  return [...new Set(kb.index.articles.map((a) => a.locale.slice(0, 2).toLowerCase()))];
}

export function brainFrom(parts: BrainParts, meta: () => Meta | null): Brain {
  const { retriever, composer, config } = parts;
  return {
    async turn(text, ctx): Promise<BotTurn> {
      const m = meta();
      const kb = m ? await parts.loadKb(m.workspaceId) : null;
      const langs = kb ? kbLanguages(kb) : [];
      // The customer's language, from what they wrote (else the conversation's so far).
      const locale = (await chooseLanguage(text, ctx.locale, langs)).lang;
      const said = (key: Parameters<typeof reply>[1], params: Record<string, string> = {}) => ({
        text: reply(locale, key, params),
        locale,
        textLocale: replyLocale(locale, key),
      });
      const person = asksForPerson(text);
      const talk = person ? null : smallTalk(text);
      if (talk) {
        // "hi" or "thanks": a kind word back, neither a miss nor a reason to bring in a person.
        return {
          action: "decline",
          reason: "small-talk",
          confidence: 0,
          ...said(talk),
          sources: [],
          tried: [],
          lowConfidence: false,
        };
      }
      // The model may pick one of the workspace's actions first; it runs through the same gates as an
      // article's `action:` (worker/actions/flow.ts), never on the model's word alone.
      const pick =
        m && !person && !ctx.choice && ctx.channel !== "email" ? await parts.chooseAction?.(m.workspaceId, text) : null;
      if (pick) {
        return {
          action: "answer",
          reason: "tool",
          confidence: 1,
          text: "",
          locale,
          sources: [],
          tried: [],
          lowConfidence: false,
          runAction: pick.name,
          actionInputs: pick.given,
        };
      }
      if (!m || !kb) {
        // Nothing published yet: never guess, offer a person.
        return {
          action: person ? "handoff" : "decline",
          reason: person ? "asked-for-person" : "no-knowledge-base",
          confidence: 0,
          ...said("decline"),
          sources: [],
          tried: [],
          lowConfidence: true,
        };
      }
      // No article in their language. With a translator: the question in the KB's main language, the
      // answer (or the bot's sentence) back in theirs, marked as translated.
      const pivot = mainLanguage(kb);
      const translated =
        !langs.includes(locale) && !person && parts.translator
          ? await parts.translator.translate(text, locale, pivot)
          : null;
      if (translated && parts.translator) {
        const inner = await brainFrom({ ...parts, translator: undefined }, meta).turn(translated, {
          ...ctx,
          locale: pivot,
        });
        return toLanguage(inner, parts.translator, pivot, locale);
      }
      if (!langs.includes(locale) && !person) {
        // No article in their language: say so in it, and offer a person (who sees the language in the packet).
        return {
          action: "decline",
          reason: "language-not-covered",
          confidence: 0,
          ...said("noLanguage", { language: LANGUAGE_NAMES[locale] ?? locale }),
          sources: [],
          tried: [],
          lowConfidence: false,
        };
      }
      // The answer to "Do you mean …?": the chosen article answers the question that was asked.
      const offered = ctx.clarify && ctx.choice ? ctx.clarify : undefined;
      if (offered && ctx.choice === "none") {
        return {
          question: offered.question,
          action: "decline",
          reason: "clarify-none",
          confidence: 0,
          ...said("clarifyNone"),
          sources: [],
          tried: [],
          lowConfidence: true,
        };
      }
      const question = offered?.options.includes(ctx.choice ?? "") ? offered.question : text;
      let r = await retriever.retrieve(kb, m.workspaceId, question, locale);
      let d = decide(
        r,
        { text, locale, priorLowConfidence: ctx.priorLowConfidence, priorFailures: ctx.priorFailures },
        config,
      );
      const chosen = question !== text ? r.candidates.find((c) => c.articleId === ctx.choice) : undefined;
      if (chosen) {
        // Learnt like a resolved ticket: next time this question goes straight to the article.
        parts.learn?.(m.workspaceId, question, chosen.articleId, m.id);
        d = {
          action: chosen.handoff === "always" ? "handoff" : "answer",
          reason: chosen.handoff === "always" ? "article-requires-person" : "clarified",
          article: chosen,
          confidence: chosen.score,
        };
      } else if (
        (d.reason === "low-confidence" || (d.reason === "article-requires-person" && config.clarifyHandoff > 0)) &&
        !ctx.clarify &&
        ctx.channel !== "email"
      ) {
        // Two or three articles close together: ask, rather than guess or give up. When one of them
        // needs a person and another does not, the customer's pick decides (picking it hands off).
        const options = clarifyOptions(r, config);
        const mixed = d.reason !== "article-requires-person" || options.some((o) => o.handoff !== "always");
        if (options.length >= 2 && mixed) {
          return {
            action: "clarify",
            reason: "clarify",
            confidence: d.confidence,
            article: {
              id: (options[0] as Candidate).articleId,
              title: (options[0] as Candidate).title,
              category: (options[0] as Candidate).article.category,
              team: (options[0] as Candidate).team,
              priority: (options[0] as Candidate).priority,
            },
            ...said("clarify"),
            sources: [],
            options: options.map((c) => ({ articleId: c.articleId, title: c.title })),
            clarify: { question: text, options: options.map((c) => c.articleId) },
            tried: options.map((c) => ({
              articleId: c.articleId,
              title: c.title,
              score: Math.round(c.score * 1000) / 1000,
            })),
            lowConfidence: false,
          };
        }
      }
      if (d.reason === "asked-for-person") {
        // "I want a person" says nothing of the problem: route on what the customer asked before. If
        // that was out of scope ("write me a poem about my iPhone 13"), retrieval found no article for
        // it, however one shared word ranks, so the packet lists none.
        const before = ctx.earlier.join("\n");
        r = before ? await retriever.retrieve(kb, m.workspaceId, before, locale) : { ...r, candidates: [] };
        const scope = decide(r, { text: before, locale, priorLowConfidence: 0, priorFailures: 0 }, config);
        if (scope.reason === "out-of-scope") r = { ...r, candidates: [] };
        const top = r.candidates[0];
        if (top && top.score >= config.answerMinConfidence) d.article = top;
        else delete d.article;
      }
      const source = sourceIn(m.baseUrl, m.workspaceId);
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
        // Only articles retrieval actually found: none for an out-of-scope question, none below the floor.
        tried: (d.reason === "out-of-scope" ? [] : r.candidates)
          .filter((c) => c.score >= config.triedFloor)
          .slice(0, 3)
          .map((c) => ({ articleId: c.articleId, title: c.title, score: Math.round(c.score * 1000) / 1000 })),
      };
      if (d.action === "answer" && a?.article.action) {
        // The article names an action (docs/actions.md): the bot runs it instead of quoting the text,
        // which stays the answer when the action cannot run at all (not defined, switched off).
        return {
          ...base,
          ...(question !== text ? { question } : {}),
          locale,
          textLocale: a.article.locale.slice(0, 2).toLowerCase(),
          action: "answer",
          reason: d.reason,
          text: composeAnswer(question, a),
          sources: [source(a)],
          lowConfidence: false,
          runAction: a.article.action,
        };
      }
      if (d.action === "answer" && a) {
        const composed = await composer.compose({ text: question, locale, article: a, retrieval: r, source });
        if (composed.kind === "answer") {
          return {
            ...base,
            ...(question !== text ? { question } : {}),
            locale,
            textLocale: a.article.locale.slice(0, 2).toLowerCase(),
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
          ...said("unsure"),
          sources: [],
          lowConfidence: true,
        };
      }
      const lowConfidence = d.reason === "low-confidence" || d.reason === "low-confidence-after-rephrase";
      return {
        ...base,
        action: d.action,
        reason: d.reason,
        ...said(d.reason === "out-of-scope" ? "decline" : "unsure"),
        sources: [],
        lowConfidence,
      };
    },
  };
}

/** The language most of the KB's articles are in: where a question in another language is asked. */
export function mainLanguage(kb: LoadedKb): string {
  const n = new Map<string, number>();
  for (const a of kb.index.articles) {
    const l = a.locale.slice(0, 2).toLowerCase();
    n.set(l, (n.get(l) ?? 0) + 1);
  }
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] === "en" ? -1 : 1))[0]?.[0] ?? "en";
}

async function collect(text: string | AsyncIterable<string>): Promise<string> {
  if (typeof text === "string") return text;
  let s = "";
  for await (const piece of text) s += piece;
  return s;
}

/**
 * A turn taken in the KB's language, given back in the customer's: the answer translated and marked
 * as such, the bot's own sentences translated too. Anything the model fails on stays as it was.
 */
async function toLanguage(turn: BotTurn, t: Translate, from: string, to: string): Promise<BotTurn> {
  const text = await collect(turn.text);
  const { citedSources: cited, ...rest } = turn;
  const sources = cited ? cited() : turn.sources;
  const fromName = LANGUAGE_NAMES[from] ?? from;
  const body = await t.translate(text, from, to);
  if (turn.action !== "answer") {
    return { ...rest, sources, text: body ?? text, locale: to, ...(body ? { textLocale: to } : {}) };
  }
  const note = `Translated automatically from an article in ${fromName}.`;
  const noteText = (await t.translate(note, "en", to)) ?? reply(to, "translated", { language: fromName });
  return {
    ...rest,
    sources,
    text: body ? `${body}\n\n_${noteText.replace(/[_*]/g, "")}_` : text,
    locale: to,
    textLocale: body ? to : from,
    ...(body ? { translatedFrom: from } : {}),
  };
}
