// Screenshots of bot answers in the real widget (Chromium, wrangler dev, the demo KB), one new
// conversation per question. For the before/after record of answer quality (docs/quality.md).
//   npm run build && node scripts/ts.mjs scripts/answer-shots.ts --out docs/img --prefix answers-after
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startHarness } from "../tests/e2e/harness.ts";

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? d) : d;
};
const out = arg("out", "test-results/answers");
const prefix = arg("prefix", "answer");
const questions = [
  "¿cómo recupero fotos borradas?",
  "my backup stopped working, what do I do",
  "how do I cancel my plan",
  "look at my albums on the plane without wifi",
];
mkdirSync(out, { recursive: true });
const h = await startHarness({ STREAM_DELAY_MS: "0" });
try {
  for (const [i, q] of questions.entries()) {
    const ctx = await h.browser.newContext({ viewport: { width: 480, height: 900 }, locale: "en-US" });
    const page = await ctx.newPage();
    await page.goto(h.hostUrl);
    await page.locator("button[aria-label='Open support chat']").click();
    const input = page.getByRole("textbox", { name: /message|mensaje/i });
    await input.fill(q);
    await input.press("Enter");
    // The bot's stored reply (not a draft) is a bubble with the "bot" class after the welcome one.
    await page.waitForFunction(
      () => {
        const root = document.querySelector("edgedesk-widget")?.shadowRoot;
        return (root?.querySelectorAll(".bubble.bot:not(.draft)").length ?? 0) >= 2;
      },
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForTimeout(300);
    const file = join(out, `${prefix}-${i + 1}.png`);
    await page.locator("#ed-panel").screenshot({ path: file });
    console.log(`${file}: ${q}`);
    await ctx.close();
  }
} finally {
  await h.stop();
}
