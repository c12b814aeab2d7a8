// Pure logic of first run and the checklist: the help-centre address suggested from a name, the
// set-up form's checks (the shared schema's messages, per field), the embed tag, each step's words.
import * as z from "zod/mini";
import { setupRequestSchema, type ChecklistStepId } from "../../../../shared/setup.ts";

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

/** The tag the owner pastes into their pages, for this deployment's origin and the site's key. */
export const embedTag = (origin: string, siteKey: string): string =>
  `<script src="${origin}/widget.js" data-site="${siteKey}" async></script>`;

export const STEP_TEXT: Record<ChecklistStepId, { title: string; how: string }> = {
  origin: {
    title: "Add your site's origin",
    how: "The widget only answers on the origins you allow, e.g. https://shop.example.",
  },
  embed: {
    title: "Copy the embed tag into your site",
    how: "Paste it before </body> on every page; this ticks once a visitor opens the chat there.",
  },
  articles: { title: "Publish articles", how: "The bot answers from your published help-centre articles." },
  teammate: { title: "Invite a teammate", how: "Add the people who answer when the bot hands over." },
  message: {
    title: "Send a test message",
    how: "Open your site, start the chat and ask a question: this ticks when the message arrives.",
  },
};

/** "3 of 5 done". */
export const progress = (steps: { done: boolean }[]): string =>
  `${steps.filter((s) => s.done).length} of ${steps.length} done`;
