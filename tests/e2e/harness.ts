// The pieces every browser test needs: the worker under wrangler dev (fresh state), a host website on
// another origin that embeds the widget, and Debian's Chromium.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../scripts/lib/browser.ts";
import { inDemo, seedDemo } from "../../scripts/lib/demo-seed.ts";
import { readKbDir } from "../../scripts/lib/kb-files.ts";
import { admin, startWorker, type LocalWorker } from "../../scripts/lib/worker.ts";

export const AGENT = {
  email: "e2e-agent@lumen.example",
  password: "e2e-agent-password",
  name: "Sam Agent",
  role: "agent",
};
export const SITE = "e2e_site";

export type Harness = {
  worker: LocalWorker;
  host: Server;
  hostUrl: string;
  browser: Browser;
  stop: () => Promise<void>;
};

/** A customer's website: its own origin, CSS that would wreck an unisolated widget, and the one embed tag. */
function hostPage(workerUrl: string, locale?: string, site = SITE): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme shop</title>
<style>* { color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important; font-size: 40px; }
button { background: lime !important; } textarea, input { display: none !important; } a { text-decoration: line-through; }</style></head>
<body><h1>Acme shop</h1><p id="host-text">The host page's own content.</p>
<script src="${workerUrl}/widget.js" data-site="${site}"${locale ? ` data-locale="${locale}"` : ""} async></script></body></html>`;
}

/**
 * Starts Chromium and, meanwhile, the worker (fresh state) and the host page. Whatever step throws,
 * what the others started is stopped before the error goes on: a failed launch leaves no
 * `wrangler dev` or workerd behind.
 */
export async function startHarness(
  vars: Record<string, string> = {},
  { seed = true }: { seed?: boolean } = {},
): Promise<Harness> {
  const undo: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // keep stopping the rest
      }
    }
  };
  try {
    // Chromium starts while the worker does (each takes a while, neither needs the other).
    const launching = launchChromium();
    launching.catch(() => undefined); // awaited below; a failure is thrown there
    undo.push(async () => (await launching.catch(() => null))?.close());
    const state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-"));
    undo.push(() => rmSync(state, { recursive: true, force: true }));
    const worker = await startWorker({ persistTo: state, quiet: true, vars: { STREAM_DELAY_MS: "15", ...vars } });
    undo.push(() => worker.stop());
    const host = createServer((req, res) => {
      const u = new URL(req.url ?? "/", hostUrl);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(hostPage(worker.url, u.searchParams.get("locale") ?? undefined, u.searchParams.get("site") ?? SITE));
    });
    const hostUrl = await listen(host);
    undo.push(() => new Promise<void>((r) => host.close(() => r())));
    // Migrations seed no demo data: the harness makes its own, as `npm run dev` does (unless the test
    // starts from an empty deployment: first-run set-up, tests/e2e/setup.test.ts).
    if (seed) {
      await seedDemo(worker, [worker.url]);
      await admin(worker, "PUT", inDemo("/admin/v1/kb/articles"), { articles: readKbDir("kb"), replace: true });
      await admin(worker, "POST", inDemo("/admin/v1/agents"), AGENT);
      await admin(worker, "PUT", inDemo(`/admin/v1/sites/${SITE}`), { name: "Acme shop", allowedOrigins: [hostUrl] });
    }
    const browser = await launching;
    return { worker, host, hostUrl, browser, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Listens on a free loopback port; resolves with the server's origin. */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve(`http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`);
    });
  });
}
