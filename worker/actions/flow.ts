// An action's call inside one conversation, through its gates (docs/actions.md "The gates"):
//
// 1. the definition exists and is switched on;
// 2. every identity input comes from a field the site signed, or nothing runs: the customer is asked to
//    sign in (when the site has identity set up) or offered a person, and never shown data;
// 3. values asked of the customer come one small form at a time (the widget's form chunk) and are checked
//    again here before anything is sent; the form's Cancel drops the call;
// 4. a write shows what it will do and runs only on the customer's yes (the button, tied to this call);
// 5. a write the owner marked `requiresApproval` then waits for an agent's approval in the console;
// 6. the call (execute.ts) answers with the data, or honestly with a failure and the offer of a person.
//
// Every step is an agents-only `action` event (the transcript, the packet, the audit log and the call
// log follow from it: follower.ts); what waits is kept in the conversation's record (`actionWait`), so a
// restart loses nothing. The conversation gives this its ports (bot.ts); nothing here touches the runtime.
import type { ActionDefinition, CustomerInput, TryResult } from "../../shared/actions.ts";
import { escapeMarkdown, renderTemplate } from "../../shared/action-template.ts";
import type { Action, ActionStep, AskError, AskField, Source } from "../../shared/protocol.ts";
import {
  type ActionWait,
  type Agent,
  type Meta,
  type NewEvent,
  Refused,
  type TurnRecord,
} from "../conversation/model.ts";
import { checkGiven, MAX_GIVEN, redact, resolveInputs } from "./inputs.ts";
import { words } from "./words.ts";

/** What the flow needs outside the conversation: definitions, the call, the site's identity set-up. */
export type FlowPorts = {
  definition(workspaceId: string, name: string): Promise<ActionDefinition | null>;
  call(workspaceId: string, d: ActionDefinition, inputs: Record<string, string>, callId: string): Promise<TryResult>;
  /** Whether the conversation's site signs identities (so "sign in" is something the customer can do). */
  identitySetUp(siteKey: string): Promise<boolean>;
};

/** What the flow needs of the conversation (the bot gives it). */
export type FlowHost = {
  meta(): Meta;
  saveMeta(m: Meta): void;
  emit(e: NewEvent): void;
  /** Streams and stores a bot message; `before` runs just before it is stored (its turn record). */
  say(
    text: string,
    extra: { action: Action; sources?: Source[]; options?: { articleId: string; title: string }[]; field?: AskField },
    before?: (messageId: string) => void,
  ): Promise<string>;
  record(t: TurnRecord): void;
  now(): number;
  newId(): string;
};

/** Where a call comes from: the bot's turn (an article or the model named it) or an agent's run. */
export type Origin = {
  question: string;
  articleId?: string;
  /** The article's own answer, said when the action is not there to run. */
  fallback?: { text: string; sources: Source[] };
  /** Values for customer inputs already known (the model found them in the message): checked like typed ones. */
  given?: Record<string, string>;
};

/** What an agent's run from the console did. */
export type AgentRun = { step: ActionStep; callId: string; answer?: string; error?: string };

const TRIED_KEPT = 5;
const labelIn = (label: string) =>
  escapeMarkdown(/^[A-Z][a-z]/.test(label) ? label[0]?.toLowerCase() + label.slice(1) : label);

export class ActionFlow {
  constructor(
    private readonly host: FlowHost,
    private readonly ports: FlowPorts,
  ) {}

  private get meta(): Meta {
    return this.host.meta();
  }

  /** The bot's turn named action `name`. */
  async start(name: string, origin: Origin): Promise<void> {
    const m = this.meta;
    const d = await this.ports.definition(m.workspaceId, name);
    const callId = `act_${this.host.newId()}`;
    if (!d?.enabled) {
      this.step({
        callId,
        name,
        kind: d?.kind ?? "read",
        step: "refused",
        by: "bot",
        reason: d ? "switched off" : "not defined",
      });
      if (origin.fallback) {
        const { text, sources } = origin.fallback;
        await this.host.say(text, { action: "answer", sources }, (id) => this.turn(origin, "answer", "answer", id));
      } else
        await this.host.say(words(m.locale, "unavailable"), { action: "decline" }, (id) =>
          this.turn(origin, "decline", "action-unavailable", id),
        );
      return;
    }
    const wait: ActionWait = {
      callId,
      name,
      stage: "ask",
      given: origin.given ?? {},
      by: "bot",
      question: origin.question,
      ...(origin.articleId ? { articleId: origin.articleId } : {}),
      at: this.host.now(),
    };
    await this.advance(d, wait);
  }

