// Pure logic of first run: the help-centre address suggested from a name, the set-up form's checks
// (the shared schema's messages, per field). It is in the console's entry (set-up shows before sign-in).
import * as z from "zod/mini";
import { setupRequestSchema } from "../../../../shared/setup.ts";

/** "Acme Support, Inc." → "acme-support-inc": a help-centre address (`/hc/acme-support-inc/`) to start from. */
export function suggestAddress(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return slug.length >= 2 ? slug : "";
}

export type SetupForm = {
  setupToken: string;
  workspaceName: string;
  address: string;
  ownerName: string;
  email: string;
  password: string;
};
export type SetupField = keyof SetupForm;

/** Where each of the request's paths is shown in the form. */
const FIELD_OF: Record<string, SetupField> = {
  setupToken: "setupToken",
  "workspace.name": "workspaceName",
  "workspace.id": "address",
  "owner.name": "ownerName",
  "owner.email": "email",
  "owner.password": "password",
};

export const requestOf = (f: SetupForm) => ({
  setupToken: f.setupToken.trim(),
  workspace: { name: f.workspaceName, id: f.address.trim() },
  owner: { name: f.ownerName, email: f.email, password: f.password },
});

/** The first message per field, from the same schema the worker checks with. */
export function checkSetup(f: SetupForm): Partial<Record<SetupField, string>> {
  const r = z.safeParse(setupRequestSchema, requestOf(f));
  if (r.success) return {};
  return fieldErrors(r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
}

/** Issues (`workspace.id` or the worker's `body.workspace.id`) → the field each belongs to. */
export function fieldErrors(issues: { path: string; message: string }[]): Partial<Record<SetupField, string>> {
  const out: Partial<Record<SetupField, string>> = {};
  for (const i of issues) {
    const field = FIELD_OF[i.path.replace(/^\/?body[./]/, "").replaceAll("/", ".")];
    if (field && !out[field]) out[field] = i.message;
  }
  return out;
}
