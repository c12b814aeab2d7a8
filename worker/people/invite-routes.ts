// `/admin/v1/invites`: an owner (or the ADMIN_TOKEN naming `?workspace=`) invites someone by email,
// lists the invitations still open and withdraws one. An invitation grants at most the inviter's own
// role, expires after 7 days and works once (worker/people/links.ts); a new one for the same address
// replaces the open one. Sending is budgeted per client address and per workspace. Audited.
// An address that already has an account in another workspace is invited like any other (the answer
// is the same, so it does not tell the inviter who has an account); the mail asks the person to join
// with that account (account-routes.ts `/invite/join`), and the inviter never sets or learns its
// password. Someone already in this workspace is not invited again.
import { Hono, type Context } from "hono";
import type { Role } from "../../shared/api.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { type InviteSummary, newInviteSchema } from "../../shared/people.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { rank, requireAdmin } from "../middleware/auth.ts";
import { consoleBase, INVITE_TTL_MS, mailBudget, mailFailed, newLinkToken, sendLinkMail } from "./links.ts";

export const invitesAdmin = new Hono<AppEnv>();
invitesAdmin.use(requireAdmin({ role: "owner" }));

type Row = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  teams: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
};

const summary = (r: Row): InviteSummary => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  teams: parseJson(stringList, r.teams, `invites.teams of ${r.id}`),
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

const ws = (c: Context<AppEnv>) => c.get("agent").workspaceId;
const OPEN = "used_at IS NULL AND revoked_at IS NULL AND expires_at > ?";

invitesAdmin.get("/", async (c) => {
  const rows = await c.env.DB.prepare(
    `SELECT id, email, name, role, teams, invited_by, created_at, expires_at FROM invites WHERE workspace_id = ? AND ${OPEN} ORDER BY created_at DESC`,
  )
    .bind(ws(c), Date.now())
    .all<Row>();
  return c.json({ invites: rows.results.map(summary) });
});

invitesAdmin.post("/", ...mailBudget, async (c) => {
  const body = parseOr400(newInviteSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  if (rank[body.role] > rank[me.role])
    throw new ApiFailure(403, "forbidden", `inviting an ${body.role} needs that role yourself`);
  const here = await c.env.DB.prepare("SELECT 1 AS x FROM workspace_people WHERE email = ? AND workspace_id = ?")
    .bind(body.email, ws(c))
    .first();
  if (here) throw new ApiFailure(409, "already_member", "this person is already in the workspace");
  // Only the mail differs for an existing account (the person reads it, the inviter does not).
  const account = await c.env.DB.prepare("SELECT 1 AS x FROM agents WHERE email = ?").bind(body.email).first();

  const now = Date.now();
  const id = crypto.randomUUID();
  const { token, hash } = await newLinkToken();
  const workspace = await c.env.DB.prepare("SELECT name FROM workspaces WHERE id = ?")
    .bind(ws(c))
    .first<{ name: string }>();
  const replaced = await c.env.DB.prepare(
    `UPDATE invites SET revoked_at = ? WHERE workspace_id = ? AND email = ? AND ${OPEN} RETURNING id`,
  )
    .bind(now, ws(c), body.email, now)
    .all<{ id: string }>();
  await c.env.DB.prepare(
    "INSERT INTO invites (id, workspace_id, email, name, role, teams, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      id,
      ws(c),
      body.email,
      body.name ?? null,
      body.role,
      JSON.stringify(body.teams),
      hash,
      me.email,
      now,
      now + INVITE_TTL_MS,
    )
    .run();
  const link = `${consoleBase(c)}#/invite/${token}`;
  const sent = await sendLinkMail(c, ws(c), {
    to: body.email,
    subject: `You're invited to ${workspace?.name ?? "a support desk"} on EdgeDesk`,
    text: `${me.name} (${me.email}) invited you to answer customers in ${workspace?.name ?? "their workspace"} on EdgeDesk, as ${body.role === "agent" ? "an agent" : `an ${body.role}`}.\n\n${account ? `You already have an EdgeDesk account with this address: open this link while signed in (or enter that account's password there) to add the workspace to it. Your password stays yours; you switch between workspaces in the console's header.` : "To accept, open this link, choose your name and a password:"}\n\n${link}\n\nThe link works once, for 7 days. If you did not expect this, ignore this email.`,
  });
  if (!sent) {
    await c.env.DB.prepare("DELETE FROM invites WHERE id = ?").bind(id).run();
    throw mailFailed();
  }
  await audit(c, {
    action: "invite.created",
    target: { type: "invite", id },
    after: { email: body.email, role: body.role, teams: body.teams, expiresAt: now + INVITE_TTL_MS },
    ...(replaced.results.length ? { before: { replaced: replaced.results.map((r) => r.id) } } : {}),
  });
  const row: Row = {
    id,
    email: body.email,
    name: body.name ?? null,
    role: body.role,
    teams: JSON.stringify(body.teams),
    invited_by: me.email,
    created_at: now,
    expires_at: now + INVITE_TTL_MS,
  };
  return c.json(summary(row), 201);
});

/** Withdraws an open invitation: its link stops working at once. */
invitesAdmin.delete("/:id", async (c) => {
  const now = Date.now();
  const row = await c.env.DB.prepare(
    `UPDATE invites SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND ${OPEN} RETURNING email, role`,
  )
    .bind(now, c.req.param("id"), ws(c), now)
    .first<{ email: string; role: Role }>();
  if (!row) throw new ApiFailure(404, "not_found", "no open invitation with this id in this workspace");
  await audit(c, { action: "invite.revoked", target: { type: "invite", id: c.req.param("id") }, before: row });
  return c.body(null, 204);
});
