// While the customer waits for a person: "leave your email and we'll send the reply there if you've
// gone". Asked once the conversation is handed off, and only when the workspace sends email at all;
// a verified identity's address is used without asking. A typed address gets a 6-digit code by email
// first, typed back here: until then nothing but that code is mailed to it (docs/email.md). The worker
// mails an agent's reply only when no chat connection is open (worker/channels/email/follow-up.ts), so staying
// on the page changes nothing.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { FollowUpInfo } from "../../shared/api.ts";
import { ApiFailure, getFollowUp, postFollowUp, type Conv } from "./http.ts";
import type { StringKey, Translate } from "./i18n.ts";

type Info = Pick<FollowUpInfo, "available" | "email" | "confirmed">;

/** The refusal's words: a wrong or spent code, or the mail caps; anything else reads as a bad address. */
function problem(e: unknown, step: "email" | "code"): StringKey {
  const code = e instanceof ApiFailure ? e.code : "";
  if (code === "too_many_confirmations") return "followUpTooMany";
  if (code === "wrong_code") return "followUpCodeWrong";
  if (code === "code_expired" || code === "too_many_tries" || code === "no_code") return "followUpCodeOld";
  return step === "code" ? "followUpCodeWrong" : "followUpInvalid";
}

export function FollowUp({ conv, api, site, t }: { conv: Conv; api: string; site: string; t: Translate }) {
  const info = useSignal<Info | null>(null);
  const email = useSignal("");
  const code = useSignal("");
  const editing = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<StringKey | null>(null);
  useEffect(() => {
    info.value = null;
    void getFollowUp(api, site, conv).then(
      (v) => (info.value = v),
      () => undefined,
    );
  }, [conv.id]);

  const i = info.value;
  if (!i?.available) return null;
  const change = () => {
    editing.value = true;
    email.value = i.email ?? "";
    error.value = null;
  };
  const send = (path: "follow-up" | "follow-up/confirm", body: unknown, step: "email" | "code") => {
    busy.value = true;
    error.value = null;
    void postFollowUp(api, site, conv, path, body)
      .then((v) => {
        info.value = { available: true, email: v.email, confirmed: v.confirmed };
        editing.value = false;
        code.value = "";
      })
      .catch((e: unknown) => (error.value = problem(e, step)))
      .finally(() => (busy.value = false));
  };

  if (i.email && i.confirmed !== false && !editing.value) {
    return (
      <p class="note followup" role="status">
        {t("followUpSet", { email: i.email })}{" "}
        <button type="button" class="link" onClick={change}>
          {t("followUpChange")}
        </button>
      </p>
    );
  }
  const errorLine = error.value && (
    <p id="edgedesk-followup-error" class="meta bad" role="alert">
      {t(error.value)}
    </p>
  );
  if (i.email && !editing.value) {
    // Waiting for the code mailed to the typed address.
    const submit = (e: Event) => {
      e.preventDefault();
      if (!busy.value && code.value.trim()) send("follow-up/confirm", { code: code.value.trim() }, "code");
    };
    return (
      <form class="followup" onSubmit={submit} noValidate>
        <p class="followup-ask" id="edgedesk-followup-ask">
          {t("followUpCodeAsk", { email: i.email })}{" "}
          <button type="button" class="link" onClick={change}>
            {t("followUpChange")}
          </button>
        </p>
        <div class="followup-row">
          <label class="sr" for="edgedesk-followup-code">
            {t("followUpCodeLabel")}
          </label>
          <input
            id="edgedesk-followup-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            value={code.value}
            aria-describedby={error.value ? "edgedesk-followup-ask edgedesk-followup-error" : "edgedesk-followup-ask"}
            aria-invalid={error.value ? "true" : undefined}
            onInput={(e) => (code.value = e.currentTarget.value)}
          />
          <button type="submit" disabled={busy.value}>
            {t("followUpConfirm")}
          </button>
        </div>
        {errorLine}
      </form>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    if (!busy.value && email.value.trim()) send("follow-up", { email: email.value }, "email");
  };
  return (
    <form class="followup" onSubmit={submit} noValidate>
      <label for="edgedesk-followup">{t("followUpAsk")}</label>
      <div class="followup-row">
        <input
          id="edgedesk-followup"
          type="email"
          autocomplete="email"
          maxLength={254}
          value={email.value}
          aria-invalid={error.value ? "true" : undefined}
          aria-describedby={error.value ? "edgedesk-followup-error" : undefined}
          onInput={(e) => (email.value = e.currentTarget.value)}
        />
        <button type="submit" disabled={busy.value}>
          {t("followUpSave")}
        </button>
      </div>
      {errorLine}
    </form>
  );
}
