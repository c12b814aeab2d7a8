// Settings → Actions, the pure part (actions.ts): a definition survives the form both ways; problems
// land at the field they are about, from the shared schema or from the worker's answer; "try it" asks
// for what the action reads.
import { describe, expect, it } from "vitest";
import { actionDefinitionSchema } from "../../../../shared/actions.ts";
import {
  canDefine,
  canRead,
  definitionOf,
  errorsOf,
  formOf,
  sampleFields,
  sampleIdentity,
  starters,
} from "./actions.ts";

describe("the action form", () => {
  it("gives back the definition it was made from", () => {
    for (const start of [starters.read, starters.write]) {
      const r = definitionOf(formOf(start));
      expect(r).toEqual({ ok: true, d: actionDefinitionSchema.parse(start) });
    }
  });

  it("puts each problem at its field", () => {
    const f = formOf(starters.write);
    expect(definitionOf({ ...f, headers: "{nope" })).toMatchObject({
      ok: false,
      errors: { headers: expect.stringMatching(/^not valid JSON/) },
    });
    expect(definitionOf({ ...f, confirm: "" })).toEqual({
      ok: false,
      errors: { confirm: "a write action needs a confirmation text: the customer reads it before saying yes" },
    });
    expect(definitionOf({ ...f, url: "https://{{email}}.example.com/x" })).toMatchObject({
      ok: false,
      errors: { url: expect.stringMatching(/no placeholders in the host/) },
    });
    expect(definitionOf({ ...f, retries: "2" })).toMatchObject({ ok: false, errors: { retries: expect.any(String) } });
    // The worker's 400 names paths as "inputs.0.pattern": the form shows it under Inputs.
    expect(errorsOf([{ path: "inputs.0.pattern", message: "not a valid regular expression" }])).toEqual({
      inputs: "0.pattern: not a valid regular expression",
    });
    expect(errorsOf([{ path: "", message: "body is not JSON" }])).toEqual({ form: "body is not JSON" });
  });

  it("asks try it for the identity fields and the customer's values the action reads", () => {
    const d = actionDefinitionSchema.parse({
      ...starters.read,
      url: "https://api.example.com/orders/{{order}}?email={{email}}",
      inputs: [
        { name: "email", from: "identity", field: "email" },
        { name: "tier", from: "identity", field: "attributes.tier" },
        { name: "order", from: "customer", label: "Order number" },
      ],
      answer: "Order {{order}}",
      response: {},
    });
    expect(sampleFields(d)).toEqual({
      identity: ["email", "attributes.tier"],
      asks: [{ name: "order", label: "Order number" }],
    });
    expect(sampleIdentity({ email: "ana@lumen.example", "attributes.tier": "gold" })).toEqual({
      email: "ana@lumen.example",
      id: "ana@lumen.example",
      attributes: { tier: "gold" },
    });
    expect(sampleIdentity({ email: "" })).toBeUndefined();
  });

  it("lets owners define and editors read", () => {
    expect([canDefine("owner"), canDefine("editor"), canDefine("agent")]).toEqual([true, false, false]);
    expect([canRead("owner"), canRead("editor"), canRead("agent")]).toEqual([true, true, false]);
  });
});
