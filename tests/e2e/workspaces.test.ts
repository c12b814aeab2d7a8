// One person in two workspaces, in Chromium against `wrangler dev` (issue 16, Workspaces): the owner
// of workspace A (the demo) invites the owner of workspace B by email; B's owner, signed in to B,
// opens the mailed link and joins A with their own account (no new password), switches to A in the
// header, sees A's inbox with A's conversation as an agent there, and switches back to B's (empty)
// inbox as its owner. A's owner sees them among A's people without password or two-factor actions.
// Then B's owner creates a third workspace from Settings → Workspace and lands on its checklist.
// Screenshots go to test-results/ (E2E_SCREENSHOTS=docs/img refreshes the docs' own).
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { mailedLink } from "./desk.ts";
import { startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const OWNER_A = {
  email: "e2e-ws-owner-a@lumen.example",
  password: "owner a's password",
  name: "Ana Owner",
  role: "owner",
};
const OWNER_B = { email: "bea@acme-b.example", password: "bea's own password", name: "Bea Owner", role: "owner" };
const B = { id: "acme-b", name: "Acme B" };

let h: Harness;
const problems: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), OWNER_A);
  await admin(h.worker, "PUT", `/admin/v1/workspaces/${B.id}`, { name: B.name });
  await admin(h.worker, "POST", `/admin/v1/agents?workspace=${B.id}`, OWNER_B);
  // A conversation waiting for a person in A (the demo workspace): what A's inbox shows.
  const c = (await (
    await fetch(`${h.worker.url}/v1/conversations?site=demo_site`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: h.worker.url },
      body: JSON.stringify({ locale: "en" }),
    })
  ).json()) as { id: string; token: string };
  const r = await fetch(`${h.worker.url}/v1/conversations/${c.id}/handoff?site=demo_site`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: h.worker.url, authorization: `Bearer ${c.token}` },
    body: JSON.stringify({ reason: "customer-requested" }),
  });
  expect(r.status).toBeLessThan(300);
});
afterAll(async () => h?.stop());

async function context(): Promise<{ ctx: BrowserContext; p: Page }> {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  p.on("pageerror", (e) => problems.push(String(e)));
  return { ctx, p };
}

const inviteLinkTo = (to: string): string | null => mailedLink(h.worker, to, "invite")?.url ?? null;

const switcher = (p: Page) => p.getByTestId("workspace-switcher");
/** The role in the current workspace: the header's label, or the switcher's option once it shows. */
const role = async (p: Page) =>
  (await switcher(p).count())
    ? /· (\w+)$/.exec((await switcher(p).locator("option:checked").textContent()) ?? "")?.[1]
    : (await p.locator(".who-role").textContent())?.toLowerCase();

let bea: { ctx: BrowserContext; p: Page };

it("the owner of B joins A by invitation while signed in, switches to A in the header, sees A's inbox and switches back", async () => {
  const ana = await context();
  await signIn(ana.p, h.worker.url, OWNER_A);
  await ana.p.getByTestId("agent-name").waitFor();
  await ana.p.goto(`${h.worker.url}/console/#/settings/people`);
  await ana.p.getByTestId("invite-form").waitFor();
  await ana.p.getByTestId("invite-email").fill(OWNER_B.email);
  await ana.p.getByTestId("invite-send").click();
  await ana.p.getByTestId("invite-sent").waitFor();
  await expect.poll(() => inviteLinkTo(OWNER_B.email), { timeout: 10_000 }).not.toBeNull();
  const link = inviteLinkTo(OWNER_B.email) as string;

  bea = await context();
  await signIn(bea.p, h.worker.url, OWNER_B);
  await bea.p.getByTestId("inbox-empty").waitFor();
  expect(await role(bea.p)).toBe("owner");
  // One workspace: no switcher.
  await bea.p.waitForLoadState("networkidle");
  expect(await switcher(bea.p).count()).toBe(0);

  // The mailed link, opened in the browser where Bea is signed in to B: she joins with her account.
  await bea.p.goto(link);
  await bea.p.getByTestId("invite-join-card").waitFor();
  expect(await bea.p.getByTestId("invite-email").textContent()).toBe(OWNER_B.email);
  expect(await bea.p.getByTestId("link-password").count()).toBe(0); // no new password is asked for
  await bea.p.getByTestId("invite-join").click();
  await bea.p.getByTestId("invite-joined").waitFor();
  await bea.p.getByTestId("invite-stay").click();
  await bea.p.getByTestId("inbox-empty").waitFor();

  // The switcher appears in the header; Bea switches to A.
  await switcher(bea.p).waitFor();
  expect(await switcher(bea.p).inputValue()).toBe(B.id);
  expect(await switcher(bea.p).locator("option").allTextContents()).toEqual([
    `${B.name} · owner`,
    "Lumen (demo) · agent",
  ]);
  await switcher(bea.p).selectOption("demo");
  await expect.poll(() => bea.p.getByTestId("inbox-row").count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => switcher(bea.p).inputValue(), { timeout: 10_000 }).toBe("demo");
  expect(await role(bea.p)).toBe("agent");
  // An agent in A: no owner pages in the header there.
  expect(await bea.p.getByTestId("nav-analytics").count()).toBe(0);
  await bea.p.locator("header.topbar").screenshot({ path: `${SHOTS}/workspace-switcher.png` });
  await bea.p.screenshot({ path: `${SHOTS}/workspace-switched.png` });

  // A's owner sees Bea among A's people, joined from another workspace: no password or two-factor actions.
  await ana.p.reload();
  const row = ana.p.locator(`[data-testid="person"][data-email="${OWNER_B.email}"]`);
  await row.waitFor();
  expect(await row.getAttribute("data-member")).toBe("true");
  expect(await row.textContent()).toMatch(/Joined from another workspace/);
  expect(await row.getByRole("button", { name: "Set password" }).count()).toBe(0);
  expect(await row.getByTestId("person-reset-link").count()).toBe(0);

  // Back to B: its own (empty) inbox, as its owner.
  await switcher(bea.p).selectOption(B.id);
  await bea.p.getByTestId("inbox-empty").waitFor({ timeout: 15_000 });
  await expect.poll(() => switcher(bea.p).inputValue(), { timeout: 10_000 }).toBe(B.id);
  expect(await role(bea.p)).toBe("owner");
  await ana.ctx.close();
});

