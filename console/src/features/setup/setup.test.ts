import { describe, expect, it } from "vitest";
import { embedTag, progress } from "./checklist.ts";
import { checkSetup, fieldErrors, suggestAddress, type SetupForm } from "./setup.ts";

const form: SetupForm = {
  setupToken: "tok",
  workspaceName: "Acme",
  address: "acme",
  ownerName: "Ada",
  email: "ada@acme.example",
  password: "long enough password",
};

describe("set-up logic", () => {
  it("suggests a help-centre address from the workspace's name", () => {
    expect(suggestAddress("Acme Support, Inc.")).toBe("acme-support-inc");
    expect(suggestAddress("Café Zoë")).toBe("cafe-zoe");
    expect(suggestAddress("!")).toBe("");
    expect(suggestAddress("x".repeat(80))).toHaveLength(64);
  });

  it("checks the form with the worker's schema and puts each message at its field", () => {
    expect(checkSetup(form)).toEqual({});
    const e = checkSetup({ ...form, setupToken: " ", address: "Bad Address", email: "nope", password: "short" });
    expect(Object.keys(e).sort()).toEqual(["address", "email", "password", "setupToken"]);
    expect(fieldErrors([{ path: "/body/workspace/id", message: "bad" }])).toEqual({ address: "bad" });
    expect(fieldErrors([{ path: "body.owner.email", message: "taken" }])).toEqual({ email: "taken" });
  });

  it("writes the embed tag and the progress line", () => {
    expect(embedTag("https://desk.example", "site_abc")).toBe(
      '<script src="https://desk.example/widget.js" data-site="site_abc" async></script>',
    );
    expect(progress([{ done: true }, { done: false }])).toBe("1 of 2 done");
  });
});
