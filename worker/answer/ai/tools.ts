// Actions as tools for the LLM path (docs/actions.md "How the bot chooses"): with COMPOSER=llm, the
// workspace's switched-on actions are offered to a Workers AI model with function calling, before
// retrieval. The model only chooses: the action it names then runs through exactly the gates of an
// article's `action:` (worker/actions/flow.ts: verified identity, the customer's yes, approval), its
// arguments count only as values the customer gave (checked against each input's pattern, asked again
// when they do not fit), and the customer reads the owner's answer template, never model text over data.
//
// The model sees each action's name, description and the values it asks of the customer; never a URL,
// a header, a secret or any identity field. One non-streamed call with a hard timeout; an error, a
// timeout, no call or a name that is not one of the offered actions leaves the turn to the articles.
import type { ActionDefinition } from "../../../shared/actions.ts";
import type { AiBinding } from "./embeddings.ts";
import { within } from "./llm.ts";

export type ToolPick = { name: string; given: Record<string, string> };

export type ToolOptions = { model: string; timeoutMs: number };

const SYSTEM = [
  "You route a customer's message in a support chat.",
  "If the message asks for one of the tools' tasks for the customer's own account, call that tool, with only the values the customer wrote.",
  "Otherwise call no tool and reply with the single word NONE.",
].join(" ");

/** A tool as Workers AI function calling takes it: the action's name, description and asked values. */
export function toolOf(d: ActionDefinition) {
  const asks = d.inputs.flatMap((i) => (i.from === "customer" ? [i] : []));
  return {
    type: "function" as const,
    function: {
      name: d.name,
      description: `${d.description}${d.kind === "write" ? " (changes the account; the customer confirms first)" : ""}`,
      parameters: {
        type: "object",
        properties: Object.fromEntries(
          asks.map((i) => [
            i.name,
            { type: "string", description: `${i.label}${i.pattern ? ` (format: ${i.pattern})` : ""}` },
          ]),
        ),
        required: [] as string[],
      },
    },
  };
}

/** The first tool call of an answer, in either shape Workers AI returns (legacy or OpenAI-like). */
export function firstCall(out: unknown): { name: string; args: Record<string, unknown> } | null {
  if (!out || typeof out !== "object") return null;
  const calls = (out as { tool_calls?: unknown }).tool_calls;
  if (!Array.isArray(calls) || !calls.length) return null;
  const c = calls[0] as { name?: unknown; arguments?: unknown; function?: { name?: unknown; arguments?: unknown } };
  const name = c.function?.name ?? c.name;
  let args = c.function?.arguments ?? c.arguments ?? {};
  if (typeof args === "string") {
    try {
      args = JSON.parse(args || "{}");
    } catch {
      args = {};
    }
  }
  if (typeof name !== "string" || !args || typeof args !== "object" || Array.isArray(args)) return null;
  return { name, args: args as Record<string, unknown> };
}

export class ActionTools {
  constructor(
    private readonly ai: AiBinding,
    private readonly o: ToolOptions,
  ) {}

  /** The action the model picks for `text` among `actions`, with the customer's values it found; or null. */
  async choose(text: string, actions: ActionDefinition[]): Promise<ToolPick | null> {
    const offered = actions.filter((d) => d.enabled);
    if (!offered.length) return null;
    try {
      // A real promise (the binding may hand back a thenable): a late rejection after the timeout is handled.
      const run = Promise.resolve(
        this.ai.run(this.o.model, {
          messages: [
            { role: "system", content: SYSTEM },
            { role: "user", content: text },
          ],
          tools: offered.map(toolOf),
          max_tokens: 200,
          temperature: 0,
        }),
      );
      run.catch(() => undefined);
      const out = await within(run, this.o.timeoutMs, `${this.o.model} tool choice`);
      const call = firstCall(out);
      const d = call && offered.find((a) => a.name === call.name);
      if (!call || !d) return null;
      // Only values the customer is asked for, as text; identity and conversation inputs never come from the model.
      const asked = new Set(d.inputs.flatMap((i) => (i.from === "customer" ? [i.name] : [])));
      const given = Object.fromEntries(
        Object.entries(call.args).flatMap(([k, v]) =>
          asked.has(k) && (typeof v === "string" || typeof v === "number") && String(v).trim()
            ? [[k, String(v).slice(0, 200)]]
            : [],
        ),
      );
      return { name: d.name, given };
    } catch (e) {
      console.warn(`[edgedesk] action tool choice skipped: ${String(e)}`);
      return null;
    }
  }
}
