// The values of an action's inputs for one conversation, and the gate on them: an identity input is
// taken only from a field the site signed (shared/protocol.ts isVerifiedField), so a visitor who merely
// claims to be someone never reaches that person's data; a value asked of the customer is checked
// against its type and pattern before anything is sent anywhere.
import type { ActionDefinition, CustomerInput } from "../../shared/actions.ts";
import { askProblem, MAX_GIVEN } from "../../shared/ask.ts";
import { type AskError, type Identity, isVerifiedField } from "../../shared/protocol.ts";

export type InputContext = {
  identity?: Identity | undefined;
  locale: string;
  page?: string | undefined;
  conversationId?: string | undefined;
  /** Values the customer gave so far, by input name. */
  given: Record<string, string>;
};

export type Resolved =
  | { ok: true; inputs: Record<string, string> }
  /** Identity fields the action needs that are missing or not signed: it must not run. */
  | { ok: false; unverified: string[] }
  /** The next value to ask the customer for. */
  | { ok: false; ask: CustomerInput };

/** A value as the call log and the transcript keep it: enough to tell two calls apart, not to read the data. */
export function redact(v: string): string {
  return v.length <= 4 ? "••••" : `${v.slice(0, 2)}••••`;
}

export { MAX_GIVEN };

function identityValue(identity: Identity | undefined, field: string): string | undefined {
  if (field.startsWith("attributes.")) {
    if (!isVerifiedField(identity, "attributes")) return undefined;
    const v = identity?.attributes?.[field.slice(11)];
    return v === undefined ? undefined : String(v);
  }
  const f = field as "id" | "email" | "name";
  return isVerifiedField(identity, f) ? identity?.[f] : undefined;
}

/** The identity fields `d` reads (so a console can say what a customer must sign in with). */
export const identityFieldsOf = (d: ActionDefinition): string[] =>
  d.inputs.flatMap((i) => (i.from === "identity" ? [i.field] : []));

export function resolveInputs(d: ActionDefinition, ctx: InputContext): Resolved {
  const unverified = d.inputs.flatMap((i) =>
    i.from === "identity" && !identityValue(ctx.identity, i.field) ? [i.field] : [],
  );
  if (unverified.length) return { ok: false, unverified };
  const inputs: Record<string, string> = {};
  for (const i of d.inputs) {
    if (i.from === "identity") inputs[i.name] = identityValue(ctx.identity, i.field) as string;
    else if (i.from === "conversation")
      inputs[i.name] =
        i.field === "locale" ? ctx.locale : i.field === "page" ? (ctx.page ?? "") : (ctx.conversationId ?? "");
    else {
      const v = ctx.given[i.name];
      if (v === undefined || checkGiven(i, v) !== null) return { ok: false, ask: i };
      inputs[i.name] = v.trim();
    }
  }
  return { ok: true, inputs };
}

/** Why `value` does not fit the input (the code the widget's form explains), or null. */
export const checkGiven = (i: CustomerInput, value: string): AskError | null => askProblem(i, value);
