// The handoff packet's extractive summary (worker/conversation/summary.ts): issue #15 found it quoted
// the first and last messages ("I want a person" as the "latest"), nothing else.
import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { extractFacts, summarizeConversation } from "./summary.ts";

let seq = 0;
const msg = (author: "customer" | "bot", text: string, extra: Record<string, unknown> = {}): ConversationEvent => ({
  type: "message",
  seq: ++seq,
  at: seq,
  id: `m${seq}`,
  author,
  text,
  ...extra,
});

describe("the handoff summary", () => {
  const events: ConversationEvent[] = [
    msg("customer", "hi"),
    msg("bot", "Hi! What can I help you with?", { action: "decline" }),
    msg("customer", "My prints from order 48213 never arrived, I ordered them on 3 March from my iPhone 13"),
    msg("bot", "You can order prints…", {
      action: "answer",
      sources: [{ articleId: "print-orders-shipping", title: "How do I order prints?", url: "https://x/a" }],
    }),
    msg("customer", "tracking hasn't moved since last week and I paid $24.50"),
    msg("customer", "I want to talk to a person"),
  ];

  it("states the problem, the facts given and what the bot said, not 'I want a person'", () => {
    const s = summarizeConversation(events, "en");
    expect(s).toBe(
      [
        'Problem: "My prints from order 48213 never arrived, I ordered them on 3 March from my iPhone 13"',
        'Also said: "tracking hasn\'t moved since last week and I paid $24.50"',
        "Facts: order 48213 · 3 March · iPhone 13 · last week · $24.50",
        'Bot so far: could not help; answered with "How do I order prints?"; then asked for a person.',
      ].join("\n"),
    );
  });

  it("is written in the agent's language and names the customer's", () => {
    const s = summarizeConversation(events, "fr", "es");
    expect(s).toContain('Problema: "My prints from order 48213');
    expect(s).toContain("El bot: no pudo ayudar;");
    expect(s).toContain("El cliente escribe en francés.");
    expect(summarizeConversation(events, "es")).toContain("Customer writes in Spanish.");
  });

  it("says so when the customer asked for a person before writing anything", () => {
    expect(summarizeConversation([], "en")).toBe("The customer asked for a person before writing anything.");
  });
});

describe("facts", () => {
  it("finds order numbers, devices, dates, amounts and addresses", () => {
    expect(
      extractFacts([
        "Pedido #99812 llegó roto ayer, uso un Samsung Galaxy S21 con Android 14",
        "invoice INV-2026-0042 for €9,99 sent to ana@example.com on 2026-11-02",
      ]),
    ).toEqual([
      "Pedido #99812",
      "ayer",
      "Samsung Galaxy S21",
      "Android 14",
      "invoice INV-2026-0042",
      "€9,99",
      "ana@example.com",
      "2026-11-02",
    ]);
  });
});