  /**
   * A customer message while a call waits for them: their value, their yes or no. False when the
   * message is about something else (the call is dropped and the bot answers as usual) or when what
   * waits is an agent's approval.
   */
  async reply(text: string, choice: string | undefined): Promise<boolean> {
    const wait = this.meta.actionWait;
    if (!wait || wait.stage === "approval") return false;
    const d = await this.ports.definition(this.meta.workspaceId, wait.name);
    if (choice === `cancel:${wait.callId}`) {
      // The form's "Cancel": nothing runs, and the customer can ask something else or for a person.
      this.clear();
      this.step({ callId: wait.callId, name: wait.name, kind: d?.kind ?? "read", step: "declined", by: "customer" });
      await this.host.say(words(this.meta.locale, "cancelled"), { action: "decline" }, (id) =>
        this.turn(wait, "decline", "action-cancelled", id),
      );
      return true;
    }
    if (wait.stage === "ask") {
      const input = d?.inputs.find((i): i is CustomerInput => i.from === "customer" && i.name === wait.asking);
      const fromForm = choice === `form:${wait.callId}`;
      // Their answer: sent from the form or the labelled composer, or typed when it fits a value with a
      // shape of its own.
      const typed =
        choice === undefined &&
        !!input &&
        (!!input.pattern || input.type !== "text") &&
        checkGiven(input, text) === null;
      if (!d || !input || !(choice === `in:${wait.callId}` || fromForm || typed)) return this.abandon(wait, d);
      const problem = checkGiven(input, text);
      if (problem !== null) {
        // Sent from the form it is an answer however wrong, asked again with why (the conversation's
        // message budget bounds the tries). Typed into the composer, a second miss is most likely not
        // an answer at all but a new question: the bot takes it as one.
        if (wait.retried && !fromForm) return this.abandon(wait, d);
        this.save({ ...wait, retried: true });
        await this.host.say(
          words(this.meta.locale, "askAgain", { label: labelIn(input.label) }),
          { action: "ask", field: fieldOf(input, wait.callId, problem) },
          (id) => this.turn(wait, "ask", "action-ask-again", id),
        );
        return true;
      }
      const { retried: _r, ...rest } = wait;
      await this.advance(d, { ...rest, given: { ...wait.given, [input.name]: text.trim() } });
      return true;
    }
    if (!d || (choice !== `yes:${wait.callId}` && choice !== `no:${wait.callId}`)) return this.abandon(wait, d);
    if (choice === `no:${wait.callId}`) {
      this.clear();
      this.step({ ...this.ids(wait, d), step: "declined", by: "customer" });
      await this.host.say(words(this.meta.locale, "declined"), { action: "decline" }, (id) =>
        this.turn(wait, "decline", "action-declined", id),
      );
      return true;
    }
    if (d.requiresApproval && wait.by === "bot") {
      this.save({ ...wait, stage: "approval" });
      this.step({
        ...this.ids(wait, d),
        step: "awaiting-approval",
        by: "customer",
        inputs: redacted(wait.inputs ?? {}),
        ...(wait.summary ? { summary: wait.summary } : {}),
      });
      await this.host.say(words(this.meta.locale, "approvalWait"), { action: "act" }, (id) =>
        this.turn(wait, "act", "action-awaiting-approval", id),
      );
      return true;
    }
    await this.run(d, wait, wait.by === "bot" ? "customer" : `customer, for ${wait.by}`);
    return true;
  }

