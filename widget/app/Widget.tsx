// The panel. Reads signals from the store; all network and persistence lives there.
import { Fragment, type JSX } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { useSignal, useSignalEffect, type Signal } from "@preact/signals";
import type { MessageEvent, StateEvent } from "../../shared/protocol.ts";
import type { AskForm, Host, Uploader, UploadHost } from "../contract.ts";
import { PastList, PastView } from "./History.tsx";
import type { HistoryStore } from "./history.ts";
import { channelWord, dayOf, statusWord } from "./history-words.ts";
import { conversationLocale, translator, type Translate } from "./i18n.ts";
import { MAX_CHARS, type Pending } from "./pending.ts";
import type { WidgetStore } from "./store.ts";
import { Bubble } from "./Bubble.tsx";
import { Files } from "./Files.tsx";
import { made, speak } from "./lazy.ts";
import { Markdown, RichText } from "./text.tsx";
import { Vote } from "./Vote.tsx";
import { FollowUp } from "./FollowUp.tsx";

type Props = {
  store: WidgetStore;
  history: HistoryStore;
  host: Host;
  open: Signal<boolean>;
  close(focusLauncher: boolean): void;
};

/** The live chat, the list of past conversations, or one of them. */
type View = { k: "chat" } | { k: "list" } | { k: "past"; id: string };

const IconSend = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M3.4 20.4 21 12 3.4 3.6l-.1 6.5L15 12 3.3 13.9z" />
  </svg>
);
const IconClose = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6.7 5.3 12 10.6l5.3-5.3 1.4 1.4-5.3 5.3 5.3 5.3-1.4 1.4-5.3-5.3-5.3 5.3-1.4-1.4 5.3-5.3-5.3-5.3z" />
  </svg>
);
const IconHistory = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M13 3a9 9 0 0 0-9 9H1l3.9 3.9L9 12H6a7 7 0 1 1 2.1 5l-1.4 1.4A9 9 0 1 0 13 3m-1 5v5l4.3 2.5.7-1.2-3.5-2.1V8z" />
  </svg>
);
const IconBack = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z" />
  </svg>
);
const IconClip = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M16.5 6v11.5a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6H9v9.5a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v12.5a6 6 0 0 0 12 0V6z" />
  </svg>
);
const IconPerson = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8m0 2c-3.3 0-8 1.7-8 5v1h16v-1c0-3.3-4.7-5-8-5" />
  </svg>
);

const FOCUSABLE = 'a[href],button:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

type Item =
  | { k: "msg"; seq: number; m: MessageEvent }
  | { k: "note"; seq: number; e: StateEvent; prev: StateEvent["state"] | undefined };

function noteText(e: StateEvent, prev: StateEvent["state"] | undefined, t: Translate): string | null {
  switch (e.state) {
    case "queued":
      return t("queued");
    case "agent":
      return e.name ? t("joined", { name: e.name }) : t("someoneJoined");
    case "resolved":
      return t("resolved");
    default:
      // The initial `bot` state is not news; coming back to the bot after a person is.
      return prev === "agent" || prev === "queued" ? t("backToBot") : null;
  }
}

function PendingBubble({ p, t, retry }: { p: Pending; t: Translate; retry(id: string): void }) {
  return (
    <div class="row me">
      <span class="sr">{t("you")}</span>
      <div class={`bubble customer ${p.error ? "err" : "wait"}`}>
        <RichText text={p.text} />
      </div>
      {p.error ? (
        <p class="meta bad">
          {t("notSent", { error: p.error })}{" "}
          <button type="button" class="link" onClick={() => retry(p.clientId)}>
            {t("retry")}
          </button>
        </p>
      ) : (
        p.seq === undefined && <p class="meta">{t("sending")}</p>
      )}
    </div>
  );
}

