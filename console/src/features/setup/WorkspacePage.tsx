// Settings → Workspace (`#/settings/workspace`, owners): rename the workspace, create a further one
// (features/workspaces/CreateWorkspace.tsx), or remove this one with everything in it (conversations,
// people, articles, sites) after typing its id. Removal runs in
// batches on the worker (`DELETE /api/workspace` answers 202 while conversations remain), so this
// repeats the call until it is done; the owner's own session goes with the workspace.
import { useEffect, useState } from "preact/hooks";
import * as z from "zod/mini";
import type { Me } from "../../../../shared/api.ts";
import { workspaceSchema } from "../../../../shared/security.ts";
import { checklistSchema } from "../../../../shared/setup.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage, HttpError } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { me as session } from "../../lib/session.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { CreateWorkspace } from "../workspaces/CreateWorkspace.tsx";
import "./checklist.css";

const renamed = z.object({ id: z.string(), name: z.string() });
const removal = z.object({ done: z.boolean(), remaining: z.number() });

export function WorkspacePage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  const [name, setName] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState("");
  const [msg, setMsg] = useState<{ error?: string; ok?: string }>({});
  const [confirm, setConfirm] = useState("");
  const [password, setPassword] = useState("");
  const [removing, setRemoving] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!owner) return;
    api("/api/checklist", checklistSchema)
      .then((c) => {
        setName(c.workspace.name);
        setDraft(c.workspace.name);
      })
      .catch((e: unknown) => setMsg({ error: errorMessage(e) }));
  }, [owner]);

  if (!owner)
    return (
      <PageScaffold
        title="Workspace"
        nav={<SettingsNav />}
        state={{ forbidden: "Only workspace owners manage the workspace.", testId: "workspace-forbidden" }}
      />
    );

  const rename = async (e: Event) => {
    e.preventDefault();
    const parsed = z.safeParse(workspaceSchema, { name: draft });
    if (!parsed.success) return setMsg({ error: parsed.error.issues[0]?.message ?? "name is required" });
    try {
      const r = await api("/api/workspace", renamed, { method: "PATCH", body: parsed.data });
      setName(r.name);
      setMsg({ ok: `Renamed to ${r.name}.` });
      announce(`Workspace renamed to ${r.name}.`);
    } catch (x) {
      setMsg({ error: x instanceof HttpError && x.issues[0] ? x.issues[0].message : errorMessage(x) });
    }
  };

  const remove = async (e: Event) => {
    e.preventDefault();
    if (confirm !== me.workspaceId) return setRemoving(`Type ${me.workspaceId} to confirm.`);
    setRemoving("Removing…");
    try {
      for (;;) {
        const r = await api(`/api/workspace?confirm=${encodeURIComponent(confirm)}`, removal, {
          method: "DELETE",
          body: { password },
        });
        if (r.done) break;
        setRemoving(`Removing… ${r.remaining} conversations left.`);
      }
      // The workspace and its sessions are gone: back to sign-in (or set-up, if it was the last one).
      session.value = null;
      location.hash = "";
      location.reload();
    } catch (x) {
      setRemoving(errorMessage(x));
    }
  };

  return (
    <main id="main" class="page setup-page" data-testid="workspace-settings">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Workspace
          </h1>
          <p class="sub">
            <code>{me.workspaceId}</code>: its help centre is at{" "}
            <code>{`${location.origin}/hc/${me.workspaceId}/`}</code>.
          </p>
        </div>
      </div>
      <section class="card" aria-labelledby="ws-name-title">
        <h2 id="ws-name-title">Name</h2>
        <form class="step-form" onSubmit={rename} noValidate data-testid="workspace-rename">
          <label for="ws-name">Workspace name</label>
          <input
            id="ws-name"
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
            disabled={name === undefined}
            data-testid="workspace-name"
          />
          <button type="submit" class="btn btn-primary" data-testid="workspace-rename-save">
            Save
          </button>
        </form>
        <p role="status" class={msg.error ? "field-error" : "hint"} data-testid="workspace-message">
          {msg.error ?? msg.ok ?? ""}
        </p>
      </section>
      <CreateWorkspace />
      <section class="card danger-zone" aria-labelledby="ws-remove-title">
        <h2 id="ws-remove-title">Remove this workspace</h2>
        <p>
          Removes every conversation, person, article, site and setting of this workspace, for good. Export it first if
          you may need it. People who also belong to other workspaces keep their account there.
        </p>
        <form class="step-form" onSubmit={remove} noValidate data-testid="workspace-remove">
          <label for="ws-confirm">Type {me.workspaceId} to confirm</label>
          <input
            id="ws-confirm"
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
            data-testid="workspace-confirm"
          />
          <label for="ws-password">Your password</label>
          <input
            id="ws-password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="workspace-password"
          />
          <button type="submit" class="btn btn-danger" data-testid="workspace-remove-submit">
            Remove workspace
          </button>
        </form>
        {removing && (
          <p role="status" data-testid="workspace-remove-status">
            {removing}
          </p>
        )}
      </section>
    </main>
  );
}
