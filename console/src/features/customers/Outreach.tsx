// Proactive outreach (docs/customer-health.md "Outreach"): an agent writes first to a customer of the list,
// by email or in the widget on their next visit (a new conversation of theirs, which opens here once sent),
// and decides the drafts that owners' rules proposed: approve (reworded if need be) sends it, deny sends nothing.
import { useEffect, useState } from "preact/hooks";
import {
  type Outreach,
  type OutreachChannel,
  outreachChannels,
  outreachListSchema,
  outreachSchema,
} from "../../../../shared/customer-health.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { fullDate } from "../../lib/time.ts";

const channelWords: Record<OutreachChannel, string> = {
  email: "by email",
  widget: "in the widget, on their next visit",
};

const conversationLink = (id: string) => `#/c/${encodeURIComponent(id)}`;

/** The form under a contact's row: channel, subject (email), message. */
export function ReachOut({ contactId, name, done }: { contactId: string; name: string; done: () => void }) {
  const [channel, setChannel] = useState<OutreachChannel>("email");
  const [subject, setSubject] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [sent, setSent] = useState<Outreach | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = { contactId, channel, text, ...(channel === "email" && subject.trim() ? { subject } : {}) };
      const r = await api("/api/outreach", outreachSchema, { method: "POST", body });
      setSent(r);
      setError(undefined);
      announce(`Message to ${name} sent ${channelWords[channel]}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  if (sent)
    return (
      <p class="small" data-testid="outreach-sent" role="status">
        Sent {channelWords[sent.channel]}.{" "}
        {sent.conversationId && <a href={conversationLink(sent.conversationId)}>Open the conversation</a>}{" "}
        <button type="button" class="btn btn-link" onClick={done}>
          Close
        </button>
      </p>
    );
  return (
    <form class="outreach-form" data-testid="outreach-form" onSubmit={(e) => void send(e)}>
      <label>
        Send{" "}
        <select value={channel} onChange={(e) => setChannel(e.currentTarget.value as OutreachChannel)}>
          {outreachChannels.map((c) => (
            <option key={c} value={c}>
              {channelWords[c]}
            </option>
          ))}
        </select>
      </label>
      {channel === "email" && (
        <label>
          Subject <input maxLength={200} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </label>
      )}
      <label>
        Message to {name}
        <textarea required maxLength={4000} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <div class="row-actions">
        <button type="submit" class="btn" disabled={busy}>
          Send
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Draft({ o, decided }: { o: Outreach; decided: (o: Outreach) => void }) {
  const [text, setText] = useState(o.text);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const decide = async (verb: "approve" | "deny") => {
    setBusy(true);
    try {
      const r = await api(`/api/outreach/${encodeURIComponent(o.id)}/${verb}`, outreachSchema, {
        method: "POST",
        body: verb === "approve" && text !== o.text ? { text } : {},
      });
      announce(verb === "approve" ? `Sent to ${o.email ?? "the customer"}.` : "Denied: nothing was sent.");
      decided(r);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="outreach-draft" data-testid="outreach-draft" data-id={o.id}>
      <p>
        <strong>{o.name ?? o.email ?? o.contactId}</strong>
        {o.name && o.email && <span class="muted small"> {o.email}</span>} · {channelWords[o.channel]} ·{" "}
        <span class="small outreach-when">{fullDate(o.createdAt)}</span>
      </p>
      {o.reason && <p class="small muted">Why: {o.reason}</p>}
      {o.subject && <p class="small">Subject: {o.subject}</p>}
      <label>
        Message
        <textarea maxLength={4000} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <div class="row-actions">
        <button type="button" class="btn" disabled={busy} onClick={() => void decide("approve")}>
          Approve and send
        </button>
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void decide("deny")}>
          Deny
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** Rules' drafts waiting for an agent (a decided one leaves the list; the announcement says what happened). */
export function Approvals() {
  const [list, setList] = useState<Outreach[] | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api("/api/outreach?status=proposed", outreachListSchema).then(
      (r) => setList(r.outreach),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  return (
    <section class="card" aria-labelledby="approvals-title" data-testid="outreach-approvals">
      <h2 id="approvals-title">Outreach waiting for approval</h2>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {list === null ? (
        <p class="empty">Loading…</p>
      ) : list.length === 0 ? (
        <p class="empty">Nothing waiting.</p>
      ) : (
        <ul class="outreach-drafts">
          {list.map((o) => (
            <Draft key={o.id} o={o} decided={(r) => setList(list.filter((x) => x.id !== r.id))} />
          ))}
        </ul>
      )}
    </section>
  );
}
