// The check of a value an action asks the customer for (an order number…), in one place for both sides:
// the worker decides with it before anything is sent anywhere (worker/actions/inputs.ts), and the
// widget's form (widget/form/) runs the same rules first so a typing slip is caught beside the field
// without a round trip. The worker never trusts the form: it checks again, and asks again with the
// code when a value does not fit.
import type { AskError } from "./protocol.ts";

/** The longest value a customer may give an action (an input's own `maxLength` may be shorter). */
export const MAX_GIVEN = 200;

/** What the check needs of an input: the action's definition, or the `field` of an ask frame. */
export type AskSpec = {
  type?: "text" | "number" | "email" | undefined;
  pattern?: string | undefined;
  maxLength?: number | undefined;
};

/** Why `value` does not fit (`AskError`), or null. Surrounding spaces do not count. */
export function askProblem(spec: AskSpec, value: string): AskError | null {
  const v = value.trim();
  if (!v) return "empty";
  if (v.length > Math.min(spec.maxLength ?? MAX_GIVEN, MAX_GIVEN)) return "long";
  if (spec.type === "number" && !/^-?\d+([.,]\d+)?$/.test(v)) return "number";
  if (spec.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return "email";
  if (spec.pattern) {
    try {
      if (!new RegExp(spec.pattern, "u").test(v)) return "pattern";
    } catch {
      return "pattern";
    }
  }
  return null;
}
