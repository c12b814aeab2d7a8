// One Inbox Durable Object per workspace: the live list of conversations that left the bot, pushed to
// every connected agent console, plus who is online, away and how loaded (routing picks from that),
// and the response-SLA clock: one alarm at the earliest next near-due or due time.
import { DurableObject } from "cloudflare:workers";
import {
  type AgentPresence,
  type AgentRef,
  type InboxFrame,
  type InboxItem,
  inboxItemSchema,
  type MentionItem,
} from "../../shared/api.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { PING, PONG } from "../../shared/protocol.ts";
import type { Env } from "../env.ts";
import { closeBack } from "../http/sockets.ts";
import {
  available,
  loads,
  nextRelease,
  pickAgent,
  releasable,
  waitingUnassigned,
  type RosterAgent,
} from "./routing/assign.ts";
import {
  applyMention,
  forgetMentions,
  markMentionSeen,
  type MentionUpdate,
  mentionTables,
  mentionsOf,
} from "./mentions.ts";
import {
  applyReminder,
  dismissReminder,
  forgetReminders,
  type ReminderUpdate,
  reminderTables,
  remindersOf,
} from "./reminders.ts";
import { closeOthers, openStretch } from "./availability.ts";
import { onSlaEvent } from "./routing/hooks.ts";
import { loadMatrix } from "./routing/matrix.ts";
import { advanced, nextDeadline, runsSla, slaStateAt } from "./routing/sla.ts";

/** Resolved conversations stay visible this long, so an agent sees what just closed. */
const RESOLVED_VISIBLE_MS = 24 * 60 * 60 * 1000;

/** Who a console socket belongs to; set by the worker from the session on upgrade. */
/** `ended`: the session was ended (worker/people/revoke.ts) and the socket is closing. */
type Attachment = { agentId: string; sessionId?: string; ended?: boolean };

/** What the worker knows of an agent from D1 (teams, away) when they connect or an owner changes them. */
/** `capacity`: the agent's own (null: the matrix's default; absent: unchanged). */
export type AgentUpdate = AgentRef & { teams?: string[]; away?: boolean; capacity?: number | null };

type RosterRow = {
  id: string;
  name: string;
  teams: string;
  away: number;
  last_assigned_at: number;
  unavailable_since: number | null;
  capacity: number | null;
};

