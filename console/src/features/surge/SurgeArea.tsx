// The Surge area: alert and sweeps (#/surge), one sweep from brief to reflect (#/surge/s/:id), the
// approver's read-only summary (#/surge/approve/:token) and a sweep's audit trail (#/surge/s/:id/audit).
import { useEffect, useState } from "preact/hooks";
import type { Me, SurgeBrief, Sweep } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import type { Route } from "../../lib/route.ts";
import { navigate } from "../../lib/router.ts";
import { ApprovalPage } from "./ApprovalPage.tsx";
import { AuditPage } from "./AuditPage.tsx";
import { surgeApi } from "./api.ts";
import { SurgeAlertBanner } from "./SurgeAlert.tsx";
import { SweepPage } from "./SweepPage.tsx";
import "./surge.css";

export function SurgeArea({ route, me }: { route: Extract<Route, { name: "surge" }>; me: Me }) {
  return (
    <main id="main" class="page surge-page" data-testid="surge">
      {route.view === "approve" && route.id ? (
        <ApprovalPage token={route.id} me={me} />
      ) : route.view === "audit" && route.id ? (
        <AuditPage id={route.id} />
      ) : route.view === "sweep" && route.id ? (
        <SweepPage key={route.id} id={route.id} me={me} />
      ) : (
        <SurgeHome />
      )}
    </main>
  );
}

const csv = (s: string): string[] | undefined => {
  const xs = s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  return xs.length ? xs : undefined;
};

function SurgeHome() {
  const [sweeps, setSweeps] = useState<Sweep[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [f, setF] = useState({
    title: "",
    categories: "",
    priorities: "",
    channels: "",
    text: "",
    minAge: "",
    maxAge: "",
    vipOnly: false,
    publishedOnly: true,
    plainLanguage: true,
    empathetic: true,
  });
  useEffect(() => {
    void surgeApi.list().then(setSweeps, (e: unknown) => setError(errorMessage(e)));
  }, []);
  const set = (k: keyof typeof f) => (e: Event) => {
    const t = e.currentTarget as HTMLInputElement;
    setF({ ...f, [k]: t.type === "checkbox" ? t.checked : t.value });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
    const filters: SurgeBrief["filters"] = {};
    const cats = csv(f.categories);
    if (cats) filters.categories = cats;
    const pris = csv(f.priorities);
    if (pris) filters.priorities = pris;
    const chans = csv(f.channels);
    if (chans) filters.channels = chans;
    if (f.text.trim()) filters.text = f.text.trim();
    const minAge = num(f.minAge);
    if (minAge !== undefined) filters.minAgeMinutes = minAge;
    const maxAge = num(f.maxAge);
    if (maxAge !== undefined) filters.maxAgeMinutes = maxAge;
    if (f.vipOnly) filters.vipOnly = true;
    try {
      const s = await surgeApi.create({
        title: f.title,
        filters,
        safeguards: { publishedOnly: f.publishedOnly, plainLanguage: f.plainLanguage, empathetic: f.empathetic },
      });
      navigate({ name: "surge", view: "sweep", id: s.id });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Surge triage</h1>
          <p class="sub">A supervised sweep over the queue: define, plan, get approval, run, undo, reflect.</p>
        </div>
      </div>
      <SurgeAlertBanner always />
      <section class="surge-card" aria-labelledby="define-h">
        <h2 id="define-h">1 · Define the sweep</h2>
        <form class="surge-define" onSubmit={submit} data-testid="surge-define">
          <div class="field">
            <label for="sd-title">Name</label>
            <input
              id="sd-title"
              required
              value={f.title}
              onInput={set("title")}
              placeholder="Login outage after 4.2 release"
              data-testid="sd-title"
            />
          </div>
          <fieldset>
            <legend>Scope (all optional; comma-separated lists)</legend>
            <div class="surge-grid">
              <div class="field">
                <label for="sd-cat">Categories</label>
                <input
                  id="sd-cat"
                  value={f.categories}
                  onInput={set("categories")}
                  placeholder="account, billing"
                  data-testid="sd-categories"
                />
              </div>
              <div class="field">
                <label for="sd-pri">Priorities</label>
                <input id="sd-pri" value={f.priorities} onInput={set("priorities")} placeholder="urgent, high" />
              </div>
              <div class="field">
                <label for="sd-chan">Channels</label>
                <input id="sd-chan" value={f.channels} onInput={set("channels")} placeholder="web, email" />
              </div>
              <div class="field">
                <label for="sd-text">Text contains</label>
                <input id="sd-text" value={f.text} onInput={set("text")} data-testid="sd-text" />
              </div>
              <div class="field">
                <label for="sd-min">Older than (min)</label>
                <input id="sd-min" type="number" min="0" value={f.minAge} onInput={set("minAge")} />
              </div>
              <div class="field">
                <label for="sd-max">Newer than (min)</label>
                <input id="sd-max" type="number" min="0" value={f.maxAge} onInput={set("maxAge")} />
              </div>
            </div>
            <label class="check">
              <input type="checkbox" checked={f.vipOnly} onChange={set("vipOnly")} /> VIP customers only (verified
              identity attribute)
            </label>
          </fieldset>
          <fieldset>
            <legend>Safeguards</legend>
            <label class="check">
              <input
                type="checkbox"
                checked={f.publishedOnly}
                onChange={set("publishedOnly")}
                data-testid="sg-published"
              />{" "}
              Answer only from published articles
            </label>
            <label class="check">
              <input type="checkbox" checked={f.plainLanguage} onChange={set("plainLanguage")} data-testid="sg-plain" />{" "}
              Plain language (reading level, no jargon)
            </label>
            <label class="check">
              <input type="checkbox" checked={f.empathetic} onChange={set("empathetic")} data-testid="sg-empathy" />{" "}
              Empathetic tone (no blame; apologise to complaints)
            </label>
          </fieldset>
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
          <button class="btn btn-primary" type="submit" disabled={busy} data-testid="sd-save">
            Save the brief
          </button>
        </form>
      </section>
      <section class="surge-card" aria-labelledby="sweeps-h">
        <h2 id="sweeps-h">Sweeps</h2>
        {sweeps === null ? (
          <p class="muted">Loading…</p>
        ) : sweeps.length === 0 ? (
          <p class="muted">No sweeps yet.</p>
        ) : (
          <ul class="surge-list" data-testid="surge-sweeps">
            {sweeps.map((s) => (
              <li key={s.id}>
                <a href={`#/surge/s/${encodeURIComponent(s.id)}`}>{s.brief.title}</a>{" "}
                <span class={`tag surge-state-${s.state}`}>{s.state}</span>{" "}
                <span class="muted">by {s.createdBy.name}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
