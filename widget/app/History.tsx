// "Your conversations": the verified customer's past conversations from every channel, and one of
// them read-only (or picked up again, when it is an open chat). The panel's header and focus
// handling stay in Widget.tsx; these are the bodies of the two views.
import { Fragment, type JSX } from "preact";
import { Bubble } from "./Bubble.tsx";
import type { HistoryStore, Loadable } from "./history.ts";
import { channelWord, dayOf, lastLine, pastNext, statusWord } from "./history-words.ts";
import type { Translate } from "./i18n.ts";

type Common = { history: HistoryStore; t: Translate; locale: string };

/** Loading and failure look the same in both views; null once there is something to show. */
function Progress<T>({ l, t, retry }: { l: Loadable<T>; t: Translate; retry(): void }): JSX.Element | null {
  if (l.s === "loading") return <p class="note">{t("pastLoading")}</p>;
  if (l.s === "ok") return null;
  return (
    <p class="note bad" role="alert">
      {t(l.expired ? "pastExpired" : "pastFailed")}{" "}
      {!l.expired && (
        <button type="button" class="link" onClick={retry}>
          {t("retry")}
        </button>
      )}
    </p>
  );
}

export function PastList({
  history,
  t,
  locale,
  currentId,
  open,
  back,
}: Common & { currentId: string | undefined; open(id: string): void; back(): void }) {
  const l = history.list.value;
  return (
    <div class="log past" aria-busy={l.s === "loading" ? "true" : undefined}>
      <div role="status">
        <Progress l={l} t={t} retry={() => void history.loadList()} />
        {l.s === "ok" && !l.v.length && <p class="note">{t("pastEmpty")}</p>}
      </div>
      {l.s === "ok" && l.v.length > 0 && (
        <ul class="pl">
          {l.v.map((c) => {
            const current = c.id === currentId;
            return (
              <li key={c.id}>
                {/* The button's text is its name: title, then channel and day, status, last message. */}
                <button
                  type="button"
                  class="pc"
                  data-id={c.id}
                  aria-current={current ? "true" : undefined}
                  onClick={() => (current ? back() : open(c.id))}
                >
                  <span class="pt">{c.title}</span>{" "}
                  <span class="pm">
                    {channelWord(c.channel, t)} · {dayOf(c.updatedAt, locale)}
                    {current && <b> · {t("pastCurrent")}</b>}
                  </span>{" "}
                  <span class={`ps ${c.status}`}>{statusWord(c.status, t)}</span>{" "}
                  {c.last && <span class="pp">{lastLine(c, t)}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function PastView({
  history,
  t,
  base,
  id,
  resume,
  back,
}: Omit<Common, "locale"> & { base: string; id: string; resume(id: string, token: string): void; back(): void }) {
  const p = history.past.value;
  if (p.s !== "ok" || p.v.conversation.id !== id) {
    return (
      <div class="log past" aria-busy={p.s === "loading" ? "true" : undefined}>
        <div role="status">
          <Progress l={p.s === "ok" ? { s: "loading" } : p} t={t} retry={() => void history.open(id)} />
        </div>
      </div>
    );
  }
  const { conversation: c, messages, token } = p.v;
  const next = pastNext(c);
  let lastAuthor = "";
  return (
    <>
      <div class="log" tabIndex={0} role="region" aria-label={t("pastLog")}>
        {messages.map((m) => {
          const who = m.author + (m.name ?? "");
          const label = who !== lastAuthor;
          lastAuthor = who;
          return (
            <Fragment key={m.id}>
              <Bubble m={m} t={t} base={base} label={label} />
              {m.attachments?.map((a) => (
                <p class={`meta ${m.author === "customer" ? "me" : ""}`} key={m.id + a.name}>
                  {t("attachment", { name: a.name })}
                </p>
              ))}
            </Fragment>
          );
        })}
      </div>
      <div class="pfoot">
        {next === "continue" && token ? (
          <button type="button" class="rate" onClick={() => resume(c.id, token)}>
            {t("continueChat")}
          </button>
        ) : (
          <p class="note">{t(next === "closed" ? "pastClosed" : next === "email" ? "pastByEmail" : "pastElsewhere")}</p>
        )}
        <button type="button" class="link" onClick={back}>
          {t("backToChat")}
        </button>
      </div>
    </>
  );
}
