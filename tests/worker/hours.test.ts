// Business hours (docs/hours.md): the settings route (owners, their own workspace, validated,
// audited), and what a handoff outside hours does: the bot says when a person is back, in the
// customer's language, offers to take an email when the workspace sends email, and the response SLA
// counts open time only; the inbox item says it arrived while closed.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationDetail, InboxItem } from "../../shared/api.ts";
import {
  type BusinessHours,
  describeOpening,
  type HoursSettings,
  type HoursView,
  nextOpen,
  wallAt,
} from "../../shared/hours.ts";
import { ADMIN, asCustomer, BASE, call, createAgent, waitFor } from "./helpers.ts";
import { conversation, workspace } from "./notify-helpers.ts";

const H = 3_600_000;
const nine2five = [{ from: "09:00", to: "17:00" }];
const everyDay = (iv: { from: string; to: string }[]) => ({
  mon: iv,
  tue: iv,
  wed: iv,
  thu: iv,
  fri: iv,
  sat: iv,
  sun: iv,
});

/** Today's date in `tz`: a holiday that makes the desk closed now, whatever the hour. */
function today(tz: string): string {
  const w = wallAt(Date.now(), tz);
  return `${w.y}-${String(w.m).padStart(2, "0")}-${String(w.d).padStart(2, "0")}`;
}

/** Closed all of today (a holiday), open 09:00-17:00 every other day: the desk opens tomorrow at 9. */
const closedToday = (tz = "Europe/Berlin"): BusinessHours => ({
  timeZone: tz,
  weekly: everyDay(nine2five),
  holidays: [today(tz)],
});
const alwaysOpen: BusinessHours = {
  timeZone: "Europe/Berlin",
  weekly: everyDay([{ from: "00:00", to: "24:00" }]),
  holidays: [],
};

const hoursUrl = (ws: string) => `/admin/v1/hours?workspace=${ws}`;

async function setHours(ws: string, s: HoursSettings): Promise<HoursView> {
  const r = await call<HoursView>(ADMIN, "PUT", hoursUrl(ws), s);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** The customer presses "talk to a person"; the conversation as an agent reads it once queued. */
async function handOff(site: string): Promise<ConversationDetail> {
  const c = await conversation(site);
  const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${site}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify({}),
  });
  expect(r.status).toBeLessThan(300);
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id));
  return waitFor(
    () => stub.detail(),
    (d) => d.state === "queued",
    8000,
  );
}

const botHandoffText = (d: ConversationDetail): string => {
  const m = d.events.find((e) => e.type === "message" && e.author === "bot" && e.action === "handoff");
  return m?.type === "message" ? m.text : "";
};

