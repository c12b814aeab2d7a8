// Knowledge import in a real browser: an editor uploads a zip of Markdown articles in the console,
// sees the preview (what is new, with its warnings; nothing published yet), publishes, and the
// widget on the demo page answers a question only the imported article answers.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../scripts/lib/console-login.ts";
import { inDemo } from "../../scripts/lib/demo-seed.ts";
import { admin } from "../../scripts/lib/worker.ts";
import { zip } from "../../worker/privacy/zip.ts";
import { startHarness, type Harness } from "./harness.ts";

const EDITOR = {
  email: "e2e-importer@lumen.example",
  password: "e2e-importer-password",
  name: "Ivy Import",
  role: "editor",
};
// Screenshots: test-results/ unless E2E_SCREENSHOTS names another folder (docs/img to refresh the docs).
const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const QUESTION = "How can I watch my photos on my smart TV?";

const article = (id: string, title: string, tags: string, body: string, questions: string[] = []) =>
  [
    "---",
    `id: ${id}`,
    `title: ${title}`,
    "category: apps",
    `tags: [${tags}]`,
    ...(questions.length ? ["questions:", ...questions.map((q) => `  - "${q}"`)] : []),
    "locale: en",
    "updated: 2026-11-30",
    "---",
    body,
    "",
  ].join("\n");

const archive = zip([
  {
    name: "help/lumen-tv-app.md",
    data: article(
      "lumen-tv-app",
      "How do I show my photos on a smart TV?",
      "tv, smart tv, television, slideshow, cast",
      "Install the **Lumen TV** app from your TV's app store and open it: it shows a 6-digit pairing code.\n\n" +
        "1. On your phone, open **Settings > Devices > Pair a TV**.\n2. Type the pairing code. Your albums appear on the TV within seconds.\n\n" +
        "Works on Android TV, Fire TV, Roku and Apple TV.",
      ["Can I see my pictures on the television?", "How do I watch my photos on my TV?"],
    ),
  },
  {
    name: "help/digital-photo-frame.md",
    data: article(
      "digital-photo-frame",
      "Can I send photos to a digital photo frame?",
      "frame, photo frame",
      'Yes: share an album to the frame\'s email address. <script>alert("x")</script>',
    ),
  },
  { name: "help/README.md", data: "Not an article." },
]);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await admin(h.worker, "POST", inDemo("/admin/v1/agents"), EDITOR);
});
afterAll(async () => h?.stop());

/** The bot's stored messages (the greeting is one); an answer still streaming is a `.draft` beside them. */
const stored = (p: Page) => p.getByRole("log").locator(".bubble.bot:not(.draft)");

/**
 * Asks and returns the answer once it is stored, whole. Counted from the messages there once the
 * greeting is: counted earlier, or read when its text stopped changing for 150 ms, the answer was the
 * greeting itself on a busy machine.
 */
async function ask(p: Page, text: string): Promise<string> {
  await expect.poll(() => stored(p).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  const before = await stored(p).count();
  const input = p.getByRole("textbox", { name: /message/i });
  await input.fill(text);
  await input.press("Enter");
  await expect.poll(() => stored(p).count(), { timeout: 20_000 }).toBeGreaterThan(before);
  return (await stored(p).last().textContent()) ?? "";
}

it("imports a zip of Markdown in the console, previews it, publishes, and the demo page's widget answers from it", async () => {
  const customer = await (await h.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await customer.goto(`${h.worker.url}/demo/`);
  await customer.locator("button[aria-label='Open support chat']").click();
  expect(await ask(customer, QUESTION)).not.toMatch(/pairing code/i);

  const ed = await (await h.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(ed, h.worker.url, EDITOR);
  await ed.getByTestId("nav-knowledge").click();
  await ed.getByTestId("kb-tab-import").click();
  await expect.poll(() => ed.url()).toMatch(/#\/kb\/import$/);
  await ed.getByTestId("import-source").selectOption("markdown-zip");
  await ed
    .getByTestId("import-file")
    .setInputFiles({ name: "help-centre.zip", mimeType: "application/zip", buffer: Buffer.from(archive) });
  await ed.getByTestId("import-preview-button").click();

  await expect.poll(() => ed.getByTestId("import-row").count(), { timeout: 10_000 }).toBe(2);
  expect(await ed.getByTestId("import-count-new").textContent()).toBe("2 new");
  const tv = ed.locator("[data-testid=import-row][data-id=lumen-tv-app]");
  expect(await tv.getAttribute("data-change")).toBe("new");
  const frame = ed.locator("[data-testid=import-row][data-id=digital-photo-frame]");
  expect(await frame.getByTestId("import-warning").allTextContents()).toEqual(["scripts were removed"]);
  expect(await ed.getByTestId("import-file-warnings").textContent()).toMatch(
    /1 file\(s\) that are not articles were left out/,
  );
  mkdirSync(SHOTS, { recursive: true });
  await ed.screenshot({ path: `${SHOTS}/kb-import-preview.png`, fullPage: true });

  await ed.getByTestId("import-apply-publish").click();
  await expect.poll(() => ed.getByTestId("import-result").textContent(), { timeout: 10_000 }).toMatch(/2 to publish/);
  await expect
    .poll(() => ed.getByTestId("publish-progress").getAttribute("data-status"), { timeout: 60_000 })
    .toBe("done");

  // A new visitor on the demo page, so the first conversation's state (declined, maybe handed off) plays no part.
  const visitor = await (await h.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await visitor.goto(`${h.worker.url}/demo/`);
  await visitor.locator("button[aria-label='Open support chat']").click();
  expect(await ask(visitor, QUESTION)).toMatch(/pairing code/i);
  await expect
    .poll(() =>
      visitor
        .getByRole("log")
        .getByRole("link", { name: /smart TV/i })
        .count(),
    )
    .toBeGreaterThan(0);
});
