// Hand-run Chromium smoke check of the built widget (`npm run build:widget` first):
//   node scripts/widget-smoke.mjs [outDir]
// Serves a hostile host page (`* { color: red; font-size: 40px }`) plus a fake /v1 backend with a
// dependency-free WebSocket, drives the widget through a streamed answer, a handoff and an agent
// reply, checks the shadow DOM is untouched by host CSS, and writes screenshots to outDir.
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFileSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const outDir = process.argv[2] ?? "test-results/widget-smoke";
mkdirSync(outDir, { recursive: true });

// ---- fake backend -------------------------------------------------------------------------------
const TOKEN = `tok_${"x".repeat(24)}`;
const events = [];
let seq = 0;
const sockets = new Set();
const push = (e) => {
  const ev = { seq: ++seq, at: Date.now(), ...e };
  events.push(ev);
  broadcast({ t: "event", event: ev });
  return ev;
};
const broadcast = (f) => {
  for (const s of sockets) s.sendText(JSON.stringify(f));
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function streamAnswer(text, sources) {
  const id = `m${Math.random().toString(36).slice(2)}`;
  for (let i = 0; i < text.length; i += 6) {
    broadcast({ t: "delta", id, offset: i, text: text.slice(i, i + 6) });
    await sleep(15);
  }
  push({ type: "message", id, author: "bot", text, sources, action: "answer" });
}

async function onClientFrame(sock, f) {
  if (f.t === "send") {
    const dup = events.find((e) => e.clientId === f.clientId);
    if (dup) return sock.sendText(JSON.stringify({ t: "ack", clientId: f.clientId, seq: dup.seq, duplicate: true }));
    const ev = push({ type: "message", id: `c${seq}`, author: "customer", text: f.text, clientId: f.clientId });
    sock.sendText(JSON.stringify({ t: "ack", clientId: f.clientId, seq: ev.seq, duplicate: false }));
    await sleep(200);
    await streamAnswer(
      "You can reset your password from the sign-in page: choose “Forgot password?”, enter your email, and follow the link we send you. The link expires after 30 minutes.",
      [
        {
          articleId: "reset-password",
          title: "Resetting your password",
          url: "https://help.example.com/articles/reset-password",
        },
      ],
    );
  } else if (f.t === "handoff") {
    push({ type: "state", state: "queued", reason: f.reason });
    await sleep(300);
    push({ type: "state", state: "agent", name: "Alex" });
    await sleep(200);
    broadcast({ t: "typing", author: "agent", on: true });
    await sleep(400);
    push({
      type: "message",
      id: `a${seq}`,
      author: "agent",
      name: "Alex",
      text: "Hi, I'm Alex. I can see you tried the reset link — let me check your account.",
    });
  }
}

// RFC 6455, just enough: server→client unmasked text frames, client→server masked frames.
function upgrade(req, socket) {
  const accept = createHash("sha1")
    .update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
    .digest("base64");
  // The widget offers its token as a subprotocol next to "edgedesk": selecting it is what the worker does.
  const protocol = (req.headers["sec-websocket-protocol"] ?? "").split(",").some((p) => p.trim() === "edgedesk")
    ? "Sec-WebSocket-Protocol: edgedesk\r\n"
    : "";
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${protocol}\r\n`,
  );
  const sock = {
    sendText(s) {
      const p = Buffer.from(s);
      const h =
        p.length < 126
          ? Buffer.from([0x81, p.length])
          : p.length < 65536
            ? Buffer.from([0x81, 126, p.length >> 8, p.length & 255])
            : null;
      if (h) socket.write(Buffer.concat([h, p]));
    },
  };
  let buf = Buffer.alloc(0);
  socket.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const op = buf[0] & 15;
      let len = buf[1] & 127;
      let off = 2;
      if (len === 126) (len = buf.readUInt16BE(2)), (off = 4);
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const data = Buffer.from(buf.subarray(off + 4, off + 4 + len)).map((b, i) => b ^ mask[i % 4]);
      buf = buf.subarray(off + 4 + len);
      if (op === 8) return socket.end();
      if (op !== 1) continue;
      const text = data.toString();
      if (text === "ping") sock.sendText("pong");
      else onClientFrame(sock, JSON.parse(text));
    }
  });
  socket.on("close", () => sockets.delete(sock));
  socket.on("error", () => sockets.delete(sock));
  const after = Number(new URL(req.url, "http://x").searchParams.get("after") ?? 0);
  for (const e of events) if (e.seq > after) sock.sendText(JSON.stringify({ t: "event", event: e }));
  sock.sendText(JSON.stringify({ t: "ready", lastSeq: seq, state: "bot" }));
  sockets.add(sock);
}

const page = (
  locale,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme Store</title>
<style>* { color: red !important; font-size: 40px; font-family: "Comic Sans MS", cursive; box-sizing: content-box; } button { background: lime; border: 5px dashed red; } body { margin: 0; background: #fafafa; }
</style></head><body><h1>Acme Store</h1><p>Host page content with hostile CSS.</p>
<script src="/widget.js" data-site="demo-site" ${locale ? `data-locale="${locale}"` : ""} async></script></body></html>`;

const server = createServer((req, res) => {
  const u = new URL(req.url, "http://x");
  if (u.pathname === "/widget.js" || u.pathname === "/widget-app.js") {
    res.writeHead(200, { "content-type": "text/javascript" });
    return res.end(readFileSync(`dist/public${u.pathname}`));
  }
  if (u.pathname === "/v1/conversations" && req.method === "POST") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      server.created = JSON.parse(body);
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "conv1", token: TOKEN, state: "bot" }));
    });
    return;
  }
  if (u.pathname === "/v1/conversations/conv1/events" && req.headers.accept === "text/event-stream") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    const sock = { sendText: (t) => res.write(`data: ${t}\n\n`) };
    const after = Number(u.searchParams.get("after") ?? 0);
    for (const e of events) if (e.seq > after) sock.sendText(JSON.stringify({ t: "event", event: e }));
    sock.sendText(JSON.stringify({ t: "ready", lastSeq: seq, state: "bot" }));
    sockets.add(sock);
    req.on("close", () => sockets.delete(sock));
    return;
  }
  if (u.pathname === "/v1/conversations/conv1/messages" && req.method === "POST") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const f = JSON.parse(body);
      const ev = push({ type: "message", id: `c${seq}`, author: "customer", text: f.text, clientId: f.clientId });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ seq: ev.seq, duplicate: false }));
      sleep(100).then(() => streamAnswer(`Over SSE: ${f.text}`, []));
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/html" });
  res.end(page(u.searchParams.get("locale")));
});
server.on("upgrade", (req, socket) => (server.noWs ? socket.destroy() : upgrade(req, socket)));
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---- browser ---------------------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const failures = [];
const check = (ok, what) => (ok ? console.log(`✓ ${what}`) : (failures.push(what), console.log(`✗ ${what}`)));
try {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const p = await ctx.newPage();
  const requests = [];
  p.on("request", (r) => requests.push(new URL(r.url()).pathname));
  p.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  await p.goto(`${origin}/`);
  const launcher = p.locator("edgedesk-widget").locator("button.l");
  await launcher.waitFor();
  check(!requests.includes("/widget-app.js"), "app bundle not loaded before first open");
  const lstyle = await launcher.evaluate((b) => {
    const s = getComputedStyle(b);
    return {
      color: s.color,
      bg: s.backgroundColor,
      label: b.getAttribute("aria-label"),
      exp: b.getAttribute("aria-expanded"),
    };
  });
  check(
    lstyle.color === "rgb(255, 255, 255)" && lstyle.bg === "rgb(29, 78, 216)",
    `launcher keeps its colors (${lstyle.color} on ${lstyle.bg})`,
  );
  check(lstyle.label === "Open support chat" && lstyle.exp === "false", "launcher is labelled and collapsed");
  await p.screenshot({ path: `${outDir}/closed.png` });

  await launcher.click();
  const panel = p.locator("edgedesk-widget").locator("section.panel");
  await panel.waitFor();
  check(requests.includes("/widget-app.js"), "app bundle loaded on click");
  check((await launcher.getAttribute("aria-expanded")) === "true", "launcher aria-expanded=true when open");
  await p.waitForTimeout(100);
  const focused = await p.evaluate(() => document.querySelector("edgedesk-widget").shadowRoot.activeElement?.tagName);
  check(focused === "TEXTAREA", "opening moves focus into the input");
  const font = await panel.evaluate((el) => {
    const s = getComputedStyle(el.querySelector(".bubble"));
    return { color: s.color, size: s.fontSize, family: s.fontFamily };
  });
  check(
    font.color !== "rgb(255, 0, 0)" && font.size === "14.5px" && !font.family.includes("Comic"),
    `host CSS does not leak in (${font.color}, ${font.size})`,
  );

  await p.keyboard.type("How do I reset my password?");
  await p.keyboard.press("Shift+Enter");
  await p.keyboard.type("I never got the email.");
  await p.keyboard.press("Enter");
  check(
    server.created?.locale === "en" && server.created?.pageTitle === "Acme Store",
    "conversation created with locale and page title",
  );
  await panel.locator(".bubble.bot .src a").waitFor({ timeout: 5000 });
  const bubbles = await panel.locator(".bubble.bot").allInnerTexts();
  const answer = bubbles.filter((b) => b.includes("reset your password"));
  check(answer.length === 1 && answer[0].includes("30 minutes"), "streamed answer shown once and complete");
  const src = panel.locator(".src a");
  check(
    (await src.getAttribute("target")) === "_blank" && (await src.getAttribute("href")).startsWith("https://help."),
    "source link opens in a new tab",
  );
  check((await panel.locator(".bubble.customer").innerText()).includes("\n"), "Shift+Enter keeps a newline");

  await p.screenshot({ path: `${outDir}/answer.png` });
  await panel.locator("button.human").click();
  await panel.locator(".bubble.agent").waitFor({ timeout: 5000 });
  const notes = await panel.locator(".note").allInnerTexts();
  check(
    notes.includes("Connecting you with a person…") && notes.includes("Alex joined the chat"),
    `handoff notes: ${notes.join(" | ")}`,
  );
  check((await panel.locator(".who").allInnerTexts()).includes("Alex"), "agent message shows the agent's name");
  await p.waitForTimeout(250);
  await p.screenshot({ path: `${outDir}/open.png` });

  await p.keyboard.press("Escape");
  check(await panel.isHidden(), "Esc closes the panel");
  const back = await p.evaluate(() => document.querySelector("edgedesk-widget").shadowRoot.activeElement?.className);
  check(back === "l", "focus returns to the launcher");

  // Reload while open: the conversation comes back from localStorage and replays from after=0.
  await launcher.click();
  await p.reload();
  await panel.waitFor({ timeout: 5000 });
  await panel.locator(".bubble.agent").waitFor({ timeout: 5000 });
  const count = await panel.locator(".bubble.customer").count();
  check(count === 1, `reload reopens and restores the conversation once (${count} customer bubble)`);

  // Phone, Spanish.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 760 },
    locale: "es-ES",
    isMobile: true,
    hasTouch: true,
  });
  const pp = await phone.newPage();
  await pp.goto(`${origin}/`);
  await pp.locator("edgedesk-widget").locator("button.l").click();
  const pPanel = pp.locator("edgedesk-widget").locator("section.panel");
  await pPanel.waitFor();
  const box = await pPanel.boundingBox();
  check(
    Math.round(box.width) === 390 && Math.round(box.height) === 760,
    `full screen on phones (${box.width}×${box.height})`,
  );
  check((await pPanel.locator("h2").innerText()) === "Ayuda", "Spanish from navigator.language");
  check((await pPanel.getAttribute("aria-modal")) === "true", "aria-modal on phones");
  await pp.waitForTimeout(250);
  await pp.screenshot({ path: `${outDir}/phone-es.png` });

  // WebSocket upgrades refused (a proxy): the widget must fall back to SSE and still work.
  server.noWs = true;
  const sctx = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const sp = await sctx.newPage();
  sp.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  await sp.goto(`${origin}/`);
  await sp.locator("edgedesk-widget").locator("button.l").click();
  const sPanel = sp.locator("edgedesk-widget").locator("section.panel");
  await sPanel.waitFor();
  await sp.keyboard.type("fallback please");
  await sp.keyboard.press("Enter");
  const answered = await sPanel
    .locator(".bubble.bot", { hasText: "Over SSE: fallback please" })
    .waitFor({ timeout: 15000 })
    .then(
      () => true,
      () => false,
    );
  check(answered, "falls back to SSE when WebSockets are refused, message sent over HTTP");
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(`${failures.length} failure(s):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`screenshots in ${outDir}/`);
