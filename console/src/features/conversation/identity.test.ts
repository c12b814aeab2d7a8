// The console's customer card says, field by field, what the site's server signed: a v1 signature
// vouches for id and email only, so the name and attributes next to it are marked as the page's claims.
import type { ComponentChild, VNode } from "preact";
import { describe, expect, it } from "vitest";
import type { Identity } from "../../../../shared/protocol.ts";
import { IdentityFacts } from "./IdentityFacts.tsx";

type Node = { testid?: string; field?: string; text: string; children: Node[] };

/** Expands function components and keeps what a test looks at: test ids and text. No DOM needed. */
function tree(c: ComponentChild): Node[] {
  if (c === null || c === undefined || typeof c === "boolean") return [];
  if (typeof c === "string" || typeof c === "number") return [{ text: String(c), children: [] }];
  if (Array.isArray(c)) return c.flatMap(tree);
  const v = c as VNode<Record<string, unknown>>;
  if (typeof v.type === "function") return tree((v.type as (p: unknown) => ComponentChild)(v.props));
  const children = tree(v.props.children as ComponentChild);
  return [
    {
      ...(typeof v.props["data-testid"] === "string" ? { testid: v.props["data-testid"] } : {}),
      ...(typeof v.props["data-field"] === "string" ? { field: v.props["data-field"] } : {}),
      text: children.map((n) => n.text).join(""),
      children,
    },
  ];
}
const all = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...all(n.children)]);
const card = (identity: Identity) => all(tree(IdentityFacts({ identity })));
const ids = (nodes: Node[]) => nodes.flatMap((n) => (n.testid ? [n.testid] : []));

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
    expect(nodes.filter((n) => n.testid === "field-unverified").map((n) => n.field)).toEqual(["name", "attributes"]);
    expect(nodes.find((n) => n.testid === "identity-email")?.text).toBe("ana@example.com");
  });

  it("shows an unsigned identity as unverified, every field marked", () => {
    const nodes = card({ ...who, verified: false });
    expect(ids(nodes)).toContain("identity-unverified");
    expect(nodes.filter((n) => n.testid === "field-unverified").map((n) => n.field)).toEqual([
      "id",
      "email",
      "name",
      "attributes",
    ]);
  });
});
