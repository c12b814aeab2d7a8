// The operations report's arithmetic (worker/ops/summary.ts): buckets of the window, percentiles,
// counts by label, errors by route; the Analytics Engine SQL it sends and how its answer is read.
import { describe, expect, it } from "vitest";
import { aeQuery, aeRows, type MetricRow, summarise, windowStart } from "./summary.ts";

const NOW = Date.UTC(2026, 11, 6, 10, 7, 30);
const row = (minsAgo: number, name: string, label: string, label2: string, value: number): MetricRow => ({
  t: NOW - minsAgo * 60_000,
  name,
  label,
  label2,
  n: 1,
  values: [value],
});
const backlog = { pending: 2, dead: 1, oldestPendingAt: NOW - 5000 };

describe("summarise", () => {
  const rows = [
    ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 1000].map((v) => row(1, "first_token", "chat", "", v)),
    row(12, "first_token", "chat", "", 15),
    row(90, "first_token", "chat", "", 9999), // before the hour: left out
    row(2, "http", "POST /v1/conversations/:id/messages", "202", 30),
    row(3, "http", "POST /v1/conversations/:id/messages", "202", 50),
    row(4, "http", "GET /api/inbox", "500", 5),
    row(4, "http", "GET /api/inbox", "500", 7),
    row(5, "answer", "answer", "answer", 1),
    row(5, "answer", "handoff", "low-confidence", 1),
    row(6, "answer", "answer", "answer", 1),
    row(6, "handoff", "low-confidence", "", 1),
    row(7, "webhook", "delivered", "webhook", 40),
    row(8, "webhook", "dead", "webhook", 10),
  ];
  const r = summarise(rows, "hour", NOW, "d1", backlog);

  it("has twelve 5-minute buckets ending with the current one", () => {
    expect(r.firstToken).toHaveLength(12);
    expect(r.from).toBe(windowStart("hour", NOW));
    expect(r.firstToken[11]?.t).toBe(Date.UTC(2026, 11, 6, 10, 5));
    expect(r.firstToken[0]?.t).toBe(Date.UTC(2026, 11, 6, 9, 10));
  });

  it("gives each bucket its count, p50 and p95 (nearest rank)", () => {
    expect(r.firstToken[11]).toMatchObject({ n: 10, p50: 50, p95: 1000 });
    expect(r.firstToken[9]).toMatchObject({ n: 1, p50: 15, p95: 15 });
    expect(r.firstToken[0]).toMatchObject({ n: 0, p50: null, p95: null });
  });

  it("counts decisions, handoff reasons, webhook outcomes; errors and latency by route", () => {
    expect(r.answers).toEqual([
      { label: "answer", n: 2 },
      { label: "handoff", n: 1 },
    ]);
    expect(r.handoffs).toEqual([{ label: "low-confidence", n: 1 }]);
    expect(r.webhooks).toEqual([
      { label: "dead", n: 1 },
      { label: "delivered", n: 1 },
    ]);
    expect(r.errorsByRoute).toEqual([{ label: "GET /api/inbox → 500", n: 2 }]);
    expect(r.latencyByRoute).toEqual([
      { label: "GET /api/inbox", n: 2, p95: 7 },
      { label: "POST /v1/conversations/:id/messages", n: 2, p95: 50 },
    ]);
    expect(r.backlog).toEqual(backlog);
  });

  it("has 24 hourly buckets for the day", () => {
    const day = summarise(rows, "day", NOW, "d1", backlog);
    expect(day.firstToken).toHaveLength(24);
    expect(day.firstToken[23]).toMatchObject({ n: 10 });
    expect(day.firstToken[22]).toMatchObject({ n: 1, p50: 15 });
    expect(day.firstToken[21]).toMatchObject({ n: 1, p50: 9999 });
  });
});

describe("Analytics Engine", () => {
  it("asks the SQL API for weighted counts and percentiles per bucket, scoped to the workspace", () => {
    const sql = aeQuery("edgedesk_metrics", "hour", "o'brien");
    expect(sql).toContain("intDiv(toUInt32(timestamp), 300) * 300 AS t");
    expect(sql).toContain("SUM(_sample_interval) AS n");
    expect(sql).toContain("quantileExactWeighted(0.95)(double1, _sample_interval) AS p95");
    expect(sql).toContain("INTERVAL '60' MINUTE AND blob4 IN ('o\\'brien', '')");
    expect(aeQuery("edgedesk_metrics", "day", null)).not.toContain("blob4");
  });

  it("reads its answer into the same rows as D1's", async () => {
    const seen: { url: string; auth: string | null; body: string }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get("authorization"), body: String(init.body) });
      return new Response(
        JSON.stringify({
          data: [
            {
              t: String(Math.floor(NOW / 1000)),
              name: "first_token",
              label: "chat",
              label2: "",
              n: "40",
              p50: 12,
              p95: 80,
            },
          ],
        }),
      );
    }) as unknown as typeof fetch;
    const rows = await aeRows(
      { accountId: "acc123", token: "tok456", dataset: "edgedesk_metrics" },
      "hour",
      "demo",
      fake,
    );
    expect(seen[0]?.url).toBe("https://api.cloudflare.com/client/v4/accounts/acc123/analytics_engine/sql");
    expect(seen[0]?.auth).toBe("Bearer tok456");
    expect(seen[0]?.body).toContain("FROM edgedesk_metrics");
    expect(rows[0]).toMatchObject({ name: "first_token", n: 40 });
    const r = summarise(rows, "hour", NOW, "analytics-engine", backlog);
    expect(r.firstToken[11]).toMatchObject({ n: 40, p50: 12, p95: 80 });
  });
});
