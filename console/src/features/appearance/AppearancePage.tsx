// Settings → Widget look: the widget's colour, side, avatar and, per language, its launcher label,
// greeting and team name; the help centre takes the colour and the avatar as its logo. Every agent
// may look; owners change it. The preview beside the form is drawn from `lookOf` (widget/look.ts), the
// same checks the widget runs on what it fetches, so a value the widget would refuse shows as refused
// here too. It is a drawing of the launcher and the panel's head, not the widget itself: the real app
// would open a connection and a conversation on the site's budget, and this page's policy loads no
// outside images (the avatar shows as its address). tests/e2e/appearance.test.ts checks the real one.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { appearanceViewSchema } from "../../../../shared/appearance.ts";
import { inkOn } from "../../../../shared/color.ts";
import { translator } from "../../../../widget/app/i18n.ts";
import { es } from "../../../../widget/app/i18n-es.ts";
import { lookOf } from "../../../../widget/look.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import "../integrations/integrations.css";
import "./appearance.css";
import {
  type AppearanceForm,
  blankForm,
  checkForm,
  DEFAULT_COLOR,
  fromForm,
  LOCALE_NAMES,
  LOCALES,
  type Locale,
  toForm,
} from "./appearance.ts";

/** The widget's own words where the owner has set none (its dictionaries, widget/app/i18n.ts and i18n-es.ts). */
const defaults = (l: Locale) => {
  const t = translator(l, { es });
  return { greeting: t("welcome"), team: t("title") };
};

