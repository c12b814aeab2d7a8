// The demo workspace for local runs (`npm run dev`, the end-to-end harness, the benchmarks), made
// through the admin API like any operator would. Migrations seed nothing: a production database never
// gets a `demo` workspace, a public site key or a local mailbox it did not ask for (docs/security.md).
import type { Role } from "../../shared/api.ts";
import type { PersonSummary } from "../../shared/security.ts";
import { readKbDir } from "./kb-files.ts";
import { AdminError, admin } from "./worker.ts";

type Target = { url: string; adminToken: string };

export const DEMO_WORKSPACE = "demo";
/** Admin-API paths name their workspace; this one is the demo's. */
export const inDemo = (path: string): string => `${path}${path.includes("?") ? "&" : "?"}workspace=${DEMO_WORKSPACE}`;

/**
 * The `demo` workspace, its widget site (`demo_site`, allowed on `origins`), its help centre's site
 * key (`demo_portal`) and the support address the email fixtures write to. Safe to run again.
 */
export async function seedDemo(w: Target, origins: string[]): Promise<void> {
  await admin(w, "PUT", `/admin/v1/workspaces/${DEMO_WORKSPACE}`, { name: "Lumen (demo)" });
  await admin(w, "PUT", inDemo("/admin/v1/sites/demo_site"), { name: "Lumen demo site", allowedOrigins: origins });
  await admin(w, "PUT", inDemo("/admin/v1/sites/demo_portal"), {
    name: "Lumen help centre",
    allowedOrigins: [],
    portal: true,
  });
  await admin(w, "PUT", inDemo("/admin/v1/email-addresses/support@lumen.test"), {});
}

type NewAgent = { email: string; password: string; name: string; role: Role | string; teams?: string[] };

/**
 * Creates the agent, or (local runs only: the dev command starts with the same login every time) sets
 * an existing one's name, role and password through the owner's update route. "Create" itself never
 * overwrites an account.
 */
export async function ensureAgent(w: Target, a: NewAgent, workspace = DEMO_WORKSPACE): Promise<void> {
  try {
    await admin(w, "POST", `/admin/v1/agents?workspace=${workspace}`, a);
    return;
  } catch (e) {
    if (!(e instanceof AdminError && e.code === "email_taken")) throw e;
  }
  const { agents } = await admin<{ agents: PersonSummary[] }>(w, "GET", `/admin/v1/agents?workspace=${workspace}`);
  const found = agents.find((x) => x.email === a.email.toLowerCase());
  if (!found) throw new Error(`${a.email} has an account in another workspace`);
  await admin(w, "PATCH", `/admin/v1/agents/${found.id}?workspace=${workspace}`, {
    name: a.name,
    role: a.role,
    password: a.password,
    disabled: false,
  });
}

export type DevSeed = {
  /** The workspaces the state held before this run. */
  before: string[];
  /** Whether this run seeded the demo and published `kbDir` (only on empty state). */
  seeded: boolean;
  /** Articles published from `kbDir` when seeded. */
  published?: { articles: number; version: number };
  /** Whether the demo workspace exists after this run (its owner's login is then reset). */
  demo: boolean;
};

/**
 * What `npm run dev` does to its state: on empty state (no workspace at all) it seeds the demo and
 * publishes `kbDir` once; on any other state it publishes nothing and changes no site, so what was
 * edited or imported in the console survives a restart. `demo: false` leaves an empty state empty
 * (first-run set-up). The demo owner's login is reset whenever the demo workspace exists.
 */
export async function seedDevOnce(
  w: Target,
  opts: { origins: string[]; demo: boolean; kbDir: string; owner: NewAgent },
): Promise<DevSeed> {
  const { workspaces } = await admin<{ workspaces: { id: string }[] }>(w, "GET", "/admin/v1/workspaces");
  const before = workspaces.map((x) => x.id);
  let published: DevSeed["published"];
  const seeded = before.length === 0 && opts.demo;
  if (seeded) {
    await seedDemo(w, opts.origins);
    published = await admin<{ articles: number; version: number }>(w, "PUT", inDemo("/admin/v1/kb/articles"), {
      articles: readKbDir(opts.kbDir),
      replace: true,
    });
  }
  const demo = seeded || before.includes(DEMO_WORKSPACE);
  if (demo) await ensureAgent(w, opts.owner);
  return { before, seeded, demo, ...(published ? { published } : {}) };
}
