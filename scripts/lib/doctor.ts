// The checks of `npm run doctor` (scripts/doctor.ts), as pure functions of what it found: the
// deployment's wrangler.jsonc, the Durable Object classes the worker exports, and, when it could ask
// Cloudflare, the secrets set, the migrations not yet applied, the support addresses and /health.

export type Level = "pass" | "warn" | "fail" | "skip";
export type Finding = { level: Level; name: string; detail: string };

/** The parts of wrangler.jsonc the checks read. */
export type WranglerConfig = {
  name?: string;
  main?: string;
  vars?: Record<string, string>;
  durable_objects?: { bindings?: { name: string; class_name: string }[] };
  migrations?: { tag: string; new_sqlite_classes?: string[]; new_classes?: string[]; renamed_classes?: unknown[] }[];
  d1_databases?: { binding: string; database_name: string; database_id: string; migrations_dir?: string }[];
  kv_namespaces?: { binding: string; id: string }[];
  r2_buckets?: { binding: string; bucket_name: string }[];
  send_email?: { name: string }[];
  analytics_engine_datasets?: { binding: string; dataset: string }[];
  ai?: { binding: string };
  vectorize?: { binding: string; index_name: string }[];
  triggers?: { crons?: string[] };
  limits?: { cpu_ms?: number };
  observability?: { enabled?: boolean };
};

export type RemoteFacts = {
  /** Names of the secrets set on the deployed worker. */
  secrets?: string[];
  /** Migration files not applied to the remote D1 yet. */
  unapplied?: string[];
  /** Rows of email_addresses in the remote D1. */
  supportAddresses?: string[];
  /** GET /health of the deployment. */
  health?: { status: number; checks: { name: string; ok: boolean; required: boolean; detail: string }[] };
  /** Why a remote fact could not be read, by fact. */
  errors?: Partial<Record<"secrets" | "migrations" | "addresses" | "health", string>>;
};

