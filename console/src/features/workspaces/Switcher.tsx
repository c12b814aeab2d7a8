// The header's workspace switcher (its own chunk, shell/lazy.tsx LazySwitcher): for a person who
// belongs to more than one workspace, which one this console acts in. Switching asks the worker for a
// session in the other workspace (the current one ends) and opens the console afresh there.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { myWorkspacesSchema } from "../../../../shared/people.ts";
import { meSchema } from "../../../../shared/api.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { enterWorkspace, workspacesChanged } from "../../lib/session.ts";
import { showSwitcher, type WorkspaceEntry, workspaceLabel } from "./workspaces.ts";
import "./workspaces.css";

export function Switcher({ me }: { me: Me }) {
  const [list, setList] = useState<WorkspaceEntry[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const version = workspacesChanged.value;
  useEffect(() => {
    api("/api/me/workspaces", myWorkspacesSchema).then(
      (r) => setList(r.workspaces),
      // Not worth a banner: the person stays where they are.
      () => setList(undefined),
    );
  }, [me.workspaceId, version]);
  if (!showSwitcher(list)) return null;
  return (
    <div class="ws-switch">
      <label for="ws-switch" class="visually-hidden">
        Workspace
      </label>
      <select
        id="ws-switch"
        data-testid="workspace-switcher"
        value={me.workspaceId}
        disabled={busy}
        title={error ?? "Switch workspace"}
        onChange={(e) => {
          const select = e.currentTarget;
          const target = select.value;
          if (target === me.workspaceId) return;
          setBusy(true);
          setError(undefined);
          api("/api/me/workspace", meSchema, { body: { workspaceId: target } }).then(
            () => enterWorkspace(),
            (x: unknown) => {
              setError(errorMessage(x));
              setBusy(false);
              select.value = me.workspaceId;
            },
          );
        }}
      >
        {list.map((w) => (
          <option key={w.id} value={w.id}>
            {workspaceLabel(w)}
          </option>
        ))}
      </select>
      {error && (
        <span class="visually-hidden" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
