// Surge triage settings: defaults here, any part overridable per deployment with SURGE_CONFIG (JSON).
// The effort constants are assumptions, not measurements: they turn "what the sweep did" into "about
// how long a person would have taken", and the report says so.
import type { SurgeSafeguards } from "../../../shared/surge.ts";
import { parseJson } from "../../../shared/json.ts";
import * as z from "zod/mini";

export type SurgeConfig = {
  alert: {
    /** Arrivals (handoffs into the queue) counted over this many minutes. */
    windowMinutes: number;
    /** A surge: at least this many arrivals in the window … */
    arrivalsPerWindow: number;
    /** … or at least this many queued conversations near or past their SLA due time. */
    nearSla: number;
  };
  cluster: { threshold: number; duplicateThreshold: number; ngram: number };
  propose: { draftMinConfidence: number; escalateBelow: number };
  validator: { maxGrade: number; jargon: string[]; blame: string[]; empathy: string[] };
  undoMinutes: number;
  batchSize: number;
  effort: EffortConstants;
};

/** Minutes a person spends per conversation doing by hand what the sweep does. */
export type EffortConstants = {
  /** Reading, labelling and prioritising one conversation. */
  triageMinutes: number;
  /** Finding the article and writing a reply. */
  replyMinutes: number;
  /** Writing the context for another team and posting it. */
  escalateMinutes: number;
  /** What the lead and approver spend reviewing one planned conversation (subtracted). */
  reviewMinutes: number;
};

export const defaultSurgeConfig: SurgeConfig = {
  alert: { windowMinutes: 15, arrivalsPerWindow: 20, nearSla: 5 },
  cluster: { threshold: 0.55, duplicateThreshold: 0.92, ngram: 3 },
  propose: { draftMinConfidence: 0.5, escalateBelow: 0.2 },
  validator: {
    // Grade 9: a general audience's reading level (plain-language guidance usually aims at 8-9).
    maxGrade: 10,
    jargon: [
      "api",
      "endpoint",
      "backend",
      "payload",
      "latency",
      "sdk",
      "oauth",
      "dns",
      "cache invalidation",
      "idempotent",
      "regression",
      "hotfix",
      "root cause",
      "ttl",
      "webhook",
    ],
    blame: [
      "your fault",
      "you should have",
      "you failed",
      "you didn't read",
      "as we already said",
      "as i said",
      "obviously",
      "calm down",
      "user error",
      "not our problem",
      "you must have",
    ],
    empathy: ["sorry", "apologi", "understand how", "frustrating", "thank you for your patience", "we hear you"],
  },
  undoMinutes: 15,
  batchSize: 10,
  effort: { triageMinutes: 1.5, replyMinutes: 6, escalateMinutes: 4, reviewMinutes: 0.5 },
};

export const defaultSafeguards: SurgeSafeguards = { publishedOnly: true, plainLanguage: true, empathetic: true };

/** SURGE_CONFIG: any part of SurgeConfig, each group partial; unknown fields are ignored. */
const numbers = <K extends string>(...keys: K[]) =>
  z.partial(z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodMiniNumber>));
const strings = z.array(z.string());
const surgeOverrides = z.partial(
  z.object({
    alert: numbers("windowMinutes", "arrivalsPerWindow", "nearSla"),
    cluster: numbers("threshold", "duplicateThreshold", "ngram"),
    propose: numbers("draftMinConfidence", "escalateBelow"),
    validator: z.partial(z.object({ maxGrade: z.number(), jargon: strings, blame: strings, empathy: strings })),
    undoMinutes: z.number(),
    batchSize: z.number(),
    effort: numbers("triageMinutes", "replyMinutes", "escalateMinutes", "reviewMinutes"),
  }),
);

export function surgeConfig(env: { SURGE_CONFIG?: string }): SurgeConfig {
  if (!env.SURGE_CONFIG) return defaultSurgeConfig;
  const o = parseJson(surgeOverrides, env.SURGE_CONFIG, "SURGE_CONFIG");
  const d = defaultSurgeConfig;
  return {
    alert: { ...d.alert, ...o.alert },
    cluster: { ...d.cluster, ...o.cluster },
    propose: { ...d.propose, ...o.propose },
    validator: { ...d.validator, ...o.validator },
    undoMinutes: o.undoMinutes ?? d.undoMinutes,
    batchSize: o.batchSize ?? d.batchSize,
    effort: { ...d.effort, ...o.effort },
  };
}
