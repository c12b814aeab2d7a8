// `npm run dev` keeps your work (scripts/dev.ts → scripts/lib/demo-seed.ts seedDevOnce): the demo is
// seeded and kb/ published on empty state only; after a restart on the same state, an article edited
// and one imported since are still there, untouched. `--no-demo` leaves an empty state empty, for
// first-run set-up. Real `wrangler dev` with its state on disk, like the dev command; no browser.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { Article } from "../../shared/article.ts";
import { inDemo, seedDevOnce } from "../../scripts/lib/demo-seed.ts";
import { readKbDir } from "../../scripts/lib/kb-files.ts";
import { admin, type LocalWorker, startWorker } from "../../scripts/lib/worker.ts";

const OWNER = { email: "dev-owner@lumen.example", password: "dev-owner-password", name: "Dev Owner", role: "owner" };
const TOKEN = "dev-keeps-work-admin-token";
const dirs: string[] = [];
let running: LocalWorker | undefined;
afterAll(async () => {
  await running?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(state: string): Promise<LocalWorker> {
  running = await startWorker({ persistTo: state, quiet: true, vars: { ADMIN_TOKEN: TOKEN } });
  return running;
}
async function stop(w: LocalWorker): Promise<void> {
  await w.stop();
  running = undefined;
}
const articles = async (w: LocalWorker) =>
  (await admin<{ articles: Article[] }>(w, "GET", inDemo("/admin/v1/kb/articles"))).articles;

it("seeds the demo once, and a restart keeps articles edited and imported since", async () => {
  const state = mkdtempSync(join(tmpdir(), "edgedesk-dev-state-"));
  dirs.push(state);
  const kb = readKbDir("kb");
  const first = await start(state);
  const seeded = await seedDevOnce(first, { origins: [first.url], demo: true, kbDir: "kb", owner: OWNER });
  expect(seeded).toMatchObject({ before: [], seeded: true, demo: true });
  expect(seeded.published?.articles).toBe(kb.length);

  // The owner's work: one article of the demo edited, one imported.
  const edited = { ...(kb[0] as Article), title: "Edited in the console", body: "Our own words now." };
  const imported = { id: "imported-article", title: "Imported", body: "From our old help centre." };
  await admin(first, "PUT", inDemo("/admin/v1/kb/articles"), { articles: [edited, imported] });
  await stop(first);

  const second = await start(state);
  const again = await seedDevOnce(second, { origins: [second.url], demo: true, kbDir: "kb", owner: OWNER });
  expect(again).toEqual({ before: ["demo"], seeded: false, demo: true });
  const after = await articles(second);
  expect(after).toHaveLength(kb.length + 1);
  expect(after.find((a) => a.id === edited.id)).toMatchObject({
    title: "Edited in the console",
    body: "Our own words now.",
  });
  expect(after.find((a) => a.id === "imported-article")?.title).toBe("Imported");
  // The demo owner's login still works (reset each run, a local convenience).
  const login = await fetch(`${second.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
  });
  expect(login.status).toBe(200);
  await stop(second);
}, 240_000); // two `wrangler dev` starts (migrations, then the worker), each up to a minute on a busy machine

it("leaves an empty state empty with --no-demo, so the console opens set-up", async () => {
  const state = mkdtempSync(join(tmpdir(), "edgedesk-dev-state-"));
  dirs.push(state);
  const w = await start(state);
  const r = await seedDevOnce(w, { origins: [w.url], demo: false, kbDir: "kb", owner: OWNER });
  expect(r).toEqual({ before: [], seeded: false, demo: false });
  expect((await admin<{ workspaces: unknown[] }>(w, "GET", "/admin/v1/workspaces")).workspaces).toEqual([]);
  expect(await (await fetch(`${w.url}/api/setup`)).json()).toEqual({ open: true });
  await stop(w);
}, 120_000);
