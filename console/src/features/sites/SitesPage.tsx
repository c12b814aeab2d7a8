// Settings → Sites (owners): every site the widget runs on, with its key, allowed origins, whether it is
// the help centre's, its identity secret (write-only: generated here and shown once), the embed tag and
// the identity snippet for the site's server, and where the widget was last seen or refused
// (worker/sites/status.ts). A refused origin can be allowed from its warning in one click.
import type { ComponentChild } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as z from "zod/mini";
import type { Me } from "../../../../shared/api.ts";
import { generatedSecretSchema, type SiteSummary, siteListSchema } from "../../../../shared/sites.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
// The cards, forms and secret box come from integrations.css, which the entry already loads (API keys, Integrations).
import "./sites.css";
import { canManageSites, embedTag, orderSites, parseOrigins, refusedWords, seenWords } from "./sites.ts";
import {
  identifyCall,
  identitySnippet,
  languageNames,
  SECRET_VAR,
  type SnippetLanguage,
  snippetLanguages,
} from "./snippets.ts";

const BASE = "/admin/v1/sites";

/**
 * What the page takes from the shell instead of importing it: the settings tabs, the ticking clock and
 * the screen-reader announcer. Modules with live signals imported from this lazily loaded chunk made
 * the bundler split the entry's shared code into a second chunk every agent downloads.
 */
export type ShellBits = { nav: ComponentChild; nowMs: number; say(text: string): void };

