// `npm run doctor` (scripts/lib/doctor.ts): the go-live checks flag what would break a deployment
// (placeholder ids, a Durable Object class without binding or migration, AI modes without bindings,
// local settings left on, secrets missing, migrations not applied, /health failing) and pass the rest.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  configFindings,
  exportedDurableObjects,
  parseUnapplied,
  remoteFindings,
  stripJsonc,
  type Finding,
  type WranglerConfig,
} from "./doctor.ts";

const repoConfig = JSON.parse(stripJsonc(readFileSync("wrangler.jsonc", "utf8"))) as WranglerConfig;
const classes = exportedDurableObjects(readFileSync("worker/index.ts", "utf8"));
const level = (f: Finding[], name: string) => f.filter((x) => x.name === name).map((x) => x.level);
const ready: WranglerConfig = {
  ...repoConfig,
  d1_databases: [{ binding: "DB", database_name: "edgedesk", database_id: "5c1d9b2e-1111-4222-8333-944455556666" }],
  kv_namespaces: [{ binding: "KB", id: "9f8e7d6c5b4a39281706f5e4d3c2b1a0" }],
};

describe("configuration checks", () => {
  it("reads wrangler.jsonc with its comments, and the worker's four Durable Object classes", () => {
    expect(JSON.parse(stripJsonc('{"a": "https://x//y", // c\n "b": [1,2,], /* d */ "c": "/*no*/"}'))).toEqual({
      a: "https://x//y",
      b: [1, 2],
      c: "/*no*/",
    });
    expect(classes.sort()).toEqual(["ConversationDO", "InboxDO", "KnowledgeDO", "NotifierDO"]);
  });

  it("fails the repository's own config on its placeholder ids, and passes the rest", () => {
    const f = configFindings(repoConfig, classes);
    expect(level(f, "D1 database")).toEqual(["fail"]);
    expect(level(f, "KV namespace")).toEqual(["fail"]);
    for (const n of ["Durable Objects", "AI bindings", "Email channel", "Scheduled jobs", "Metrics"])
      expect(level(f, n), n).toEqual(["pass"]);
  });

  it("passes a filled-in config", () => {
    expect(configFindings(ready, classes).filter((f) => f.level === "fail")).toEqual([]);
  });

  it("fails a Durable Object class that is not bound or has no migration", () => {
    const f = configFindings(
      {
        ...ready,
        migrations: ready.migrations?.filter((m) => m.tag !== "v2-knowledge"),
        durable_objects: { bindings: ready.durable_objects?.bindings?.filter((b) => b.name !== "NOTIFIER") },
      },
      classes,
    );
    const detail = f.find((x) => x.name === "Durable Objects");
    expect(detail?.level).toBe("fail");
    expect(detail?.detail).toContain("NotifierDO is exported but not bound");
    expect(detail?.detail).toContain("KnowledgeDO has no migration");
  });

  it("fails AI modes without their bindings, local settings and secrets left in vars", () => {
    const f = configFindings(
      { ...ready, ai: { binding: "AI" }, vars: { RETRIEVAL: "hybrid", METRICS_D1: "on", SECRET: "x" } },
      classes,
    );
    expect(f.find((x) => x.name === "AI bindings")).toMatchObject({
      level: "fail",
      detail: expect.stringContaining("vectorize"),
    });
    expect(level(f, "Metrics")).toContain("fail");
    expect(level(f, "Secrets")).toEqual(["fail"]);
    const noCron = configFindings({ ...ready, triggers: {} }, classes);
    expect(level(noCron, "Scheduled jobs")).toEqual(["warn"]);
  });
});

describe("deployment checks", () => {
  const files = ["0001_init.sql", "0020_privacy.sql", "0021_ops_metrics.sql"];

  it("are skipped, with how to run them, when not asked for", () => {
    expect(remoteFindings(null, files)).toEqual([
      expect.objectContaining({ level: "skip", detail: expect.stringContaining("--remote") }),
    ]);
  });

  it("fail on a missing secret, unapplied migrations and a failing /health; warn on demo-only addresses", () => {
    const f = remoteFindings(
      {
        secrets: ["SECRET"],
        unapplied: ["0020_privacy.sql", "0021_ops_metrics.sql"],
        supportAddresses: ["support@lumen.test"],
        health: {
          status: 503,
          checks: [{ name: "KB", ok: false, required: true, detail: "KV binding KB is missing" }],
        },
      },
      files,
    );
    expect(f.find((x) => x.name === "Secrets")).toMatchObject({
      level: "fail",
      detail: expect.stringContaining("wrangler secret put ADMIN_TOKEN"),
    });
    expect(f.find((x) => x.name === "D1 migrations")).toMatchObject({
      level: "fail",
      detail: expect.stringContaining("0020_privacy.sql, 0021_ops_metrics.sql"),
    });
    expect(level(f, "Email routing")).toEqual(["warn"]);
    expect(f.find((x) => x.name === "Health")).toMatchObject({ level: "fail", detail: "KB: KV binding KB is missing" });
  });

  it("pass a deployment that is ready", () => {
    const f = remoteFindings(
      {
        secrets: ["SECRET", "ADMIN_TOKEN", "CF_ACCOUNT_ID", "CF_API_TOKEN"],
        unapplied: [],
        supportAddresses: ["support@lumen.test", "help@shop.example.com"],
        health: { status: 200, checks: [{ name: "DB", ok: true, required: true, detail: "D1 answers" }] },
      },
      files,
    );
    expect(f.map((x) => x.level)).toEqual(["pass", "pass", "pass", "pass"]);
  });

  it("reads wrangler's list of migrations to apply", () => {
    const out = `Migrations to be applied:
┌──────────────────────────┐
│ Name                     │
├──────────────────────────┤
│ 0020_privacy.sql         │
├──────────────────────────┤
│ 0021_ops_metrics.sql     │
└──────────────────────────┘`;
    expect(parseUnapplied(out)).toEqual(["0020_privacy.sql", "0021_ops_metrics.sql"]);
    expect(parseUnapplied("✅ No migrations to apply!")).toEqual([]);
  });
});
