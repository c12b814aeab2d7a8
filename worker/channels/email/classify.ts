// Mail that a machine sent: bounces, delivery reports, out-of-office and other auto-replies, lists.
// None of it is ever answered, so the desk cannot start or feed a mail loop (RFC 3834 and practice).
import { header, type ParsedMail } from "./mime.ts";

export type MailKind = { kind: "person" } | { kind: "bounce" | "auto-reply"; why: string };

export function classify(mail: ParsedMail, envelopeFrom: string): MailKind {
  const h = (n: string) => header(mail.headers, n)?.trim();
  const from = (h("from") ?? "").toLowerCase();
  const env = envelopeFrom.trim().toLowerCase();

  if (mail.contentType === "multipart/report")
    return { kind: "bounce", why: `multipart/report (${mail.contentTypeParams["report-type"] ?? "report"})` };
  if (mail.partTypes.includes("message/delivery-status"))
    return { kind: "bounce", why: "carries message/delivery-status" };
  if (env === "" || env === "<>") return { kind: "bounce", why: "null envelope sender" };
  if (/^<\s*>$/.test(h("return-path") ?? "x")) return { kind: "bounce", why: "Return-Path: <>" };
  if (/(^|[<\s"])(mailer-daemon|postmaster)@/i.test(from) || /^(mailer-daemon|postmaster)@/i.test(env))
    return { kind: "bounce", why: "sent by mailer-daemon/postmaster" };

  const auto = h("auto-submitted")?.toLowerCase();
  if (auto && auto !== "no") return { kind: "auto-reply", why: `Auto-Submitted: ${auto}` };
  const precedence = h("precedence")?.toLowerCase();
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence))
    return { kind: "auto-reply", why: `Precedence: ${precedence}` };
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponse", "x-auto-reply"]) {
    const v = h(name);
    if (v !== undefined && v.toLowerCase() !== "no") return { kind: "auto-reply", why: `${name}: ${v}` };
  }
  if (h("list-id") || h("list-unsubscribe")) return { kind: "auto-reply", why: "mailing-list message" };
  if (/^(noreply|no-reply|donotreply|do-not-reply)@/i.test(addressOf(from)))
    return { kind: "auto-reply", why: "sent from a no-reply address" };
  return { kind: "person" };
}

const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;
