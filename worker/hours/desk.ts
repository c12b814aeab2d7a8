// What a handoff needs to know of the desk it lands on (worker/conversation/bot.ts): the team's
// business hours, and, when the desk is closed, whether the bot may offer to take an email address
// for the reply (the workspace sends email, the customer is not writing by email already, and no
// address is known yet: worker/channels/email/follow-up.ts). Read from D1 at the moment of the
// handoff, so a change of hours applies to the next handoff.
import type { HandoffPacket } from "../../shared/api.ts";
import { type BusinessHours, hoursFor, isOpen, nextOpen } from "../../shared/hours.ts";
import { supportAddressOf } from "../channels/email/db.ts";
import { followUpAddress } from "../channels/email/follow-up.ts";
import type { Meta } from "../conversation/model.ts";
import type { Env } from "../env.ts";
import type { Matrix } from "../inbox/routing/matrix.ts";
import { slaTimes } from "../inbox/routing/sla.ts";
import { loadHours } from "./store.ts";

export type Desk = { hours: BusinessHours | null; offerEmail: boolean };

export async function deskOf(env: Pick<Env, "DB">, m: Meta, team: string, now: number): Promise<Desk> {
  const hours = hoursFor(await loadHours(env.DB, m.workspaceId), team);
  if (!hours || isOpen(hours, now)) return { hours, offerEmail: false };
  const mailable = m.channel !== "email" && !m.email && !followUpAddress(m);
  return { hours, offerEmail: mailable && (await supportAddressOf(env.DB, m.workspaceId)) !== null };
}

/**
 * The packet under the desk's hours: its response SLA counts open time only (due and near-due
 * instants computed now, so the inbox's alarm needs no hours of its own), and a handoff made while
 * closed says so, with when the desk opens (absent: it never does within the horizon).
 */
export function underHours(p: HandoffPacket, h: BusinessHours, m: Matrix): HandoffPacket {
  const { slaDueAt: _due, slaNearAt: _near, ...rest } = p;
  const sla = p.tier ? slaTimes(m, p.tier, p.at, h) : {};
  if (isOpen(h, p.at)) return { ...rest, ...sla };
  const opensAt = nextOpen(h, p.at);
  return { ...rest, ...sla, afterHours: { timeZone: h.timeZone, ...(opensAt !== null ? { opensAt } : {}) } };
}