export function SitesPage({ me, nav, nowMs, say }: { me: Me } & ShellBits) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = canManageSites(me.role);
  const [sites, setSites] = useState<SiteSummary[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [fresh, setFresh] = useState<string | null>(null);

  const load = () => {
    setLoadError(undefined);
    return api(BASE, siteListSchema)
      .then((r) => setSites(orderSites(r.sites)))
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  };
  useEffect(() => {
    if (!owner) return;
    void load();
    // The status lines follow what the widget does meanwhile (a page refused a minute ago).
    const id = setInterval(() => void load(), 60_000);
    return () => clearInterval(id);
  }, [owner]);

  if (!owner)
    return (
      <PageScaffold
        title="Sites"
        class="integrations-page"
        nav={nav}
        state={{ forbidden: "Only workspace owners can manage sites.", testId: "sites-forbidden" }}
      />
    );

  return (
    <main id="main" class="page integrations-page sites-page" data-testid="sites">
      {nav}
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Sites
          </h1>
          <p class="sub">
            A site is where the chat widget runs: its key goes in the embed tag, and only pages on its allowed origins
            can use it. Give it an identity secret to sign in your customers (their history, VIP routing).
          </p>
        </div>
      </div>
      <div class="sites-grid">
        <section class="card" aria-labelledby="site-new-title">
          <h2 id="site-new-title">New site</h2>
          <SiteForm
            submitLabel="Create site"
            onSaved={(s) => {
              setFresh(s.key);
              void load();
              say(`Site “${s.name}” created.`);
            }}
          />
        </section>
        {loadError && (
          <div class="alert" role="alert" data-testid="sites-error">
            Could not load the sites: {loadError}{" "}
            <button type="button" class="btn btn-quiet" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        {!sites ? (
          !loadError && (
            <p class="int-empty" aria-busy="true">
              Loading sites…
            </p>
          )
        ) : sites.length === 0 ? (
          <p class="int-empty" data-testid="sites-empty">
            No sites yet: create one above, then paste its embed tag into your pages.
          </p>
        ) : (
          <ul class="sites-list" data-testid="sites-list">
            {sites.map((s) => (
              <SiteCard key={s.key} site={s} open={fresh === s.key} reload={load} nowMs={nowMs} say={say} />
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}

type Saved = { key: string; name: string };

/** Name, allowed origins, help centre; a new site gets its key from the worker. */
function SiteForm({
  site,
  submitLabel,
  onSaved,
}: {
  site?: SiteSummary;
  submitLabel: string;
  onSaved(s: Saved): void;
}) {
  const id = site ? `site-${site.key}` : "site-new";
  const [name, setName] = useState(site?.name ?? "");
  const [origins, setOrigins] = useState((site?.allowedOrigins ?? []).join("\n"));
  const [portal, setPortal] = useState(site?.portal ?? false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const originsInput = useRef<HTMLTextAreaElement>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = parseOrigins(origins);
    if (!checked.ok) {
      setError(checked.error);
      originsInput.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const body = { name: name.trim() || "Website", allowedOrigins: checked.origins, portal };
    try {
      const saved = site
        ? await api(`${BASE}/${encodeURIComponent(site.key)}`, savedSchema, { method: "PUT", body })
        : await api(BASE, savedSchema, { method: "POST", body });
      if (!site) {
        setName("");
        setOrigins("");
        setPortal(false);
      } else setOrigins(checked.origins.join("\n"));
      onSaved(saved);
    } catch (err) {
      setError(err instanceof HttpError && err.issues[0] ? err.issues[0].message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="wh-form site-form" onSubmit={(e) => void submit(e)} noValidate data-testid={`${id}-form`}>
      <div class="field">
        <label for={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={100}
          placeholder="Shop"
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
          data-testid="site-name"
        />
      </div>
      <div class="field">
        <label for={`${id}-origins`}>Allowed origins</label>
        <textarea
          id={`${id}-origins`}
          ref={originsInput}
          rows={3}
          value={origins}
          placeholder={"https://shop.example\nhttps://www.shop.example"}
          onInput={(e) => {
            setOrigins((e.target as HTMLTextAreaElement).value);
            setError(undefined);
          }}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={`${id}-origins-hint${error ? ` ${id}-error` : ""}`}
          data-testid="site-origins"
        />
        <p id={`${id}-origins-hint`} class="muted small">
          One per line: scheme and host (and port), no path. www and the bare domain are different origins.
        </p>
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={portal}
          onChange={(e) => setPortal((e.target as HTMLInputElement).checked)}
          data-testid="site-portal"
        />
        The help centre's chat uses this site (it also works on this desk's own address)
      </label>
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert" data-testid="site-form-error">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="site-save">
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}

const savedSchema = z.object({ key: z.string(), name: z.string() });

function SiteCard({
  site,
  open,
  reload,
  nowMs,
  say,
}: {
  site: SiteSummary;
  open: boolean;
  reload(): Promise<void>;
  nowMs: number;
  say(text: string): void;
}) {
  const [editing, setEditing] = useState(false);
  const [allowError, setAllowError] = useState<string | undefined>(undefined);
  const seen = seenWords(site, nowMs);
  const allow = async (origin: string) => {
    setAllowError(undefined);
    try {
      await apiVoid(`${BASE}/${encodeURIComponent(site.key)}`, {
        method: "PUT",
        body: { name: site.name, allowedOrigins: [...site.allowedOrigins, origin], portal: site.portal },
      });
      say(`${origin} is now allowed for ${site.name}.`);
      await reload();
    } catch (err) {
      setAllowError(`Could not allow ${origin}: ${errorMessage(err)}`);
    }
  };
  return (
    <li class="card site" data-testid="site" data-key={site.key}>
      <div class="site-head">
        <h2>
          <span data-testid="site-title">{site.name}</span>
          {site.portal && <span class="tag">Help centre</span>}
        </h2>
        <p class="muted small">
          Key{" "}
          <code class="mono" data-testid="site-key">
            {site.key}
          </code>
        </p>
      </div>
      <div class="site-status" data-testid="site-status">
        <p class={`small site-seen tone-${seen.tone}`} data-testid="site-seen">
          <span class={`dot${seen.tone === "ok" ? " dot-ok" : ""}`} aria-hidden="true" />
          {seen.text}
        </p>
        {site.refused.map((r) => (
          <div class="site-refused" role="alert" key={r.origin} data-testid="site-refused" data-origin={r.origin}>
            <p class="small">{refusedWords(r, nowMs)}</p>
            <button type="button" class="btn btn-quiet" onClick={() => void allow(r.origin)} data-testid="site-allow">
              Allow {r.origin}
            </button>
          </div>
        ))}
        {allowError && (
          <p class="field-error" role="alert">
            {allowError}
          </p>
        )}
      </div>
      <dl class="site-facts">
        <dt>Allowed origins</dt>
        <dd data-testid="site-origins-list">
          {site.allowedOrigins.length ? (
            site.allowedOrigins.map((o) => (
              <code class="mono" key={o}>
                {o}
              </code>
            ))
          ) : (
            <span class="muted">
              {site.portal ? "Only this desk's own address (the help centre)." : "None: no page can use this site yet."}
            </span>
          )}
        </dd>
      </dl>
      {editing ? (
        <>
          <SiteForm
            site={site}
            submitLabel="Save changes"
            onSaved={() => {
              setEditing(false);
              say(`Site “${site.name}” saved.`);
              void reload();
            }}
          />
          <button type="button" class="btn btn-quiet" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </>
      ) : (
        <div class="row-actions">
          <button type="button" class="btn btn-secondary" onClick={() => setEditing(true)} data-testid="site-edit">
            Edit name and origins
          </button>
        </div>
      )}
      <details class="site-more" open={open}>
        <summary>Embed tag</summary>
        <EmbedTag siteKey={site.key} />
      </details>
      <details class="site-more">
        <summary>Identity secret and signing code</summary>
        <IdentitySecret site={site} reload={reload} say={say} />
      </details>
    </li>
  );
}

function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  return (
    <span class="copy">
      <button type="button" class="btn btn-quiet" onClick={() => void copy()} data-testid={testId}>
        {label}
      </button>
      <span class="small" role="status">
        {copied === "yes" ? "Copied." : copied === "failed" ? "Could not copy: select it and copy it yourself." : ""}
      </span>
    </span>
  );
}

function EmbedTag({ siteKey }: { siteKey: string }) {
  const tag = embedTag(location.origin, siteKey);
  return (
    <div class="site-block">
      <p class="small">Paste this before the closing &lt;/body&gt; of every page that should have the chat:</p>
      <pre class="site-code" data-testid="site-embed">
        <code>{tag}</code>
      </pre>
      <CopyButton text={tag} label="Copy embed tag" testId="site-copy-embed" />
    </div>
  );
}

function IdentitySecret({
  site,
  reload,
  say,
}: {
  site: SiteSummary;
  reload(): Promise<void>;
  say(text: string): void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [lang, setLang] = useState<SnippetLanguage>("node");
  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api(`${BASE}/${encodeURIComponent(site.key)}/identity-secret`, generatedSecretSchema, {
        method: "POST",
      });
      setSecret(r.identitySecret);
      setConfirming(false);
      say("New identity secret generated. Copy it now: it is shown only once.");
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const set = site.identitySecret === "set";
  return (
    <div class="site-block">
      <p class="small" data-testid="site-secret-state">
        {set
          ? "An identity secret is set. It is never shown again; generate a new one if it was lost or leaked."
          : "No identity secret: identify() calls are kept as unverified claims."}
      </p>
      {secret ? (
        <section class="secret-box" data-testid="site-secret" aria-label="New identity secret">
          <p>
            Store it on your server as <code>{SECRET_VAR}</code> now. It is shown only this once.
          </p>
          <code class="mono" data-testid="site-secret-value">
            {secret}
          </code>
          <div class="row-actions">
            <CopyButton text={secret} label="Copy secret" testId="site-copy-secret" />
            <button
              type="button"
              class="btn btn-primary"
              onClick={() => setSecret(null)}
              data-testid="site-secret-done"
            >
              Done, I have stored it
            </button>
          </div>
        </section>
      ) : confirming ? (
        <div class="key-confirm" role="group" aria-label="Replace the identity secret?">
          <p class="small">
            Replace the secret? Signatures made with the current one stop verifying at once, until your server uses the
            new one.
          </p>
          <button
            type="button"
            class="btn btn-quiet btn-danger"
            disabled={busy}
            onClick={() => void generate()}
            data-testid="site-secret-confirm"
          >
            {busy ? "Generating…" : "Replace secret"}
          </button>
          <button type="button" class="btn btn-quiet" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div class="row-actions">
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={() => (set ? setConfirming(true) : void generate())}
            data-testid="site-secret-generate"
          >
            {set ? "Rotate secret" : busy ? "Generating…" : "Generate secret"}
          </button>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <p class="small">
        On every page where a customer is signed in, your server signs who they are with the secret, and the page calls:
      </p>
      <pre class="site-code">
        <code>{identifyCall}</code>
      </pre>
      <div class="site-tabs" role="tablist" aria-label="Signing code language">
        {snippetLanguages.map((l) => (
          <button
            type="button"
            role="tab"
            key={l}
            aria-selected={l === lang}
            class={`btn btn-quiet${l === lang ? " on" : ""}`}
            onClick={() => setLang(l)}
            data-testid={`site-lang-${l}`}
          >
            {languageNames[l]}
          </button>
        ))}
      </div>
      <pre class="site-code" role="tabpanel" data-testid="site-snippet" data-lang={lang}>
        <code>{identitySnippet(lang)}</code>
      </pre>
      <CopyButton text={identitySnippet(lang)} label={`Copy ${languageNames[lang]} code`} testId="site-copy-snippet" />
      <p class="muted small">
        A signature is good for 10 minutes. See the identity guide (docs/identity.md) for the signed string and what it
        vouches for.
      </p>
    </div>
  );
}