/** After a resolve: 1–5 (buttons, so Tab and Enter reach each), an optional comment, then thanks. */
function Csat({ store, t }: { store: WidgetStore; t: Translate }) {
  const score = useSignal(0);
  const comment = useSignal("");
  const busy = useSignal(false);
  const failed = useSignal(false);
  if (store.timeline.value.csat) {
    return (
      <p class="note" role="status">
        {t("csatThanks")}
      </p>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    if (!score.value || busy.value) return;
    busy.value = true;
    void store.rate(score.value, comment.value).then((err) => {
      busy.value = false;
      failed.value = err !== undefined;
    });
  };
  return (
    <form class="csat" onSubmit={submit}>
      <fieldset>
        <legend>{t("csatQuestion")}</legend>
        <div class="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              class={n <= score.value ? "on" : ""}
              aria-pressed={score.value === n}
              aria-label={t("csatStar", { n })}
              onClick={() => (score.value = n)}
            >
              ★
            </button>
          ))}
        </div>
      </fieldset>
      {score.value > 0 && (
        <>
          <textarea
            rows={2}
            maxLength={1000}
            aria-label={t("csatComment")}
            placeholder={t("csatComment")}
            value={comment.value}
            onInput={(e) => (comment.value = e.currentTarget.value)}
          />
          <button type="submit" class="rate" disabled={busy.value}>
            {t("csatSend")}
          </button>
        </>
      )}
      {failed.value && (
        <p class="meta bad" role="alert">
          {t("csatFailed")}
        </p>
      )}
    </form>
  );
}

function StatusLine({ store, t }: { store: WidgetStore; t: Translate }) {
  const s = store.status.value;
  // "Connecting…" for a blink of an eye is noise; say it only if it lasts.
  // A signal, not useState: the app uses no useState (preact/hooks' useState and useReducer stay out of the bundle).
  const slow = useSignal(false);
  useEffect(() => {
    slow.value = false;
    if (s !== "connecting" && s !== "reconnecting") return;
    const id = setTimeout(() => (slow.value = true), 1200);
    return () => clearTimeout(id);
  }, [s]);
  const text =
    s === "offline"
      ? t("offline")
      : s === "failed" || s === "unavailable"
        ? t(s)
        : slow.value
          ? t(s === "reconnecting" ? "reconnecting" : "connecting")
          : store.slowed.value
            ? t("slowDown")
            : "";
  // Always in the DOM: a live region only announces changes if it existed before them.
  return (
    <div
      class={`status${text ? " on" : ""}${s === "unavailable" || text === t("slowDown") ? " calm" : ""}`}
      role="status"
    >
      {text}
    </div>
  );
}