  /** An agent's decision on a call waiting for approval. */
  async decide(agent: Agent, callId: string, approve: boolean, reason?: string): Promise<AgentRun> {
    const wait = this.meta.actionWait;
    if (wait?.stage !== "approval" || wait.callId !== callId)
      throw new Refused("not_waiting", "this call is not waiting for approval (decided already, or dropped)");
    const d = await this.ports.definition(this.meta.workspaceId, wait.name);
    if (!approve || !d?.enabled) {
      this.clear();
      const why = approve ? "the action was removed or switched off" : reason;
      this.step({
        callId,
        name: wait.name,
        kind: d?.kind ?? "write",
        step: "denied",
        by: agent.name,
        ...(why ? { reason: why } : {}),
      });
      const said = why
        ? words(this.meta.locale, "denied", { reason: escapeMarkdown(why) })
        : words(this.meta.locale, "deniedNoReason");
      await this.host.say(said, { action: "decline" }, (id) => this.turn(wait, "decline", "action-denied", id));
      return { step: "denied", callId };
    }
    this.step({ ...this.ids(wait, d), step: "approved", by: agent.name });
    const r = await this.run(d, wait, `customer, approved by ${agent.name}`);
    return { step: r.status === "ok" ? "ok" : r.status, callId, ...(r.error ? { error: r.error } : {}) };
  }

