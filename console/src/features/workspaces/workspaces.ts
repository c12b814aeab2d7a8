// Pure logic of the workspace switcher and "Create a workspace" (unit-tested in workspaces.test.ts).
import * as z from "zod/mini";
import type { MyWorkspaces } from "../../../../shared/people.ts";
import { newWorkspaceSchema } from "../../../../shared/setup.ts";

export type WorkspaceEntry = MyWorkspaces["workspaces"][number];

/** "Acme support · agent": what an option of the switcher says. */
export const workspaceLabel = (w: WorkspaceEntry): string => `${w.name} · ${w.role}`;

/** The switcher shows only for someone who has somewhere else to go. */
export const showSwitcher = (list: WorkspaceEntry[] | undefined): list is WorkspaceEntry[] => !!list && list.length > 1;

export type NewWorkspaceForm = { name: string; address: string };
export type NewWorkspaceField = keyof NewWorkspaceForm;

export const newWorkspaceRequest = (f: NewWorkspaceForm) => ({ name: f.name, id: f.address.trim() });

/** The first message per field, from the schema the worker checks with (first-run set-up's rules). */
export function checkNewWorkspace(f: NewWorkspaceForm): Partial<Record<NewWorkspaceField, string>> {
  const r = z.safeParse(newWorkspaceSchema, newWorkspaceRequest(f));
  if (r.success) return {};
  return workspaceFieldErrors(r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
}

/** Issues (`id`, or the worker's `body.id`) → the form field each belongs to. */
export function workspaceFieldErrors(
  issues: { path: string; message: string }[],
): Partial<Record<NewWorkspaceField, string>> {
  const out: Partial<Record<NewWorkspaceField, string>> = {};
  for (const i of issues) {
    const path = i.path.replace(/^\/?body[./]/, "");
    const field = path === "name" ? "name" : path === "id" ? "address" : undefined;
    if (field && !out[field]) out[field] = i.message;
  }
  return out;
}
