// The people and account pages' pure logic (console/src/people/people.ts) and their routes.
import { describe, expect, it } from "vitest";
import { href, parseRoute } from "../../lib/route.ts";
import {
  accountActions,
  removalNote,
  capacityLabel,
  checkNewPassword,
  expiresIn,
  parseCapacity,
  parseTeams,
  describeAudit,
  grantable,
  groupSecret,
  orderPeople,
  personFlags,
  sessionLabel,
} from "./people.ts";
import type { AuditEntry, PersonSummary } from "../../../../shared/security.ts";

const person = (over: Partial<PersonSummary>): PersonSummary => ({
  id: "a",
  email: "a@x.example",
  name: "A",
  role: "agent",
  teams: [],
  disabled: false,
  twoFactor: false,
  sessions: 0,
  createdAt: 0,
  capacity: null,
  member: false,
  shared: false,
  ...over,
});

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: 0,
  actor: { id: "o", email: "o@x.example" },
  action: "agent.updated",
  target: { type: "agent", id: "a" },
  before: null,
  after: null,
  ...over,
});

describe("console people and account", () => {
  it("offers only roles up to one's own", () => {
    expect(grantable("owner")).toEqual(["agent", "editor", "owner"]);
    expect(grantable("editor")).toEqual(["agent", "editor"]);
    expect(grantable("agent")).toEqual(["agent"]);
  });

  it("checks a new password like the worker does", () => {
    expect(checkNewPassword("short", "short")).toMatch(/10 characters/);
    expect(checkNewPassword("long enough 1", "long enough 2")).toMatch(/differ/);
    expect(checkNewPassword("x".repeat(201), "x".repeat(201))).toMatch(/200/);
    expect(checkNewPassword("long enough 1", "long enough 1")).toBeUndefined();
  });

  it("describes sessions, secrets and people for scanning", () => {
    expect(
      sessionLabel({
        id: "s",
        createdAt: 0,
        expiresAt: 1,
        ip: "203.0.113.9",
        userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
      }),
    ).toBe("Chrome 126 on macOS · 203.0.113.9");
    expect(sessionLabel({ id: "s", createdAt: 0, expiresAt: 1, ip: null, userAgent: null })).toBe(
      "Unknown device · unknown address",
    );
    expect(groupSecret("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
    expect(personFlags(person({ disabled: true, twoFactor: true }))).toEqual(["Disabled", "Two-factor on"]);
    const ordered = orderPeople([
      person({ id: "1", name: "Zed" }),
      person({ id: "2", name: "Amy", disabled: true }),
      person({ id: "3", name: "Bea" }),
    ]);
    expect(ordered.map((p) => p.name)).toEqual(["Bea", "Zed", "Amy"]);
  });

  it("turns audit entries into sentences with what changed", () => {
    expect(
      describeAudit(
        entry({ before: { role: "agent", name: "A" }, after: { role: "editor", name: "A", password: "reset" } }),
      ),
    ).toBe("agent updated: role agent → editor; password reset");
    expect(describeAudit(entry({ action: "api_key.revoked" }))).toBe("api key revoked");
    expect(
      describeAudit(entry({ action: "agent.routing", before: { teams: [] }, after: { teams: ["billing", "vip"] } })),
    ).toBe("agent routing: teams none → billing, vip");
  });

  it("routes to the people and account pages", () => {
    expect(parseRoute("#/settings/people")).toEqual({ name: "people" });
    expect(parseRoute("#/settings/security/")).toEqual({ name: "security" });
    expect(href({ name: "people" })).toBe("#/settings/people");
    expect(href({ name: "security" })).toBe("#/settings/security");
  });

  it("reads teams and capacity as typed, and says what routing will do", () => {
    expect(parseTeams(" billing, support  billing ")).toEqual({ teams: ["billing", "support"] });
    expect(parseTeams("")).toEqual({ teams: [] });
    expect(parseTeams("vip, two words!")).toEqual({
      error: '"words!" is not a team name: use letters, digits, _ or -.',
    });
    expect(parseCapacity("")).toEqual({ capacity: null });
    expect(parseCapacity(" 3 ")).toEqual({ capacity: 3 });
    for (const bad of ["0", "2.5", "1001", "many"]) expect(parseCapacity(bad)).toHaveProperty("error");
    expect(capacityLabel(null, 5)).toBe("Capacity 5 (default)");
    expect(capacityLabel(2, 5)).toBe("Capacity 2");
  });

  it("says when an invitation expires", () => {
    const now = 1_000_000;
    expect(expiresIn(now + 7 * 86_400_000 - 1, now)).toBe("expires in 6 days");
    expect(expiresIn(now + 86_400_000, now)).toBe("expires in 1 day");
    expect(expiresIn(now + 5 * 3_600_000, now)).toBe("expires in 5 hours");
    expect(expiresIn(now + 30_000, now)).toBe("expires in 1 min");
  });
});

describe("people who belong to several workspaces", () => {
  it("flags members and shared people, and offers owners no password, name or two-factor action on their account", () => {
    const alone = person({});
    const shared = person({ shared: true });
    const member = person({ member: true, shared: true, twoFactor: true });
    expect(personFlags(member)).toEqual(["Joined from another workspace", "Two-factor on"]);
    expect(personFlags(shared)).toEqual(["Also in other workspaces", "No two-factor"]);
    expect(accountActions(alone)).toEqual({ setPassword: true, resetLink: true, twoFactor: true });
    expect(accountActions(shared)).toEqual({ setPassword: false, resetLink: true, twoFactor: false });
    expect(accountActions(member)).toEqual({ setPassword: false, resetLink: false, twoFactor: false });
  });
  it("says what removal does to the account", () => {
    expect(removalNote(person({ member: true, shared: true }))).toMatch(/account stays: it lives in another/);
    expect(removalNote(person({ shared: true }))).toMatch(/becomes their home/);
    expect(removalNote(person({}))).toMatch(/sessions end now/);
  });
});
