// The handoff packet's summary written by a Workers AI model. It is an upgrade, never a dependency:
// the extractive summary (worker/conversation/summary.ts) is always there first, and this
// answers null on any error, timeout or empty output so the caller keeps it. The model sees only
// what the customer could see (their messages, the bot's and agents' replies): private notes and
// recorded changes are filtered out here, before any prompt exists.
import { forCustomer, type ConversationEvent } from "../../../shared/protocol.ts";
import type { Env } from "../../env.ts";
import { aiRuntime, type AiVars } from "./config.ts";
import type { AiBinding } from "./embeddings.ts";
import { within } from "./llm.ts";
import { LANGUAGE_NAMES } from "../language.ts";

export type SummaryLine = { author: "customer" | "bot" | "agent"; text: string };

export type SummaryMode = "extractive" | "llm";

export type SummarySettings = {
  mode: SummaryMode;
  model: string;
  /** Hard cap on the model call; after it the extractive summary stands for good. */
  timeoutMs: number;
  /** How long the handoff itself may wait for the model (counted from the handoff's start). */
  waitMs: number;
  maxTokens: number;
};

export type SummaryVars = AiVars &
  Pick<
    Env,
    "AI" | "VECTORIZE" | "SUMMARY" | "SUMMARY_MODEL" | "SUMMARY_TIMEOUT_MS" | "SUMMARY_WAIT_MS" | "AGENT_LOCALE"
  >;

const num = (v: string | undefined, d: number, min: number, max: number) => {
  const n = v === undefined || v.trim() === "" ? NaN : Number(v);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : d;
};

let warned = false;

/** `SUMMARY` unset follows the composer, so turning the LLM on turns both on; it is downgraded without the AI binding. */
export function summarySettings(env: SummaryVars): SummarySettings {
  const rt = aiRuntime(env);
  const asked = env.SUMMARY?.trim();
  const wanted: SummaryMode = asked === "llm" || asked === "extractive" ? asked : rt.settings.composer;
  if (wanted === "llm" && !env.AI && !warned) {
    warned = true;
    console.warn("[edgedesk] SUMMARY=llm needs the AI binding; handoff summaries stay extractive.");
  }
  return {
    mode: wanted === "llm" && env.AI ? "llm" : "extractive",
    model: env.SUMMARY_MODEL?.trim() || rt.settings.llmModel,
    timeoutMs: num(env.SUMMARY_TIMEOUT_MS, 4000, 100, 30000),
    waitMs: num(env.SUMMARY_WAIT_MS, 500, 0, 10000),
    maxTokens: 160,
  };
}

/** What the model may read: visible messages only, oldest first, the most recent `max` of them. */
export function transcriptForSummary(events: readonly ConversationEvent[], max = 30): SummaryLine[] {
  const lines: SummaryLine[] = [];
  for (const e of events) {
    if (e.type !== "message" || !forCustomer(e) || e.author === "system" || !e.text.trim()) continue;
    lines.push({ author: e.author, text: e.text.length > 1000 ? `${e.text.slice(0, 999)}…` : e.text });
  }
  return lines.slice(-max);
}

const WHO: Record<SummaryLine["author"], string> = { customer: "Customer", bot: "Bot", agent: "Agent" };

export function summaryMessages(
  lines: readonly SummaryLine[],
  locale: string,
  agentLocale = "en",
): { role: "system" | "user"; content: string }[] {
  const agentLanguage = LANGUAGE_NAMES[agentLocale.slice(0, 2)] ?? "English";
  const system = [
    "You write the handoff note a support agent reads before taking over a chat.",
    "Summarise in 1 to 3 short sentences: the customer's problem, the facts they gave (order numbers, devices, dates, amounts), and what the bot already told them.",
    "Use only facts stated in the transcript. Do not invent order numbers, names or causes. Do not address the customer. No preamble, no lists.",
    `Write in ${agentLanguage}; the customer wrote in ${LANGUAGE_NAMES[locale.slice(0, 2)] ?? locale}.`,
  ].join("\n");
  const transcript = lines.map((l) => `${WHO[l.author]}: ${l.text.replace(/\s+/g, " ").trim()}`).join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: `Transcript:\n${transcript}\n\nHandoff note:` },
  ];
}

/** The model's answer trimmed to a usable note: no label, no wrapping quotes, at most 3 sentences and 500 characters. */
export function cleanSummary(raw: string): string {
  let s = raw.replace(/\s+/g, " ").trim();
  s = s
    .replace(/^(handoff note|summary|note)\s*:\s*/i, "")
    .replace(/^["“](.*)["”]$/, "$1")
    .trim();
  const sentences = s.match(/[^.!?]+[.!?]+(\s|$)|[^.!?]+$/g) ?? [s];
  s = sentences.slice(0, 3).join("").trim();
  return s.length > 500 ? `${s.slice(0, 499)}…` : s;
}

function responseText(res: unknown): string {
  if (res && typeof res === "object" && "response" in res && typeof res.response === "string") return res.response;
  throw new Error(`expected { response: string }, got ${JSON.stringify(res).slice(0, 200)}`);
}

export class LlmSummarizer {
  constructor(
    private readonly ai: AiBinding,
    private readonly s: Pick<SummarySettings, "model" | "timeoutMs" | "maxTokens">,
    private readonly agentLocale = "en",
  ) {}

  /** The model's summary, or null (no customer words, error, timeout, empty output): keep the extractive one. */
  async summarize(lines: readonly SummaryLine[], locale: string): Promise<string | null> {
    if (!lines.some((l) => l.author === "customer")) return null;
    try {
      const run = this.ai.run(this.s.model, {
        messages: summaryMessages(lines, locale, this.agentLocale),
        max_tokens: this.s.maxTokens,
        temperature: 0.1,
      });
      const text = cleanSummary(responseText(await within(run, this.s.timeoutMs, `${this.s.model} summary`)));
      if (!text) throw new Error("empty summary");
      return text;
    } catch (e) {
      console.warn(`[edgedesk] LLM handoff summary fell back to the extractive one: ${String(e)}`);
      return null;
    }
  }
}

/** The engine's hook, or undefined when summaries stay extractive. */
export function handoffSummarizer(
  env: SummaryVars,
):
  | { settings: SummarySettings; summarize: (lines: SummaryLine[], locale: string) => Promise<string | null> }
  | undefined {
  const settings = summarySettings(env);
  if (settings.mode !== "llm" || !env.AI) return undefined;
  const llm = new LlmSummarizer(env.AI, settings, env.AGENT_LOCALE ?? "en");
  return { settings, summarize: (lines, locale) => llm.summarize(lines, locale) };
}
