// The upgrade check: a previous release's production database (tests/fixtures/upgrade/db/, written by
// `wrangler d1 export` from that release's migrations and a seed; scripts/upgrade-fixture.ts) gets
// every current migration that release lacks, the way `wrangler d1 migrations apply` would on deploy.
// Nothing already stored is lost, the new tables are there, derived tables are backfilled from old
// rows, and today's code reads and erases the upgraded data. Migrations added since are additive, so
// the previous worker keeps running while they apply.
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { rangeOf, report } from "../../worker/insights/analytics/report.ts";
import { contactView } from "../../worker/channels/email/db.ts";
import { listArticles } from "../../worker/knowledge/store.ts";
import { findContact } from "../../worker/privacy/contact.ts";
import { runRetention, setRetention } from "../../worker/privacy/retention.ts";

const db = () => env.UPGRADE_DB;
const snapshot = () => {
  const s = env.UPGRADE_SNAPSHOT[0];
  if (!s || env.UPGRADE_SNAPSHOT.length !== 1)
    throw new Error("expected one release dump in tests/fixtures/upgrade/db");
  return s;
};

async function tables(): Promise<Map<string, number>> {
  const names = await db()
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .all<{ name: string }>();
  const counts = new Map<string, number>();
  for (const { name } of names.results) {
    const r = await db().prepare(`SELECT COUNT(*) AS n FROM "${name}"`).first<{ n: number }>();
    counts.set(name, r?.n ?? 0);
  }
  return counts;
}

const applied = async () =>
  (await db().prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>()).results.map((r) => r.name);

let before: Map<string, number>;
let releaseMigrations: string[];

beforeAll(async () => {
  // Load the dump statement by statement, as `wrangler d1 execute --file` would.
  await db().batch(snapshot().queries.map((q) => db().prepare(q)));
  before = await tables();
  releaseMigrations = await applied();
  await applyD1Migrations(db(), env.TEST_MIGRATIONS);
});

describe(`upgrading the database of release ${snapshot().name.replace(/\.sql$/, "")}`, () => {
  it("applies every migration the release lacked, and records each", async () => {
    expect(releaseMigrations).toContain("0010_surge.sql");
    const now = await applied();
    expect(now).toEqual(expect.arrayContaining(env.TEST_MIGRATIONS.map((m) => m.name)));
    expect(now.slice(0, releaseMigrations.length)).toEqual(releaseMigrations);
    expect(now.length).toBeGreaterThan(releaseMigrations.length);
  });

  it("keeps every row the release stored", async () => {
    const after = await tables();
    // Rows an upgrade drops on purpose: 0013_people_security signs everyone out once (sessions gain an id
    // and an origin), and 0014_no_demo_seed removes the old demo seed's support address, which the
    // release's database never touched (created_at 0, no mail through it), and its two untouched site
    // keys (demo_site with the seed's origins and no identity secret, demo_portal with no articles), and
    // then the seed's `demo` workspace, which nothing refers to any more.
    const dropped: Record<string, number> = {
      sessions: before.get("sessions") ?? 0,
      email_addresses: 1,
      sites: 2,
      workspaces: 1,
    };
    for (const [table, n] of before)
      if (table !== "d1_migrations") expect(after.get(table), table).toBe(n - (dropped[table] ?? 0));
    expect(
      (await db().prepare("SELECT address FROM email_addresses").all<{ address: string }>()).results.map(
        (r) => r.address,
      ),
    ).toEqual(["support@acme.example"]);
    expect(before.get("analytics_events")).toBe(16);
    expect(before.get("conversations")).toBe(3);
  });

  it("backfills the per-conversation analytics from the release's events", async () => {
    const row = await db()
      .prepare("SELECT * FROM analytics_conversations WHERE conversation_id = 'conv_acme_1'")
      .first();
    expect(row).toMatchObject({
      workspace_id: "acme",
      channel: "chat",
      category: "billing",
      bot_frt: 1500,
      human_frt: 120_000,
      frt: 1500,
      resolved: 1,
      resolution_ms: 600_000,
      agent_messages: 1,
      handoffs: 1,
      handoff_reason: "customer-requested",
      answers: 1,
      csat: 5,
      needed: 1,
    });
    expect((await tables()).get("analytics_conversations")).toBe(3);
  });

  it("serves today's code: analytics report, articles, contacts, the privacy lookup", async () => {
    const r = await report(db(), rangeOf("acme", { from: "2026-01-01", to: "2026-01-31" }));
    expect(r.summary).toMatchObject({ conversations: 3, resolved: 1, ratings: 1, csatAverage: 5 });
    expect((await listArticles(db(), "acme")).map((a) => a.id).sort()).toEqual(["refunds", "sync-stuck"]);
    expect((await contactView(db(), "acme", "ct_dana"))?.conversations.map((c) => c.id).sort()).toEqual([
      "conv_acme_1",
      "conv_acme_2",
    ]);
    const found = await findContact(db(), "acme", "Dana@Customer.example");
    expect(found.contact?.id).toBe("ct_dana");
    expect(found.conversations.map((c) => c.id).sort()).toEqual(["conv_acme_1", "conv_acme_2"]);
  });

  it("erases the release's conversations with today's retention job", async () => {
    await setRetention(db(), "acme", { days: 30, mode: "delete" }, "upgrade-test", Date.parse("2027-01-01"));
    const [pass] = await runRetention({ ...env, DB: db() }, { now: Date.parse("2027-01-01") });
    expect(pass).toMatchObject({ workspaceId: "acme", more: false, contacts: 1, counts: { conversations: 3 } });
    const left = await tables();
    for (const t of [
      "conversations",
      "analytics_events",
      "csat",
      "bot_turns",
      "email_messages",
      "contact_conversations",
    ])
      expect(left.get(t), t).toBe(0);
  });

  it("is idempotent: applying the migrations again changes nothing", async () => {
    const count = (await applied()).length;
    await applyD1Migrations(db(), env.TEST_MIGRATIONS);
    expect((await applied()).length).toBe(count);
  });
});

describe("migrations since the release", () => {
  it("are additive: nothing a running previous worker reads is dropped or renamed", () => {
    const shipped = new Set(releaseMigrations);
    const destructive = /\bDROP\s+(TABLE|COLUMN|INDEX|VIEW)\b|\bRENAME\s+(TO|COLUMN)\b/i;
    for (const m of env.TEST_MIGRATIONS.filter((m) => !shipped.has(m.name))) {
      // A migration that must break the old schema says so, and docs/deploy.md says how to ship it.
      if (m.queries.some((q) => /--\s*upgrade:\s*breaking\b/i.test(q))) continue;
      for (const q of m.queries) {
        const sql = q.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
        expect(destructive.test(sql), `${m.name}: ${sql.trim().slice(0, 120)}`).toBe(false);
      }
    }
  });
});