/** JSON with comments and trailing commas (wrangler.jsonc) → JSON. Strings are left alone. */
export function stripJsonc(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 2;
      if (i < 2) break;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

const PLACEHOLDER = /^0+(-0+)*$/;

export function configFindings(cfg: WranglerConfig, exportedClasses: string[]): Finding[] {
  const f: Finding[] = [];
  const add = (level: Level, name: string, detail: string) => f.push({ level, name, detail });

  const db = cfg.d1_databases?.find((d) => d.binding === "DB");
  if (!db) add("fail", "D1 database", "no d1_databases entry with binding DB");
  else if (PLACEHOLDER.test(db.database_id))
    add(
      "fail",
      "D1 database",
      `database_id is still the placeholder: npx wrangler d1 create ${db.database_name}, then put its id in wrangler.jsonc`,
    );
  else add("pass", "D1 database", `${db.database_name} (${db.database_id})`);

  const kv = cfg.kv_namespaces?.find((k) => k.binding === "KB");
  if (!kv) add("fail", "KV namespace", "no kv_namespaces entry with binding KB");
  else if (PLACEHOLDER.test(kv.id))
    add(
      "fail",
      "KV namespace",
      "id is still the placeholder: npx wrangler kv namespace create KB, then put its id in wrangler.jsonc",
    );
  else add("pass", "KV namespace", kv.id);

  // Every Durable Object class the worker exports must be bound and created by a migration, or the
  // deploy fails (not bound) or the binding points at nothing (no migration).
  const bound = new Map((cfg.durable_objects?.bindings ?? []).map((b) => [b.class_name, b.name]));
  const migrated = new Set(
    (cfg.migrations ?? []).flatMap((m) => [...(m.new_sqlite_classes ?? []), ...(m.new_classes ?? [])]),
  );
  const tags = (cfg.migrations ?? []).map((m) => m.tag);
  const problems: string[] = [];
  for (const cls of exportedClasses) {
    if (!bound.has(cls)) problems.push(`${cls} is exported but not bound (durable_objects.bindings)`);
    if (!migrated.has(cls))
      problems.push(`${cls} has no migration creating it (add a new migrations entry; never edit a shipped one)`);
  }
  for (const cls of bound.keys())
    if (!exportedClasses.includes(cls)) problems.push(`${cls} is bound but the worker does not export it`);
  if (new Set(tags).size !== tags.length) problems.push("two migrations share a tag");
  if (problems.length) add("fail", "Durable Objects", problems.join("; "));
  else add("pass", "Durable Objects", `${exportedClasses.length} classes bound and migrated (${tags.join(", ")})`);

  const vars = cfg.vars ?? {};
  const hybrid = vars.RETRIEVAL?.trim() === "hybrid";
  const llm = vars.COMPOSER?.trim() === "llm" || vars.SUMMARY?.trim() === "llm";
  if (hybrid || llm) {
    const missing = [!cfg.ai && "ai", hybrid && !cfg.vectorize?.length && "vectorize"].filter(Boolean);
    if (missing.length)
      add(
        "fail",
        "AI bindings",
        `${hybrid ? "RETRIEVAL=hybrid" : "COMPOSER/SUMMARY=llm"} needs ${missing.join(" and ")} in wrangler.jsonc`,
      );
    else add("pass", "AI bindings", `Workers AI${hybrid ? " and Vectorize" : ""} bound`);
  } else add("pass", "AI bindings", "embedded engine and extractive answers: no AI binding needed");

  if (!cfg.send_email?.length || !cfg.r2_buckets?.some((b) => b.binding === "ATTACHMENTS"))
    add("warn", "Email channel", "send_email and the ATTACHMENTS bucket are both needed for email (docs/email.md)");
  else
    add(
      "pass",
      "Email channel",
      "send_email bound; attachments in R2 " +
        (cfg.r2_buckets?.find((b) => b.binding === "ATTACHMENTS")?.bucket_name ?? ""),
    );

  if (!cfg.triggers?.crons?.length)
    add("warn", "Scheduled jobs", "no cron trigger: retention never runs (triggers.crons, docs/privacy.md)");
  else add("pass", "Scheduled jobs", `crons ${cfg.triggers.crons.join(", ")}`);

  if (!cfg.analytics_engine_datasets?.some((d) => d.binding === "METRICS"))
    add("warn", "Metrics", "no analytics_engine_datasets METRICS binding: the operations page stays empty");
  else
    add(
      "pass",
      "Metrics",
      `Analytics Engine dataset ${cfg.analytics_engine_datasets.find((d) => d.binding === "METRICS")?.dataset}`,
    );
  if (vars.METRICS_D1 === "on")
    add("fail", "Metrics", "METRICS_D1=on writes every metric to D1: a local setting, remove it from vars");
  if (vars.LOG_CUSTOMER_DATA === "on")
    add("warn", "Logs", "LOG_CUSTOMER_DATA=on puts customer text and addresses in the logs");
  if (vars.SECRET || vars.ADMIN_TOKEN)
    add("fail", "Secrets", "SECRET / ADMIN_TOKEN are in vars (plain text in the config): use wrangler secret put");

  if (!cfg.limits?.cpu_ms)
    add("warn", "CPU limit", "no limits.cpu_ms: publishing a large KB may exceed the default 30 s");
  if (!cfg.observability?.enabled)
    add("warn", "Observability", "observability.enabled is off: no logs in the dashboard");
  return f;
}

export function remoteFindings(r: RemoteFacts | null, migrationFiles: string[]): Finding[] {
  if (!r)
    return [
      {
        level: "skip",
        name: "Deployment",
        detail:
          "secrets, migrations, support addresses and /health not checked: run npm run doctor -- --remote [--url https://…] after wrangler login",
      },
    ];
  const f: Finding[] = [];
  const add = (level: Level, name: string, detail: string) => f.push({ level, name, detail });
  if (r.errors?.secrets) add("fail", "Secrets", `could not list secrets: ${r.errors.secrets}`);
  else if (r.secrets) {
    const missing = ["SECRET", "ADMIN_TOKEN"].filter((s) => !r.secrets?.includes(s));
    if (missing.length) add("fail", "Secrets", `missing ${missing.join(", ")}: npx wrangler secret put ${missing[0]}`);
    else add("pass", "Secrets", "SECRET and ADMIN_TOKEN set");
    const ops = ["CF_ACCOUNT_ID", "CF_API_TOKEN"].filter((s) => !r.secrets?.includes(s));
    if (ops.length)
      add(
        "warn",
        "Operations page",
        `set ${ops.join(" and ")} (secrets) so the operations page can read Analytics Engine`,
      );
  }
  if (r.errors?.migrations) add("fail", "D1 migrations", `could not list migrations: ${r.errors.migrations}`);
  else if (r.unapplied) {
    if (r.unapplied.length)
      add(
        "fail",
        "D1 migrations",
        `${r.unapplied.length} not applied (${r.unapplied.join(", ")}): npx wrangler d1 migrations apply edgedesk --remote`,
      );
    else add("pass", "D1 migrations", `all ${migrationFiles.length} applied`);
  }
  if (r.errors?.addresses) add("warn", "Email routing", `could not read support addresses: ${r.errors.addresses}`);
  else if (r.supportAddresses) {
    const real = r.supportAddresses.filter((a) => !/\.(test|example|invalid|localhost)$/i.test(a));
    if (!real.length)
      add(
        "warn",
        "Email routing",
        "no support address of yours in email_addresses (only the demo's): add one, then route it to this Worker in Email Routing",
      );
    else add("pass", "Email routing", `${real.join(", ")}: make sure Email Routing sends each to this Worker`);
  }
  if (r.errors?.health) add("fail", "Health", `GET /health failed: ${r.errors.health}`);
  else if (r.health) {
    const bad = r.health.checks.filter((c) => !c.ok);
    const req = bad.filter((c) => c.required);
    if (r.health.status !== 200 || req.length)
      add("fail", "Health", req.map((c) => `${c.name}: ${c.detail}`).join("; ") || `status ${r.health.status}`);
    else
      add(
        bad.length ? "warn" : "pass",
        "Health",
        bad.length ? bad.map((c) => `${c.name}: ${c.detail}`).join("; ") : "every binding answers",
      );
  }
  return f;
}

/** `export { FooDO } from …` lines of worker/index.ts: the Durable Object classes wrangler binds. */
export function exportedDurableObjects(indexSource: string): string[] {
  return [...indexSource.matchAll(/^export\s*\{\s*(\w+)\s*\}\s*from/gm)].map((m) => m[1] as string);
}

/** Names listed by `wrangler d1 migrations list --remote` as still to apply. */
export function parseUnapplied(output: string): string[] {
  if (/No migrations to apply/i.test(output)) return [];
  return [...output.matchAll(/\b(\d{4}_[\w-]+\.sql)\b/g)].map((m) => m[1] as string);
}
