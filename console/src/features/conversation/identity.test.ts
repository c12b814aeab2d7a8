// The console's customer card says, field by field, what the site's server signed: a v1 signature
// vouches for id and email only, so the name and attributes next to it are marked as the page's claims.
import { describe, expect, it } from "vitest";
import type { Identity } from "../../../../shared/protocol.ts";
import { IdentityFacts } from "./IdentityFacts.tsx";
import { allNodes, type RenderedNode, renderTree } from "./render-tree.ts";

const all = allNodes;
const card = (identity: Identity) => all(renderTree(IdentityFacts({ identity })));
const ids = (nodes: RenderedNode[]) => nodes.flatMap((n) => (n.testid ? [n.testid] : []));

const who = { id: "u1", email: "ana@example.com", name: "Ana", attributes: { vip: true }, at: 0 };

describe("IdentityFacts", () => {
  it("shows a v2 identity as verified, with no field marked", () => {
    const nodes = card({ ...who, verified: true, verifiedFields: ["id", "email", "name", "attributes"] });
    expect(ids(nodes)).toContain("identity-verified");
    expect(ids(nodes)).not.toContain("field-unverified");
  });

  it("marks the name and attributes of a v1 identity as unverified, and the card as partly verified", () => {
    const nodes = card({ ...who, verified: true });
    expect(ids(nodes)).toContain("identity-partly-verified");
    expect(ids(nodes)).not.toContain("identity-verified");
    expect(nodes.filter((n) => n.testid === "field-unverified").map((n) => n.data.field)).toEqual([
      "name",
      "attributes",
    ]);
    expect(nodes.find((n) => n.testid === "identity-email")?.text).toBe("ana@example.com");
  });

  it("shows an unsigned identity as unverified, every field marked", () => {
    const nodes = card({ ...who, verified: false });
    expect(ids(nodes)).toContain("identity-unverified");
    expect(nodes.filter((n) => n.testid === "field-unverified").map((n) => n.data.field)).toEqual([
      "id",
      "email",
      "name",
      "attributes",
    ]);
  });
});
