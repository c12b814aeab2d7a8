import { describe, expect, it } from "vitest";
import { checkNewWorkspace, showSwitcher, workspaceFieldErrors, workspaceLabel } from "./workspaces.ts";

const entry = { id: "acme", name: "Acme", role: "agent" as const, home: false, current: false };

describe("workspace switcher", () => {
  it("shows only for more than one workspace", () => {
    expect(showSwitcher(undefined)).toBe(false);
    expect(showSwitcher([entry])).toBe(false);
    expect(showSwitcher([entry, { ...entry, id: "b" }])).toBe(true);
  });
  it("names each workspace with the person's role there", () => {
    expect(workspaceLabel(entry)).toBe("Acme · agent");
  });
});

describe("create a workspace", () => {
  it("checks name and address with set-up's rules, per field", () => {
    expect(checkNewWorkspace({ name: "Second desk", address: "second-desk" })).toEqual({});
    expect(checkNewWorkspace({ name: "", address: "ok-id" })).toEqual({ name: "name is required" });
    expect(Object.keys(checkNewWorkspace({ name: "X", address: "Not OK" }))).toEqual(["address"]);
    expect(Object.keys(checkNewWorkspace({ name: "X", address: "x" }))).toEqual(["address"]);
  });
  it("puts the worker's issues on the field they name", () => {
    expect(workspaceFieldErrors([{ path: "id", message: "this address is taken" }])).toEqual({
      address: "this address is taken",
    });
    expect(workspaceFieldErrors([{ path: "body.name", message: "name is required" }])).toEqual({
      name: "name is required",
    });
  });
});