it("an owner creates a further workspace from Settings → Workspace and lands on its checklist", async () => {
  await bea.p.goto(`${h.worker.url}/console/#/settings/workspace`);
  const form = bea.p.getByTestId("workspace-create");
  await form.waitFor();
  // The address follows the name; a taken one is refused at its field.
  await bea.p.getByTestId("workspace-create-name").fill("Acme B");
  expect(await bea.p.getByTestId("workspace-create-address").inputValue()).toBe("acme-b");
  await bea.p.getByTestId("workspace-create-submit").click();
  await bea.p.getByTestId("workspace-create-address-error").waitFor();
  await bea.p.getByTestId("workspace-create-name").fill("Acme Labs");
  await bea.p.getByTestId("workspace-create-address").fill("acme-labs");
  expect(await bea.p.getByTestId("workspace-create-address-error").count()).toBe(0);
  await form.screenshot({ path: `${SHOTS}/workspace-create.png` });
  await bea.p.getByTestId("workspace-create-submit").click();

  await bea.p.locator("[data-testid=checklist][data-loaded=true]").waitFor({ timeout: 15_000 });
  expect(bea.p.url()).toContain("#/start");
  expect(await bea.p.getByTestId("checklist-progress").textContent()).toBe("0 of 5 done");
  await expect.poll(() => switcher(bea.p).inputValue(), { timeout: 10_000 }).toBe("acme-labs");
  expect(await switcher(bea.p).locator("option").count()).toBe(3);
  const list = await admin<{ workspaces: { id: string; people: number; sites: number }[] }>(
    h.worker,
    "GET",
    "/admin/v1/workspaces",
  );
  expect(list.workspaces.find((w) => w.id === "acme-labs")).toMatchObject({ people: 1, sites: 2 });
  await bea.ctx.close();
  expect(problems).toEqual([]);
});

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;
/** axe-core's violations on the page (the tags of tests/e2e/axe.test.ts), as "rule @ targets" lines. */
async function violations(p: Page): Promise<string[]> {
  await p.addScriptTag({ content: axeSource });
  return p.evaluate(async () => {
    type Rule = { id: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(d: Document, o: unknown): Promise<{ violations: Rule[] }> } }).axe;
    const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
    const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} @ ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
}

it("has no axe violation in the header with the switcher nor on Settings → Workspace with the create form", async () => {
  // axe's script is injected, so this context lets it past the page's CSP (as tests/e2e/axe.test.ts does).
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
  const p = await ctx.newPage();
  await signIn(p, h.worker.url, OWNER_B);
  await switcher(p).waitFor();
  await p.getByTestId("inbox-empty").or(p.getByTestId("inbox-list")).first().waitFor();
  expect(await violations(p)).toEqual([]);
  await p.goto(`${h.worker.url}/console/#/settings/workspace`);
  await p.getByTestId("workspace-create").waitFor();
  expect(await violations(p)).toEqual([]);
  // The check can fail: a select without a name (what the switcher would be without its label) is caught.
  await p.evaluate(() => document.querySelector("main")?.append(document.createElement("select")));
  expect((await violations(p)).join("\n")).toMatch(/select-name/);
  await ctx.close();
});
