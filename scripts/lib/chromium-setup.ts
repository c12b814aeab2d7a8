// What `npm test` does when the browser suite's Chromium is missing: install Debian's package itself
// when it can (root, apt), otherwise stop before any suite with the one command that fixes it.
export const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y chromium";

export type ChromiumSituation = { present: boolean; root: boolean; apt: boolean; customPath?: string | undefined };

export type ChromiumPlan = { kind: "ready" } | { kind: "install" } | { kind: "stop"; message: string };

export function planChromium(s: ChromiumSituation): ChromiumPlan {
  if (s.present) return { kind: "ready" };
  // A path someone chose by hand is theirs to fix: installing Debian's package would not put it there.
  if (s.customPath) return { kind: "stop", message: `Chromium not found at CHROMIUM_PATH=${s.customPath}` };
  if (!s.root || !s.apt)
    return {
      kind: "stop",
      message: `Chromium is missing: run \`${INSTALL_COMMAND}\` (or set CHROMIUM_PATH), then npm test`,
    };
  return { kind: "install" };
}
