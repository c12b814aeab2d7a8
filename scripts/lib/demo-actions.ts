// The demo's actions (docs/actions.md): `npm run dev` (and the Chromium tests) start the Lumen account
// API on a free loopback port (account-api.ts) and point the demo workspace's actions at it: a secret
// with the API's key, four actions (plan and storage, invoices, an order's status, cancel the
// subscription), the articles in kb/actions/ that name them, and an identity secret on the demo site
// so the demo page can sign a customer in ("Sign in as Ana"). Run on every start: the API's port and
// key are new each time, so the secret is set again and the demo actions' loopback URLs re-pointed;
// anything an owner changed otherwise (other URLs, other actions, edited articles) is left as it is.
import type { ActionDefinitionInput, ActionList } from "../../shared/actions.ts";
import type { SiteSummary } from "../../shared/sites.ts";
import { inDemo } from "./demo-seed.ts";
import { readKbDir } from "./kb-files.ts";
import { admin } from "./worker.ts";

type Target = { url: string; adminToken: string };

const SECRET = "LUMEN_API_KEY";
const auth = { authorization: `Bearer {{secret.${SECRET}}}` };
const email = { name: "email", from: "identity", field: "email" } as const;

/** The demo's actions against the account API at `base`. */
export function demoActions(base: string): ActionDefinitionInput[] {
  return [
    {
      name: "my-plan",
      description: "The customer's plan, storage and renewal date",
      kind: "read",
      method: "GET",
      url: `${base}/accounts/{{email}}`,
      headers: auth,
      inputs: [email],
      response: {
        plan: "/plan/name",
        price: "/plan/price",
        interval: "/plan/interval",
        used: "/storage/usedGb",
        limit: "/storage/limitGb",
        status: "/status",
        renews: "/renewsAt",
      },
      answer:
        "You're on **{{plan}}** ({{price}} a {{interval}}), using {{used}} GB of your {{limit}} GB. Your subscription is {{status}} and renews on {{renews}}.",
      retries: 1,
      customerCard: true,
    },
    {
      name: "my-invoices",
      description: "The customer's last invoices",
      kind: "read",
      method: "GET",
      url: `${base}/accounts/{{email}}/invoices`,
      headers: auth,
      inputs: [email],
      response: { invoices: "/invoices" },
      answer:
        "{{#invoices}}- {{date}}: {{amount}}, {{status}} ({{id}})\n{{/invoices}}{{^invoices}}You have no invoices yet.{{/invoices}}",
      retries: 1,
    },
    {
      name: "order-status",
      description: "Where one of the customer's print orders is",
      kind: "read",
      method: "GET",
      url: `${base}/orders/{{order}}?email={{email}}`,
      headers: auth,
      inputs: [
        email,
        { name: "order", from: "customer", label: "Order number", pattern: "^[A-Za-z]{2}-\\d{4}$", maxLength: 7 },
      ],
      response: { status: "/status", carrier: "/carrier", eta: "/eta" },
      answer: "Order {{order}} is **{{status}}** with {{carrier}}, expected on {{eta}}.",
      retries: 1,
    },
    {
      name: "cancel-subscription",
      description: "Cancels the customer's subscription at the end of the paid period",
      kind: "write",
      method: "POST",
      url: `${base}/accounts/{{email}}/cancel`,
      headers: auth,
      inputs: [email],
      response: { plan: "/plan", until: "/effectiveAt" },
      confirm:
        "This cancels the subscription of **{{email}}**. You keep your plan until the end of the period you paid for; then your account moves to Free.",
      answer: "Done: your {{plan}} subscription is cancelled. You keep it until {{until}}.",
    },
  ];
}

const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d+(?=\/)/;

/**
 * Points the demo workspace at the account API `api` (its URL and key): the secret, the demo actions
 * (created when missing, their loopback origin moved when present), the demo site's identity secret,
 * and the articles of `articlesDir` when none of them is published yet. Returns what it did, for the
 * dev command's banner.
 */
export async function seedDemoActions(
  w: Target,
  api: { url: string; key: string },
  articlesDir = "kb/actions",
): Promise<{ created: string[]; repointed: string[]; articles: number }> {
  await admin(w, "PUT", inDemo(`/admin/v1/actions/secrets/${SECRET}`), { value: api.key });
  const { actions } = await admin<ActionList>(w, "GET", inDemo("/admin/v1/actions"));
  const created: string[] = [];
  const repointed: string[] = [];
  for (const d of demoActions(api.url)) {
    const have = actions.find((a) => a.name === d.name);
    if (!have) {
      await admin(w, "PUT", inDemo(`/admin/v1/actions/${d.name}`), d);
      created.push(d.name);
    } else if (LOOPBACK.test(have.url) && !have.url.startsWith(api.url)) {
      const { updatedAt: _u, updatedBy: _b, missingSecrets: _m, ...def } = have;
      await admin(w, "PUT", inDemo(`/admin/v1/actions/${d.name}`), {
        ...def,
        url: have.url.replace(LOOPBACK, api.url),
      });
      repointed.push(d.name);
    }
  }
  const { sites } = await admin<{ sites: SiteSummary[] }>(w, "GET", inDemo("/admin/v1/sites"));
  if (sites.find((s) => s.key === "demo_site")?.identitySecret === "none")
    await admin(w, "POST", inDemo("/admin/v1/sites/demo_site/identity-secret"));
  const articles = readKbDir(articlesDir);
  const { articles: published } = await admin<{ articles: { id: string }[] }>(
    w,
    "GET",
    inDemo("/admin/v1/kb/articles"),
  );
  const missing = !articles.some((a) => published.some((p) => p.id === a.id));
  if (missing) await admin(w, "PUT", inDemo("/admin/v1/kb/articles"), { articles, replace: false });
  return { created, repointed, articles: missing ? articles.length : 0 };
}
