// Settings → People: invite someone by email, and the invitations still open (withdraw one). The link
// itself is only in the mail: the worker never answers with it, so it is never on this page either.
import { useEffect, useState } from "preact/hooks";
import type { Me, Role } from "../../../../shared/api.ts";
import { type InviteSummary, inviteListSchema, inviteSummarySchema } from "../../../../shared/people.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage } from "../../lib/api.ts";
import { now } from "../../lib/clock.ts";
import { expiresIn, grantable, parseTeams } from "./people.ts";

export function InvitePerson({ me, changed }: { me: Me; changed(): void }) {
  const [form, setForm] = useState({ email: "", name: "", role: "agent" as Role, teams: "" });
  const [error, setError] = useState<string | undefined>(undefined);
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <section class="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <p class="muted">They get an email with a link that works once, for 7 days, to choose their name and password.</p>
      <form
        noValidate
        data-testid="invite-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (busy) return;
          const teams = parseTeams(form.teams);
          if ("error" in teams) return setError(teams.error);
          if (!/^\S+@\S+\.\S+$/.test(form.email.trim())) return setError("Enter their work email address.");
          setError(undefined);
          setBusy(true);
          const body = {
            email: form.email.trim(),
            role: form.role,
            teams: teams.teams,
            ...(form.name.trim() ? { name: form.name.trim() } : {}),
          };
          api("/admin/v1/invites", inviteSummarySchema, { method: "POST", body }).then(
            (r) => {
              setSentTo(r.email);
              announce(`Invitation sent to ${r.email}`);
              setForm({ email: "", name: "", role: "agent", teams: "" });
              setBusy(false);
              changed();
            },
            (e: unknown) => {
              setError(errorMessage(e));
              setBusy(false);
            },
          );
        }}
      >
        <div class="field">
          <label for="invite-email">Work email</label>
          <input id="invite-email" type="email" value={form.email} onInput={set("email")} data-testid="invite-email" />
        </div>
        <div class="field">
          <label for="invite-name">Name (optional: they can change it)</label>
          <input id="invite-name" value={form.name} onInput={set("name")} />
        </div>
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={form.role} onChange={set("role")} data-testid="invite-role">
            {grantable(me.role).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="invite-teams">Teams (optional, comma-separated)</label>
          <input id="invite-teams" value={form.teams} onInput={set("teams")} placeholder="support, billing" />
        </div>
        {error && (
          <p class="alert" role="alert" data-testid="invite-error">
            {error}
          </p>
        )}
        {sentTo && !error && (
          <p class="ok" role="status" data-testid="invite-sent">
            Invitation sent to {sentTo}.
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="invite-send">
          Send invitation
        </button>
      </form>
    </section>
  );
}

export function OpenInvites({ version }: { version: number }) {
  const [list, setList] = useState<InviteSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    api("/admin/v1/invites", inviteListSchema).then(
      (r) => setList(r.invites),
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => void load(), [version]);
  return (
    <section class="card" aria-labelledby="invites-title" data-testid="invites">
      <h2 id="invites-title">Open invitations</h2>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {!list ? (
        <p class="int-empty">Loading…</p>
      ) : list.length === 0 ? (
        <p class="int-empty" data-testid="invites-empty">
          None waiting.
        </p>
      ) : (
        <ul class="session-list">
          {list.map((i) => (
            <li key={i.id} data-testid="invite" data-email={i.email}>
              <span>
                {i.email}{" "}
                <span class="muted">
                  · {i.role} · {expiresIn(i.expiresAt, now.value)}
                </span>
              </span>
              <button
                type="button"
                class="btn btn-small btn-quiet"
                data-testid="invite-withdraw"
                onClick={() =>
                  void apiVoid(`/admin/v1/invites/${i.id}`, { method: "DELETE" }).then(
                    () => {
                      announce(`Invitation to ${i.email} withdrawn`);
                      return load();
                    },
                    (e: unknown) => setError(errorMessage(e)),
                  )
                }
              >
                Withdraw
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
