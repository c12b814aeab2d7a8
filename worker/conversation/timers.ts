// The conversation's one alarm, shared by four jobs: questions a restart left unanswered (bot.ts),
// followers behind or due a retry (outbox.ts), snoozes, scheduled replies and reminders that fall due
// (later.ts), and closing a bot-held conversation that has gone quiet (AUTO_RESOLVE_MS, default 30
// min, "0" turns it off; as Chatwoot's auto-resolve: otherwise a conversation the bot answered would
// never count as resolved, since agents never see it).
import type { Later } from "./later.ts";
import type { Engine } from "./lifecycle.ts";
import type { Store } from "./log.ts";
import type { Outbox } from "./outbox.ts";

/** After a write, the alarm wakes the object this soon at the latest, should it die before its followers ran. */
export const SAFETY_WAKE_MS = 10_000;

export type AlarmStorage = Pick<DurableObjectStorage, "getAlarm" | "setAlarm" | "deleteAlarm">;

export class Timers {
  constructor(
    private readonly storage: AlarmStorage,
    private readonly store: Store,
    private readonly engine: () => Engine,
    private readonly outbox: () => Outbox,
    private readonly autoResolveMs: number,
    private readonly waitUntil: (p: Promise<unknown>) => void,
    private readonly later: () => Later | null = () => null,
  ) {}

  /** Followers held back while the bot thinks (see Bot.thinking). */
  private held = false;

  /**
   * Something was stored: the followers catch up now (or once the bot's first word is out, if it is
   * thinking), and the alarm stands by in case this instance dies first.
   */
  changed(): void {
    if (this.engine().bot.thinking) this.held = true;
    else this.outbox().kick();
    const safety = Date.now() + SAFETY_WAKE_MS;
    const quiet = this.autoResolveAt();
    if (quiet !== null && quiet <= safety) this.wake(quiet);
    else this.wake(safety, true);
  }

  /**
   * Every follower caught up (the outbox calls this), or the bot finished a question: the safety wake has done its job unless the bot is still answering (a
   * question waits in `pending` until its reply is stored) or something else is due first. The alarm
   * moves to the next real deadline (auto-resolve, a retry, something set for later) or goes, so an
   * idle conversation is not woken ten seconds after every burst only to find nothing to do (it was
   * one alarm, and a fresh instance when it had been evicted, per conversation: docs/performance.md).
   */
  caughtUp(): void {
    if (!this.safetyArmed || this.engine().botBusy() || !this.outbox().settled()) return;
    const next = [this.outbox().nextRetry(), this.autoResolveAt(), this.later()?.nextDue() ?? null].filter(
      (t): t is number => t !== null,
    );
    const at = next.length ? Math.max(Math.min(...next), Date.now() + 1000) : null;
    if (at !== null && this.armed !== null && at <= this.armed) return;
    this.safetyArmed = false;
    this.armed = at;
    this.waitUntil(at === null ? this.storage.deleteAlarm() : this.storage.setAlarm(at));
  }

  /** The bot's first word is out: what waited runs now. */
  thought(): void {
    if (!this.held) return;
    this.held = false;
    this.outbox().kick();
  }

  /**
   * The alarm this instance knows is set (null: none or not known). Every stored event asks for a
   * wake; without this, each one cost a storage read and often a write, which hold the object's
   * output (the streamed answer) until they are durable.
   */
  private armed: number | null = null;

  /** The alarm this instance armed is the safety wake of `changed()`, no deadline of its own. */
  private safetyArmed = false;

  /** The alarm at `at`, unless it is set earlier already; `safety`: only the safety wake. */
  wake(at: number, safety = false): void {
    if (this.armed !== null && this.armed <= at) return;
    this.armed = at;
    this.safetyArmed = safety;
    const set = async () => {
      const current = await this.storage.getAlarm();
      if (current === null || current > at) await this.storage.setAlarm(at);
      else this.armed = current;
    };
    this.waitUntil(set());
  }

  async alarm(): Promise<void> {
    // The alarm that woke us is spent; whatever runs now sets the next one.
    this.armed = null;
    this.safetyArmed = false;
    this.outbox().reload();
    const engine = this.engine();
    if (engine.hasPending()) await engine.resumePending();
    await this.outbox().flush();
    // What was set for now or earlier: fired once each (later.ts), its effects followed by the outbox.
    await this.later()?.fireDue(Date.now());
    const quiet = this.autoResolveAt();
    if (quiet !== null && quiet <= Date.now() && !engine.streaming) engine.resolve("idle");
    await this.outbox().flush();
    const next = [this.outbox().nextRetry(), this.autoResolveAt(), this.later()?.nextDue() ?? null].filter(
      (t): t is number => t !== null,
    );
    // Never sooner than a second: a conversation still streaming is looked at again shortly.
    if (next.length) {
      const at = Math.max(Math.min(...next), Date.now() + 1000);
      if (this.armed === null || this.armed > at) {
        this.armed = at;
        await this.storage.setAlarm(at);
      }
    }
  }

  /** When a bot-held conversation will have been quiet long enough to resolve, or null. */
  private autoResolveAt(): number | null {
    const m = this.store.meta();
    if (!this.autoResolveMs || m?.state !== "bot") return null;
    return this.store.lastEventAt() + this.autoResolveMs;
  }
}
