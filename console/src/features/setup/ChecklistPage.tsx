// Get started (`#/start`, owners): the checklist from `/api/checklist`, each step ticked by what the
// workspace has stored (an allowed origin, a conversation from the site, published articles, a second
// person, a customer's message), re-read every 10 s and when the tab comes back, never ticked by a click.
// The first step is done right here (the site's allowed origins); the others link where they are done.
import { useEffect, useState } from "preact/hooks";
import * as z from "zod/mini";
import { siteSchema, type Me } from "../../../../shared/api.ts";
import { checklistSchema, type Checklist } from "../../../../shared/setup.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
import { embedTag, progress, STEP_TEXT } from "./checklist.ts";
import "./checklist.css";

/** The checklist, re-read while the page is open. */
export function useChecklist(enabled: boolean) {
  const [list, setList] = useState<Checklist | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    api("/api/checklist", checklistSchema)
      .then((c) => {
        setList(c);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  useEffect(() => {
    if (!enabled) return;
    void load();
    const timer = setInterval(() => void load(), 10_000);
    const onFocus = () => void load();
    addEventListener("focus", onFocus);
    return () => {
      clearInterval(timer);
      removeEventListener("focus", onFocus);
    };
  }, [enabled]);
  return { list, error, load };
}

export function ChecklistPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  const { list, error, load } = useChecklist(owner);
  if (!owner)
    return (
      <PageScaffold
        title="Get started"
        state={{ forbidden: "Only workspace owners set the desk up.", testId: "checklist-forbidden" }}
      />
    );
  return (
    <main id="main" class="page setup-page" data-testid="checklist" data-loaded={list ? "true" : undefined}>
      <div class="page-head">
        <div>
          <p class="crumb">{list?.workspace.name ?? "Your workspace"}</p>
          <h1 ref={heading} tabIndex={-1}>
            Get started
          </h1>
          <p class="sub">
            Five steps from an empty desk to a live widget. Each ticks itself when EdgeDesk sees it done.{" "}
            {list && <strong data-testid="checklist-progress">{progress(list.steps)}</strong>}
          </p>
        </div>
        <button type="button" class="btn btn-quiet" onClick={() => void load()} data-testid="checklist-refresh">
          Check again
        </button>
      </div>
      {error && (
        <p class="alert" role="alert" data-testid="checklist-error">
          Could not load the checklist: {error}
        </p>
      )}
      {list && (
        <ol class="checklist">
          {list.steps.map((s, i) => (
            <li
              key={s.id}
              class={s.done ? "step done" : "step"}
              data-testid={`step-${s.id}`}
              data-done={String(s.done)}
            >
              <span class="step-mark" aria-hidden="true">
                {s.done ? "✓" : i + 1}
              </span>
              <div class="step-body">
                <h2>
                  {STEP_TEXT[s.id].title}
                  <span class="visually-hidden">{s.done ? " (done)" : " (to do)"}</span>
                </h2>
                <p class="step-how">{STEP_TEXT[s.id].how}</p>
                <p class="step-detail" data-testid={`step-${s.id}-detail`}>
                  {s.detail}
                </p>
                <StepAction id={s.id} list={list} reload={load} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}

function StepAction({ id, list, reload }: { id: Checklist["steps"][number]["id"]; list: Checklist; reload(): void }) {
  const site = list.site;
  if (id === "origin") return site ? <AddOrigin site={site} added={reload} /> : <p>No widget site yet.</p>;
  if (id === "embed") return site ? <EmbedTag siteKey={site.key} /> : null;
  if (id === "articles")
    return (
      <a class="btn btn-quiet" href="#/kb" data-testid="step-articles-link">
        Write or import articles
      </a>
    );
  if (id === "teammate")
    return (
      <a class="btn btn-quiet" href="#/settings/people" data-testid="step-teammate-link">
        Add people
      </a>
    );
  return null;
}

const originList = siteSchema.shape.allowedOrigins;

function AddOrigin({ site, added }: { site: NonNullable<Checklist["site"]>; added(): void }) {
  const [origin, setOrigin] = useState("");
  const [err, setErr] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = origin.trim().replace(/\/+$/, "");
    const next = [...new Set([...site.allowedOrigins, value])];
    const parsed = z.safeParse(originList, next);
    if (!parsed.success) {
      setErr(parsed.error.issues[0]?.message ?? "not an origin");
      return;
    }
    setBusy(true);
    setErr(undefined);
    try {
      await apiVoid(`/admin/v1/sites/${encodeURIComponent(site.key)}`, {
        method: "PUT",
        body: { name: site.name, allowedOrigins: parsed.data },
      });
      setOrigin("");
      announce(`${value} can now show the chat.`);
      added();
    } catch (x) {
      setErr(x instanceof HttpError && x.issues[0] ? x.issues[0].message : errorMessage(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="step-form" onSubmit={submit} noValidate data-testid="origin-form">
      <label for="origin-input">Your site's origin</label>
      <input
        id="origin-input"
        type="url"
        placeholder="https://shop.example"
        value={origin}
        aria-invalid={err ? "true" : undefined}
        aria-describedby={err ? "origin-error" : undefined}
        onInput={(e) => setOrigin(e.currentTarget.value)}
        data-testid="origin-input"
      />
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="origin-add">
        Allow
      </button>
      {err && (
        <p id="origin-error" class="field-error" data-testid="origin-error">
          {err}
        </p>
      )}
    </form>
  );
}

function EmbedTag({ siteKey }: { siteKey: string }) {
  const tag = embedTag(location.origin, siteKey);
  const [copied, setCopied] = useState<boolean | undefined>(undefined);
  return (
    <div class="embed">
      <pre data-testid="embed-tag">
        <code>{tag}</code>
      </pre>
      <button
        type="button"
        class="btn btn-quiet"
        onClick={() =>
          void navigator.clipboard.writeText(tag).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
        data-testid="embed-copy"
      >
        Copy embed tag
      </button>
      <span role="status" class="hint">
        {copied === true
          ? "Copied to the clipboard."
          : copied === false
            ? "Could not copy: select it and copy it yourself."
            : ""}
      </span>
    </div>
  );
}
