// Actions: HTTP calls to the company's own API that the bot (or an agent) makes for a customer
// (docs/actions.md). The owner's definitions, the secrets they reference, "try it", the call log, the
// approvals queue and runs from the console. Pure schemas and the checks a definition must pass, so
// the worker, the console and the scripts agree on what a definition is.
import * as z from "zod/mini";
import { placeholdersOf, templateProblems } from "./action-template.ts";

export const ACTION_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Secret names as a template references them: {{secret.NAME}}. */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Names of inputs and of values read from the response, as templates reference them: {{order}}. */
export const VALUE_NAME = /^[a-z][a-zA-Z0-9_]{0,39}$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Names an action may not take: they are path segments of the actions API. */
const RESERVED = new Set(["secrets", "calls", "approvals"]);

export const actionKinds = ["read", "write"] as const;
export type ActionKind = (typeof actionKinds)[number];
export const actionMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export const actionNameSchema = z.string().check(
  z.regex(ACTION_NAME, "lowercase letters, digits and dashes, at most 64"),
  z.refine((n) => !RESERVED.has(n), "this name is reserved"),
);
export const secretNameSchema = z.string().check(z.regex(SECRET_NAME, "upper-case letters, digits and _, at most 64"));

const valueName = z.string().check(z.regex(VALUE_NAME, "a letter, then letters, digits or _ (at most 40)"));

/** Whether `s` compiles as a JavaScript regular expression (the form's `pattern`, checked again by the worker). */
export function isPattern(s: string): boolean {
  try {
    new RegExp(s, "u");
    return true;
  } catch {
    return false;
  }
}

/** A field of the verified identity: id, email, name, or one attribute (`attributes.plan`). */
export const IDENTITY_FIELD = /^(id|email|name|attributes\.[\w-]{1,40})$/;

export const actionInputSchema = z.discriminatedUnion("from", [
  /** From the customer's identity; the action runs only when the site signed this field (docs/identity.md). */
  z.object({
    name: valueName,
    from: z.literal("identity"),
    field: z.string().check(z.regex(IDENTITY_FIELD, "id, email, name or attributes.<key>")),
  }),
  /** From the conversation: the customer's language, the page they wrote from, the conversation's id. */
  z.object({ name: valueName, from: z.literal("conversation"), field: z.enum(["locale", "page", "conversation"]) }),
  /** Asked of the customer, one small form a field, and checked against `pattern` before anything runs. */
  z.object({
    name: valueName,
    from: z.literal("customer"),
    label: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
    type: z._default(z.enum(["text", "number", "email"]), "text"),
    pattern: z.optional(z.string().check(z.maxLength(200), z.refine(isPattern, "not a valid regular expression"))),
    /** The longest value taken (the widget's form stops there too); at most MAX_GIVEN. */
    maxLength: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(200))),
  }),
]);
export type ActionInput = z.infer<typeof actionInputSchema>;
export type CustomerInput = Extract<ActionInput, { from: "customer" }>;

/** A JSON pointer (RFC 6901) into the response: "" is the whole body, "/plan/name" a field. */
const pointer = z.string().check(z.maxLength(300), z.regex(/^(\/.*)?$/, 'a JSON pointer: "" or starting with /'));

const template = (max: number) => z.string().check(z.maxLength(max));

export const ACTION_LIMITS = {
  timeoutMs: { min: 100, max: 15_000, default: 5000 },
  retries: { max: 3 },
  /** Bytes of a response body read at most; a longer one fails the call (`too_large`). */
  responseBytes: 64 * 1024,
} as const;

const definitionFields = {
  name: actionNameSchema,
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  kind: z.enum(actionKinds),
  method: z.enum(actionMethods),
  /** `https://api.example.com/orders/{{order}}`: placeholders only after the origin, values URL-encoded. */
  url: z.string().check(z.trim(), z.minLength(8), z.maxLength(2000)),
  headers: z._default(
    z
      .record(z.string().check(z.regex(HEADER_NAME, "a header name")), template(2000))
      .check(z.refine((h) => Object.keys(h).length <= 20, "at most 20 headers")),
    {},
  ),
  /** A JSON object of string fields (POST/PUT/PATCH), each a template. */
  body: z.optional(
    z.record(valueName, template(2000)).check(z.refine((b) => Object.keys(b).length <= 30, "at most 30 body fields")),
  ),
  inputs: z._default(z.array(actionInputSchema).check(z.maxLength(20)), []),
  /** Named values read from the JSON answer, for the answer template. */
  response: z._default(
    z.record(valueName, pointer).check(z.refine((r) => Object.keys(r).length <= 30, "at most 30 values")),
    {},
  ),
  /** What the customer is told: Markdown with {{placeholders}}, every value escaped. */
  answer: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  /** Write actions: what the confirmation card says will happen, before the customer's yes. */
  confirm: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))),
  timeoutMs: z._default(
    z.number().check(z.int(), z.minimum(ACTION_LIMITS.timeoutMs.min), z.maximum(ACTION_LIMITS.timeoutMs.max)),
    ACTION_LIMITS.timeoutMs.default,
  ),
  /** Read actions only: tries again on 5xx, 408, 429, a timeout or a network failure. */
  retries: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(ACTION_LIMITS.retries.max)), 0),
  /** Write actions: the header that carries the call's idempotency key (the same key if the call is repeated). */
  idempotencyHeader: z._default(z.string().check(z.regex(HEADER_NAME, "a header name")), "Idempotency-Key"),
  /** Write actions: an agent approves each call in the console before it runs. */
  requiresApproval: z._default(z.boolean(), false),
  /** Read actions: agents see its answer live in the handoff panel for a verified customer. */
  customerCard: z._default(z.boolean(), false),
  enabled: z._default(z.boolean(), true),
};

