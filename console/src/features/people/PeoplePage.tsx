// Settings → People (owners): who is in the workspace, with their role, teams, capacity, two-factor and
// sessions; invite by email (and the open invitations), add a person, change a role, set a password or
// email a reset link, set teams and capacity, disable (offboard) or enable, remove, end sessions, reset
// a lost second factor; require two-factor for everyone; and the audit log with its CSV export.
import { useEffect, useState } from "preact/hooks";
import type { Me, Role } from "../../../../shared/api.ts";
import * as z from "zod/mini";
import {
  auditEntrySchema,
  personSummarySchema,
  sessionInfoSchema,
  workspaceSecuritySchema,
  type AuditEntry,
  type PersonSummary,
  type SessionInfo,
} from "../../../../shared/security.ts";
import { api, apiVoid, errorMessage } from "../../lib/api.ts";
import { announce } from "../../lib/announce.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { fullDate } from "../../lib/time.ts";
import {
  accountActions,
  capacityLabel,
  checkNewPassword,
  describeAudit,
  grantable,
  orderPeople,
  parseCapacity,
  parseTeams,
  personFlags,
  removalNote,
  sessionLabel,
} from "./people.ts";
import { InvitePerson, OpenInvites } from "./Invites.tsx";
import "../integrations/integrations.css";
import "./people.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

const peopleList = z.object({ agents: z.array(personSummarySchema), defaultCapacity: z.number() });
const sessionList = z.object({ sessions: z.array(sessionInfoSchema) });
const auditList = z.object({ entries: z.array(auditEntrySchema) });

export function PeoplePage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [people, setPeople] = useState<PersonSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [auditKey, setAuditKey] = useState(0);
  const [defaultCapacity, setDefaultCapacity] = useState(0);
  const load = () =>
    api("/admin/v1/agents", peopleList).then(
      (r) => {
        setPeople(orderPeople(r.agents));
        setDefaultCapacity(r.defaultCapacity);
        setAuditKey((k) => k + 1);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => {
    if (me.role === "owner") void load();
  }, [me.role]);

  if (me.role !== "owner")
    return (
      <PageScaffold
        title="People"
        class="integrations-page"
        nav={<SettingsNav />}
        state={{ forbidden: "Only workspace owners manage people.", testId: "people-forbidden" }}
      />
    );

  return (
    <main id="main" class="page integrations-page" data-testid="people-page">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            People
          </h1>
          <p class="sub">
            Changing someone's role or disabling them signs them out of this workspace at once. People who joined from
            another workspace keep their own password and two-factor.
          </p>
        </div>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="int-grid">
        <section class="card" aria-labelledby="people-title">
          <h2 id="people-title">People</h2>
          {!people ? (
            <p class="int-empty" aria-busy="true">
              Loading…
            </p>
          ) : (
            <ul class="people-list" data-testid="people-list">
              {people.map((p) => (
                <PersonRow key={p.id} person={p} me={me} changed={load} defaultCapacity={defaultCapacity} />
              ))}
            </ul>
          )}
        </section>
        <div>
          <InvitePerson me={me} changed={() => setAuditKey((k) => k + 1)} />
          <OpenInvites version={auditKey} />
          <AddPerson me={me} added={load} />
          <RequireTwoFactor />
        </div>
      </div>
      <AuditLog key={auditKey} />
    </main>
  );
}