  /**
   * An agent runs an action from the console with the customer's context and the values they give:
   * the same gates. A read's answer goes to the agent only; a write asks the customer to confirm.
   */
  async runByAgent(agent: Agent, name: string, given: Record<string, string>): Promise<AgentRun> {
    const m = this.meta;
    const d = await this.ports.definition(m.workspaceId, name);
    if (!d) throw new Refused("not_found", "no such action");
    if (!d.enabled) throw new Refused("disabled", "this action is switched off");
    const callId = `act_${this.host.newId()}`;
    const r = resolveInputs(d, this.inputContext(given));
    if (!r.ok && "unverified" in r) {
      const reason = `the customer's ${r.unverified.join(", ")} is not verified`;
      this.step({ callId, name, kind: d.kind, step: "refused", by: agent.name, reason });
      return { step: "refused", callId, error: reason };
    }
    if (!r.ok) throw new Refused("input_required", `give a valid value for ${r.ask.label}`);
    const wait: ActionWait = {
      callId,
      name,
      stage: "confirm",
      given,
      by: agent.name,
      question: "",
      at: this.host.now(),
    };
    if (d.kind === "write") {
      await this.confirm(d, wait, r.inputs);
      return { step: "confirming", callId };
    }
    const result = await this.ports.call(m.workspaceId, d, r.inputs, callId);
    this.finished(d, wait, r.inputs, result, agent.name, result.status === "ok" ? result.answer : undefined);
    return {
      step: result.status === "ok" ? "ok" : result.status,
      callId,
      ...(result.answer ? { answer: result.answer } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  }

  // ---- the steps ------------------------------------------------------------------------------------

  private inputContext(given: Record<string, string>) {
    const m = this.meta;
    return { identity: m.identity, locale: m.locale, page: m.pageUrl, conversationId: m.id, given };
  }

  /** From what is known now: refuse, ask for the next value, confirm, or call. */
  private async advance(d: ActionDefinition, wait: ActionWait): Promise<void> {
    const m = this.meta;
    const r = resolveInputs(d, this.inputContext(wait.given));
    if (!r.ok && "unverified" in r) {
      this.clear();
      this.tried(d.name, "refused", "customer not verified");
      this.step({
        ...this.ids(wait, d),
        step: "refused",
        by: "bot",
        reason: `not verified: ${r.unverified.join(", ")}`,
      });
      const signIn = await this.ports.identitySetUp(m.siteKey).catch(() => false);
      await this.host.say(words(m.locale, signIn ? "signIn" : "noIdentity"), { action: "decline" }, (id) =>
        this.turn(wait, "decline", signIn ? "action-needs-sign-in" : "action-needs-person", id),
      );
      return;
    }
    if (!r.ok) {
      this.save({ ...wait, stage: "ask", asking: r.ask.name });
      this.step({ ...this.ids(wait, d), step: "asked", by: "bot", reason: r.ask.name });
      await this.host.say(
        words(m.locale, "ask", { label: labelIn(r.ask.label) }),
        { action: "ask", field: fieldOf(r.ask, wait.callId) },
        (id) => this.turn(wait, "ask", "action-ask", id),
      );
      return;
    }
    if (d.kind === "write") return this.confirm(d, wait, r.inputs);
    await this.run(d, { ...wait, inputs: r.inputs }, "bot");
  }

  private async confirm(d: ActionDefinition, wait: ActionWait, inputs: Record<string, string>): Promise<void> {
    const summary = renderTemplate(d.confirm ?? d.description, (n) => inputs[n], escapeMarkdown).trim();
    this.save({ ...wait, stage: "confirm", inputs, summary });
    this.step({ ...this.ids(wait, d), step: "confirming", by: wait.by, inputs: redacted(inputs), summary });
    const l = this.meta.locale;
    await this.host.say(
      summary,
      {
        action: "confirm",
        options: [
          { articleId: `yes:${wait.callId}`, title: words(l, "yes") },
          { articleId: `no:${wait.callId}`, title: words(l, "no") },
        ],
      },
      (id) => this.turn(wait, "confirm", "action-confirm", id),
    );
  }

  /** Makes the call and tells the customer what came of it. */
  private async run(d: ActionDefinition, wait: ActionWait, by: string): Promise<TryResult> {
    const inputs = wait.inputs ?? {};
    this.clear();
    const result = await this.ports.call(this.meta.workspaceId, d, inputs, wait.callId);
    this.finished(d, wait, inputs, result, by);
    const l = this.meta.locale;
    if (result.status === "ok" && result.answer)
      await this.host.say(result.answer, { action: "act" }, (id) => this.turn(wait, "act", "action-ok", id));
    else
      await this.host.say(words(l, d.kind === "write" ? "failedWrite" : "failedRead"), { action: "decline" }, (id) =>
        this.turn(wait, "decline", `action-${result.status}`, id),
      );
    return result;
  }

  private finished(
    d: ActionDefinition,
    wait: ActionWait,
    inputs: Record<string, string>,
    r: TryResult,
    by: string,
    answer?: string,
  ): void {
    this.tried(d.name, r.status, r.error);
    this.step({
      ...this.ids(wait, d),
      step:
        r.status === "ok" ? "ok" : r.status === "timeout" ? "timeout" : r.status === "refused" ? "refused" : "failed",
      by,
      inputs: redacted(inputs),
      durationMs: r.durationMs,
      ...(r.response ? { httpStatus: r.response.status } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(answer ? { answer } : {}),
    });
  }

  private async abandon(wait: ActionWait, d: ActionDefinition | null): Promise<false> {
    this.clear();
    this.step({ callId: wait.callId, name: wait.name, kind: d?.kind ?? "read", step: "abandoned", by: "customer" });
    return false;
  }

  // ---- the record -----------------------------------------------------------------------------------

  private ids(wait: ActionWait, d: ActionDefinition) {
    return { callId: wait.callId, name: wait.name, kind: d.kind };
  }

  private step(e: Omit<Extract<NewEvent, { type: "action" }>, "type" | "audience" | "at">): void {
    this.host.emit({ type: "action", audience: "agents", at: this.host.now(), ...e });
  }

  private save(wait: ActionWait): void {
    this.host.saveMeta({ ...this.meta, actionWait: wait });
  }

  private clear(): void {
    const { actionWait: _done, ...rest } = this.meta;
    this.host.saveMeta(rest);
  }

  private tried(name: string, step: string, error?: string): void {
    const m = this.meta;
    const entry = { name, step, at: this.host.now(), ...(error ? { error } : {}) };
    this.host.saveMeta({ ...m, actionsTried: [...(m.actionsTried ?? []), entry].slice(-TRIED_KEPT) });
  }

  private turn(o: { question: string; articleId?: string }, action: Action, reason: string, messageId: string): void {
    if (!o.question) return;
    this.host.record({
      question: o.question,
      action,
      reason,
      confidence: 1,
      messageId,
      ...(o.articleId ? { article: o.articleId } : {}),
    });
  }
}

/** What the widget's form needs of the input (the worker checks the value again), and why the last value missed. */
const fieldOf = (i: CustomerInput, callId: string, error?: AskError): AskField => ({
  id: callId,
  label: i.label,
  type: i.type,
  ...(i.pattern ? { pattern: i.pattern } : {}),
  maxLength: i.maxLength ?? MAX_GIVEN,
  ...(error ? { error } : {}),
});

const redacted = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, redact(v)]));
