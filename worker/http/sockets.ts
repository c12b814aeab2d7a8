// Shared WebSocket rules for the Durable Objects that hold sockets.

/** Completes the close handshake. 1005 (no status) and 1006 (abnormal) are reserved and cannot be sent back. */
export function closeBack(ws: WebSocket, code: number): void {
  ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
}
