// Debian's Chromium, the one browser every test, benchmark and screenshot uses (a test tool's own browser
// download cannot work here). CHROMIUM_PATH picks another build.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const hasChromium = (): boolean => existsSync(chromiumPath());

/** Flags that keep a headless Chromium off the (closed) network and quiet as root. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: chromiumPath(), args: ARGS });
