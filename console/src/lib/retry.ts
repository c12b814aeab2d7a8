// Reconnect pacing shared by the inbox and conversation sockets. Exponential so a down backend is not
// hammered by every open console; jittered so consoles do not reconnect in lockstep after a deploy.

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 15_000;

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s, 1 s, 2 s … capped at 15 s, ±20 %. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const raw = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 20)));
  return Math.round(raw * (0.8 + 0.4 * random()));
}