export const actionDefinitionSchema = z.object(definitionFields).check(
  z.superRefine((d, ctx) => {
    for (const p of definitionProblems(d)) ctx.issues.push({ ...p, input: d });
  }),
);
export type ActionDefinition = z.infer<typeof actionDefinitionSchema>;
export type ActionDefinitionInput = z.input<typeof actionDefinitionSchema>;

type Problem = { code: "custom"; path: (string | number)[]; message: string };

/**
 * What makes a definition unsafe or unusable beyond the shape of its fields: placeholders that name
 * nothing, a placeholder in the URL's origin (an input could choose the host), secrets where the
 * customer would read them, retries or a missing confirmation on writes.
 */
export function definitionProblems(d: z.infer<z.ZodMiniObject<typeof definitionFields>>): Problem[] {
  const out: Problem[] = [];
  const bad = (path: (string | number)[], message: string) => out.push({ code: "custom", path, message });
  const inputs = d.inputs.map((i) => i.name);
  const values = Object.keys(d.response);
  const dup = [...inputs, ...values].find((n, i, all) => all.indexOf(n) !== i);
  if (dup) bad(["inputs"], `"${dup}" names two inputs or values`);
  const known = new Set(inputs);
  const check = (path: (string | number)[], t: string, opts: { secrets: boolean; also?: string[] }) => {
    const syntax = templateProblems(t, opts.also !== undefined);
    if (syntax) return bad(path, syntax);
    const allowed = new Set([...known, ...(opts.also ?? [])]);
    for (const p of placeholdersOf(t)) {
      if (p.startsWith("secret.")) {
        if (!opts.secrets) bad(path, `{{${p}}}: secrets may only be used in the URL, headers and body`);
        else if (!SECRET_NAME.test(p.slice(7))) bad(path, `{{${p}}}: not a secret name`);
      } else if (!allowed.has(p)) bad(path, `{{${p}}} names no input${opts.also ? " or response value" : ""}`);
    }
  };
  const head = /^(https?):\/\/([^/?#]*)/i.exec(d.url);
  if (!head) bad(["url"], "an http(s) URL");
  else if (head[2]?.includes("{{"))
    bad(["url"], "no placeholders in the host or port: an input must not choose where the call goes");
  else if (!parses(d.url.replace(/\{\{[^}]*\}\}/g, "x"))) bad(["url"], "not a URL");
  check(["url"], d.url, { secrets: true });
  for (const [k, v] of Object.entries(d.headers)) check(["headers", k], v, { secrets: true });
  for (const [k, v] of Object.entries(d.body ?? {})) check(["body", k], v, { secrets: true });
  check(["answer"], d.answer, { secrets: false, also: values });
  if (d.confirm !== undefined) check(["confirm"], d.confirm, { secrets: false });
  if (d.body && d.method === "GET") bad(["body"], "a GET has no body");
  if (d.kind === "write") {
    if (!d.confirm)
      bad(["confirm"], "a write action needs a confirmation text: the customer reads it before saying yes");
    if (d.retries > 0) bad(["retries"], "write actions are never retried (the customer confirmed one call)");
    if (d.customerCard) bad(["customerCard"], "only read actions can show on the customer card");
  } else if (d.requiresApproval) bad(["requiresApproval"], "approval is for write actions");
  return out;
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** The definition as the API answers it: when it was last changed and by whom. */
export const actionViewSchema = z.object({
  ...definitionFields,
  updatedAt: z.number(),
  updatedBy: z.string(),
  /** Secrets its templates reference that are not set yet: the action fails until they are. */
  missingSecrets: z.array(z.string()),
});
export type ActionView = z.infer<typeof actionViewSchema>;

/** A secret is listed by name only; its value is never returned. */
export const secretInfoSchema = z.object({ name: z.string(), updatedAt: z.number(), updatedBy: z.string() });
export type SecretInfo = z.infer<typeof secretInfoSchema>;
export const putSecretSchema = z.object({ value: z.string().check(z.minLength(1), z.maxLength(4000)) });

export const actionListSchema = z.object({ actions: z.array(actionViewSchema), secrets: z.array(secretInfoSchema) });
export type ActionList = z.infer<typeof actionListSchema>;

/** Sample context for "try it": inputs by name, and the identity it runs as (treated as verified). */
export const tryActionSchema = z.object({
  inputs: z._default(z.record(valueName, z.string().check(z.maxLength(500))), {}),
  identity: z.optional(
    z.object({
      id: z.optional(z.string().check(z.maxLength(200))),
      email: z.optional(z.string().check(z.maxLength(320))),
      name: z.optional(z.string().check(z.maxLength(200))),
      attributes: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
    }),
  ),
  locale: z.optional(z.string().check(z.maxLength(16))),
  page: z.optional(z.string().check(z.maxLength(2000))),
});
export type TryAction = z.input<typeof tryActionSchema>;

export const callStatuses = ["ok", "failed", "timeout", "refused"] as const;
export type CallStatus = (typeof callStatuses)[number];

/** One call as "try it" shows it: secrets masked, the response cut short. */
export const tryResultSchema = z.object({
  status: z.enum(callStatuses),
  /** Why it failed or was refused, in words that never hold a secret. */
  error: z.optional(z.string()),
  durationMs: z.number(),
  attempts: z.number(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.optional(z.string()),
  }),
  response: z.optional(z.object({ status: z.number(), body: z.string(), truncated: z.boolean() })),
  values: z.record(z.string(), z.unknown()),
  /** The answer the customer would read (Markdown, values escaped). */
  answer: z.optional(z.string()),
});
export type TryResult = z.infer<typeof tryResultSchema>;

/** A line of an action's call log. */
export const callLogEntrySchema = z.object({
  id: z.string(),
  action: z.string(),
  at: z.number(),
  conversationId: z.nullable(z.string()),
  /** bot, customer (a confirmed write), an agent's name, "try" or "card". */
  by: z.string(),
  status: z.string(),
  httpStatus: z.nullable(z.number()),
  durationMs: z.nullable(z.number()),
  /** Input values, redacted ("A-••••"): enough to tell calls apart, not to read the data. */
  inputs: z.record(z.string(), z.string()),
  error: z.nullable(z.string()),
});
export type CallLogEntry = z.infer<typeof callLogEntrySchema>;
export const callLogSchema = z.object({ calls: z.array(callLogEntrySchema) });
export const callLogQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  before: z.optional(z.coerce.number().check(z.int())),
});

