// While the customer waits for a person: "leave your email and we'll send the reply there if you've
// gone". Asked once the conversation is handed off, and only when the workspace sends email at all;
// a verified identity's address is used without asking. The worker mails an agent's reply only when
// no chat connection is open (worker/email/follow-up.ts), so staying on the page changes nothing.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { FollowUpResult } from "../../shared/api.ts";
import { getFollowUp, postJson, type Conv } from "./http.ts";
import type { Translate } from "./i18n.ts";

export function FollowUp({ conv, api, site, t }: { conv: Conv; api: string; site: string; t: Translate }) {
  const info = useSignal<{ available: boolean; email?: string } | null>(null);
  const email = useSignal("");
  const editing = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal(false);
  useEffect(() => {
    info.value = null;
    void getFollowUp(api, site, conv).then(
      (v) => (info.value = v),
      () => undefined,
    );
  }, [conv.id]);

  const i = info.value;
  if (!i?.available) return null;
  if (i.email && !editing.value) {
    return (
      <p class="note followup" role="status">
        {t("followUpSet", { email: i.email })}{" "}
        <button type="button" class="link" onClick={() => ((editing.value = true), (email.value = i.email ?? ""))}>
          {t("followUpChange")}
        </button>
      </p>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy.value || !email.value.trim()) return;
    busy.value = true;
    error.value = false;
    void postJson(api, site, conv, "follow-up", { email: email.value })
      .then((r) => {
        info.value = { available: true, email: (r as FollowUpResult).email };
        editing.value = false;
      })
      .catch(() => (error.value = true))
      .finally(() => (busy.value = false));
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
      {error.value && (
        <p id="edgedesk-followup-error" class="meta bad" role="alert">
          {t("followUpInvalid")}
        </p>
      )}
    </form>
  );
}
