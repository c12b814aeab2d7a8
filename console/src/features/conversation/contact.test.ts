import { describe, expect, it } from "vitest";
import type { Contact } from "../../../../shared/api.ts";
import { otherConversations } from "./ContactHistory.tsx";

describe("otherConversations", () => {
  it("lists the customer's other conversations, newest first, without the one on screen", () => {
    const contact: Contact = {
      id: "ct_1",
      email: "kim@example.com",
      name: null,
      conversations: [
        { id: "a", channel: "email", state: "resolved", preview: "old", createdAt: 1 },
        { id: "b", channel: "chat", state: "queued", preview: "now", createdAt: 3 },
        { id: "c", channel: "portal", state: "bot", preview: "mid", createdAt: 2 },
      ],
    };
    expect(otherConversations(contact, "b").map((c) => c.id)).toEqual(["c", "a"]);
  });
});
