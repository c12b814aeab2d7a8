// Without a packet the panel says why there is none: the bot holds the conversation, an agent wrote to
// the customer first (outreach), or an agent took it without a handoff. It said "the bot is handling
// this conversation" for all three.
import type { ComponentChild, VNode } from "preact";
import { describe, expect, it } from "vitest";
import { HandoffPanel } from "./HandoffPanel.tsx";

type Node = { testid?: string; why?: string; text: string; children: Node[] };

/** Expands function components and keeps test ids, `data-why` and text. No DOM needed. */
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
      ...(typeof v.props["data-why"] === "string" ? { why: v.props["data-why"] } : {}),
      text: children.map((n) => n.text).join(""),
      children,
    },
  ];
}
const all = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...all(n.children)]);
const none = (props: Parameters<typeof HandoffPanel>[0]) =>
  all(tree(HandoffPanel(props))).find((n) => n.testid === "packet-none");

describe("the handoff panel without a packet", () => {
  it("says the bot has the conversation while it does", () => {
    const n = none({ packet: undefined, channel: "chat", state: "bot" });
    expect(n?.why).toBe("bot");
    expect(n?.text).toContain("The bot is handling this conversation (chat)");
  });

  it("names the agent who wrote first on an outreach, never the bot", () => {
    const n = none({ packet: undefined, channel: "email", state: "agent", outreachBy: "Maya" });
    expect(n?.why).toBe("outreach");
    expect(n?.text).toContain("Maya wrote to the customer first (email)");
    expect(n?.text).not.toContain("bot is handling");
    // Resolved later, it is still the agent's conversation that never had a handoff.
    expect(none({ packet: undefined, channel: "chat", state: "resolved", outreachBy: "" })?.text).toContain(
      "an agent wrote to the customer first",
    );
  });

  it("says an agent took it over when a person holds it without a handoff", () => {
    const n = none({ packet: undefined, channel: "chat", state: "agent" });
    expect(n?.why).toBe("taken");
    expect(n?.text).not.toContain("bot is handling");
    expect(none({ packet: undefined, channel: "chat", state: "resolved" })?.why).toBe("resolved");
  });
});
