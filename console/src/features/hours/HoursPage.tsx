// Settings → Business hours (owners): when a person is there to answer. Outside these hours the bot
// tells customers when the team is back and offers to take an email, and response SLAs count open
// time only (docs/hours.md). One desk for the workspace, and any team whose hours differ.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { type HoursView, hoursViewSchema, type Interval } from "../../../../shared/hours.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import "../integrations/integrations.css";
import "./hours.css";
import {
  addHoliday,
  copyMondayToWeekdays,
  type Desk,
  dayNames,
  fromForm,
  type HoursForm,
  newDesk,
  statusText,
  teamsLeft,
  toForm,
  weekdays,
  zones,
} from "./hours-form.ts";

const URL = "/admin/v1/hours";
const ownZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function HoursPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  const [view, setView] = useState<HoursView | null>(null);
  const [form, setForm] = useState<HoursForm | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [pickTeam, setPickTeam] = useState("");

  const absorb = (v: HoursView) => {
    setView(v);
    setForm(toForm(v.settings, ownZone()));
  };
  useEffect(() => {
    if (!owner) return;
    api(URL, hoursViewSchema).then(absorb, (e: unknown) => setError(errorMessage(e)));
  }, [owner]);

  if (!owner)
    return (
      <PageScaffold
        title="Business hours"
        class="integrations-page"
        state={{ forbidden: "Only workspace owners can set business hours.", testId: "hours-forbidden" }}
      />
    );

  const save = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const r = fromForm(form);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      absorb(await api(URL, hoursViewSchema, { method: "PUT", body: r.settings }));
      announce("Business hours saved.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const left = form && view ? teamsLeft(view.knownTeams, form) : [];

  return (
    <main id="main" class="page integrations-page hours-page" data-testid="hours">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Business hours
          </h1>
          <p class="sub">
            Outside these hours the bot tells customers when your team is back and offers to take their email, and
            response targets pause until you open.
          </p>
        </div>
      </div>
      {!form ? (
        error ? (
          <p class="alert" role="alert">
            Could not load the hours: {error}
          </p>
        ) : (
          <p class="int-empty" aria-busy="true">
            Loading…
          </p>
        )
      ) : (
        <form class="hours-form" onSubmit={(e) => void save(e)} noValidate>
          <section class="card" aria-labelledby="hours-ws-title">
            <h2 id="hours-ws-title">Your workspace</h2>
            <p class="hours-status" data-testid="hours-status" role="status">
              {form.enabled ? statusText(view?.status[""], form.workspace.timeZone) : "Always open"}
            </p>
            <label class="check">
              <input
                type="checkbox"
                checked={form.enabled}
                onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
                data-testid="hours-enabled"
              />{" "}
              Set business hours (otherwise always open)
            </label>
            {form.enabled && (
              <DeskEditor id="ws" desk={form.workspace} onChange={(workspace) => setForm({ ...form, workspace })} />
            )}
          </section>

          {form.teams.map((t, i) => (
            <section class="card" key={t.team} aria-labelledby={`hours-team-${t.team}`} data-testid="hours-team">
              <h2 id={`hours-team-${t.team}`}>Team {t.team}</h2>
              <p class="hours-status">{statusText(view?.status[t.team], t.desk.timeZone)}</p>
              <DeskEditor
                id={`team-${t.team}`}
                desk={t.desk}
                onChange={(desk) =>
                  setForm({ ...form, teams: form.teams.map((x, j) => (j === i ? { team: x.team, desk } : x)) })
                }
              />
              <button
                type="button"
                class="btn btn-quiet"
                onClick={() => setForm({ ...form, teams: form.teams.filter((_, j) => j !== i) })}
              >
                Use the workspace's hours for {t.team}
              </button>
            </section>
          ))}

          {left.length > 0 && (
            <section class="card" aria-labelledby="hours-add-team">
              <h2 id="hours-add-team">A team with other hours</h2>
              <div class="hours-row">
                <label for="hours-team-pick" class="visually-hidden">
                  Team
                </label>
                <select
                  id="hours-team-pick"
                  value={pickTeam}
                  onChange={(e) => setPickTeam(e.currentTarget.value)}
                  data-testid="hours-team-pick"
                >
                  <option value="">Choose a team…</option>
                  {left.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  class="btn btn-secondary"
                  disabled={!pickTeam}
                  onClick={() => {
                    setForm({
                      ...form,
                      teams: [...form.teams, { team: pickTeam, desk: newDesk(form.workspace.timeZone) }],
                    });
                    setPickTeam("");
                  }}
                >
                  Add hours for this team
                </button>
              </div>
            </section>
          )}

          {error && (
            <p class="field-error" role="alert" data-testid="hours-error">
              {error}
            </p>
          )}
          <div class="hours-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="hours-save">
              {busy ? "Saving…" : "Save hours"}
            </button>
          </div>
        </form>
      )}
    </main>
  );
}

/** One desk: its zone, each day's intervals, and its holidays. */
function DeskEditor({ id, desk, onChange }: { id: string; desk: Desk; onChange(d: Desk): void }) {
  const [holiday, setHoliday] = useState("");
  const setDay = (day: (typeof weekdays)[number], list: Interval[]) =>
    onChange({ ...desk, weekly: { ...desk.weekly, [day]: list } });
  return (
    <div class="desk">
      <div class="field">
        <label for={`hours-tz-${id}`}>Time zone</label>
        <input
          id={`hours-tz-${id}`}
          list={`hours-zones-${id}`}
          value={desk.timeZone}
          onInput={(e) => onChange({ ...desk, timeZone: e.currentTarget.value.trim() })}
          data-testid="hours-timezone"
          autocomplete="off"
        />
        <datalist id={`hours-zones-${id}`}>
          {zones(ownZone()).map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <table class="hours-week">
        <caption class="visually-hidden">Opening hours by day</caption>
        <tbody>
          {weekdays.map((day) => {
            const list = desk.weekly[day];
            return (
              <tr key={day} data-day={day}>
                <th scope="row">{dayNames[day]}</th>
                <td>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={list.length > 0}
                      onChange={(e) => setDay(day, e.currentTarget.checked ? [{ from: "09:00", to: "17:00" }] : [])}
                      data-testid={`hours-open-${day}`}
                    />{" "}
                    {list.length ? "Open" : "Closed"}
                  </label>
                </td>
                <td class="hours-intervals">
                  {list.map((iv, i) => (
                    <span class="hours-interval" key={`${day}-${i}`}>
                      <label class="visually-hidden" for={`h-${id}-${day}-${i}-from`}>
                        {dayNames[day]} opens
                      </label>
                      <input
                        id={`h-${id}-${day}-${i}-from`}
                        type="time"
                        value={iv.from}
                        onInput={(e) =>
                          setDay(
                            day,
                            list.map((x, j) => (j === i ? { ...x, from: e.currentTarget.value } : x)),
                          )
                        }
                        data-testid={`hours-from-${day}-${i}`}
                      />
                      <span aria-hidden="true">–</span>
                      <label class="visually-hidden" for={`h-${id}-${day}-${i}-to`}>
                        {dayNames[day]} closes (00:00 is midnight)
                      </label>
                      <input
                        id={`h-${id}-${day}-${i}-to`}
                        type="time"
                        value={iv.to}
                        onInput={(e) =>
                          setDay(
                            day,
                            list.map((x, j) => (j === i ? { ...x, to: e.currentTarget.value } : x)),
                          )
                        }
                        data-testid={`hours-to-${day}-${i}`}
                      />
                      {list.length > 1 && (
                        <button
                          type="button"
                          class="btn btn-link"
                          onClick={() =>
                            setDay(
                              day,
                              list.filter((_, j) => j !== i),
                            )
                          }
                          aria-label={`Remove ${dayNames[day]} ${iv.from}–${iv.to}`}
                        >
                          Remove
                        </button>
                      )}
                    </span>
                  ))}
                  {list.length > 0 && list.length < 6 && (
                    <button
                      type="button"
                      class="btn btn-link"
                      onClick={() => setDay(day, [...list, { from: "18:00", to: "20:00" }])}
                    >
                      Add hours
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" class="btn btn-quiet" onClick={() => onChange(copyMondayToWeekdays(desk))}>
        Monday's hours for every weekday
      </button>
      <fieldset class="hours-holidays">
        <legend>Holidays (closed all day)</legend>
        {desk.holidays.length > 0 && (
          <ul data-testid="hours-holidays">
            {desk.holidays.map((d) => (
              <li key={d}>
                {d}{" "}
                <button
                  type="button"
                  class="btn btn-link"
                  onClick={() => onChange({ ...desk, holidays: desk.holidays.filter((x) => x !== d) })}
                  aria-label={`Remove the holiday ${d}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="hours-row">
          <label for={`hours-holiday-${id}`} class="visually-hidden">
            Holiday date
          </label>
          <input
            id={`hours-holiday-${id}`}
            type="date"
            value={holiday}
            onInput={(e) => setHoliday(e.currentTarget.value)}
            data-testid="hours-holiday"
          />
          <button
            type="button"
            class="btn btn-secondary"
            disabled={!holiday}
            onClick={() => {
              onChange(addHoliday(desk, holiday));
              setHoliday("");
            }}
            data-testid="hours-holiday-add"
          >
            Add holiday
          </button>
        </div>
      </fieldset>
    </div>
  );
}
