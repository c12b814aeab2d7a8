// The customer's past conversations (`/v1/me`, docs/identity.md). Only a visitor the host page
// identified with a valid signature gets a history session; everyone else never sees the entry point.
// The session token lives in memory only: every page view signs the visitor in again.
import { signal } from "@preact/signals";
import type { IdentifyRequest } from "../../shared/api.ts";
import type { HistorySession, PastConversation, PastTranscript } from "../../shared/customer-history.ts";
import { bearer } from "../../shared/credentials.ts";
import type { WidgetConfig } from "../contract.ts";
import { ApiFailure, failure } from "./http.ts";
import * as wire from "./wire.ts";

/** A request's progress: `expired` means the signature is too old to sign in again (reload the page). */
export type Loadable<T> = { s: "loading" } | { s: "ok"; v: T } | { s: "failed"; expired: boolean };

/** Renew a little before expiry, so a request never races the clock. */
const RENEW_MS = 30_000;

/** Worth asking the server: only a signed identity with an email can have a history. */
export const canHaveHistory = (req: IdentifyRequest | undefined): boolean => !!(req?.user.email && req.hmac && req.ts);

export const sessionUsable = (s: HistorySession | undefined, now: number): s is HistorySession =>
  !!s && s.expiresAt - RENEW_MS > now;

export function createHistory(cfg: WidgetConfig, f: typeof fetch = (...a) => fetch(...a)) {
  /** The visitor's signature was accepted: show "Your conversations". */
  const available = signal(false);
  const list = signal<Loadable<PastConversation[]>>({ s: "loading" });
  const past = signal<Loadable<PastTranscript>>({ s: "loading" });
  let identity: IdentifyRequest | undefined;
  let session: HistorySession | undefined;
  let minting: Promise<HistorySession | undefined> | undefined;

  const url = (path: string): string => {
    const u = new URL(`/v1/me/${path}`, cfg.api);
    u.searchParams.set("site", cfg.site);
    return u.href;
  };

  function mint(): Promise<HistorySession | undefined> {
    const req = identity;
    if (!canHaveHistory(req)) return Promise.resolve(undefined);
    minting ??= f(url("session"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(req),
    })
      .then(async (r) => {
        if (!r.ok) throw await failure(r);
        const got = wire.historySession(await r.json());
        if (!got) throw new ApiFailure(500, "unexpected_answer", "the history session does not match the protocol");
        // A newer identify() while this one was on its way wins.
        if (req === identity) {
          session = got;
          available.value = true;
        }
        return got;
      })
      .catch((e: unknown) => {
        // Refused (unsigned, stale, no email): no history for this visitor. A network error may pass.
        if (req === identity && e instanceof ApiFailure && e.status < 500) available.value = false;
        throw e;
      })
      .finally(() => (minting = undefined));
    return minting;
  }

  /** GET with a usable token; one fresh session and retry if the server says the token has ended. */
  async function get<T>(path: string, check: (v: unknown) => T | undefined): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const s = sessionUsable(session, Date.now()) ? session : await mint();
      if (!s) throw new ApiFailure(401, "unverified", "no history session");
      // The token in a header, never the URL (shared/credentials.ts).
      const r = await f(url(path), { headers: { accept: "application/json", ...bearer(s.token) } });
      if (r.ok) {
        const v = check(await r.json());
        if (v === undefined)
          throw new ApiFailure(500, "unexpected_answer", "the history answer does not match the protocol");
        return v;
      }
      const e = await failure(r);
      if (e.status !== 401 || attempt > 0) throw e;
      session = undefined;
    }
  }

  const expired = (e: unknown): boolean => e instanceof ApiFailure && e.status === 401;

  return {
    available,
    list,
    past,
    identify(req: IdentifyRequest): void {
      identity = req;
      session = undefined;
      minting = undefined;
      if (canHaveHistory(req)) mint().catch(() => undefined);
      else available.value = false;
    },
    async loadList(): Promise<void> {
      list.value = { s: "loading" };
      try {
        list.value = { s: "ok", v: (await get("conversations", wire.pastConversations)).conversations };
      } catch (e) {
        list.value = { s: "failed", expired: expired(e) };
      }
    },
    async open(id: string): Promise<void> {
      past.value = { s: "loading" };
      try {
        past.value = { s: "ok", v: await get(`conversations/${encodeURIComponent(id)}`, wire.pastTranscript) };
      } catch (e) {
        past.value = { s: "failed", expired: expired(e) };
      }
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistory>;
