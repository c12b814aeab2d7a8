// Import articles: a zip of Markdown, or a help centre exported from Zendesk Guide, Intercom or
// Chatwoot. The preview lists every article as new / changed / unchanged / removed / skipped with its
// warnings; nothing changes until "Save as drafts" or "Publish". Editors and owners.
import { useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import type { ImportAs, ImportMode, ImportPreview, ImportResult, ImportSource } from "../../../../shared/kb-import.ts";
import { errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { watchJob } from "./api.ts";
import { importApi, SOURCES } from "./import-api.ts";
import { KbTabs } from "./KbTabs.tsx";
import { PublishProgress } from "./PublishProgress.tsx";
import "./import.css";

export function ImportPage({ me }: { me: Me }) {
  if (me.role === "agent")
    return (
      <main id="main" class="page kb-page">
        <KbTabs tab="import" canEdit={false} />
        <h1>Import articles</h1>
        <p class="empty" data-testid="import-forbidden">
          Only editors and owners import articles.
        </p>
      </main>
    );
  return <Importer />;
}

function Importer() {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [source, setSource] = useState<ImportSource>("markdown-zip");
  const [mode, setMode] = useState<ImportMode>("merge");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const info = SOURCES.find((s) => s.value === source) ?? SOURCES[0];

  const reset = () => {
    setPreview(null);
    setResult(null);
    setError("");
  };

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError("");
    try {
      await what();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const doPreview = (e: Event) => {
    e.preventDefault();
    if (!file) return setError("Choose the export file first.");
    void run(async () => {
      setResult(null);
      setPreview(await importApi.preview(file, source, mode));
    });
  };

  const apply = (as: ImportAs) =>
    void run(async () => {
      if (!file || !preview) return;
      const r = await importApi.apply(file, source, mode, as, preview.kbVersion);
      setResult(r);
      setPreview(null);
      if (r.job) await watchJob(r.job);
    });

  const c = preview?.counts;
  const toPublish =
    preview?.items.filter((i) => (i.change === "new" || i.change === "changed") && i.state === "published").length ?? 0;
  const nothing = !!c && c.new + c.changed + c.removed === 0;
  return (
    <main id="main" class="page kb-page" data-testid="knowledge-import">
      <KbTabs tab="import" canEdit />
      <PublishProgress />
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Import articles
        </h1>
      </div>
      <form class="kb-import-form" onSubmit={doPreview} data-testid="import-form">
        <div class="field">
          <label for="import-source">From</label>
          <select
            id="import-source"
            value={source}
            onChange={(e) => {
              setSource(e.currentTarget.value as ImportSource);
              reset();
            }}
            data-testid="import-source"
          >
            {SOURCES.map((s) => (
              <option value={s.value} key={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="import-file">Export file</label>
          <input
            id="import-file"
            type="file"
            accept={info?.json ? ".json" : ".zip"}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              reset();
            }}
            data-testid="import-file"
          />
        </div>
        <fieldset class="field">
          <legend>Articles already here that the export does not hold</legend>
          <label>
            <input
              type="radio"
              name="import-mode"
              checked={mode === "merge"}
              onChange={() => (setMode("merge"), reset())}
              data-testid="import-mode-merge"
            />{" "}
            Keep them (add and update only)
          </label>
          <label>
            <input
              type="radio"
              name="import-mode"
              checked={mode === "replace"}
              onChange={() => (setMode("replace"), reset())}
              data-testid="import-mode-replace"
            />{" "}
            Unpublish them when publishing (replace the help centre)
          </label>
        </fieldset>
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="import-preview-button">
          Preview changes
        </button>
        {error && (
          <p class="field-error" role="alert" data-testid="import-error">
            {error}
          </p>
        )}
      </form>

      {preview && c && (
        <section class="kb-import-preview" data-testid="import-preview" aria-label="What the import would change">
          <h2>What would change</h2>
          <p data-testid="import-counts">
            <span data-testid="import-count-new">{c.new} new</span>,{" "}
            <span data-testid="import-count-changed">{c.changed} changed</span>, {c.unchanged} unchanged,{" "}
            <span data-testid="import-count-removed">{c.removed} removed</span>,{" "}
            <span data-testid="import-count-skipped">{c.skipped} skipped</span>. Nothing has changed yet.
          </p>
          {preview.warnings.length > 0 && (
            <ul class="kb-import-warnings" data-testid="import-file-warnings">
              {preview.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <table class="kb-import-table">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Article</th>
                <th scope="col">Language</th>
                <th scope="col">Category</th>
                <th scope="col">In the source</th>
                <th scope="col">Warnings</th>
              </tr>
            </thead>
            <tbody>
              {preview.items.map((i) => (
                <tr
                  key={`${i.change}:${i.source}:${i.id}`}
                  data-testid="import-row"
                  data-id={i.id}
                  data-change={i.change}
                >
                  <td>
                    <span class="badge">{i.change}</span>
                  </td>
                  <td>
                    {i.title}
                    <br />
                    <small>
                      {i.id || "(no id)"}
                      {i.source ? ` · ${i.source}` : ""}
                    </small>
                  </td>
                  <td>{i.locale}</td>
                  <td>{i.category}</td>
                  <td>{i.change === "removed" ? "—" : i.state}</td>
                  <td>
                    {i.warnings.length > 0 && (
                      <ul class="kb-import-warnings">
                        {i.warnings.map((w) => (
                          <li key={w} data-testid="import-warning">
                            {w}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="kb-import-actions">
            <button
              type="button"
              class="btn"
              disabled={busy || nothing}
              onClick={() => apply("draft")}
              data-testid="import-apply-drafts"
            >
              Save {c.new + c.changed} as drafts to review
            </button>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy || nothing}
              onClick={() => apply("publish")}
              data-testid="import-apply-publish"
            >
              Publish {toPublish}
              {c.removed ? `, unpublish ${c.removed}` : ""}
            </button>
          </div>
        </section>
      )}

      {result && (
        <p class="kb-import-result" role="status" data-testid="import-result">
          Imported: {result.published} to publish, {result.drafts} saved as drafts
          {result.removed ? `, ${result.removed} to unpublish` : ""}.
        </p>
      )}
    </main>
  );
}
