// Settings → Files (docs/attachments.md): what customers (in the widget) and agents (in the composer) may
// attach: the largest file, and which kinds. Every agent reads it; owners save it (audited). The kinds
// are the ones a browser can show without running anything, told from each file's bytes by the server;
// SVG, HTML and everything else are never taken, whatever this page says.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { type FileSettings, fileSettingsSchema } from "../../../../shared/attachments.ts";
import { fileKinds } from "../../../../shared/files.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import "../integrations/integrations.css";
import { type FilesForm, fromForm, KIND_LABELS, toForm } from "./files-form.ts";

const URL = "/api/files";

export function FilesPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  const [view, setView] = useState<FileSettings | null>(null);
  const [form, setForm] = useState<FilesForm | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const absorb = (v: FileSettings) => {
    setView(v);
    setForm(toForm(v.policy));
  };
  useEffect(() => {
    api(URL, fileSettingsSchema).then(absorb, (e: unknown) => setError(errorMessage(e)));
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const r = fromForm(form);
    if (!r.ok) return setError(r.error);
    setBusy(true);
    setError(undefined);
    try {
      absorb(await api(URL, fileSettingsSchema, { method: "PUT", body: r.policy }));
      announce("File settings saved. Visitors get them within a minute.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="page integrations-page" data-testid="files-settings">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Files
          </h1>
          <p class="sub">
            What customers can attach in the chat and agents in their replies. Each file is judged by its content, not
            its name; images are shown in the conversation, PDFs are always downloaded. Other kinds (SVG, HTML, office
            files) are never taken: they can carry scripts.
            {!owner && " Only owners can change this."}
          </p>
        </div>
      </div>
      {!form ? (
        error ? (
          <p class="alert" role="alert">
            Could not load the file settings: {error}
          </p>
        ) : (
          <p class="int-empty" aria-busy="true">
            Loading…
          </p>
        )
      ) : (
        <form class="card" onSubmit={(e) => void save(e)} noValidate aria-labelledby="files-title">
          <h2 id="files-title">{view?.custom ? "This workspace's rules" : "The defaults"}</h2>
          <fieldset disabled={!owner || busy}>
            <div class="field">
              <label for="files-max">Largest file (MB)</label>
              <input
                id="files-max"
                data-testid="files-max"
                inputMode="decimal"
                value={form.mb}
                aria-describedby="files-max-hint"
                onInput={(e) => setForm({ ...form, mb: e.currentTarget.value })}
              />
              <p class="hint" id="files-max-hint">
                From 0.1 to 25 MB.
              </p>
            </div>
            <fieldset class="field">
              <legend>Kinds taken</legend>
              {fileKinds.map((k) => (
                <label class="check" key={k}>
                  <input
                    type="checkbox"
                    data-testid={`files-kind-${k}`}
                    checked={form.types[k]}
                    onChange={(e) => setForm({ ...form, types: { ...form.types, [k]: e.currentTarget.checked } })}
                  />{" "}
                  {KIND_LABELS[k]}
                </label>
              ))}
              <p class="hint">None ticked: nobody can attach files.</p>
            </fieldset>
          </fieldset>
          {error && (
            <p class="field-error" role="alert" data-testid="files-error">
              {error}
            </p>
          )}
          {owner && (
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="files-save">
              {busy ? "Saving…" : "Save"}
            </button>
          )}
        </form>
      )}
    </main>
  );
}