function PersonRow({
  person: p,
  me,
  changed,
  defaultCapacity,
}: {
  person: PersonSummary;
  me: Me;
  changed(): Promise<void>;
  defaultCapacity: number;
}) {
  const [open, setOpen] = useState<"none" | "sessions" | "password" | "routing" | "remove">("none");
  const [error, setError] = useState<string | undefined>(undefined);
  const self = p.id === me.id;
  const can = accountActions(p);
  const act = (
    what: string,
    body: unknown,
    path = `/admin/v1/agents/${p.id}`,
    method: "PATCH" | "DELETE" | "POST" | "PUT" = "PATCH",
  ) =>
    apiVoid(path, { method, ...(body === undefined ? {} : { body }) }).then(
      () => {
        announce(`${p.name}: ${what}`);
        setError(undefined);
        return changed();
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  return (
    <li
      class={`person${p.disabled ? " is-disabled" : ""}`}
      data-testid="person"
      data-email={p.email}
      data-member={p.member ? "true" : undefined}
    >
      <div class="person-head">
        <span>
          <strong>{p.name}</strong> <span class="muted">{p.email}</span>
          <br />
          <span class="muted">
            {personFlags(p).join(" · ")} · {p.sessions} session{p.sessions === 1 ? "" : "s"}
          </span>
          <br />
          <span class="muted" data-testid="person-routing">
            {p.teams.length ? `Teams ${p.teams.join(", ")}` : "No team"} · {capacityLabel(p.capacity, defaultCapacity)}
          </span>
        </span>
        <label class="visually-hidden" for={`role-${p.id}`}>
          Role of {p.name}
        </label>
        <select
          id={`role-${p.id}`}
          value={p.role}
          disabled={self}
          title={self ? "Another owner changes your role" : undefined}
          data-testid="person-role"
          onChange={(e) => void act(`role ${e.currentTarget.value}`, { role: e.currentTarget.value as Role })}
        >
          {grantable(me.role).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button
          type="button"
          class="btn btn-small btn-secondary"
          aria-expanded={open === "sessions"}
          onClick={() => setOpen(open === "sessions" ? "none" : "sessions")}
        >
          Sessions
        </button>
        {can.setPassword && (
          <button
            type="button"
            class="btn btn-small btn-secondary"
            aria-expanded={open === "password"}
            onClick={() => setOpen(open === "password" ? "none" : "password")}
          >
            Set password
          </button>
        )}
        {!p.disabled && can.resetLink && (
          <button
            type="button"
            class="btn btn-small btn-secondary"
            data-testid="person-reset-link"
            onClick={() => void act("reset link emailed", undefined, `/admin/v1/agents/${p.id}/password-reset`, "POST")}
          >
            Email a reset link
          </button>
        )}
        <button
          type="button"
          class="btn btn-small btn-secondary"
          aria-expanded={open === "routing"}
          data-testid="person-routing-edit"
          onClick={() => setOpen(open === "routing" ? "none" : "routing")}
        >
          Teams and capacity
        </button>
        {p.twoFactor && can.twoFactor && (
          <button
            type="button"
            class="btn btn-small btn-quiet"
            onClick={() => void act("two-factor reset", undefined, `/admin/v1/agents/${p.id}/two-factor`, "DELETE")}
          >
            Reset two-factor
          </button>
        )}
        {!self && (
          <button
            type="button"
            class="btn btn-small btn-quiet"
            data-testid="person-disable"
            onClick={() => void act(p.disabled ? "enabled" : "disabled", { disabled: !p.disabled })}
          >
            {p.disabled ? "Enable" : "Disable"}
          </button>
        )}
        {!self && (
          <button
            type="button"
            class="btn btn-small btn-quiet"
            aria-expanded={open === "remove"}
            data-testid="person-remove"
            onClick={() => setOpen(open === "remove" ? "none" : "remove")}
          >
            Remove
          </button>
        )}
      </div>
      {open === "remove" && (
        <div class="inline-form" data-testid="person-remove-confirm">
          <p>
            Remove {p.name} from the workspace? {removalNote(p)}
          </p>
          <div class="row-actions">
            <button
              type="button"
              class="btn btn-small btn-primary"
              data-testid="person-remove-yes"
              onClick={() => void act("removed", undefined, `/admin/v1/agents/${p.id}`, "DELETE")}
            >
              Remove {p.name}
            </button>
            <button type="button" class="btn btn-small btn-secondary" onClick={() => setOpen("none")}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {open === "routing" && (
        <RoutingForm
          person={p}
          defaultCapacity={defaultCapacity}
          save={async (teams, capacity) => {
            await act("teams saved", { teams }, `/admin/v1/agents/${p.id}/routing`, "PUT");
            await act("capacity saved", { capacity }, `/admin/v1/agents/${p.id}/capacity`, "PUT");
            setOpen("none");
          }}
        />
      )}
      {open === "sessions" && <PersonSessions person={p} changed={changed} />}
      {open === "password" && (
        <SetPassword
          save={(password) =>
            act("password set", { password }).then(() => {
              setOpen("none");
            })
          }
        />
      )}
    </li>
  );
}

function PersonSessions({ person, changed }: { person: PersonSummary; changed(): Promise<void> }) {
  const [list, setList] = useState<SessionInfo[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const base = `/admin/v1/agents/${person.id}/sessions`;
  const load = () =>
    api(base, sessionList).then(
      (r) => setList(r.sessions),
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => void load(), [person.id]);
  const end = (path: string) =>
    apiVoid(path, { method: "DELETE" }).then(
      () => Promise.all([load(), changed()]),
      (e: unknown) => setError(errorMessage(e)),
    );
  if (error)
    return (
      <p class="alert" role="alert">
        {error}
      </p>
    );
  if (!list) return <p class="int-empty">Loading…</p>;
  return (
    <div class="person-sessions" data-testid="person-sessions">
      {list.length === 0 ? (
        <p class="int-empty">Not signed in anywhere.</p>
      ) : (
        <>
          <ul class="session-list">
            {list.map((s) => (
              <li key={s.id}>
                <span>
                  {sessionLabel(s)}
                  {s.current ? " (you, here)" : ""} <span class="muted">since {fullDate(s.createdAt)}</span>
                </span>
                <button type="button" class="btn btn-small btn-quiet" onClick={() => void end(`${base}/${s.id}`)}>
                  End
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="btn btn-small btn-secondary" onClick={() => void end(base)}>
            End all sessions
          </button>
        </>
      )}
    </div>
  );
}

function RoutingForm({
  person,
  defaultCapacity,
  save,
}: {
  person: PersonSummary;
  defaultCapacity: number;
  save(teams: string[], capacity: number | null): Promise<void>;
}) {
  const [teams, setTeams] = useState(person.teams.join(", "));
  const [capacity, setCapacity] = useState(person.capacity === null ? "" : String(person.capacity));
  const [error, setError] = useState<string | undefined>(undefined);
  const id = person.id;
  return (
    <form
      class="inline-form"
      noValidate
      data-testid="routing-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        const t = parseTeams(teams);
        const c = parseCapacity(capacity);
        const problem = "error" in t ? t.error : "error" in c ? c.error : undefined;
        setError(problem);
        if (!("error" in t) && !("error" in c)) void save(t.teams, c.capacity);
      }}
    >
      <div class="field">
        <label for={`teams-${id}`}>Teams (comma-separated)</label>
        <input
          id={`teams-${id}`}
          value={teams}
          onInput={(e) => setTeams(e.currentTarget.value)}
          data-testid="routing-teams"
        />
      </div>
      <div class="field">
        <label for={`capacity-${id}`}>Open conversations at most (empty: {defaultCapacity}, the default)</label>
        <input
          id={`capacity-${id}`}
          inputMode="numeric"
          value={capacity}
          onInput={(e) => setCapacity(e.currentTarget.value)}
          data-testid="routing-capacity"
        />
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-small btn-primary" data-testid="routing-save">
        Save
      </button>
    </form>
  );
}

function SetPassword({ save }: { save(password: string): Promise<void> }) {
  const [pw, setPw] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <form
      class="inline-form"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        const problem = checkNewPassword(pw, pw);
        setError(problem);
        if (!problem) void save(pw);
      }}
    >
      <div class="field">
        <label for="set-pw">New password (tell them to change it)</label>
        <input
          id="set-pw"
          type="password"
          autocomplete="new-password"
          value={pw}
          onInput={(e) => setPw(e.currentTarget.value)}
        />
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <button type="submit" class="btn btn-small btn-primary">
        Save and sign them out
      </button>
    </form>
  );
}

function AddPerson({ me, added }: { me: Me; added(): Promise<void> }) {
  const [form, setForm] = useState({ email: "", name: "", password: "", role: "agent" as Role });
  const [error, setError] = useState<string | undefined>(undefined);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <section class="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a person</h2>
      <form
        noValidate
        data-testid="add-person"
        onSubmit={(ev) => {
          ev.preventDefault();
          const problem = checkNewPassword(form.password, form.password);
          setError(problem);
          if (problem) return;
          apiVoid("/admin/v1/agents", { method: "POST", body: form }).then(
            () => {
              announce(`${form.name} added`);
              setForm({ email: "", name: "", password: "", role: "agent" });
              return added();
            },
            (e: unknown) => setError(errorMessage(e)),
          );
        }}
      >
        <div class="field">
          <label for="add-email">Work email</label>
          <input id="add-email" type="email" value={form.email} onInput={set("email")} />
        </div>
        <div class="field">
          <label for="add-name">Name</label>
          <input id="add-name" value={form.name} onInput={set("name")} />
        </div>
        <div class="field">
          <label for="add-role">Role</label>
          <select id="add-role" value={form.role} onChange={set("role")}>
            {grantable(me.role).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="add-pw">First password (10 characters or more)</label>
          <input
            id="add-pw"
            type="password"
            autocomplete="new-password"
            value={form.password}
            onInput={set("password")}
          />
        </div>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary">
          Add
        </button>
      </form>
    </section>
  );
}

function RequireTwoFactor() {
  const [on, setOn] = useState<boolean | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api("/admin/v1/workspace/security", workspaceSecuritySchema).then(
      (r) => setOn(r.requireTwoFactor),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  return (
    <section class="card" aria-labelledby="req-title">
      <h2 id="req-title">Workspace security</h2>
      <label class="check">
        <input
          type="checkbox"
          checked={!!on}
          disabled={on === undefined}
          data-testid="require-two-factor"
          onChange={(e) => {
            const want = e.currentTarget.checked;
            setError(undefined);
            api("/admin/v1/workspace/security", workspaceSecuritySchema, {
              method: "PUT",
              body: { requireTwoFactor: want },
            }).then(
              (r) => setOn(r.requireTwoFactor),
              (err: unknown) => {
                setOn(!want);
                setError(errorMessage(err));
              },
            );
          }}
        />{" "}
        Require two-factor sign-in for everyone
      </label>
      <p class="muted">People without it can only set it up until they do.</p>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api("/admin/v1/audit?limit=50", auditList).then(
      (r) => setEntries(r.entries),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  return (
    <section class="card audit" aria-labelledby="audit-title">
      <div class="audit-head">
        <h2 id="audit-title">Audit log</h2>
        <a class="btn btn-small btn-secondary" href="/admin/v1/audit.csv" download data-testid="audit-csv">
          Download CSV
        </a>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {!entries ? (
        <p class="int-empty">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="int-empty">Nothing recorded yet.</p>
      ) : (
        <table class="audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">On</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{fullDate(e.at)}</td>
                <td>{e.actor.email}</td>
                <td>{describeAudit(e)}</td>
                <td>
                  {e.target.type} <code>{e.target.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
