// GET /health: is every binding this deployment needs there and answering, and which one is not.
// Names only, never a value. Required checks decide the status (200 or 503, so a load balancer or
// uptime check can act on it); optional ones (email, metrics) are reported for the operator. The
// answer is kept per isolate for HEALTH_TTL_MS: the endpoint is public and must not become a way to
// hammer D1, KV and R2.
import type { HealthCheck, HealthReport } from "../../shared/ops.ts";
import type { Env } from "../env.ts";

/** The newest D1 migration this code reads or writes: deploy must have applied it (docs/deploy.md). */
export const REQUIRED_MIGRATION = "0070_outreach_availability.sql";
const HEALTH_TTL_MS = 15_000;

let cached: { at: number; report: HealthReport } | null = null;

async function probe(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.slice(0, 200) : "failed";
  }
}

const present = (v: unknown) => v !== undefined && v !== null && v !== "";

export async function healthReport(env: Env, now = Date.now()): Promise<HealthReport> {
  if (cached && now - cached.at < HEALTH_TTL_MS) return cached.report;
  const checks: HealthCheck[] = [];
  const add = (name: string, required: boolean, ok: boolean, detail: string) =>
    checks.push({ name, required, ok, detail });

  // D1: reachable, and migrated at least as far as this code needs.
  if (!env.DB) add("DB", true, false, "D1 binding DB is missing (wrangler.jsonc d1_databases)");
  else {
    let latest: string | null = null;
    let required = false;
    const err = await probe(async () => {
      const rows = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
      latest = rows.results[rows.results.length - 1]?.name ?? null;
      required = rows.results.some((r) => r.name === REQUIRED_MIGRATION);
    });
    if (err) add("DB", true, false, `D1 query failed: ${err}`);
    else if (!required)
      add(
        "DB",
        true,
        false,
        `migration ${REQUIRED_MIGRATION} is not applied (latest: ${latest ?? "none"}): npx wrangler d1 migrations apply edgedesk --remote`,
      );
    else add("DB", true, true, `D1 answers; latest migration ${latest}`);
  }

  if (!env.KB) add("KB", true, false, "KV binding KB is missing (wrangler.jsonc kv_namespaces)");
  else {
    const err = await probe(() => env.KB.get("health:probe"));
    add("KB", true, !err, err ? `KV read failed: ${err}` : "KV answers");
  }

  for (const name of ["CONVERSATION", "INBOX", "NOTIFIER", "KNOWLEDGE"] as const) {
    const ok = typeof env[name]?.idFromName === "function";
    add(name, true, ok, ok ? "Durable Object namespace bound" : `Durable Object binding ${name} is missing`);
  }

  add("SECRET", true, present(env.SECRET), present(env.SECRET) ? "set" : "missing: npx wrangler secret put SECRET");
  if (present(env.SECRET) && env.SECRET.length < 32)
    add("SECRET length", false, false, "shorter than 32 characters: use a longer random value");
  add(
    "ADMIN_TOKEN",
    true,
    present(env.ADMIN_TOKEN),
    present(env.ADMIN_TOKEN) ? "set" : "missing: npx wrangler secret put ADMIN_TOKEN",
  );

  // The production AI path is optional, but a mode that asks for a binding needs it.
  const hybrid = env.RETRIEVAL?.trim() === "hybrid";
  const llm = env.COMPOSER?.trim() === "llm" || env.SUMMARY?.trim() === "llm";
  if (hybrid || llm)
    add(
      "AI",
      true,
      !!env.AI,
      env.AI ? "Workers AI bound" : `${hybrid ? "RETRIEVAL=hybrid" : "the LLM composer"} needs the AI binding`,
    );
  if (hybrid)
    add(
      "VECTORIZE",
      true,
      !!env.VECTORIZE,
      env.VECTORIZE ? "Vectorize bound" : "RETRIEVAL=hybrid needs the VECTORIZE binding",
    );

  if (!env.ATTACHMENTS)
    add(
      "ATTACHMENTS",
      false,
      false,
      "R2 bucket not bound: no files are kept (email attachments, files attached in the chat)",
    );
  else {
    const err = await probe(() => env.ATTACHMENTS?.head("health:probe") ?? Promise.resolve(null));
    add("ATTACHMENTS", false, !err, err ? `R2 read failed: ${err}` : "R2 answers");
  }
  add(
    "SEND_EMAIL",
    false,
    !!env.SEND_EMAIL,
    env.SEND_EMAIL ? "send_email bound" : "send_email not bound: email replies are logged as failed",
  );
  add(
    "METRICS",
    false,
    !!env.METRICS || env.METRICS_D1 === "on",
    env.METRICS
      ? "Workers Analytics Engine bound"
      : env.METRICS_D1 === "on"
        ? "metrics kept in D1 (local)"
        : "no metrics store: bind analytics_engine_datasets METRICS",
  );

  const report: HealthReport = { ok: checks.every((c) => c.ok || !c.required), checks };
  cached = { at: now, report };
  return report;
}

/** Tests change bindings between calls. */
export function forgetHealth(): void {
  cached = null;
}
