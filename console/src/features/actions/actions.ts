// Settings → Actions, the pure part: a definition as the page's form holds it (plain fields, and JSON
// text for its structured parts), back to a definition checked by the shared schema with each problem
// at its field; the starting points for a new read or write; what "try it" asks for.
import {
  type ActionDefinition,
  type ActionDefinitionInput,
  actionDefinitionSchema,
  type ActionView,
} from "../../../../shared/actions.ts";
import type { Role } from "../../../../shared/api.ts";

export type ActionForm = {
  name: string;
  description: string;
  kind: "read" | "write";
  method: ActionDefinition["method"];
  url: string;
  /** JSON text: an object of header templates. */
  headers: string;
  /** JSON text: an object of body field templates, or empty for none. */
  body: string;
  /** JSON text: the list of inputs. */
  inputs: string;
  /** JSON text: value name → JSON pointer. */
  response: string;
  answer: string;
  confirm: string;
  timeoutMs: string;
  retries: string;
  idempotencyHeader: string;
  requiresApproval: boolean;
  customerCard: boolean;
  enabled: boolean;
};
export type ActionField = keyof ActionForm;
export type FormErrors = Partial<Record<ActionField | "form", string>>;

/** Owners define, set secrets, try and read the log; editors read the definitions; agents run them. */
export const canDefine = (role: Role): boolean => role === "owner";
export const canRead = (role: Role): boolean => role === "owner" || role === "editor";

const json = (v: unknown) => JSON.stringify(v, null, 2);

export function formOf(d: ActionDefinitionInput | ActionView): ActionForm {
  return {
    name: d.name,
    description: d.description,
    kind: d.kind,
    method: d.method,
    url: d.url,
    headers: json(d.headers ?? {}),
    body: d.body ? json(d.body) : "",
    inputs: json(d.inputs ?? []),
    response: json(d.response ?? {}),
    answer: d.answer,
    confirm: d.confirm ?? "",
    timeoutMs: String(d.timeoutMs ?? 5000),
    retries: String(d.retries ?? 0),
    idempotencyHeader: d.idempotencyHeader ?? "Idempotency-Key",
    requiresApproval: d.requiresApproval ?? false,
    customerCard: d.customerCard ?? false,
    enabled: d.enabled ?? true,
  };
}

/** Where a new action starts: a read of the customer's plan, or a write that cancels it. */
export const starters: Record<"read" | "write", ActionDefinitionInput> = {
  read: {
    name: "my-plan",
    description: "The customer's plan and storage",
    kind: "read",
    method: "GET",
    url: "https://api.example.com/accounts/{{email}}",
    headers: { authorization: "Bearer {{secret.API_KEY}}" },
    inputs: [{ name: "email", from: "identity", field: "email" }],
    response: { plan: "/plan/name", used: "/storage/usedGb" },
    answer: "You're on **{{plan}}** and use {{used}} GB.",
  },
  write: {
    name: "cancel-subscription",
    description: "Cancels the customer's subscription at the end of the period",
    kind: "write",
    method: "POST",
    url: "https://api.example.com/accounts/{{email}}/cancel",
    headers: { authorization: "Bearer {{secret.API_KEY}}" },
    inputs: [{ name: "email", from: "identity", field: "email" }],
    response: { until: "/effectiveAt" },
    confirm: "This cancels the subscription of **{{email}}** at the end of the current period.",
    answer: "Done: your subscription ends on {{until}}.",
  },
};

function parseJsonField(text: string, field: ActionField, errors: FormErrors): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    errors[field] = `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
    return undefined;
  }
}

const FIELDS = new Set<string>(Object.keys(formOf(starters.read)));

/** The form as a definition the worker will take, or each problem at the field it is about. */
export function definitionOf(f: ActionForm): { ok: true; d: ActionDefinition } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const candidate = {
    name: f.name.trim(),
    description: f.description,
    kind: f.kind,
    method: f.method,
    url: f.url,
    headers: parseJsonField(f.headers, "headers", errors) ?? {},
    body: parseJsonField(f.body, "body", errors),
    inputs: parseJsonField(f.inputs, "inputs", errors) ?? [],
    response: parseJsonField(f.response, "response", errors) ?? {},
    answer: f.answer,
    ...(f.confirm.trim() ? { confirm: f.confirm } : {}),
    timeoutMs: Number(f.timeoutMs),
    retries: Number(f.retries),
    idempotencyHeader: f.idempotencyHeader,
    requiresApproval: f.requiresApproval,
    customerCard: f.customerCard,
    enabled: f.enabled,
  };
  if (Object.keys(errors).length) return { ok: false, errors };
  const r = actionDefinitionSchema.safeParse(candidate);
  if (r.success) return { ok: true, d: r.data };
  return { ok: false, errors: errorsOf(r.error.issues) };
}

/** Issues (the schema's or the worker's) at their form field; anything else at the form. */
export function errorsOf(issues: readonly { path: readonly PropertyKey[] | string; message: string }[]): FormErrors {
  const errors: FormErrors = {};
  for (const i of issues) {
    const path = typeof i.path === "string" ? i.path.split(".") : i.path.map(String);
    const top = path[0] ?? "";
    const key = (FIELDS.has(top) ? top : "form") as ActionField | "form";
    const where = path.slice(1).join(".");
    errors[key] ??= where ? `${where}: ${i.message}` : i.message;
  }
  return errors;
}

/** What "try it" asks for: a sample identity when the action reads one, and each value asked of the customer. */
export function sampleFields(d: ActionDefinition): { identity: string[]; asks: { name: string; label: string }[] } {
  const identity = d.inputs.flatMap((i) => (i.from === "identity" ? [i.field] : []));
  const asks = d.inputs.flatMap((i) => (i.from === "customer" ? [{ name: i.name, label: i.label }] : []));
  return { identity: [...new Set(identity)], asks };
}

/** A sample identity as "try it" sends it, from "field → value" (attributes.x become attributes). */
export function sampleIdentity(values: Record<string, string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (!v) continue;
    if (k.startsWith("attributes.")) attributes[k.slice(11)] = v;
    else out[k] = v;
  }
  if (Object.keys(attributes).length) out.attributes = attributes;
  // An identity needs an id; the sample uses the email when no id was given.
  if (!out.id && Object.keys(out).length) out.id = String(out.email ?? "sample");
  return Object.keys(out).length ? out : undefined;
}
