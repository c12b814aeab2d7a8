// The customer's token of a request (shared/credentials.ts): from Authorization, or on a WebSocket
// handshake from the offered subprotocols. A token in the query string is refused outright, so no
// client can put one where request logs keep it.
import type { Context } from "hono";
import { tokenFromAuthorization, tokenFromProtocols } from "../../shared/credentials.ts";
import { ApiFailure } from "./errors.ts";

export function requestToken(c: Context, what: "conversation" | "history"): string {
  if (new URL(c.req.url).searchParams.has("token"))
    throw new ApiFailure(
      400,
      "token_in_url",
      `send the ${what} token in the Authorization header (Bearer), or on a WebSocket as the subprotocol token.<token>; never in the URL`,
    );
  const token =
    tokenFromAuthorization(c.req.header("authorization")) ??
    (c.req.header("upgrade")?.toLowerCase() === "websocket"
      ? tokenFromProtocols(c.req.header("sec-websocket-protocol"))
      : null);
  if (!token || token.length < 20 || token.length > 700)
    throw new ApiFailure(401, "no_token", `the ${what} token is missing (Authorization: Bearer <token>)`);
  return token;
}
