// Customers at risk (docs/customer-health.md): every agent sees which customers and companies are
// drifting, least healthy first, each with its reasons, and writes to one first (Outreach.tsx); owners set
// the rules that alert a person or draft such a message for an agent to approve.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import {
  type CustomerHealth,
  healthListSchema,
  type HealthRule,
  healthRuleListSchema,
  healthRuleSchema,
  healthRuleSignals,
  type OutreachChannel,
} from "../../../../shared/customer-health.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { fullDate } from "../../lib/time.ts";
import { Approvals, ReachOut } from "./Outreach.tsx";
import "../integrations/integrations.css";
import "../quality/quality.css";

const signalWords: Record<HealthRule["signal"], string> = {
  negative: "conversations with negative messages",
  handoff: "escalations to a person",
  breach: "answers past the response target",
  low_csat: "ratings of 2 or less",
  unresolved: "unresolved conversations",
};

function List({ title, list, testId }: { title: string; list: CustomerHealth[] | null; testId: string }) {
  const [writing, setWriting] = useState<string | null>(null);
  return (
    <section class="card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {list === null ? (
        <p class="empty">Loading…</p>
      ) : list.length === 0 ? (
        <p class="empty">Nobody at risk.</p>
      ) : (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Health</th>
              <th scope="col">Why</th>
              <th scope="col">Last conversation</th>
            </tr>
          </thead>
          <tbody>
            {list.map((h) => (
              <tr key={h.key} data-testid="health-row" data-level={h.level}>
                <td>
                  {h.name}
                  {h.email && h.email !== h.name && <div class="muted small">{h.email}</div>}
                  {h.company && <div class="muted small">{h.company}</div>}
                </td>
                <td class="mono">
                  {h.score} <span class={`badge level-${h.level}`}>{h.level}</span>
                </td>
                <td>
                  {h.reasons.length ? (
                    <ul class="reasons">
                      {h.reasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  ) : (
                    <span class="muted">no concern</span>
                  )}
                </td>
                <td class="small">
                  {fullDate(h.lastAt)}
                  {h.kind === "contact" && (
                    <div>
                      <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        aria-expanded={writing === h.key}
                        onClick={() => setWriting(writing === h.key ? null : h.key)}
                      >
                        Reach out
                      </button>
                    </div>
                  )}
                  {writing === h.key && <ReachOut contactId={h.key} name={h.name} done={() => setWriting(null)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Rules() {
  const [rules, setRules] = useState<HealthRule[] | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [form, setForm] = useState({
    name: "",
    signal: "negative" as HealthRule["signal"],
    threshold: 3,
    days: 14,
    notify: "slack" as "slack" | "email",
    action: "alert" as "alert" | "outreach" | "both",
    channel: "email" as OutreachChannel,
    draft: "",
  });
  const load = () =>
    api("/api/customer-health/rules", healthRuleListSchema).then(
      (r) => setRules(r.rules),
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => void load(), []);
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      const { action, channel, draft, ...rule } = form;
      const body = {
        ...rule,
        alert: action !== "outreach",
        ...(action === "alert" ? {} : { outreach: { channel, text: draft } }),
      };
      await api("/api/customer-health/rules", healthRuleSchema, { method: "POST", body });
      announce(`Rule "${form.name}" added.`);
      setForm({ ...form, name: "" });
      setError(undefined);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const remove = async (r: HealthRule) => {
    try {
      await apiVoid(`/api/customer-health/rules/${encodeURIComponent(r.id)}`, { method: "DELETE" });
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card" aria-labelledby="rules-title" data-testid="health-rules">
      <h2 id="rules-title">Alert rules</h2>
      <p class="sub">
        A rule fires once per customer and period, to Slack (Settings → Integrations) or by email to the owners, and can
        draft a message to the customer that waits for an agent's approval.
      </p>
      {rules && rules.length > 0 && (
        <ul>
          {rules.map((r) => (
            <li key={r.id}>
              <strong>{r.name}</strong>: {r.threshold} or more {signalWords[r.signal]} in {r.days} days →{" "}
              {[
                ...(r.alert === false ? [] : [r.notify]),
                ...(r.outreach ? [`outreach ${r.outreach.channel} (approval)`] : []),
              ].join(" + ")}{" "}
              <button type="button" class="btn btn-link" onClick={() => void remove(r)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="rule-form" onSubmit={(e) => void add(e)}>
        <label>
          Name{" "}
          <input
            required
            maxLength={120}
            value={form.name}
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
        </label>
        <label>
          When a customer has{" "}
          <input
            type="number"
            min={1}
            max={100}
            required
            value={form.threshold}
            onInput={(e) => setForm({ ...form, threshold: Number(e.currentTarget.value) })}
          />
        </label>
        <label>
          or more{" "}
          <select
            value={form.signal}
            onChange={(e) => setForm({ ...form, signal: e.currentTarget.value as HealthRule["signal"] })}
          >
            {healthRuleSignals.map((s) => (
              <option key={s} value={s}>
                {signalWords[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          in{" "}
          <input
            type="number"
            min={1}
            max={365}
            required
            value={form.days}
            onInput={(e) => setForm({ ...form, days: Number(e.currentTarget.value) })}
          />{" "}
          days
        </label>
        <label>
          tell{" "}
          <select
            value={form.notify}
            onChange={(e) => setForm({ ...form, notify: e.currentTarget.value as "slack" | "email" })}
          >
            <option value="slack">Slack</option>
            <option value="email">the owners by email</option>
          </select>
        </label>
        <label>
          and{" "}
          <select
            value={form.action}
            onChange={(e) => setForm({ ...form, action: e.currentTarget.value as typeof form.action })}
          >
            <option value="alert">alert only</option>
            <option value="both">also draft a message to the customer</option>
            <option value="outreach">draft a message instead of alerting</option>
          </select>
        </label>
        {form.action !== "alert" && (
          <>
            <label>
              sent{" "}
              <select
                value={form.channel}
                onChange={(e) => setForm({ ...form, channel: e.currentTarget.value as OutreachChannel })}
              >
                <option value="email">by email</option>
                <option value="widget">in the widget</option>
              </select>
            </label>
            <label>
              Draft message
              <textarea
                required
                maxLength={4000}
                rows={2}
                value={form.draft}
                onInput={(e) => setForm({ ...form, draft: e.currentTarget.value })}
              />
            </label>
          </>
        )}
        <button type="submit" class="btn">
          Add rule
        </button>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

export function CustomersPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [all, setAll] = useState(false);
  const [contacts, setContacts] = useState<CustomerHealth[] | null>(null);
  const [companies, setCompanies] = useState<CustomerHealth[] | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const q = all ? "" : "?atRisk=1";
    api(`/api/customer-health/contacts${q}`, healthListSchema).then(
      (r) => setContacts(r.customers),
      (e: unknown) => setError(errorMessage(e)),
    );
    api(`/api/customer-health/companies${q}`, healthListSchema).then(
      (r) => setCompanies(r.customers),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [all]);
  return (
    <main id="main" class="page integrations-page" data-testid="customers-page">
      <h1 ref={heading} tabIndex={-1}>
        Customer health
      </h1>
      <p class="sub">
        From the last 120 days of conversations: contacting more than usual, unresolved conversations, negative messages
        and their trend, low ratings, escalations and late answers. 80 and up is healthy, under 60 at risk.
      </p>
      <label>
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Show everyone, not
        only those at risk
      </label>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <List title={all ? "Customers" : "Customers at risk"} list={contacts} testId="at-risk-contacts" />
      <List title={all ? "Companies" : "Companies at risk"} list={companies} testId="at-risk-companies" />
      <Approvals />
      {me.role === "owner" && <Rules />}
    </main>
  );
}
