// Without a packet the panel says why there is none: the bot holds the conversation, an agent wrote to
// the customer first (outreach), or an agent took it without a handoff. It said "the bot is handling
// this conversation" for all three.
import { describe, expect, it } from "vitest";
import { HandoffPanel } from "./HandoffPanel.tsx";
import { allNodes, renderTree } from "./render-tree.ts";

const none = (props: Parameters<typeof HandoffPanel>[0]) =>
  allNodes(renderTree(HandoffPanel(props))).find((n) => n.testid === "packet-none");

describe("the handoff panel without a packet", () => {
  it("says the bot has the conversation while it does", () => {
    const n = none({ packet: undefined, channel: "chat", state: "bot" });
    expect(n?.data.why).toBe("bot");
    expect(n?.text).toContain("The bot is handling this conversation (chat)");
  });

  it("names the agent who wrote first on an outreach, never the bot", () => {
    const n = none({ packet: undefined, channel: "email", state: "agent", outreachBy: "Maya" });
    expect(n?.data.why).toBe("outreach");
    expect(n?.text).toContain("Maya wrote to the customer first (email)");
    expect(n?.text).not.toContain("bot is handling");
    // Resolved later, it is still the agent's conversation that never had a handoff.
    expect(none({ packet: undefined, channel: "chat", state: "resolved", outreachBy: "" })?.text).toContain(
      "an agent wrote to the customer first",
    );
  });

  it("says an agent took it over when a person holds it without a handoff", () => {
    const n = none({ packet: undefined, channel: "chat", state: "agent" });
    expect(n?.data.why).toBe("taken");
    expect(n?.text).not.toContain("bot is handling");
    expect(none({ packet: undefined, channel: "chat", state: "resolved" })?.data.why).toBe("resolved");
  });
});
