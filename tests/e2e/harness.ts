// The pieces every browser test needs: the worker under wrangler dev (fresh state), a host website on
// another origin that embeds the widget, and Debian's Chromium.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
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
function hostPage(workerUrl: string, locale?: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme shop</title>
<style>* { color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important; font-size: 40px; }
button { background: lime !important; } textarea, input { display: none !important; } a { text-decoration: line-through; }</style></head>
<body><h1>Acme shop</h1><p id="host-text">The host page's own content.</p>
<script src="${workerUrl}/widget.js" data-site="${SITE}"${locale ? ` data-locale="${locale}"` : ""} async></script></body></html>`;
}

export async function startHarness(
  ports: { worker: number; host: number },
  vars: Record<string, string> = {},
): Promise<Harness> {
  const state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-"));
  const worker = await startWorker({
    port: ports.worker,
    persistTo: state,
    quiet: true,
    vars: { STREAM_DELAY_MS: "15", ...vars },
  });
  const hostUrl = `http://127.0.0.1:${ports.host}`;
  await admin(worker, "PUT", "/admin/v1/kb/articles", { articles: readKbDir("kb"), replace: true });
  await admin(worker, "POST", "/admin/v1/agents", AGENT);
  await admin(worker, "PUT", `/admin/v1/sites/${SITE}`, { name: "Acme shop", allowedOrigins: [hostUrl] });
  const host = createServer((req, res) => {
    const u = new URL(req.url ?? "/", hostUrl);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(hostPage(worker.url, u.searchParams.get("locale") ?? undefined));
  });
  await new Promise<void>((r) => host.listen(ports.host, "127.0.0.1", r));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
  const stop = async () => {
    await browser.close();
    await new Promise((r) => host.close(r));
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
  };
  return { worker, host, hostUrl, browser, stop };
}
