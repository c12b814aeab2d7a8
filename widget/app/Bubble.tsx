// One message bubble, in the live chat and in past conversations alike.
import type { ComponentChildren } from "preact";
import type { MessageEvent } from "../../shared/protocol.ts";
import type { Translate } from "./i18n.ts";
import { Markdown, RichText, safeHref } from "./text.tsx";

/** What a bubble shows: a live message event, or a message of a past conversation. */
export type BubbleMessage = Pick<MessageEvent, "author" | "text" | "name" | "sources">;

function Sources({ m, t, base }: { m: BubbleMessage; t: Translate; base: string }) {
  const list = (m.sources ?? []).flatMap((s) => {
    const href = safeHref(s.url, base);
    return href ? [{ ...s, href }] : [];
  });
  if (!list.length) return null;
  return (
    <p class="src">
      <span>{list.length > 1 ? t("sources") : t("source")}:</span>{" "}
      {list.map((s, i) => (
        <>
          {i > 0 && ", "}
          <a key={s.articleId} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.title}
            <span class="sr">{` ${t("newTab")}`}</span>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="ext">
              <path d="M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2" />
            </svg>
          </a>
        </>
      ))}
    </p>
  );
}

export function Bubble({
  m,
  t,
  base,
  label,
  files,
}: {
  m: BubbleMessage;
  t: Translate;
  base: string;
  label: boolean;
  /** The message's files, drawn by the live chat (Files.tsx). */
  files?: ComponentChildren;
}) {
  if (m.author === "system") return <p class="note">{m.text}</p>;
  const who = m.author === "customer" ? t("you") : m.author === "bot" ? t("assistant") : (m.name ?? t("agent"));
  return (
    <div class={`row ${m.author === "customer" ? "me" : "them"}`}>
      {/* Screen readers get the speaker on every message; sighted users only at the start of a run. */}
      <span class={label && m.author !== "customer" ? "who" : "sr"}>{who}</span>
      <div class={`bubble ${m.author}`}>
        {m.author === "customer" ? <RichText text={m.text} /> : <Markdown text={m.text} />}
        {files}
        {m.author === "bot" && <Sources m={m} t={t} base={base} />}
      </div>
    </div>
  );
}
