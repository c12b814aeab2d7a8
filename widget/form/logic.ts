// The form's decisions, apart from the DOM (logic.test.ts): the input's attributes from the action's
// input definition, what a submit does (nothing sent for a value the shared check refuses), and which
// error shows beside the field (the form's own, else the one the worker asked again with).
import { askProblem, MAX_GIVEN } from "../../shared/ask.ts";
import type { AskError, AskField } from "../../shared/protocol.ts";
import type { WordKey } from "./words.ts";

/** The <input>'s attributes. A number is typed as text with a numeric keyboard: the worker takes "1,5". */
export function inputAttrs(f: AskField): { type: string; inputMode: string; maxLength: number; autocomplete: string } {
  return {
    type: f.type === "email" ? "email" : "text",
    inputMode: f.type === "number" ? "decimal" : f.type === "email" ? "email" : "text",
    maxLength: Math.min(f.maxLength ?? MAX_GIVEN, MAX_GIVEN),
    autocomplete: f.type === "email" ? "email" : "off",
  };
}

/** A submit: the value to send with its choice, or the error to show (nothing is sent). */
export function submitted(f: AskField, value: string): { send: string; choice: string } | { error: AskError } {
  const error = askProblem(f, value);
  return error ? { error } : { send: value.trim(), choice: `form:${f.id}` };
}

/** The form's Cancel: the message and choice that drop the call. */
export const cancelled = (f: AskField, word: string) => ({ send: word, choice: `cancel:${f.id}` });

/** The error's words: a key and its parameters (the label in lower case inside a sentence). */
export function errorText(f: AskField, error: AskError, t: (k: WordKey, p?: Record<string, string>) => string): string {
  const label = /^[A-Z][a-z]/.test(f.label) ? f.label[0]?.toLowerCase() + f.label.slice(1) : f.label;
  return t(error, { label, max: String(inputAttrs(f).maxLength) });
}

/**
 * What `show` does with the field of the last bot message: "new" (another call, or none shown: a fresh
 * form), "again" (the same call asked again: keep the value, show the worker's error), "same" (the
 * message already shown: nothing), or "gone" (nothing asked any more).
 */
export function change(
  shown: { id: string; key: string | undefined } | null,
  f: AskField | null,
  key: string | undefined,
): "new" | "again" | "same" | "gone" {
  if (!f) return "gone";
  if (!shown || shown.id !== f.id) return "new";
  return shown.key === key ? "same" : "again";
}
