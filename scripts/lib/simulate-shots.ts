// `npm run simulate -- --pages-screenshots DIR`: the pages the simulation's data is for, as the owner sees
// them in Chromium, saved as DIR/sim-*.png (the docs' pictures come from here: docs/img/). Each waits for
// its data, not for a fixed time.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./browser.ts";
import { login, type Target } from "./simulate.ts";

export async function pageScreenshots(
  target: Target,
  owner: { email: string; password: string },
  dir: string,
): Promise<string[]> {
  const url = target.url;
  mkdirSync(dir, { recursive: true });
  const browser = await launchChromium();
  const files: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in through the API, whose requests wait out a 429: the simulation has just signed in its
    // agents and owner, and the login form would meet the sign-in limit (10 a minute per network).
    const [name = "", value = ""] = (await login(target, owner)).split("=");
    await context.addCookies([{ name, value, url, httpOnly: true, sameSite: "Strict" }]);
    const page = await context.newPage();
    const shot = async (name: string, full = true) => {
      const path = join(dir, name);
      await page.screenshot({ path, fullPage: full });
      files.push(path);
    };
    const element = async (testId: string, name: string) => {
      const path = join(dir, name);
      await page.getByTestId(testId).screenshot({ path });
      files.push(path);
    };
    await page.goto(`${url}/console/#/quality`);
    await page.getByTestId("perf-row").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("review-item").first().waitFor({ timeout: 30_000 });
    await shot("sim-quality.png");
    await element("performance", "sim-performance.png");
    await page.goto(`${url}/console/#/reports`);
    await page.getByTestId("weekly-report").first().waitFor({ timeout: 30_000 });
    await shot("sim-reports.png");
    await page.goto(`${url}/console/#/customers`);
    await page.getByTestId("at-risk-contacts").getByTestId("health-row").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("outreach-draft").first().waitFor({ timeout: 30_000 });
    await shot("sim-customers.png");
    await element("outreach-approvals", "sim-outreach-approval.png");
  } finally {
    await browser.close();
  }
  return files;
}