export function AppearancePage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  const [form, setForm] = useState<AppearanceForm | undefined>(undefined);
  const [locale, setLocale] = useState<Locale>("en");
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);

  const load = () => {
    setLoadError(undefined);
    api("/api/appearance", appearanceViewSchema)
      .then((v) => {
        setForm(toForm(v.appearance));
        setSavedAt(v.updatedAt);
      })
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  };
  useEffect(load, []);

  const f = form ?? blankForm();
  const errors = checkForm(f);
  const set = (patch: Partial<AppearanceForm>) => setForm({ ...f, ...patch });
  const setWord = (key: "launcher" | "greeting" | "team", value: string) =>
    setForm({ ...f, words: { ...f.words, [locale]: { ...f.words[locale], [key]: value } } });

  const save = (e: Event) => {
    e.preventDefault();
    if (Object.keys(errors).length) return;
    setSaving(true);
    setSaveError(undefined);
    api("/api/appearance", appearanceViewSchema, { method: "PUT", body: fromForm(f) })
      .then((v) => {
        setForm(toForm(v.appearance));
        setSavedAt(v.updatedAt);
        announce("Widget look saved. Visitors see it within a minute.");
      })
      .catch((err: unknown) => setSaveError(errorMessage(err)))
      .finally(() => setSaving(false));
  };

  const w = f.words[locale];
  return (
    <main id="main" class="page integrations-page appearance-page" data-testid="appearance">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Widget look
          </h1>
          <p class="sub">
            How the chat widget looks and greets visitors on every site of this workspace, in each language it speaks.
            The help centre takes the same colour, and the avatar as its logo.
            {!owner && " Only owners can change it."}
          </p>
        </div>
      </div>
      {loadError && (
        <div class="alert" role="alert" data-testid="appearance-error">
          Could not load the look: {loadError}{" "}
          <button type="button" class="btn btn-quiet" onClick={load}>
            Try again
          </button>
        </div>
      )}
      <div class="int-grid">
        <form class="card look-form" onSubmit={save} aria-labelledby="look-form-title" noValidate>
          <h2 id="look-form-title">Look</h2>
          <fieldset disabled={!owner || !form} class="look-fields">
            <div class="field">
              <label for="look-color">Colour</label>
              <div class="look-color">
                <input
                  type="color"
                  aria-label="Pick a colour"
                  value={errors.color || !f.color ? DEFAULT_COLOR : f.color.trim()}
                  onInput={(e) => set({ color: e.currentTarget.value })}
                />
                <input
                  id="look-color"
                  data-testid="look-color"
                  placeholder={`${DEFAULT_COLOR} (default)`}
                  value={f.color}
                  maxLength={7}
                  aria-invalid={errors.color ? "true" : undefined}
                  aria-describedby={errors.color ? "look-color-error" : undefined}
                  onInput={(e) => set({ color: e.currentTarget.value })}
                />
              </div>
              {errors.color && (
                <p class="field-error" id="look-color-error">
                  {errors.color}
                </p>
              )}
            </div>
            <div class="field">
              <span class="look-label" id="look-side">
                Side of the page
              </span>
              <div class="look-radios" role="radiogroup" aria-labelledby="look-side">
                {(["right", "left"] as const).map((side) => (
                  <label key={side}>
                    <input
                      type="radio"
                      name="look-position"
                      value={side}
                      data-testid={`look-position-${side}`}
                      checked={f.position === side}
                      onChange={() => set({ position: side })}
                    />{" "}
                    {side === "right" ? "Right" : "Left"}
                  </label>
                ))}
              </div>
            </div>
            <div class="field">
              <label for="look-avatar">Avatar and help-centre logo (https image address)</label>
              <input
                id="look-avatar"
                data-testid="look-avatar"
                type="url"
                placeholder="https://…/logo.png"
                value={f.avatar}
                aria-invalid={errors.avatar ? "true" : undefined}
                aria-describedby={errors.avatar ? "look-avatar-error" : undefined}
                onInput={(e) => set({ avatar: e.currentTarget.value })}
              />
              {errors.avatar && (
                <p class="field-error" id="look-avatar-error">
                  {errors.avatar}
                </p>
              )}
            </div>
            <div class="look-tabs" role="group" aria-label="Language of the words">
              {LOCALES.map((l) => (
                <button
                  key={l}
                  type="button"
                  class={`btn ${l === locale ? "btn-primary" : "btn-quiet"}`}
                  aria-pressed={l === locale}
                  data-testid={`look-locale-${l}`}
                  onClick={() => setLocale(l)}
                >
                  {LOCALE_NAMES[l]}
                </button>
              ))}
            </div>
            <div class="field">
              <label for="look-team">Team name (the panel's title)</label>
              <input
                id="look-team"
                data-testid="look-team"
                maxLength={60}
                placeholder={defaults(locale).team}
                value={w.team}
                onInput={(e) => setWord("team", e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="look-launcher">Launcher label (shown next to the chat icon)</label>
              <input
                id="look-launcher"
                data-testid="look-launcher"
                maxLength={40}
                placeholder="None: the icon alone"
                value={w.launcher}
                onInput={(e) => setWord("launcher", e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="look-greeting">Greeting (the chat's first line)</label>
              <textarea
                id="look-greeting"
                data-testid="look-greeting"
                maxLength={280}
                rows={3}
                placeholder={defaults(locale).greeting}
                value={w.greeting}
                onInput={(e) => setWord("greeting", e.currentTarget.value)}
              />
            </div>
          </fieldset>
          {saveError && (
            <div class="alert" role="alert" data-testid="appearance-save-error">
              Not saved: {saveError}
            </div>
          )}
          {owner && (
            <div class="look-actions">
              <button
                type="submit"
                class="btn btn-primary"
                data-testid="look-save"
                disabled={saving || !form || Object.keys(errors).length > 0}
              >
                {saving ? "Saving…" : "Save"}
              </button>
              {savedAt && (
                <span class="look-saved" data-testid="look-saved">
                  Saved {new Date(savedAt).toLocaleString()}
                </span>
              )}
            </div>
          )}
        </form>
        <Preview form={f} locale={locale} />
      </div>
    </main>
  );
}

/** The launcher and the open panel's head and first line, from what the widget would apply. */
function Preview({ form, locale }: { form: AppearanceForm; locale: Locale }) {
  const appearance = fromForm(form);
  const look = lookOf({ appearance, ...(appearance.color ? { ink: inkOn(appearance.color) } : {}) }, locale);
  const color = look.color ?? DEFAULT_COLOR;
  const ink = look.ink ?? "#fff";
  const d = defaults(locale);
  const style = { "--look-brand": color, "--look-ink": ink };
  return (
    <section class="card look-preview" aria-labelledby="look-preview-title" data-testid="look-preview">
      <h2 id="look-preview-title">Preview ({LOCALE_NAMES[locale]})</h2>
      <div class={`look-stage ${look.position ?? "right"}`} style={style}>
        <div class="look-panel">
          <div class="look-head">
            <span class="look-avatar" title={look.avatar ?? ""}>
              {look.avatar ? new URL(look.avatar).hostname.slice(0, 1).toUpperCase() : <ChatIcon />}
            </span>
            <span class="look-title" data-testid="look-preview-team">
              {look.team ?? d.team}
            </span>
          </div>
          <p class="look-bubble" data-testid="look-preview-greeting">
            {look.greeting ?? d.greeting}
          </p>
        </div>
        <span class="look-launcher" data-testid="look-preview-launcher">
          <ChatIcon />
          {look.launcher && <span>{look.launcher}</span>}
        </span>
      </div>
      {look.avatar && <p class="int-empty">Avatar: {look.avatar}</p>}
    </section>
  );
}

/** The widget's chat icon (widget/loader.ts). */
function ChatIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" />
    </svg>
  );
}
