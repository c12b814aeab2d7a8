// How a customer's credentials travel: never in a URL. URLs end up in request logs (Cloudflare's,
// proxies', the browser's history and Referer); headers do not. So the conversation token and the
// history token go in `Authorization: Bearer <token>`, and on a WebSocket handshake, where a browser
// cannot set headers, as a subprotocol `token.<token>` offered next to `edgedesk` (the
// Sec-WebSocket-Protocol header; the server answers `edgedesk`). No zod here: the widget bundles this.

/** The subprotocol the server selects on a customer WebSocket. */
export const WS_PROTOCOL = "edgedesk";
const TOKEN_PROTOCOL = "token.";

/** What the browser offers: `new WebSocket(url, wsProtocols(token))`. Token characters are subprotocol-safe (base64url). */
export const wsProtocols = (token: string): string[] => [WS_PROTOCOL, `${TOKEN_PROTOCOL}${token}`];

/** The token offered in a Sec-WebSocket-Protocol header, if any. */
export function tokenFromProtocols(header: string | null | undefined): string | null {
  for (const p of (header ?? "").split(",")) {
    const v = p.trim();
    if (v.startsWith(TOKEN_PROTOCOL) && v.length > TOKEN_PROTOCOL.length) return v.slice(TOKEN_PROTOCOL.length);
  }
  return null;
}

/**
 * The operator's own load (`npm run simulate -- --url`) names itself with the ADMIN_TOKEN in this header,
 * which lifts the public write limit; `Authorization` stays free for the conversation's token.
 */
export const OPERATOR_HEADER = "x-edgedesk-operator";

/** Request headers that carry a token. */
export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/** The token of an `Authorization: Bearer` header, if any. */
export function tokenFromAuthorization(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? "");
  return m ? (m[1] as string) : null;
}
