// What only a browser can show: keyboard-only use, a phone-sized screen in Spanish, and the network
// dropping in the middle of a streamed answer (the widget must resume: nothing lost, nothing twice).
import { afterAll, beforeAll, expect, it } from "vitest";
import { renderMarkdown } from "../../shared/markdown.ts";
import { startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

it("works by keyboard alone on a phone, in Spanish", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 390, height: 780 }, locale: "es-ES", hasTouch: true });
  const p = await ctx.newPage();
  await p.goto(`${h.hostUrl}/?locale=es`);
  const launcher = p.getByRole("button", { name: "Abrir chat de ayuda" });
  await expect.poll(() => launcher.count()).toBe(1);
  // Tab reaches the launcher (it is the only focusable thing on the host page), Enter opens.
  await p.keyboard.press("Tab");
  expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  await p.keyboard.press("Enter");
  const input = p.getByRole("textbox", { name: /mensaje/i });
  await expect.poll(() => input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  // The panel takes the whole phone screen and is announced as a dialog with a live log.
  const dialog = p.getByRole("dialog");
  const box = await dialog.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(388);
  expect(await p.getByRole("log").getAttribute("aria-live")).toBe("polite");

  await p.keyboard.type("¿Cómo restablezco mi contraseña?");
  await p.keyboard.press("Enter");
  const link = p.getByRole("log").getByRole("link", { name: /contraseña/i });
  await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
  expect(await link.getAttribute("href")).toContain("/hc/demo/articles/es-reset-password");
  expect(await p.getByRole("log").textContent()).toMatch(/Hola/);

  // Esc closes and gives focus back to the launcher.
  await p.keyboard.press("Escape");
  await expect.poll(() => p.getByRole("dialog").count()).toBe(0);
  const closed = p.getByRole("button", { name: "Abrir chat de ayuda" });
  expect(await closed.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  await ctx.close();
});

it("resumes a streamed answer after the connection drops mid-answer", async () => {
  const ctx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Keep a handle on the page's sockets so the test can cut them like a flaky network would.
  await ctx.addInitScript(() => {
    const Native = window.WebSocket;
    const open: WebSocket[] = [];
    (window as unknown as { __cut: () => number }).__cut = () => {
      const n = open.filter((s) => s.readyState === Native.OPEN).length;
      for (const s of open) s.close(4000, "test: network drop");
      return n;
    };
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        open.push(this);
      }
    } as typeof WebSocket;
  });
  const p = await ctx.newPage();
  await p.goto(h.hostUrl);
  await p.getByRole("button", { name: "Open support chat" }).click();
  const input = p.getByRole("textbox", { name: /message/i });
  await input.fill("How do I export all my photos?");
  await input.press("Enter");
  const log = p.getByRole("log");
  // Wait until the answer has started streaming, then cut the connection.
  await expect.poll(async () => ((await log.textContent()) ?? "").length, { timeout: 10_000 }).toBeGreaterThan(180);
  const cutAt = (await log.textContent()) ?? "";
  expect(await log.getByRole("link").count()).toBe(0); // still streaming: the link comes with the stored message
  expect(await p.evaluate(() => (window as unknown as { __cut: () => number }).__cut())).toBeGreaterThan(0);
  // The widget reconnects on its own and the answer completes, with its link.
  await expect.poll(() => log.getByRole("link", { name: /export/i }).count(), { timeout: 15_000 }).toBe(1);
  const after = (await log.textContent()) ?? "";
  expect(after.startsWith(cutAt.slice(0, 120))).toBe(true);
  // Compare with what the server stored: the complete answer appears exactly once.
  const stored = await p.evaluate(async (api) => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("edgedesk:conv:"));
    const conv = JSON.parse(localStorage.getItem(key ?? "") ?? "{}") as { id: string; token: string };
    const r = await fetch(`${api}/v1/conversations/${conv.id}/events?site=e2e_site`, {
      headers: { authorization: `Bearer ${conv.token}` },
    });
    return ((await r.json()) as { events: { type: string; author?: string; text?: string }[] }).events;
  }, h.worker.url);
  const answer = stored.find((e) => e.type === "message" && e.author === "bot")?.text ?? "";
  expect(answer.length).toBeGreaterThan(100);
  // The stored text is Markdown; the widget shows it through the one renderer (shared/markdown.ts), so
  // compare with that rendering's text, as the log's textContent has it.
  const shown = renderMarkdown(answer, { newTab: true })
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
  const norm = (s: string) => s.replace(/\s+/g, "");
  expect(norm(after).split(norm(shown)).length - 1).toBe(1);
  await ctx.close();
});