export function Widget({ store, history, host, open, close }: Props): JSX.Element {
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const view = useSignal<View>({ k: "chat" });
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const text = useSignal("");
  const handingOff = useSignal(false);
  const phone = useSignal(false);
  const base = host.config.api;
  const look = host.config.look ?? {};
  // Files (docs/attachments.md): what only uploading needs is a chunk of its own, fetched on the first
  // file; here are the paperclip, drop and paste, and the tray the chunk draws its chips in.
  const tray = useRef<HTMLDivElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const waiting = useSignal(0);
  const uploader = useRef<Promise<Uploader | undefined> | null>(null);
  const chatLocale = () => conversationLocale(store.timeline.peek().messages, host.config.locale);
  const attach = (list: ArrayLike<File> | null | undefined) => {
    const files = Array.from(list ?? []);
    const el = tray.current;
    if (!files.length || !el) return;
    const up: UploadHost = {
      api: base,
      site: host.config.site,
      locale: chatLocale,
      conversation: store.conversation,
      tray: el,
      root: host.root,
      changed: (n) => (waiting.value = n),
    };
    void made<UploadHost, Uploader>(uploader, "widget-upload.js", up).then((u) => u?.add(files));
  };
  // A value an action asks for (docs/actions.md): a small form of its own, a chunk fetched on the first
  // ask. Until it is drawn (or if it did not load) the composer takes the value, labelled with the field.
  const askBox = useRef<HTMLDivElement>(null);
  const asker = useRef<Promise<AskForm | undefined> | null>(null);
  const formUp = useSignal(false);

  useEffect(() => {
    const mq = matchMedia("(max-width: 480px)");
    const on = () => (phone.value = mq.matches);
    on();
    mq.addEventListener("change", on);
    return () => mq.removeEventListener("change", on);
  }, []);

  useSignalEffect(() => {
    const v = view.value;
    if (open.value) {
      stick.current = true;
      // After the panel is visible (focus() on a hidden element is a no-op) and the view is drawn:
      // the composer in the chat, else the view's heading, so the new content is announced first.
      requestAnimationFrame(() => (v.k === "chat" ? input.current : heading.current)?.focus());
    }
  });

  const showList = () => {
    view.value = { k: "list" };
    void history.loadList();
  };
  const showPast = (id: string) => {
    view.value = { k: "past", id };
    void history.open(id);
  };
  const showChat = () => (view.value = { k: "chat" });
  // The verified identity can go (a new identify() without a signature), and the history with it.
  const v: View = history.available.value ? view.value : { k: "chat" };
  const past = history.past.value;
  const pastConv = v.k === "past" && past.s === "ok" && past.v.conversation.id === v.id ? past.v.conversation : null;

  const tl = store.timeline.value;
  // The widget speaks the language the bot found in the customer's words, once it has found one.
  const locale = conversationLocale(tl.messages, host.config.locale);
  const t = translator(locale);
  // Another language's words come as a chunk when the chat turns to it; English until they are here.
  useEffect(() => void speak(locale).catch(() => undefined), [locale]);
  // The owner's greeting is in the loader's language; once the chat turns to another, the widget's own.
  const greeting = locale === host.config.locale ? look.greeting : undefined;
  const notes = store.notes.value;
  const shown = store.pending.value;

  // Follow new content unless the customer scrolled up to read.
  useLayoutEffect(() => {
    const el = log.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  const items: Item[] = tl.messages.map((m) => ({ k: "msg", seq: m.seq, m }));
  const lastMsg = tl.messages.at(-1);
  // An action asks for one value (docs/actions.md), until the bot says something else: the customer's
  // answer on its way keeps the form (its Send waits) rather than drawing it anew when the bot asks again.
  const asked = tl.messages.filter((m) => m.author !== "customer").at(-1);
  const field = asked?.field;
  // The composer takes the value only while the form is not drawn (not loaded yet, or it did not load).
  const asks = !formUp.value && field;
  useEffect(() => {
    const box = field && askBox.current;
    void (box ? made(asker, "widget-form.js", store.send) : asker.current)?.then(
      (f) => (formUp.value = !!f?.show(box ? asked : undefined, box, locale, input)),
    );
  }, [asked?.id, v.k]);
  let prev: StateEvent["state"] | undefined;
  for (const e of notes) {
    items.push({ k: "note", seq: e.seq, e, prev });
    prev = e.state;
  }
  items.sort((a, b) => a.seq - b.seq);

  const state = tl.state;
  const subtitle = pastConv
    ? `${channelWord(pastConv.channel, t)} · ${dayOf(pastConv.createdAt, locale, true)} · ${statusWord(pastConv.status, t)}`
    : v.k !== "chat"
      ? ""
      : state === "agent"
        ? tl.agentName
          ? t("subtitleAgent", { name: tl.agentName })
          : t("agent")
        : state === "queued"
          ? t("subtitleQueued")
          : state === "resolved"
            ? t("subtitleResolved")
            : t("subtitleBot");

  const submit = (e?: Event) => {
    e?.preventDefault();
    const v = text.value.trim();
    if (waiting.value) void uploader.current?.then((u) => u?.send());
    if (!v || v.length > MAX_CHARS) return;
    stick.current = true;
    void store.send(v, asks ? `in:${asks.id}` : undefined);
    text.value = "";
    if (input.current) input.current.style.height = "";
  };

  const handoff = () => {
    handingOff.value = true;
    // The button disappears once a person is on the way; focus must not vanish with it.
    input.current?.focus();
    store.handoff().finally(() => (handingOff.value = false));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close(true);
    } else if (e.key === "Tab" && phone.value && panel.current) {
      // Full screen on phones is modal: Tab must not wander into the page hidden behind it.
      const f = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = f[0];
      const last = f[f.length - 1];
      const active = host.root.activeElement;
      if (e.shiftKey && active === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  };

  const over = text.value.length - MAX_CHARS;
  let lastAuthor = "";

  return (
    <section
      ref={panel}
      id="ed-panel"
      class={`panel ${host.config.position}`}
      role="dialog"
      aria-labelledby="ed-title"
      aria-modal={phone.value ? "true" : undefined}
      hidden={!open.value}
      onKeyDown={onKeyDown}
      // A file dragged over the chat: the panel is its target (data-drop outlines it, set outside Preact's props).
      onDragOver={(e) => {
        if (v.k !== "chat" || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        e.currentTarget.dataset.drop = "";
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) delete e.currentTarget.dataset.drop;
      }}
      onDrop={(e) => {
        delete e.currentTarget.dataset.drop;
        if (v.k !== "chat" || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        attach(e.dataTransfer.files);
      }}
    >
      {/* A div, not <header>: inside a host page a header here would be a second banner landmark. */}
      <div class="head">
        {v.k === "chat" && look.avatar ? (
          // The owner's avatar (an https URL, look.ts); decorative, so nothing shows if the page's policy refuses it.
          <img class="avatar" src={look.avatar} alt="" referrerpolicy="no-referrer" />
        ) : v.k === "chat" ? (
          <div class="avatar" aria-hidden="true">
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" />
            </svg>
          </div>
        ) : (
          <button
            type="button"
            class="icon back"
            aria-label={t(v.k === "list" ? "backToChat" : "backToList")}
            onClick={v.k === "list" ? showChat : showList}
          >
            <IconBack />
          </button>
        )}
        <div class="titles">
          <h2 id="ed-title" ref={heading} tabIndex={-1}>
            {v.k === "chat" ? (look.team ?? t("title")) : t(v.k === "list" ? "pastTitle" : "pastLog")}
          </h2>
          {subtitle && <p>{subtitle}</p>}
        </div>
        <div class="acts">
          {v.k === "chat" && history.available.value && (
            <button type="button" class="icon" aria-label={t("pastTitle")} title={t("pastTitle")} onClick={showList}>
              <IconHistory />
            </button>
          )}
          <button type="button" class="icon" aria-label={t("close")} onClick={() => close(true)}>
            <IconClose />
          </button>
        </div>
        {v.k === "chat" && (state === "bot" || state === "resolved") && (
          <button type="button" class="human" onClick={handoff} disabled={handingOff.value}>
            <IconPerson />
            <span>{t("talkToPerson")}</span>
          </button>
        )}
      </div>
      <StatusLine store={store} t={t} />
      {v.k === "list" && (
        <PastList
          history={history}
          t={t}
          locale={locale}
          currentId={store.conv.value?.id}
          open={showPast}
          back={showChat}
        />
      )}
      {v.k === "past" && (
        <PastView
          history={history}
          t={t}
          base={base}
          id={v.id}
          back={showChat}
          resume={(id, token) => {
            store.switchTo({ id, token });
            showChat();
          }}
        />
      )}
      {v.k === "chat" && (
        <>
          <div
            ref={log}
            class="log"
            role="log"
            aria-live="polite"
            aria-label={t("chatLog")}
            tabIndex={0}
            onScroll={(e) => {
              const el = e.currentTarget;
              stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
            }}
          >
            <div class="row them">
              <span class="who">{t("assistant")}</span>
              <div class="bubble bot">{greeting ?? t("welcome")}</div>
            </div>
            {items.map((it) => {
              if (it.k === "note") {
                const s = noteText(it.e, it.prev, t);
                lastAuthor = "";
                return (
                  s && (
                    <p class="note" key={`n${it.seq}`}>
                      {s}
                    </p>
                  )
                );
              }
              const who = it.m.author + (it.m.name ?? "");
              const label = who !== lastAuthor;
              lastAuthor = who;
              // "Do you mean …?" is answered once, and only while it is the last word; so is an action's
              // confirmation card, also when an agent holds the conversation (docs/actions.md).
              const clarify = it.m.action === "clarify";
              const last = it.m.id === lastMsg?.id;
              const ask = it.m.options?.length && last && ((clarify && state === "bot") || it.m.action === "confirm");
              return (
                <Fragment key={it.m.id}>
                  <Bubble
                    m={it.m}
                    t={t}
                    base={base}
                    label={label}
                    files={
                      it.m.attachments?.length && store.conv.value ? (
                        <Files files={it.m.attachments} api={base} site={host.config.site} conv={store.conv.value} />
                      ) : null
                    }
                  />
                  {ask && (
                    <div class="opts" role="group" aria-label={it.m.text}>
                      {[
                        ...(it.m.options ?? []),
                        ...(clarify ? [{ articleId: "none", title: t("noneOfThese") }] : []),
                      ].map((o) => (
                        <button
                          key={o.articleId}
                          type="button"
                          class={o.articleId === "none" ? "opt none" : "opt"}
                          onClick={() => {
                            stick.current = true;
                            void store.send(o.title, o.articleId);
                          }}
                        >
                          {o.title}
                        </button>
                      ))}
                    </div>
                  )}
                  {it.m.author === "bot" && it.m.action !== "clarify" && (
                    <Vote m={it.m} store={store} api={base} site={host.config.site} locale={locale} />
                  )}
                </Fragment>
              );
            })}
            {Object.values(tl.drafts).map((d) => (
              // Hidden from the live region while it grows (one announcement per token would be
              // unbearable); the stored message replaces it under a different key, and that is announced.
              <div class="row them" key={`d${d.id}`} aria-hidden="true">
                {lastAuthor !== "bot" && <span class="who">{t("assistant")}</span>}
                <div class="bubble bot draft">
                  <Markdown text={d.text} />
                </div>
              </div>
            ))}
            {shown.map((p) => (
              <PendingBubble key={p.clientId} p={p} t={t} retry={store.retry} />
            ))}
            {(state === "queued" || state === "agent") && store.conv.value && (
              <FollowUp conv={store.conv.value} api={base} site={host.config.site} t={t} />
            )}
            {state === "resolved" && <Csat store={store} t={t} />}
            {state === "resolved" && (
              <p class="note">
                <button type="button" class="link" onClick={store.newConversation}>
                  {t("newConversation")}
                </button>
              </p>
            )}
          </div>
          <div class="typing" aria-hidden="true">
            {tl.typing && (
              <>
                <span class="dots">
                  <i />
                  <i />
                  <i />
                </span>
                {t("typing", { name: tl.agentName ?? t("agent") })}
              </>
            )}
          </div>
          <div ref={askBox} />
          <div class="tray" ref={tray} />
          <form class="composer" onSubmit={submit}>
            <button type="button" class="icon clip" aria-label={t("attach")} onClick={() => picker.current?.click()}>
              <IconClip />
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              multiple
              // What a desk can take at most; the workspace's own policy is checked on the first bytes (upload chunk).
              accept="image/*,.pdf"
              onChange={(e) => {
                attach(e.currentTarget.files);
                e.currentTarget.value = "";
              }}
            />
            <textarea
              ref={input}
              rows={1}
              aria-label={asks ? asks.label : t("inputLabel")}
              placeholder={asks ? asks.label : t("placeholder")}
              value={text.value}
              aria-invalid={over > 0 ? "true" : undefined}
              onInput={(e) => {
                const el = e.currentTarget;
                text.value = el.value;
                el.style.height = "";
                el.style.height = `${Math.min(el.scrollHeight, 128)}px`;
                if (el.value) store.typing();
              }}
              onKeyDown={(e) => {
                // isComposing: Enter confirms an IME candidate (Japanese, Chinese…), it must not send.
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) submit(e);
              }}
              onPaste={(e) => {
                // A screenshot on the clipboard: attached, not pasted as text.
                if (!e.clipboardData?.files.length) return;
                e.preventDefault();
                attach(e.clipboardData.files);
              }}
            />
            <button
              type="submit"
              class="send"
              aria-label={t("send")}
              disabled={(!text.value.trim() && !waiting.value) || over > 0}
            >
              <IconSend />
            </button>
          </form>
          {over > 0 && (
            <p class="meta bad pad" role="alert">
              {t("tooLong", { n: over })}
            </p>
          )}
        </>
      )}
      <p class="foot">{t("poweredBy")}</p>
    </section>
  );
}
