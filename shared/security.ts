// People, sessions, two-factor sign-in, workspaces and the audit log (docs/security.md): request
// shapes the worker validates with and the answers the console reads.
import * as z from "zod/mini";
import { meSchema, roles } from "./api.ts";

const password = z.string().check(z.minLength(10, "password needs 10 characters or more"), z.maxLength(200));

/** An owner's change to a person: any subset. Role, password and disabling end the person's sessions. */
export const agentPatchSchema = z
  .object({
    name: z.optional(z.string().check(z.trim(), z.minLength(1, "name is required"), z.maxLength(100))),
    role: z.optional(z.enum(roles)),
    password: z.optional(password),
    disabled: z.optional(z.boolean()),
  })
  .check(
    z.refine(
      (v) => v.name !== undefined || v.role !== undefined || v.password !== undefined || v.disabled !== undefined,
      "give name, role, password or disabled",
    ),
  );

/** An agent's own password change: the current one proves it is them, not a borrowed session. */
export const passwordChangeSchema = z.object({
  current: z.string().check(z.minLength(1, "current password is required"), z.maxLength(200)),
  password,
});

/** A 6-digit TOTP code, or a recovery code (xxxxx-xxxxx); spaces and case are forgiven. */
export const twoFactorCodeSchema = z.object({
  code: z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.regex(/^(\d{3} ?\d{3}|[a-z2-7]{5}-?[a-z2-7]{5})$/, "enter the 6-digit code or a recovery code"),
    ),
});

/** The second sign-in step: the ticket from the password step and a code. */
export const loginTwoFactorSchema = z.object({
  ticket: z.string().check(z.minLength(20), z.maxLength(400)),
  code: twoFactorCodeSchema.shape.code,
});

/** Turning two-factor off needs the password: a session left open on a shared computer is not enough. */
export const twoFactorOffSchema = z.object({ password: passwordChangeSchema.shape.current });

export const workspaceSecuritySchema = z.object({ requireTwoFactor: z.boolean() });

/** Operators create workspaces (`PUT /admin/v1/workspaces/:id`, ADMIN_TOKEN only). */
export const workspaceSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, "name is required"), z.maxLength(100)),
});
/** A new workspace's id: it appears in help-centre URLs (`/hc/:id/`). */
export const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{1,63}$/;

export const auditQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
  /** Entries older than this sequence number (the next page). */
  before: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
});

/** What the password step answers: signed in, or a ticket for the code step. */
export const loginResultSchema = z.union([
  z.object({ twoFactor: z.literal("required"), ticket: z.string() }),
  meSchema,
]);
export type LoginResult = z.infer<typeof loginResultSchema>;
export const needsCode = (r: LoginResult): r is { twoFactor: "required"; ticket: string } => "twoFactor" in r;

export const personSummarySchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  teams: z.array(z.string()),
  disabled: z.boolean(),
  twoFactor: z.boolean(),
  sessions: z.number(),
  createdAt: z.number(),
  /** Open conversations before routing skips them; null: the escalation matrix's default. */
  capacity: z.nullable(z.number()),
  /** Joined from another workspace, where their account lives (docs/setup.md). */
  member: z.boolean(),
  /** Belongs to more than one workspace: their name, password and two-factor are theirs alone to change. */
  shared: z.boolean(),
});
export type PersonSummary = z.infer<typeof personSummarySchema>;

export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  ip: z.nullable(z.string()),
  userAgent: z.nullable(z.string()),
  /** The name of the workspace the session acts in (a person may belong to several). */
  workspace: z.optional(z.string()),
  /** The session this request came with. */
  current: z.optional(z.boolean()),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const securityStatusSchema = z.object({
  twoFactor: z.boolean(),
  /** The workspace requires two-factor sign-in: until it is on, only enrolment works. */
  required: z.boolean(),
  recoveryCodesLeft: z.number(),
});
export type SecurityStatus = z.infer<typeof securityStatusSchema>;

export const twoFactorSetupSchema = z.object({ secret: z.string(), uri: z.string() });
export type TwoFactorSetup = z.infer<typeof twoFactorSetupSchema>;
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.object({ id: z.string(), email: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