// ---- runs from the console, the customer card, the approvals queue (`/api/action-runs`) ---------------

/** An action as an agent may run it for a conversation: what it asks for, and why it cannot run now. */
export const runnableActionSchema = z.object({
  name: z.string(),
  description: z.string(),
  kind: z.enum(actionKinds),
  requiresApproval: z.boolean(),
  customerCard: z.boolean(),
  /** Values the agent gives (what the bot would ask the customer for). */
  asks: z.array(z.object({ name: z.string(), label: z.string(), type: z.string(), pattern: z.optional(z.string()) })),
  /** Why it cannot run for this customer (an identity field not verified); absent: it can. */
  blocked: z.optional(z.string()),
});
export type RunnableAction = z.infer<typeof runnableActionSchema>;
export const runnableListSchema = z.object({ actions: z.array(runnableActionSchema) });

export const conversationRefSchema = z.object({ conversation: z.string().check(z.minLength(1), z.maxLength(64)) });

export const runActionSchema = z.object({
  conversation: z.string().check(z.minLength(1), z.maxLength(64)),
  action: actionNameSchema,
  inputs: z._default(z.record(valueName, z.string().check(z.maxLength(200))), {}),
});
export type RunAction = z.input<typeof runActionSchema>;

/** What an agent's run did: a read's answer (for the agent only), a write's confirmation sent, a refusal. */
export const agentRunSchema = z.object({
  step: z.string(),
  callId: z.string(),
  answer: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type AgentRunResult = z.infer<typeof agentRunSchema>;

/** One customer-card action's live answer for a conversation's verified customer. */
export const cardSchema = z.object({
  name: z.string(),
  description: z.string(),
  status: z.string(),
  answer: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type ActionCard = z.infer<typeof cardSchema>;
export const cardsSchema = z.object({ cards: z.array(cardSchema) });

export const approvalSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  action: z.string(),
  summary: z.string(),
  requestedAt: z.number(),
  status: z.enum(["pending", "approved", "denied", "withdrawn"]),
  decidedBy: z.nullable(z.string()),
  decidedAt: z.nullable(z.number()),
  reason: z.nullable(z.string()),
});
export type Approval = z.infer<typeof approvalSchema>;
export const approvalsSchema = z.object({ approvals: z.array(approvalSchema) });
export const approvalsQuerySchema = z.object({ status: z._default(z.enum(["pending", "decided"]), "pending") });

export const decideSchema = z.object({
  approve: z.boolean(),
  /** Shown to the customer on a denial. */
  reason: z.optional(z.string().check(z.trim(), z.maxLength(300))),
});
