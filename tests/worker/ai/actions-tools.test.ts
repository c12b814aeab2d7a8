// The LLM path offers the workspace's actions as tools (worker/answer/ai/tools.ts, docs/actions.md) to
// the faithful Workers AI fake (tests/fakes/ai.ts): the model only chooses; the call runs through the
// same gates as an article's `action:` (verified identity, the customer's yes), its arguments count as
// values the customer gave, the model is never shown a URL, header or secret, and anything off (no
// call, an unknown name, an error) leaves the turn to the articles.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArticleInput } from "../../../shared/article.ts";
import type { FakeAiBehaviour } from "../../fakes/ai.ts";
import {
  ACCOUNTS_KEY,
  accountScenario,
  actionArticles,
  cancelAction,
  customer,
  define,
  orderAction,
  planAction,
  publishArticles,
  seenBy,
  type Team,
  team,
} from "../actions-helpers.ts";

type FakeControls = {
  behave(b: Omit<FakeAiBehaviour, "script">): Promise<void>;
  calls(): Promise<{ model: string; stream: boolean; texts: number; tools: string }[]>;
};
const fake = () => env.AI as unknown as FakeControls;

/** The same help centre, but no article names an action: whatever runs, the model chose it. */
const plainArticles = (): ArticleInput[] => actionArticles().map(({ action: _a, ...a }) => a);

let t: Team;
beforeAll(async () => {
  t = await team("tools");
  const base = await accountScenario("tools");
  await define(
    t,
    planAction(base, { description: "Look up the customer's plan and storage usage" }),
    orderAction(base, { description: "Look up the status of the customer's print order" }),
    cancelAction(base, { description: "Cancel the customer's subscription" }),
  );
  await publishArticles(t.ws, plainArticles());
});

describe("actions as tools (COMPOSER=llm)", () => {
  it("runs the action the model picks, for a verified customer, and shows the model no URL or secret", async () => {
    const x = await customer(t, "verified");
    const m = await x.say("Could you look up my plan and storage usage?");
    expect(m).toMatchObject({ action: "act", text: expect.stringContaining("Lumen Plus") });
    const offered = (await fake().calls()).filter((c) => c.tools).map((c) => c.tools);
    expect(offered.length).toBeGreaterThan(0);
    for (const tools of offered) {
      expect(tools).toContain('"name":"plan"');
      expect(tools).not.toContain("127.0.0.1");
      expect(tools).not.toContain("secret");
      expect(tools).not.toContain(ACCOUNTS_KEY);
      expect(tools).not.toContain("email");
    }
  });

  it("takes the values the model found only if they fit, and asks otherwise", async () => {
    const x = await customer(t, "verified");
    const found = await x.say("What is the status of my print order LM-4821?");
    expect(found).toMatchObject({ action: "act", text: "Order LM-4821 is **shipped** with DHL, due 2026-07-18." });
    const y = await customer(t, "verified");
    const asked = await y.say("What is the status of my print order?");
    expect(asked).toMatchObject({ action: "ask", field: { label: "Order number" } });
  });

  it("keeps the gates: an unverified customer gets no data, a write waits for the customer's yes", async () => {
    const claimed = await customer(t, "claimed");
    const m = await claimed.say("Could you look up my plan and storage usage?");
    expect(m.action).toBe("decline");
    expect(m.text).toMatch(/sign in/);
    const before = (await seenBy("tools")).length;
    const x = await customer(t, "verified");
    const card = await x.say("Please cancel my subscription");
    expect(card.action).toBe("confirm");
    // The model chose the write; nothing ran: only the customer's button does that.
    expect((await seenBy("tools")).length).toBe(before);
  });

  it("leaves the turn to the articles when the model calls nothing, an unknown tool, or fails", async () => {
    const x = await customer(t, "verified");
    expect((await x.say("How do I share an album?")).action).toBe("answer");
    try {
      await fake().behave({ toolCall: { name: "delete-everything", arguments: {} } });
      expect((await x.say("How do I reset my password?")).action).toBe("answer");
      await fake().behave({ failModel: "llama-3.3" });
      expect((await x.say("Can I use Lumen offline?")).action).toBe("answer");
    } finally {
      await fake().behave({});
    }
  });
});
