// Invitations, password resets by emailed link and each agent's capacity (docs/security.md "People"):
// the request shapes the worker validates with and the answers the console reads. A link's token is
// the credential: it travels in a request body, never in a URL the server sees.
import * as z from "zod/mini";
import { meSchema, roles } from "./api.ts";

const email = z.string().check(z.trim(), z.toLowerCase(), z.email("email is not valid"), z.maxLength(200));
const password = z.string().check(z.minLength(10, "password needs 10 characters or more"), z.maxLength(200));
const name = z.string().check(z.trim(), z.minLength(1, "name is required"), z.maxLength(100));
const team = z.string().check(z.trim(), z.regex(/^[\w-]{1,60}$/, "a team is 1-60 letters, digits, _ or -"));
/** 32 random bytes, base64url: what a link carries after `#/invite/` or `#/reset/`. */
export const linkToken = z.string().check(z.regex(/^[\w-]{40,64}$/, "this link is not valid"));

export const newInviteSchema = z.object({
  email,
  name: z.optional(name),
  role: z._default(z.enum(roles), "agent"),
  teams: z._default(z.array(team).check(z.maxLength(20)), []),
});
export type NewInvite = z.input<typeof newInviteSchema>;

export const inviteSummarySchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  role: z.enum(roles),
  teams: z.array(z.string()),
  invitedBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type InviteSummary = z.infer<typeof inviteSummarySchema>;
export const inviteListSchema = z.object({ invites: z.array(inviteSummarySchema) });

export const tokenSchema = z.object({ token: linkToken });

/** What the accept page shows before the person chooses a name and password. */
export const inviteViewSchema = z.object({
  email: z.string(),
  name: z.nullable(z.string()),
  role: z.enum(roles),
  workspace: z.string(),
  expiresAt: z.number(),
  /** The address already has an account (in another workspace): the person joins with it, never a second one. */
  account: z.boolean(),
});
export type InviteView = z.infer<typeof inviteViewSchema>;

export const acceptInviteSchema = z.object({ token: linkToken, name, password });

/**
 * `POST /api/account/invite/join`: an existing account joins the inviting workspace. It proves who it
 * is by being signed in (the session cookie) or with its password.
 */
export const joinInviteSchema = z.object({
  token: linkToken,
  password: z.optional(z.string().check(z.minLength(1, "password is required"), z.maxLength(200))),
});
/** What joining answers: the workspace joined; `me` when it also signed in there (no two-factor on the account). */
export const joinAnswerSchema = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: z.enum(roles),
  me: z.optional(meSchema),
});
export type JoinAnswer = z.infer<typeof joinAnswerSchema>;

/** `GET /api/me/workspaces`: where the signed-in person may act (home first). */
export const myWorkspacesSchema = z.object({
  workspaces: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(roles),
      /** Where the account lives (sign-in lands here). */
      home: z.boolean(),
      /** The workspace this session acts in. */
      current: z.boolean(),
    }),
  ),
});
export type MyWorkspaces = z.infer<typeof myWorkspacesSchema>;

/** `POST /api/me/workspace`: switch this session's workspace (a new session; the current one ends). */
export const switchWorkspaceSchema = z.object({
  workspaceId: z.string().check(z.regex(/^[\w-]{1,64}$/, "a workspace id")),
});
export const resetRequestSchema = z.object({ email });
export const resetCompleteSchema = z.object({ token: linkToken, password });

/** An agent's capacity: open conversations before routing skips them; null = the matrix's default. */
export const capacitySchema = z.object({
  capacity: z.nullable(z.number().check(z.int("a whole number"), z.minimum(1), z.maximum(1000))),
});
export const capacityAnswerSchema = z.object({ capacity: z.nullable(z.number()), defaultCapacity: z.number() });
