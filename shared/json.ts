// Reading stored or received JSON through a schema instead of asserting its type: D1 JSON columns,
// KV values, Durable Object storage, other services' answers. A value that does not fit throws a
// DataError that says what was read and where it is wrong; callers that tolerate missing data today
// catch it (or use `safeParseJson`) and fall back the same way.
import * as z from "zod/mini";

export class DataError extends Error {
  override name = "DataError";
}

// zod/mini carries no message texts (they would weigh on the widget), so the issue's own fields say it.
function what(i: z.core.$ZodIssue): string {
  if (i.code === "invalid_type") return `expected ${i.expected}`;
  if (i.code === "invalid_value") return `expected ${i.values.map((v) => JSON.stringify(v)).join(" or ")}`;
  if (i.message && i.message !== "Invalid input") return i.message;
  return i.code.replaceAll("_", " ");
}

function describe(error: z.core.$ZodError): string {
  const i = error.issues[0];
  if (!i) return "invalid";
  const path = i.path.map(String).join(".");
  return `${path || "value"}: ${what(i)}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ""}`;
}

/** `value` as `schema` says, or a DataError naming `what` (e.g. "sites.allowed_origins of site x"). */
export function parseValue<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DataError(`${what} is not valid: ${describe(r.error)}`);
}

/** JSON text parsed and checked against `schema`, or a DataError naming `what`. */
export function parseJson<S extends z.ZodMiniType>(schema: S, text: string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${what} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseValue(schema, value, what);
}

/** As parseJson, but `null` (after logging why) instead of throwing: for data the caller can do without. */
export function safeParseJson<S extends z.ZodMiniType>(schema: S, text: string, what: string): z.infer<S> | null {
  try {
    return parseJson(schema, text, what);
  } catch (e) {
    console.error(`[edgedesk] ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/** A JSON column holding a list of strings (tags, teams, allowed origins, subscribed events). */
export const stringList = z.array(z.string());
