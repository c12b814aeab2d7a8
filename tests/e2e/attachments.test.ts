// Files in the chat in Chromium against `wrangler dev` (docs/attachments.md): a customer on the shop's
// page (another origin) pastes a screenshot into the widget, sees its chip and sends it; an agent sees
// the thumbnail in the console and in the handoff packet, attaches a PDF from the composer, and the
// customer downloads it from the widget. The upload chunk is fetched only once the customer attaches
// (never on a plain load), a file with the wrong bytes is refused in the widget before it travels, and
// the image is served with its sniffed type, nosniff and a sandboxing CSP, never as something that runs.
import { mkdirSync, readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { joinWhenQueued } from "./desk.ts";
import { AGENT, SITE, startHarness, type Harness } from "./harness.ts";

const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";

let h: Harness;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startHarness();
});
afterAll(async () => h?.stop());

/** A real PNG (w×h, a colour gradient), so the browser has something to decode and show. */
function png(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rows.set([(x * 255) / w, (y * 255) / h, 180], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

const input = (p: Page) => p.getByRole("textbox", { name: /^message$/i });
const log = (p: Page) => p.getByRole("log");

it("a pasted screenshot reaches the agent as a thumbnail; the agent's PDF reaches the customer; the upload chunk only when attaching", async () => {
  const customerCtx = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const customer = await customerCtx.newPage();
  const requested: string[] = [];
  customer.on("request", (r) => requested.push(r.method() === "POST" ? `POST ${r.url()}` : r.url()));
  await customer.goto(`${h.hostUrl}/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  await input(customer).waitFor();
  await input(customer).fill("How do I back up my photos?");
  await input(customer).press("Enter");
  // The bot's answer, streamed and stored (the welcome is the first bot bubble).
  const answers = customer.locator("edgedesk-widget .bubble.bot:not(.draft)");
  await expect.poll(() => answers.count(), { timeout: 15_000 }).toBeGreaterThan(1);
  // A plain load and a whole exchange: the app, never the upload chunk (nor the Spanish words).
  expect(requested.some((u) => u.endsWith("/widget-app.js"))).toBe(true);
  expect(requested.filter((u) => /widget-(upload|es)\.js/.test(u))).toEqual([]);

  // A file whose bytes are HTML, called .png: refused in the widget, before anything travels.
  await customer.locator("edgedesk-widget input[type=file]").setInputFiles({
    name: "totally-a-picture.png",
    mimeType: "image/png",
    buffer: Buffer.from("<!doctype html><script>alert(document.cookie)</script>"),
  });
  const refused = customer.getByRole("alert").filter({ hasText: /only png, jpeg, gif, webp, pdf files/i });
  await expect.poll(() => refused.count(), { timeout: 10_000 }).toBe(1);
  expect(requested.filter((u) => u.endsWith("/widget-upload.js"))).toHaveLength(1);
  expect(requested.filter((u) => u.startsWith("POST") && u.includes("/v1/attachments/"))).toEqual([]);
  await customer.getByRole("button", { name: "Remove totally-a-picture.png" }).click();

  // A screenshot pasted from the clipboard: a chip with its preview waits for Send.
  const shot = png(64, 48);
  await input(customer).evaluate(
    (el, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], "screenshot.png", { type: "image/png" }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    [...shot],
  );
  const chip = customer.locator("edgedesk-widget li.up");
  await expect.poll(() => chip.getAttribute("data-state"), { timeout: 10_000 }).toBe("ready");
  expect(await chip.locator("img.up-thumb").getAttribute("src")).toMatch(/^blob:/);
  expect(await input(customer).inputValue()).toBe("");
  await customer.screenshot({ path: `${SHOTS}/attachments-widget-chip.png` });
  await customer.getByRole("button", { name: "Send" }).click();
  // Sent: the chip goes, and the transcript shows the image from a blob of the image's own type.
  await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(0);
  const mine = log(customer).locator("img.shot[alt='screenshot.png']");
  await expect.poll(() => mine.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 10_000 }).toBe(64);
  expect(await mine.evaluate((i: HTMLImageElement) => fetch(i.src).then((r) => r.blob().then((b) => b.type)))).toBe(
    "image/png",
  );
  // As served: the sniffed type, inline, nosniff, a sandboxing CSP (fetched the way the widget does, token in a header).
  const conv = (await customer.evaluate(
    (site) => JSON.parse(localStorage.getItem(`edgedesk:conv:${site}`) ?? "{}"),
    SITE,
  )) as { id: string; token: string };
  const bearer = { authorization: `Bearer ${conv.token}` };
  const events = (await (
    await customer.request.get(`${h.worker.url}/v1/conversations/${conv.id}/events?site=${SITE}&after=0`, {
      headers: bearer,
    })
  ).json()) as { events: { attachments?: { id: string }[] }[] };
  const fileId = events.events.flatMap((e) => e.attachments ?? [])[0]?.id;
  const got = await customer.request.get(`${h.worker.url}/v1/attachments/${conv.id}/${fileId}?site=${SITE}`, {
    headers: bearer,
  });
  const served = ["content-type", "content-disposition", "x-content-type-options", "content-security-policy"].map(
    (k) => got.headers()[k],
  );
  expect(served[0]).toBe("image/png");
  expect(served[1]).toMatch(/^inline; filename="screenshot\.png"/);
  expect(served[2]).toBe("nosniff");
  expect(served[3]).toBe("default-src 'none'; sandbox");
  await customer.screenshot({ path: `${SHOTS}/attachments-widget-sent.png` });
  // The bot leaves a file alone; the customer asks for a person, and the packet carries the screenshot.
  expect(await answers.count()).toBe(2);
  await customer.getByRole("button", { name: /talk to a person/i }).click();
  await expect
    .poll(async () => (await log(customer).textContent()) ?? "", { timeout: 10_000 })
    .toMatch(/connecting you with a person/i);

  // The agent: the thumbnail in the transcript and in the handoff packet.
  const agentCtx = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const agent = await agentCtx.newPage();
  await signIn(agent, h.worker.url, AGENT);
  const row = agent.getByTestId("inbox-row").filter({ hasText: /back up my photos|screenshot\.png/i });
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await joinWhenQueued(row, agent.getByTestId("row-claim"));
  await row.click();
  const thumb = agent.getByTestId("message").getByTestId("attachment-thumb");
  await expect
    .poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 10_000 })
    .toBe(64);
  expect(await agent.getByTestId("packet-files").getByTestId("attachment-thumb").getAttribute("alt")).toBe(
    "screenshot.png",
  );
  // On the console's own origin the image is still only an image: never a type a browser runs.
  const src = (await thumb.getAttribute("src")) as string;
  const res = await agent.request.get(new URL(src, h.worker.url).href);
  expect(res.headers()["content-type"]).toBe("image/png");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["content-security-policy"]).toBe("default-src 'none'; sandbox");
  expect(res.headers()["cross-origin-resource-policy"]).toBe("same-origin");
  await agent.screenshot({ path: `${SHOTS}/attachments-console.png` });

  // The agent attaches a PDF from the composer.
  await agent
    .getByTestId("attach-input")
    .setInputFiles({ name: "reset-steps.pdf", mimeType: "application/pdf", buffer: PDF });
  const chipInConsole = agent.getByTestId("message").getByTestId("attachment-file");
  await expect.poll(() => chipInConsole.textContent(), { timeout: 10_000 }).toMatch(/^reset-steps\.pdf \(\d+ KB\)$/);
  await expect.poll(() => agent.getByTestId("upload").count()).toBe(0);
  await agent.screenshot({ path: `${SHOTS}/attachments-console-pdf.png` });

  // The customer gets it in the widget and saves it as bytes, never opened in the page.
  const doc = log(customer).getByRole("button", { name: /reset-steps\.pdf/ });
  await expect.poll(() => doc.count(), { timeout: 10_000 }).toBe(1);
  const [download] = await Promise.all([customer.waitForEvent("download"), doc.click()]);
  expect(download.suggestedFilename()).toBe("reset-steps.pdf");
  expect(
    readFileSync(await download.path())
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");
  await customer.screenshot({ path: `${SHOTS}/attachments-widget-pdf.png` });
  await agentCtx.close();
  await customerCtx.close();
});
