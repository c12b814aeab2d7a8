// Runs labelled questions through the bot's real turn (brainFrom with the embedded parts) over a KB
// folder with no history, each as a new conversation with the widget's default locale (en): the
// language must come from the text. Labels are read only here, to score, never by the bot.
import { brainFrom } from "../../worker/answer/turn.ts";
import { embeddedRetriever, extractiveComposer } from "../../worker/answer/parts.ts";
import type { Meta } from "../../worker/conversation/model.ts";
import {
  buildSnapshot,
  defaultDecisionConfig,
  loadIndex,
  type DecisionConfig,
} from "../../worker/answer/engine/index.ts";
import { readKbDir } from "./kb-files.ts";

export type LabelledQuestion = { id?: string; text: string; expect: "answer" | "handoff" | "none"; article?: string };

export type SetFigures = {
  questions: number;
  answerable: number;
  answeredRight: number;
  answeredRightPct: number;
  wrongAnswers: number;
  wrongPct: number;
  handoffs: number;
  handedOff: number;
  none: number;
  noneNotAnswered: number;
  noneDeclined: number;
  /** How many times the bot asked "Do you mean …?". */
  asked: number;
};

export async function evaluateSet(
  kbDir: string,
  questions: LabelledQuestion[],
  opts: { clarify?: boolean; decision?: Partial<DecisionConfig> } = {},
): Promise<{ figures: SetFigures; lines: string[] }> {
  const articles = readKbDir(kbDir);
  const index = loadIndex(buildSnapshot({ version: "eval", articles, history: [] }));
  const kb = { version: 1, index };
  const meta: Meta = {
    id: "c_eval",
    workspaceId: "demo",
    siteKey: "demo_site",
    channel: "widget",
    locale: "en",
    baseUrl: "https://help.example",
    createdAt: 0,
    state: "bot",
    lowConfidenceTurns: 0,
    failures: 0,
    tried: [],
  };
  const brain = brainFrom(
    {
      retriever: embeddedRetriever,
      composer: extractiveComposer,
      config: { ...defaultDecisionConfig, ...opts.decision },
      loadKb: async () => kb,
    },
    () => meta,
  );
  const lines: string[] = [];
  const f: SetFigures = {
    questions: questions.length,
    answerable: 0,
    answeredRight: 0,
    answeredRightPct: 0,
    wrongAnswers: 0,
    wrongPct: 0,
    handoffs: 0,
    handedOff: 0,
    none: 0,
    noneNotAnswered: 0,
    noneDeclined: 0,
    asked: 0,
  };
  for (const q of questions) {
    const ctx = { locale: "en", priorLowConfidence: 0, priorFailures: 0, earlier: [] as string[], channel: "widget" };
    let t = await brain.turn(q.text, ctx);
    if (t.action === "clarify" && t.clarify && t.options) {
      f.asked++;
      if (opts.clarify) {
        // The simulated customer: picks the option that is the question's labelled article, else "none".
        const choice = t.options.find((o) => o.articleId === q.article)?.articleId ?? "none";
        const title = t.options.find((o) => o.articleId === choice)?.title ?? "None of these";
        t = await brain.turn(title, { ...ctx, earlier: [q.text], clarify: t.clarify, choice });
      }
    }
    const article = t.action === "answer" ? t.sources[0]?.articleId : t.article?.id;
    let ok: boolean;
    if (q.expect === "answer") {
      f.answerable++;
      ok = t.action === "answer" && article === q.article;
      if (ok) f.answeredRight++;
    } else if (q.expect === "handoff") {
      f.handoffs++;
      ok = t.action === "handoff";
      if (ok) f.handedOff++;
    } else {
      f.none++;
      ok = t.action !== "answer";
      if (ok) f.noneNotAnswered++;
      if (t.action === "decline") f.noneDeclined++;
    }
    if (t.action === "answer" && !ok) f.wrongAnswers++;
    lines.push(
      `${ok ? "  " : "✗ "}${q.expect.padEnd(7)} ${t.action.padEnd(8)} ${t.reason.padEnd(26)} ${String(article ?? "-").padEnd(28)} ${t.confidence.toFixed(2)} | ${q.text}`,
    );
  }
  f.answeredRightPct = Math.round((1000 * f.answeredRight) / Math.max(1, f.answerable)) / 10;
  f.wrongPct = Math.round((1000 * f.wrongAnswers) / Math.max(1, f.questions)) / 10;
  return { figures: f, lines };
}
