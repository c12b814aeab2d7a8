import { describe, expect, it } from "vitest";
import { INSTALL_COMMAND, planChromium } from "./chromium-setup.ts";

describe("npm test without Chromium", () => {
  it("goes on when Chromium is there", () => {
    expect(planChromium({ present: true, root: false, apt: false })).toEqual({ kind: "ready" });
  });
  it("installs Debian's package as root with apt", () => {
    expect(planChromium({ present: false, root: true, apt: true })).toEqual({ kind: "install" });
  });
  it("stops with the exact command when it cannot install (not root, or no apt)", () => {
    for (const s of [
      { present: false, root: false, apt: true },
      { present: false, root: true, apt: false },
    ]) {
      const plan = planChromium(s);
      expect(plan.kind).toBe("stop");
      if (plan.kind === "stop") {
        expect(plan.message).toContain(INSTALL_COMMAND);
        expect(plan.message.split("\n")).toHaveLength(1);
      }
    }
  });
  it("never installs over a path chosen by hand", () => {
    expect(planChromium({ present: false, root: true, apt: true, customPath: "/opt/chrome" })).toEqual({
      kind: "stop",
      message: "Chromium not found at CHROMIUM_PATH=/opt/chrome",
    });
  });
});
