// widget-form.js's work: the small form for a value an action asks the customer for (an order number):
// a labelled input typed from the action's definition, Send and Cancel, and the error beside the field,
// whether the shared check caught it here or the worker refused the value and asked again. Plain DOM:
// the chunk carries no framework. The message box stays for anything else the customer wants to say.
import type { AskField } from "../../shared/protocol.ts";
import type { AskForm, SendChoice } from "../contract.ts";
import { cancelled, change, errorText, inputAttrs, submitted } from "./logic.ts";
import css from "./styles.css?inline";
import { words } from "./words.ts";

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ""): HTMLElementTagNameMap[K] =>
  Object.assign(document.createElement(tag), { className: cls, textContent: text });

export function makeForm(send: SendChoice): AskForm {
  let styled = false;
  let shown: { id: string; key: string | undefined; form: HTMLFormElement } | null = null;

  function draw(f: AskField, key: string, locale: string): HTMLFormElement {
    const t = words(locale);
    const form = el("form", "askf");
    form.noValidate = true;
    const label = el("label", "askf-label", f.label);
    label.htmlFor = "ed-askf-in";
    label.id = "ed-askf-label";
    // Named by what it asks: its own Send is then told apart from the message box's.
    form.setAttribute("aria-labelledby", label.id);
    const input = Object.assign(el("input", "askf-in"), inputAttrs(f), { id: "ed-askf-in", name: "value" });
    input.setAttribute("aria-describedby", "ed-askf-err ed-askf-hint");
    input.enterKeyHint = "send";
    // Always in the DOM, so a screen reader announces the error when it is written in.
    const err = el("p", "askf-err");
    err.id = "ed-askf-err";
    err.setAttribute("role", "alert");
    const hint = el("p", "askf-hint", t("hint"));
    hint.id = "ed-askf-hint";
    const ok = el("button", "askf-send", t("send"));
    ok.type = "submit";
    const cancel = el("button", "askf-cancel", t("cancel"));
    cancel.type = "button";
    const row = el("div", "askf-row");
    row.append(input, ok, cancel);
    form.append(label, row, err, hint);
    // Once sent, the buttons wait for the bot's reply: aria-disabled, not disabled, so the focus stays
    // on the button pressed (and goes to the message box when the form goes).
    const sending = (r: { send: string; choice: string }) => {
      form.dataset.busy = "";
      for (const b of [ok, cancel]) b.setAttribute("aria-disabled", "true");
      send(r.send, r.choice);
    };
    form.onsubmit = (e) => {
      e.preventDefault();
      if (form.dataset.busy !== undefined) return;
      const r = submitted(f, input.value);
      if ("error" in r) return fail(form, errorText(f, r.error, t));
      sending(r);
    };
    cancel.onclick = () => {
      if (form.dataset.busy === undefined) sending(cancelled(f, t("cancel")));
    };
    shown = { id: f.id, key, form };
    return form;
  }

  /** The error beside the field, the field marked, the buttons back, the focus on what to fix. */
  function fail(form: HTMLFormElement, text: string): void {
    const input = form.querySelector("input");
    const err = form.querySelector(".askf-err");
    if (!input || !err) return;
    err.textContent = text;
    input.setAttribute("aria-invalid", "true");
    delete form.dataset.busy;
    for (const b of form.querySelectorAll("button")) b.removeAttribute("aria-disabled");
    input.focus();
    input.select();
  }

  return {
    show(message, box, locale, composer) {
      const f = (box && message?.field) || null;
      const what = change(shown && { id: shown.id, key: shown.key }, f, message?.id);
      const old = shown?.form;
      if (what === "gone" || !f || !box || !message) {
        const focused = !!old && old.contains((old.getRootNode() as ShadowRoot).activeElement);
        old?.remove();
        shown = null;
        if (focused) composer.current?.focus();
        return false;
      }
      if (!styled) {
        // Once, into the widget's shadow root (the app's tokens: --brand, --line…).
        (box.getRootNode() as ShadowRoot).append(el("style", "", css));
        styled = true;
      }
      if (what !== "new" && old && shown) {
        // The chat view drawn again: the same form, in its new place.
        if (old.parentNode !== box) box.append(old);
        shown.key = message.id;
        if (what === "again" && f.error) fail(old, errorText(f, f.error, words(locale)));
        return true;
      }
      old?.remove();
      const form = draw(f, message.id, locale);
      box.append(form);
      form.querySelector("input")?.focus();
      return true;
    },
  };
}
