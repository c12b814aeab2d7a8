// The shapes the widget checks received data with (widget/app/wire.ts, shape.ts), generated from the shared zod
// schemas so that the schemas stay the one definition. Pure (no Node APIs): scripts/wire-shapes.ts
// writes the file, widget/app/wire.test.ts holds the committed file equal to this output.
// A zod construct or check with no shape throws here, so a shape is never looser than its schema unnoticed.
import type * as z from "zod/mini";
import {
  apiErrorSchema,
  createdConversationSchema,
  eventsPageSchema,
  followUpInfoSchema,
  followUpResultSchema,
  postedMessageSchema,
} from "../../shared/api.ts";
import { widgetConfigSchema } from "../../shared/appearance.ts";
import { filePolicyAnswerSchema } from "../../shared/attachments.ts";
import { historySessionSchema, pastConversationsSchema, pastTranscriptSchema } from "../../shared/customer-history.ts";
import { AGENTS_ONLY, eventSchema, serverFrameSchema } from "../../shared/protocol.ts";
import type { Shape } from "../../widget/app/shape.ts";

/** What the widget receives, by the name its shape gets in wire-shapes.gen.ts. */
export const received = {
  // First: the later shapes refer to it instead of repeating it (wireShapesModule).
  event: eventSchema,
  serverFrame: serverFrameSchema,
  eventsPage: eventsPageSchema,
  createdConversation: createdConversationSchema,
  postedMessage: postedMessageSchema,
  followUpInfo: followUpInfoSchema,
  followUpResult: followUpResultSchema,
  apiError: apiErrorSchema,
  historySession: historySessionSchema,
  pastConversations: pastConversationsSchema,
  pastTranscript: pastTranscriptSchema,
  widgetConfig: widgetConfigSchema,
  // The upload chunk's (widget/upload/) pre-check: the workspace's policy. (An upload's answer is read
  // by its status only: its message arrives over the chat's own checked link.)
  filePolicyAnswer: filePolicyAnswerSchema,
} satisfies Record<string, z.ZodMiniType>;

type Def = {
  type: string;
  checks?: {
    _zod: { def: { check: string; minimum?: number; maximum?: number; format?: string; pattern?: RegExp } };
  }[];
  values?: (string | number | boolean | null)[];
  entries?: Record<string, string | number>;
  innerType?: z.ZodMiniType;
  element?: z.ZodMiniType;
  keyType?: z.ZodMiniType;
  valueType?: z.ZodMiniType;
  shape?: Record<string, z.ZodMiniType>;
  options?: z.ZodMiniType[];
  discriminator?: string;
};
const defOf = (s: z.ZodMiniType): Def => s._zod.def as unknown as Def;

const REF = "\u0000ref:";

/** An object schema whose `audience` can only be the agents'. */
const agentsOnly = (s: z.ZodMiniType): boolean => {
  const audience = defOf(s).shape?.audience;
  return audience !== undefined && (defOf(audience).values ?? []).every((v) => v === AGENTS_ONLY);
};

/**
 * The shape of `schema`. With `refs`, a schema met inside that is one of `refs` becomes a placeholder
 * naming it (the module refers to the shape declared before instead of repeating it).
 */
export function shapeOf(schema: z.ZodMiniType, at = "schema", refs?: Map<z.ZodMiniType, string>): Shape {
  const ref = refs?.get(schema);
  if (ref) return `${REF}${ref}` as Shape;
  const d = defOf(schema);
  const no = (what: string): never => {
    throw new Error(`wire shapes: ${at} uses ${what}, which has no shape (add it to widget/app/shape.ts and here)`);
  };
  switch (d.type) {
    case "string": {
      if (!d.checks?.length) return "s";
      let min: number | null = null;
      let max: number | null = null;
      let pattern: RegExp | undefined;
      for (const c of d.checks) {
        const k = c._zod.def;
        if (k.check === "min_length") min = Math.max(min ?? 0, k.minimum ?? 0);
        else if (k.check === "max_length") max = Math.min(max ?? Infinity, k.maximum ?? Infinity);
        else if (k.check === "string_format" && k.format === "regex" && k.pattern && !pattern) pattern = k.pattern;
        else no(`the string check ${k.check}${k.format ? ` (${k.format})` : ""}`);
      }
      return pattern ? ["s", min, max, pattern.source, pattern.flags] : ["s", min, max];
    }
    case "number":
      return d.checks?.length ? no("a number check") : "n";
    case "boolean":
      return "b";
    case "unknown":
      return "u";
    case "literal":
      return ["l", ...(d.values ?? [])];
    case "enum":
      return ["l", ...Object.values(d.entries ?? {}).map(String)];
    case "optional":
      return ["?", shapeOf(d.innerType as z.ZodMiniType, at, refs)];
    case "nullable":
      return ["0", shapeOf(d.innerType as z.ZodMiniType, at, refs)];
    case "array":
      return ["a", shapeOf(d.element as z.ZodMiniType, `${at}[]`, refs)];
    case "record":
      if (defOf(d.keyType as z.ZodMiniType).type !== "string" || defOf(d.keyType as z.ZodMiniType).checks?.length)
        no("a record key other than a plain string");
      return ["r", shapeOf(d.valueType as z.ZodMiniType, `${at}{}`, refs)];
    case "object":
      return [
        "o",
        Object.fromEntries(Object.entries(d.shape ?? {}).map(([k, v]) => [k, shapeOf(v, `${at}.${k}`, refs)] as const)),
      ];
    case "union": {
      // Agents-only kinds (notes, recorded changes) never reach a customer (protocol.ts forCustomer): they
      // get no shape, and the widget drops one as it drops any unknown frame.
      const options = (d.options ?? []).filter((o) => !agentsOnly(o));
      if (!d.discriminator) return ["|", ...options.map((o) => shapeOf(o, `${at}|`, refs))];
      const key = d.discriminator;
      const byValue: Record<string, Shape> = {};
      for (const o of options) {
        const tag = defOf(defOf(o).shape?.[key] ?? no(`a union option without "${key}"`));
        for (const v of tag.values ?? no(`a non-literal "${key}"`))
          byValue[String(v)] = shapeOf(o, `${at}(${v})`, refs);
      }
      return ["d", key, byValue];
    }
    default:
      return no(`zod type "${d.type}"`);
  }
}

/** The generated module's text (before Biome formats it). */
export function wireShapesModule(): string {
  const refs = new Map<z.ZodMiniType, string>();
  const body = Object.entries(received)
    .map(([name, schema]) => {
      const text = JSON.stringify(shapeOf(schema, name, refs)).replace(/"\\u0000ref:(\w+)"/g, "$1");
      refs.set(schema, name);
      return `export const ${name}: Shape = ${text};`;
    })
    .join("\n\n");
  return `// Generated by \`npm run wire\` (scripts/wire-shapes.ts) from the shared zod schemas: do not edit.
// What each shape means: widget/app/shape.ts. widget/app/wire.test.ts fails when this file is stale.
import type { Shape } from "./shape.ts";

${body}
`;
}
