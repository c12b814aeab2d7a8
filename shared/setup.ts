// First run and the owner's checklist (worker/workspace/setup-routes.ts, console/src/features/setup/):
// the set-up request, whether set-up is still open, and the checklist's steps, each ticked from what is
// stored (never from a click in the console).
import * as z from "zod/mini";
import { newAgentSchema } from "./api.ts";
import { WORKSPACE_ID, workspaceSchema } from "./security.ts";

/** `GET /api/setup`: open only while the deployment has no workspace at all. */
export const setupStatusSchema = z.object({ open: z.boolean() });
export type SetupStatus = z.infer<typeof setupStatusSchema>;

/** `POST /api/setup`: the first workspace, its help-centre address (`/hc/:id/`) and its owner. */
export const setupRequestSchema = z.object({
  /** The deployment's ADMIN_TOKEN: only whoever deployed it can create the first owner (docs/setup.md). */
  setupToken: z.string().check(z.minLength(1, "the set-up token is required"), z.maxLength(200)),
  workspace: z.object({
    name: workspaceSchema.shape.name,
    id: z
      .string()
      .check(z.regex(WORKSPACE_ID, "2-64 lowercase letters, digits, _ or -, starting with a letter or digit")),
  }),
  owner: z.object({
    name: newAgentSchema.shape.name,
    email: newAgentSchema.shape.email,
    password: newAgentSchema.shape.password,
  }),
});
export type SetupRequest = z.input<typeof setupRequestSchema>;

/**
 * `POST /api/workspaces`: an owner creates a further workspace (they become its owner): the same name
 * and help-centre address rules as first-run set-up.
 */
export const newWorkspaceSchema = setupRequestSchema.shape.workspace;
export type NewWorkspace = z.input<typeof newWorkspaceSchema>;

export const checklistStepIds = ["origin", "embed", "articles", "teammate", "message"] as const;
export type ChecklistStepId = (typeof checklistStepIds)[number];

export const checklistSchema = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  /** The first widget site (not the help centre's), if any: the embed tag names its key. */
  site: z.nullable(z.object({ key: z.string(), name: z.string(), allowedOrigins: z.array(z.string()) })),
  steps: z.array(
    z.object({
      id: z.enum(checklistStepIds),
      done: z.boolean(),
      /** What was found, e.g. "2 articles published" (plain text). */
      detail: z.string(),
    }),
  ),
});
export type Checklist = z.infer<typeof checklistSchema>;

/** `GET /admin/v1/workspaces`: the operator's list. */
export const workspaceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  people: z.number(),
  sites: z.number(),
  conversations: z.number(),
});
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

/** `DELETE /api/workspace?confirm=ID`: an owner's password, given again. */
export const workspaceRemovalSchema = z.object({
  password: z.string().check(z.minLength(1, "your password is required"), z.maxLength(200)),
});
