// Is the From address really the sender's? Anyone can write any From line; what vouches for it is
// the authentication Cloudflare Email Routing performs on arrival. It records its verdicts in an
// `ARC-Authentication-Results: i=N; mx.cloudflare.net; dkim=… dmarc=… spf=…` field (RFC 8617,
// RFC 8601 syntax) at the top of the message it hands to the Worker, above every field of earlier
// hops. We read only that field (and an `Authentication-Results` of the same authserv-id, should
// Email Routing write one), only the topmost of each name: fields further down were written by
// whoever sent the message and prove nothing.
import type { Header } from "./mime.ts";

export const CLOUDFLARE_AUTHSERV = "mx.cloudflare.net";

export type SenderCheck = { verified: boolean; why: string };

type Result = { method: string; result: string; props: Record<string, string> };

/** RFC 8601 resinfo list of one field, comments removed; `arc` says the value starts with `i=N;`. */
export function parseAuthResults(value: string, arc: boolean): { authserv: string; results: Result[] } | null {
  let plain = "";
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (quoted) {
      if (ch === '"') quoted = false;
      plain += ch;
    } else if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (ch === '"') quoted = true;
      plain += ch;
    }
  }
  const parts = plain.split(";").map((p) => p.trim());
  if (arc && !/^i=\d+$/.test(parts.shift() ?? "")) return null;
  const authserv = (parts.shift() ?? "").split(/\s+/)[0]?.toLowerCase() ?? "";
  if (!authserv) return null;
  const results: Result[] = [];
  for (const p of parts) {
    const [head, ...rest] = p.split(/\s+/);
    const m = /^([a-z0-9-]+)=([a-z0-9-]+)$/i.exec(head ?? "");
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of rest) {
      const eq = kv.indexOf("=");
      if (eq > 0) props[kv.slice(0, eq).toLowerCase()] = kv.slice(eq + 1).replace(/^"|"$/g, "");
    }
    results.push({ method: (m[1] as string).toLowerCase(), result: (m[2] as string).toLowerCase(), props });
  }
  return { authserv, results };
}

const domainOf = (addr: string | undefined) => (addr?.split("@").pop() ?? "").trim().toLowerCase().replace(/\.$/, "");

/**
 * Relaxed alignment (RFC 7489 3.1) without a public-suffix list: the same domain, or one a subdomain
 * of the other. A signer can only sign for a domain whose DNS it controls, and a bare top-level
 * domain is never accepted.
 */
const aligned = (a: string, b: string) =>
  a.includes(".") && b.includes(".") && (a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`));

/** Trusted when Email Routing's DMARC passed for the From domain, else an aligned DKIM or SPF pass. */
export function checkSender(headers: Header[], fromAddress: string): SenderCheck {
  const from = domainOf(fromAddress);
  const fields = [
    headers.find((h) => h.name === "arc-authentication-results"),
    headers.find((h) => h.name === "authentication-results"),
  ];
  const results: Result[] = [];
  for (const f of fields) {
    if (!f) continue;
    const parsed = parseAuthResults(f.value, f.name.startsWith("arc-"));
    if (parsed?.authserv === CLOUDFLARE_AUTHSERV) results.push(...parsed.results);
  }
  if (!results.length) return { verified: false, why: "no authentication results from Email Routing" };
  const dmarc = results.filter((r) => r.method === "dmarc");
  if (dmarc.some((r) => r.result === "fail")) return { verified: false, why: "dmarc=fail" };
  if (dmarc.some((r) => r.result === "pass" && domainOf(r.props["header.from"] ?? "") === from))
    return { verified: true, why: `dmarc=pass header.from=${from}` };
  const dkim = results.find(
    (r) =>
      r.method === "dkim" && r.result === "pass" && aligned(domainOf(r.props["header.d"] ?? r.props["header.i"]), from),
  );
  if (dkim) return { verified: true, why: `dkim=pass aligned with ${from}` };
  const spf = results.find(
    (r) => r.method === "spf" && r.result === "pass" && aligned(domainOf(r.props["smtp.mailfrom"]), from),
  );
  if (spf) return { verified: true, why: `spf=pass aligned with ${from}` };
  return { verified: false, why: `no passing result aligned with ${from}` };
}
