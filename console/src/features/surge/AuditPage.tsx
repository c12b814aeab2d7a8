// A sweep's audit trail, as stored (append-only): who, what, when, inputs and outputs; plus a replay
// that recomputes the plan from the stored inputs and says whether the decisions came out the same.
import { useEffect, useState } from "preact/hooks";
import type { AuditEntry } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { fullDate } from "../../lib/time.ts";
import { surgeApi } from "./api.ts";

export function AuditPage({ id }: { id: string }) {
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [replay, setReplay] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = () => void surgeApi.audit(id).then(setItems, (e: unknown) => setError(errorMessage(e)));
  useEffect(load, [id]);
  return (
    <div data-testid="surge-audit">
      <div class="page-head">
        <div>
          <p class="crumbs">
            <a href="#/surge">Surge</a> / <a href={`#/surge/s/${encodeURIComponent(id)}`}>Sweep</a> /
          </p>
          <h1>Audit trail</h1>
          <p class="sub">Every step of this sweep, append-only.</p>
        </div>
        <button
          class="btn btn-secondary"
          type="button"
          data-testid="replay"
          onClick={() =>
            void surgeApi.replay(id).then(
              (r) => {
                setReplay(
                  r.same ? "Replay: same decisions (hash matches)." : `Replay differs: ${r.replayed} ≠ ${r.stored}`,
                );
                load();
              },
              (e: unknown) => setError(errorMessage(e)),
            )
          }
        >
          Replay the plan
        </button>
      </div>
      {replay && <p data-testid="replay-result">{replay}</p>}
      {error && <p class="field-error">{error}</p>}
      {items && (
        <table class="surge-steps surge-audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Inputs → outputs</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.seq} data-testid="audit-row" data-action={a.action}>
                <td>{a.seq}</td>
                <td title={fullDate(a.at)}>{new Date(a.at).toLocaleTimeString()}</td>
                <td>{a.actor}</td>
                <td>
                  <code>{a.action}</code>
                </td>
                <td>
                  <details>
                    <summary>details</summary>
                    <pre class="surge-draft">{JSON.stringify({ inputs: a.inputs, outputs: a.outputs }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