export class InboxDO extends DurableObject<Env> {
  /** One hand-out of the waiting queue at a time; a second request runs it again once this one ends. */
  private draining: Promise<void> | null = null;
  /**
   * The open items (queued, or with an agent) by id, read from SQLite once per instance: this object is
   * their only writer (save, forget, forgetWorkspace). Every change used to read and parse (zod) every
   * open item two or three times (presence, schedule, hand-out): linear in the queue per change, quadratic
   * in a burst of handoffs (docs/performance.md, "The Inbox under handoff load").
   */
  private open: Map<string, InboxItem> | null = null;
  private drainAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.schema();
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** The inbox's tables; again after forgetWorkspace() emptied the storage. */
  private schema(): void {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL, data TEXT NOT NULL)",
    );
    sql.exec(
      "CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, teams TEXT NOT NULL, away INTEGER NOT NULL, last_assigned_at INTEGER NOT NULL)",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    // Which agent routing itself chose for a conversation: only those picks are released when the agent
    // is gone; a person's explicit assignment ("this one is for Bob") stays until a person changes it.
    sql.exec("CREATE TABLE IF NOT EXISTS picks (conversation_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL)");
    // Since when an agent has been offline or away (NULL: available); added after the table was first made.
    if (
      !sql
        .exec<{ name: string }>("PRAGMA table_info(agents)")
        .toArray()
        .some((c) => c.name === "unavailable_since")
    ) {
      sql.exec("ALTER TABLE agents ADD COLUMN unavailable_since INTEGER");
    }
    // Each agent's reminders (reminders.ts) and unread @mentions (mentions.ts).
    reminderTables(sql);
    mentionTables(sql);
    // Each agent's capacity (people/routes.ts `PUT /:id/capacity`); NULL: the matrix's default.
    if (
      !sql
        .exec<{ name: string }>("PRAGMA table_info(agents)")
        .toArray()
        .some((c) => c.name === "capacity")
    ) {
      sql.exec("ALTER TABLE agents ADD COLUMN capacity INTEGER");
    }
  }

  list(): InboxItem[] {
    return this.ctx.storage.sql
      .exec<{ data: string }>(
        "SELECT data FROM items WHERE state != 'resolved' OR updated_at > ? ORDER BY updated_at DESC LIMIT 500",
        Date.now() - RESOLVED_VISIBLE_MS,
      )
      .toArray()
      .map((r) => parseJson(inboxItemSchema, r.data, "inbox item"));
  }

  get(id: string): InboxItem | null {
    const row = this.ctx.storage.sql.exec<{ data: string }>("SELECT data FROM items WHERE id = ?", id).toArray()[0];
    return row ? parseJson(inboxItemSchema, row.data, `inbox item ${id}`) : null;
  }

  async upsert(item: InboxItem, workspaceId?: string): Promise<void> {
    if (workspaceId) this.remember(workspaceId);
    const prior = this.get(item.id);
    const merged: InboxItem = { ...item };
    // Keep the last customer text when an update (a state change) carries none.
    if (prior && !item.preview) merged.preview = prior.preview;
    // The SLA state is the inbox's own (set by the alarm): carried over within one handoff, restarted by a new one.
    if (item.slaDueAt !== undefined)
      merged.slaState = prior?.slaDueAt === item.slaDueAt ? (prior.slaState ?? "ok") : "ok";
    this.save(merged);
    // Routing's choice ends with the work: resolved, or back with the bot (a new handoff chooses again).
    if (merged.state === "resolved" || merged.state === "bot")
      this.ctx.storage.sql.exec("DELETE FROM picks WHERE conversation_id = ?", item.id);
    this.send({ t: "upsert", item: merged });
    if (prior?.assignee?.id !== merged.assignee?.id || prior?.state !== merged.state) this.sendPresence();
    // Someone freed up (resolved, handed back or passed on): the queue may have work for them. Not
    // awaited: a hand-out's own assignments arrive here as upserts.
    if (freedCapacity(prior, merged)) this.ctx.waitUntil(this.handOutWaiting());
    await this.schedule();
  }

  /** An erased or expired conversation (worker/privacy/) leaves the inbox and every console at once. */
  async forget(id: string): Promise<void> {
    const had = this.get(id);
    this.ctx.storage.sql.exec("DELETE FROM items WHERE id = ?", id);
    this.open?.delete(id);
    this.ctx.storage.sql.exec("DELETE FROM picks WHERE conversation_id = ?", id);
    for (const agentId of new Set(forgetReminders(this.ctx.storage.sql, id))) this.sendReminders(agentId);
    for (const agentId of new Set(forgetMentions(this.ctx.storage.sql, id))) this.sendMentions(agentId);
    if (!had) return;
    this.send({ t: "remove", id });
    this.sendPresence();
    await this.schedule();
  }

  /** The workspace was removed (worker/workspace/): consoles are disconnected and the queue goes. */
  async forgetWorkspace(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(4404, "workspace removed");
      } catch {
        // already closing
      }
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.open = null;
    this.schema();
  }

  /**
   * A conversation handed over to people (a handoff, or a reassignment to a team): routing chooses its
   * agent in this one call, and the choice is kept (`picks`, counted as load at once). Returns that
   * agent (null: it waits unassigned in the queue until someone is available, and is then handed out
   * from here). The item itself shows in consoles when the conversation has moved to the queue and its
   * inbox follower brings it (worker/inbox/follower.ts): not while the bot is still saying "connecting
   * you", when an agent's Join would be refused.
   */
  handover(item: InboxItem, workspaceId: string): AgentRef | null {
    this.remember(workspaceId);
    const agent = this.choose(item.id, item.team ?? loadMatrix(this.env).defaultTeam);
    this.sendPresence();
    return agent;
  }

  /**
   * Reminders set, come due or called off in a conversation (its `reminders` follower): each agent's
   * list is kept, and a reminder that has just come due is an `alert` to its agent's consoles alone.
   */
  reminders(updates: ReminderUpdate[], workspaceId: string): void {
    this.remember(workspaceId);
    const changed = new Set<string>();
    for (const u of updates) {
      const { alert, agentId } = applyReminder(this.ctx.storage.sql, u);
      if (agentId) changed.add(agentId);
      if (alert) this.sendTo(u.agentId, { t: "alert", alert: { kind: "reminder", reminder: alert } });
    }
    for (const agentId of changed) this.sendReminders(agentId);
  }

  /**
   * Teammates @mentioned in a note (its conversation's `mentions` follower): each mention is kept in its
   * agent's list, and a new one is an `alert` to their consoles alone; a replayed one changes nothing.
   */
  mentions(updates: MentionUpdate[], workspaceId: string): void {
    this.remember(workspaceId);
    const changed = new Set<string>();
    for (const u of updates) {
      const mention = applyMention(this.ctx.storage.sql, u);
      if (!mention) continue;
      changed.add(u.agentId);
      this.sendTo(u.agentId, { t: "alert", alert: { kind: "mention", mention } });
    }
    for (const agentId of changed) this.sendMentions(agentId);
  }

  /** One agent's unread mentions, newest first (`GET /api/inbox/mentions`). */
  mentionsOf(agentId: string): MentionItem[] {
    return mentionsOf(this.ctx.storage.sql, agentId);
  }

  /** The agent has seen a mention of theirs; false when it is not theirs, not there or seen already. */
  markMentionSeen(agentId: string, id: string): boolean {
    const done = markMentionSeen(this.ctx.storage.sql, agentId, id, Date.now());
    if (done) this.sendMentions(agentId);
    return done;
  }

  /** One agent's reminders, due first (`GET /api/inbox/reminders`). */
  remindersOf(agentId: string): ReturnType<typeof remindersOf> {
    return remindersOf(this.ctx.storage.sql, agentId);
  }

  /** The agent has seen to a due reminder; false when it is not theirs, not due or not there. */
  dismissReminder(agentId: string, id: string): boolean {
    const done = dismissReminder(this.ctx.storage.sql, agentId, id, Date.now());
    if (done) this.sendReminders(agentId);
    return done;
  }

  /** Routing's choices whose conversation is not open here yet (handed over, not yet queued): load already. */
  private chosen(): Map<string, string> {
    const open = new Set(this.openItems().map((i) => i.id));
    return new Map(
      this.ctx.storage.sql
        .exec<{ conversation_id: string; agent_id: string }>("SELECT conversation_id, agent_id FROM picks")
        .toArray()
        .filter((r) => !open.has(r.conversation_id))
        .map((r) => [r.conversation_id, r.agent_id]),
    );
  }

  /** The agent routing gives a conversation routed to `team` (null: nobody available with room). */
  private choose(conversationId: string, team: string): AgentRef | null {
    const chosen = pickAgent(
      this.roster(),
      team,
      loads(this.openItems(), this.chosen()),
      loadMatrix(this.env).agentCapacity,
    );
    if (!chosen) return null;
    // Strictly increasing, so two picks in one millisecond still take turns.
    const last =
      this.ctx.storage.sql.exec<{ m: number | null }>("SELECT MAX(last_assigned_at) AS m FROM agents").toArray()[0]
        ?.m ?? 0;
    this.ctx.storage.sql.exec(
      "UPDATE agents SET last_assigned_at = ? WHERE id = ?",
      Math.max(Date.now(), last + 1),
      chosen.id,
    );
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO picks (conversation_id, agent_id) VALUES (?, ?)",
      conversationId,
      chosen.id,
    );
    return { id: chosen.id, name: chosen.name };
  }

  /**
   * Gives a waiting conversation to `agent` (or back to the unassigned queue: null) and tells the
   * conversation, which records it (one call). Should it refuse (resolved or taken meanwhile) or be
   * unreachable, the item goes back to how it was: the conversation's own update comes here anyway.
   */
  private async reassign(item: InboxItem, agent: AgentRef | null): Promise<boolean> {
    const { assignee: _old, ...rest } = item;
    await this.upsert({ ...rest, ...(agent ? { assignee: agent } : {}) });
    try {
      const r = await this.env.CONVERSATION.get(this.env.CONVERSATION.idFromName(item.id)).assigned(agent);
      if (r.ok) return true;
    } catch (e) {
      console.error(
        `[edgedesk] handing ${item.id} to ${agent?.id ?? "the queue"} failed, it keeps waiting: ${String(e)}`,
      );
    }
    const now = this.get(item.id);
    if (now && now.assignee?.id === agent?.id) {
      this.save(item);
      this.send({ t: "upsert", item });
      this.sendPresence();
    }
    return false;
  }

  /**
   * Records an agent's name, teams and availability (from D1, on connect or when changed). An agent who
   * is now available gets their share of the conversations that waited with nobody to take them.
   */
  async setAgent(a: AgentUpdate): Promise<void> {
    this.record(a);
    await this.keepAvailability();
    if (this.roster().some((r) => r.id === a.id && available(r))) {
      this.ctx.storage.sql.exec("UPDATE agents SET unavailable_since = NULL WHERE id = ?", a.id);
      await this.handOutWaiting();
    } else {
      this.markUnavailable(a.id);
    }
    await this.schedule();
  }

  private record(a: AgentUpdate): void {
    const prior = this.rosterRow(a.id);
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO agents (id, name, teams, away, last_assigned_at, unavailable_since, capacity) VALUES (?, ?, ?, ?, ?, ?, ?)",
      a.id,
      a.name,
      JSON.stringify(a.teams ?? (prior ? parseJson(stringList, prior.teams, `roster teams of ${a.id}`) : [])),
      (a.away ?? prior?.away === 1) ? 1 : 0,
      prior?.last_assigned_at ?? 0,
      prior?.unavailable_since ?? null,
      a.capacity !== undefined ? a.capacity : (prior?.capacity ?? null),
    );
    this.sendPresence();
  }

  presence(exclude?: WebSocket): AgentPresence[] {
    const load = loads(this.openItems(), this.chosen());
    return this.roster(exclude)
      .map(({ id, name, teams, online, away }) => ({ id, name, teams, online, away, load: load.get(id) ?? 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  override async fetch(request: Request): Promise<Response> {
    const h = request.headers;
    const agentId = h.get("x-agent-id");
    const workspaceId = h.get("x-workspace-id");
    if (workspaceId) this.remember(workspaceId);
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    if (agentId) {
      const sessionId = h.get("x-session-id") ?? undefined;
      pair[1].serializeAttachment({ agentId, ...(sessionId ? { sessionId } : {}) } satisfies Attachment);
      const teams = parseTeams(h.get("x-agent-teams"));
      // The upgrade does not wait for the hand-out: the console gets its snapshot now and the
      // assignments as upserts.
      this.ctx.waitUntil(
        this.setAgent({
          id: agentId,
          name: h.get("x-agent-name") ?? "Agent",
          teams,
          away: h.get("x-agent-away") === "1",
        }),
      );
    }
    pair[1].send(JSON.stringify({ t: "snapshot", items: this.list() } satisfies InboxFrame));
    pair[1].send(JSON.stringify({ t: "presence", agents: this.presence() } satisfies InboxFrame));
    if (agentId) {
      pair[1].send(JSON.stringify({ t: "reminders", reminders: this.remindersOf(agentId) } satisfies InboxFrame));
      pair[1].send(JSON.stringify({ t: "mentions", mentions: this.mentionsOf(agentId) } satisfies InboxFrame));
    }
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeBack(ws, code);
    await this.socketGone(ws);
  }

  /** Closes the consoles of ended sessions (4401: the console goes back to its sign-in page). */
  async closeSessions(ids: string[]): Promise<number> {
    const agents = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      if (!att?.sessionId || !ids.includes(att.sessionId)) continue;
      ws.serializeAttachment({ ...att, ended: true } satisfies Attachment);
      try {
        ws.close(4401, "session ended");
      } catch {
        // already closing
      }
      agents.add(att.agentId);
    }
    for (const id of agents) if (!this.roster().some((r) => r.id === id && r.online)) this.markUnavailable(id);
    if (agents.size) {
      await this.keepAvailability();
      this.sendPresence();
      await this.schedule();
    }
    return agents.size;
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  /** An agent whose last console closed starts the release clock of what waits for them. */
  private async socketGone(ws: WebSocket): Promise<void> {
    this.sendPresence(ws);
    const agentId = (ws.deserializeAttachment() as Attachment | null)?.agentId;
    await this.keepAvailability(ws);
    if (agentId && !this.roster(ws).some((r) => r.id === agentId && r.online)) {
      this.markUnavailable(agentId);
      await this.schedule();
    }
  }

  /** Flags queued conversations that became near due or breached, tells the hook, sets the next alarm. */
  override async alarm(): Promise<void> {
    const m = loadMatrix(this.env);
    const now = Date.now();
    const workspaceId = this.workspaceId();
    for (const item of this.openItems()) {
      if (!runsSla(item)) continue;
      const s = slaStateAt(m, item, now);
      if (!advanced(item.slaState, s)) continue;
      const flagged: InboxItem = { ...item, slaState: s };
      this.save(flagged);
      this.send({ t: "upsert", item: flagged });
      if (workspaceId) await onSlaEvent(this.env, workspaceId, flagged, s === "breached" ? "breached" : "near");
    }
    await this.releaseFromUnavailable(m, now);
    await this.schedule();
  }

  // ---- internals ---------------------------------------------------------------------------------

  /**
   * Gives waiting unassigned conversations (most urgent first) to available agents, by the same rule
   * as at handoff, until nobody is available: chosen and kept here, then told to the conversation.
   */
  private handOutWaiting(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    const run = async (): Promise<void> => {
      do {
        this.drainAgain = false;
        for (const item of waitingUnassigned(this.openItems())) {
          const agent = this.choose(item.id, item.team ?? "support");
          if (!agent) break;
          await this.reassign(item, agent);
        }
      } while (this.drainAgain);
    };
    this.draining = run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /**
   * Conversations assigned to an agent who has been gone longer than the matrix allows, and not yet
   * joined, go back to their team by the handoff rule (someone available with room, else unassigned in
   * the queue until someone is): chosen here, then told to the conversation. One call each.
   */
  private async releaseFromUnavailable(m: ReturnType<typeof loadMatrix>, now: number): Promise<void> {
    for (const item of releasable(
      this.pickedItems(this.openItems()),
      this.unavailableSince(),
      m.releaseAfterMinutes * 60_000,
      now,
    )) {
      const { assignee: _gone, ...waiting } = item;
      // Out of the gone agent's load first, so the pick below cannot choose them again.
      this.save(waiting);
      this.ctx.storage.sql.exec("DELETE FROM picks WHERE conversation_id = ?", item.id);
      const agent = this.choose(item.id, item.team ?? m.defaultTeam);
      if (await this.reassign(waiting, agent)) continue;
      // Still theirs: released again on the next alarm (schedule() retries in a minute).
      this.save(item);
      if (item.assignee)
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO picks (conversation_id, agent_id) VALUES (?, ?)",
          item.id,
          item.assignee.id,
        );
    }
  }

  /** Of `open`, the conversations whose assignee is the one routing picked (not a person's explicit choice). */
  private pickedItems(open: InboxItem[]): InboxItem[] {
    const picks = new Map(
      this.ctx.storage.sql
        .exec<{ conversation_id: string; agent_id: string }>("SELECT conversation_id, agent_id FROM picks")
        .toArray()
        .map((r) => [r.conversation_id, r.agent_id]),
    );
    return open.filter((i) => i.assignee && picks.get(i.id) === i.assignee.id);
  }

  /**
   * Time available (availability.ts): the stretches in D1 follow who is available now; the open stretch of
   * anyone who is not is closed (also one whose close a restart hid). Presence never fails on it.
   */
  private async keepAvailability(exclude?: WebSocket): Promise<void> {
    const workspaceId = this.workspaceId();
    if (!workspaceId) return;
    const now = Date.now();
    const ids = this.roster(exclude)
      .filter(available)
      .map((r) => r.id);
    try {
      await closeOthers(this.env.DB, workspaceId, ids, now);
      for (const id of ids) await openStretch(this.env.DB, workspaceId, id, now);
    } catch (e) {
      console.error(`[edgedesk] time available not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private markUnavailable(agentId: string): void {
    this.ctx.storage.sql.exec(
      "UPDATE agents SET unavailable_since = COALESCE(unavailable_since, ?) WHERE id = ?",
      Date.now(),
      agentId,
    );
  }

  /** Agents unavailable now, and since when. */
  private unavailableSince(): Map<string, number> {
    const out = new Map<string, number>();
    const roster = new Map(this.roster().map((r) => [r.id, r]));
    for (const r of this.ctx.storage.sql
      .exec<{ id: string; unavailable_since: number }>(
        "SELECT id, unavailable_since FROM agents WHERE unavailable_since IS NOT NULL",
      )
      .toArray()) {
      const now = roster.get(r.id);
      if (!now || !available(now)) out.set(r.id, r.unavailable_since);
    }
    return out;
  }

  private async schedule(): Promise<void> {
    const m = loadMatrix(this.env);
    const open = this.openItems();
    const release = nextRelease(this.pickedItems(open), this.unavailableSince(), m.releaseAfterMinutes * 60_000);
    // A release already due that is still pending failed this time (its conversation refused or was
    // unreachable): try again in a minute rather than in a tight alarm loop.
    const retry = release !== null && release <= Date.now() ? Date.now() + 60_000 : release;
    const deadlines = [nextDeadline(m, open), retry].filter((t): t is number => t !== null);
    const next = deadlines.length ? Math.min(...deadlines) : null;
    const current = await this.ctx.storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current !== next) {
      await this.ctx.storage.setAlarm(next);
    }
  }

  private save(item: InboxItem): void {
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO items (id, state, updated_at, data) VALUES (?, ?, ?, ?)",
      item.id,
      item.state,
      item.updatedAt,
      JSON.stringify(item),
    );
    if (!this.open) return;
    // Deleted first so that a changed item moves to the end, as INSERT OR REPLACE moves its row.
    this.open.delete(item.id);
    if (isOpen(item)) this.open.set(item.id, item);
  }

  /** Copies: a caller that changes one must not change the object's own view without saving it. */
  private openItems(): InboxItem[] {
    if (!this.open) {
      const rows = this.ctx.storage.sql
        .exec<{ data: string }>("SELECT data FROM items WHERE state IN ('queued', 'agent')")
        .toArray()
        .map((r) => parseJson(inboxItemSchema, r.data, "inbox item"));
      this.open = new Map(rows.map((i) => [i.id, i]));
    }
    return [...this.open.values()].map((i) => ({ ...i }));
  }

  private rosterRow(id: string): RosterRow | undefined {
    return this.ctx.storage.sql.exec<RosterRow>("SELECT * FROM agents WHERE id = ?", id).toArray()[0];
  }

  private roster(exclude?: WebSocket): RosterAgent[] {
    const online = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === exclude) continue;
      const att = ws.deserializeAttachment() as Attachment | null;
      if (att?.agentId && !att.ended) online.add(att.agentId);
    }
    return this.ctx.storage.sql
      .exec<RosterRow>("SELECT * FROM agents")
      .toArray()
      .map((r) => ({
        id: r.id,
        name: r.name,
        teams: parseJson(stringList, r.teams, `roster teams of ${r.id}`),
        away: r.away === 1,
        online: online.has(r.id),
        lastAssignedAt: r.last_assigned_at,
        ...(r.capacity !== null && r.capacity !== undefined ? { capacity: r.capacity } : {}),
      }));
  }

  private remember(workspaceId: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO kv (k, v) VALUES ('workspace', ?)", workspaceId);
  }

  private workspaceId(): string | undefined {
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = 'workspace'").toArray()[0]?.v;
  }

  private sendPresence(exclude?: WebSocket): void {
    this.send({ t: "presence", agents: this.presence(exclude) }, exclude);
  }

  private sendMentions(agentId: string): void {
    this.sendTo(agentId, { t: "mentions", mentions: this.mentionsOf(agentId) });
  }

  private sendReminders(agentId: string): void {
    this.sendTo(agentId, { t: "reminders", reminders: this.remindersOf(agentId) });
  }

  /** A frame for one agent's consoles only (their reminders, their alerts). */
  private sendTo(agentId: string, frame: InboxFrame): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      if (att?.agentId !== agentId || att.ended) continue;
      try {
        ws.send(text);
      } catch {
        // Closed mid-send: the console gets the list again when it reconnects.
      }
    }
  }

  private send(frame: InboxFrame, exclude?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === exclude) continue;
      try {
        ws.send(text);
      } catch {
        // Closed mid-send: the console reconnects and gets a fresh snapshot.
      }
    }
  }
}

const isOpen = (i: InboxItem): boolean => i.state === "queued" || i.state === "agent";

function freedCapacity(prior: InboxItem | null, now: InboxItem): boolean {
  return !!prior?.assignee && isOpen(prior) && (!isOpen(now) || now.assignee?.id !== prior.assignee.id);
}

function parseTeams(header: string | null): string[] {
  try {
    const v: unknown = JSON.parse(header ?? "[]");
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}
