// How a past conversation is described to the customer: its channel, day and status in their
// language. Pure, so the wording is unit-tested.
import type { CustomerStatus, PastConversation } from "../../shared/customer-history.ts";
import type { StringKey, Translate } from "./i18n.ts";

const CHANNEL: Record<string, StringKey> = { chat: "chChat", portal: "chPortal", email: "chEmail", api: "chApi" };
const STATUS: Record<CustomerStatus, StringKey> = { open: "stOpen", waiting: "stWaiting", closed: "stClosed" };

export const channelWord = (channel: string, t: Translate): string => t(CHANNEL[channel] ?? "chChat");
export const statusWord = (status: CustomerStatus, t: Translate): string => t(STATUS[status]);

/** "3 Nov 2026" in the widget's language; with the time too when `withTime`. */
export function dayOf(at: number, locale: string, withTime = false): string {
  try {
    return new Intl.DateTimeFormat(
      locale,
      withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" },
    ).format(at);
  } catch {
    return new Date(at).toISOString().slice(0, 10);
  }
}

/** Who wrote the last message, as the list's preview line starts. */
export function lastLine(c: PastConversation, t: Translate): string {
  if (!c.last) return "";
  const who = c.last.author === "customer" ? t("you") : c.last.author === "bot" ? t("assistant") : t("agent");
  return `${who}: ${c.last.text}`;
}

/** What the customer can do with a conversation they are reading. */
export function pastNext(c: PastConversation): "continue" | "closed" | "email" | "elsewhere" {
  if (c.continuable) return "continue";
  if (c.status === "closed") return "closed";
  return c.channel === "email" ? "email" : "elsewhere";
}