describe("business hours settings", () => {
  it("are owners' (or the operator's), validated, and audited", async () => {
    const { ws } = await workspace("hours-settings");
    const owner = await createAgent("hours-owner@example.test", "owner", ws);
    const editor = await createAgent("hours-editor@example.test", "editor", ws);
    const agent = await createAgent("hours-agent@example.test", "agent", ws);

    // Nothing set: always open.
    const first = await call<HoursView>(owner, "GET", "/admin/v1/hours");
    expect(first.status).toBe(200);
    expect(first.body.settings).toEqual({ workspace: null, teams: {} });
    expect(first.body.knownTeams).toContain("support");

    const settings: HoursSettings = {
      workspace: { ...closedToday(), timeZone: "europe/berlin", holidays: ["2030-12-25", today("Europe/Berlin")] },
      teams: { billing: alwaysOpen },
    };
    const saved = await call<HoursView>(owner, "PUT", "/admin/v1/hours", settings);
    expect(saved.status).toBe(200);
    // Stored as the runtime spells the zone, holidays sorted.
    expect(saved.body.settings.workspace?.timeZone).toBe("Europe/Berlin");
    expect(saved.body.settings.workspace?.holidays).toEqual([today("Europe/Berlin"), "2030-12-25"].sort());
    expect(saved.body.status[""]).toEqual({ open: false, next: nextOpen(closedToday(), Date.now()) });
    expect(saved.body.status.billing?.open).toBe(true);
    expect((await call<HoursView>(owner, "GET", "/admin/v1/hours")).body.settings).toEqual(saved.body.settings);

    for (const who of [editor, agent]) {
      expect((await call(who, "GET", "/admin/v1/hours")).status).toBe(403);
      expect((await call(who, "PUT", "/admin/v1/hours", settings)).status).toBe(403);
    }
    expect((await call(ADMIN, "GET", "/admin/v1/hours")).status).toBe(400); // the token names no workspace

    const bad = await call<{ error: string; message: string }>(owner, "PUT", "/admin/v1/hours", {
      ...settings,
      workspace: { ...alwaysOpen, timeZone: "Mars/Base" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("timeZone");
    const overlap = await call(owner, "PUT", "/admin/v1/hours", {
      workspace: {
        ...alwaysOpen,
        weekly: {
          ...alwaysOpen.weekly,
          mon: [
            { from: "09:00", to: "12:00" },
            { from: "11:00", to: "13:00" },
          ],
        },
      },
      teams: {},
    });
    expect(overlap.status).toBe(400);

    const audit = await env.DB.prepare(
      "SELECT action, target_id, after FROM audit_log WHERE workspace_id = ? AND action = 'hours.updated'",
    )
      .bind(ws)
      .all<{ action: string; target_id: string; after: string }>();
    expect(audit.results).toHaveLength(1);
    expect(JSON.parse(audit.results[0]?.after ?? "{}")).toMatchObject({
      workspace: { timeZone: "Europe/Berlin", intervals: 7, holidays: 2 },
      teams: { billing: { intervals: 7, holidays: 0 } },
    });
  });

  it("keep each workspace to its own", async () => {
    const a = await workspace("hours-iso-a");
    const b = await workspace("hours-iso-b");
    const ownerB = await createAgent("hours-owner-b@example.test", "owner", b.ws);
    await setHours(a.ws, { workspace: closedToday(), teams: {} });
    // B's owner reads and writes B only, whatever the query says.
    const seen = await call<HoursView>(ownerB, "GET", `/admin/v1/hours?workspace=${a.ws}`);
    expect(seen.body.settings.workspace).toBeNull();
    await call(ownerB, "PUT", `/admin/v1/hours?workspace=${a.ws}`, { workspace: alwaysOpen, teams: {} });
    const aNow = await call<HoursView>(ADMIN, "GET", hoursUrl(a.ws));
    expect(aNow.body.settings.workspace?.holidays).toEqual([today("Europe/Berlin")]);
    const bNow = await call<HoursView>(ADMIN, "GET", hoursUrl(b.ws));
    expect(bNow.body.settings.workspace?.weekly.mon).toEqual([{ from: "00:00", to: "24:00" }]);
  });
});

describe("a handoff outside business hours", () => {
  it("tells the customer when a person is back and starts the SLA clock at the opening", async () => {
    const { ws, site } = await workspace("hours-closed");
    const hours = closedToday();
    await setHours(ws, { workspace: hours, teams: {} });
    const d = await handOff(site);
    const p = d.handoff;
    if (!p) throw new Error("no packet");
    const opensAt = nextOpen(hours, p.at);
    expect(opensAt).not.toBeNull();
    expect(p.afterHours).toEqual({ timeZone: "Europe/Berlin", opensAt });
    // Tier 2: four hours of open time from the opening, not from the handoff.
    expect(p.tier).toBe("tier-2");
    expect(p.slaDueAt).toBe((opensAt as number) + 4 * H);
    // Near due at 80 % of the target (or 10 min before), in open time too.
    expect(p.slaNearAt).toBe((opensAt as number) + 11_520_000);
    const when = describeOpening(opensAt as number, "Europe/Berlin", "en", p.at);
    const text = botHandoffText(d);
    expect(text).toContain(`back ${when.day} at ${when.time} (Europe/Berlin)`);
    expect(text).not.toContain("connecting you");
    // This workspace sends no email: nothing is offered that the widget could not take.
    expect(text).not.toContain("email");

    // The inbox shows it arrived while closed, with the paused clock.
    const item = await waitFor(
      () => env.INBOX.get(env.INBOX.idFromName(ws)).get(d.id),
      (i): i is InboxItem => i?.state === "queued",
      8000,
    );
    expect(item?.afterHours).toEqual({ timeZone: "Europe/Berlin", opensAt });
    expect(item?.slaDueAt).toBe(p.slaDueAt);
    expect(item?.slaNearAt).toBe(p.slaNearAt);
  });

  it("offers to take an email when the workspace sends email, in the customer's language", async () => {
    const { ws, site } = await workspace("hours-email");
    await env.DB.prepare("INSERT INTO email_addresses (address, workspace_id, created_at) VALUES (?, ?, 1)")
      .bind("help@hours-email.test", ws)
      .run();
    await setHours(ws, { workspace: closedToday(), teams: {} });
    const en = botHandoffText(await handOff(site));
    expect(en).toContain("Leave your email address below");

    // A Spanish-speaking customer.
    const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
      method: "POST",
      headers: { origin: "http://localhost:8787", "content-type": "application/json" },
      body: JSON.stringify({ locale: "es" }),
    });
    const c = (await r.json()) as { id: string; token: string };
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${site}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: "{}",
    });
    const es = await waitFor(
      () => env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id)).detail(),
      (d) => d.state === "queued",
      8000,
    );
    const opensAt = es.handoff?.afterHours?.opensAt as number;
    const when = describeOpening(opensAt, "Europe/Berlin", "es", es.handoff?.at ?? Date.now());
    const text = botHandoffText(es);
    expect(text).toContain(`vuelve el ${when.day} a las ${when.time} (Europe/Berlin)`);
    expect(text).toContain("Deja tu correo electrónico");
  });

  it("follows the team's own hours over the workspace's", async () => {
    const { ws, site } = await workspace("hours-team");
    // The workspace is closed today; support (where a request for a person goes) is always open.
    await setHours(ws, { workspace: closedToday(), teams: { support: alwaysOpen } });
    const d = await handOff(site);
    expect(d.handoff?.team).toBe("support");
    expect(d.handoff?.afterHours).toBeUndefined();
    expect(d.handoff?.slaDueAt).toBe((d.handoff?.at ?? 0) + 4 * H);
    expect(botHandoffText(d)).toContain("connecting you");
  });

  it("changes nothing inside hours or without hours", async () => {
    const open = await workspace("hours-open");
    await setHours(open.ws, { workspace: alwaysOpen, teams: {} });
    const none = await workspace("hours-none");
    for (const site of [open.site, none.site]) {
      const d = await handOff(site);
      expect(d.handoff?.afterHours).toBeUndefined();
      expect(d.handoff?.slaDueAt).toBe((d.handoff?.at ?? 0) + 4 * H);
      expect(botHandoffText(d)).toContain("connecting you");
    }
  });

  it("says a person will answer when back if the desk never opens", async () => {
    const { ws, site } = await workspace("hours-never");
    await setHours(ws, {
      workspace: { timeZone: "UTC", weekly: everyDay([]), holidays: [] },
      teams: {},
    });
    const d = await handOff(site);
    expect(d.handoff?.afterHours).toEqual({ timeZone: "UTC" });
    // No clock at all: no due time that would pass while nobody can answer.
    expect(d.handoff?.slaDueAt).toBeUndefined();
    expect(botHandoffText(d)).toContain("when they're back");
  });
});
