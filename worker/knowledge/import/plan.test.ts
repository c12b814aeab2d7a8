import { describe, expect, it } from "vitest";
import type { Article } from "../../../shared/article.ts";
import { finish, type Mapped } from "./common.ts";
import { actions, plan } from "./plan.ts";

const article = (id: string, body: string): Article => ({
  id,
  title: `Title ${id}`,
  category: "general",
  tags: [],
  questions: [],
  handoff: "never",
  priority: "normal",
  team: "support",
  locale: "en",
  updated: "",
  body,
});
const item = (a: Article, state: "published" | "draft" = "published") => finish(a.id, state, a, []);

describe("plan", () => {
  const live = [
    article("same", "Same."),
    article("edited", "Old."),
    article("gone", "Bye."),
    article("kept-live", "Live."),
  ];
  const mapped: Mapped = {
    items: [
      item(article("same", "Same.")),
      item(article("edited", "New.")),
      item(article("fresh", "Fresh.")),
      item(article("kept-live", "Edited in the source, still a draft there."), "draft"),
      finish("x", "published", { title: "", body: "" }, []),
    ],
    warnings: [],
  };

  it("classes every article as new, changed, unchanged, removed (replace only) or skipped", () => {
    const merge = plan(mapped, live, new Set(["edited"]), { source: "zendesk", mode: "merge", kbVersion: 3 });
    expect(merge.preview.items.map((i) => `${i.id}:${i.change}`)).toEqual([
      "same:unchanged",
      "edited:changed",
      "fresh:new",
      "kept-live:changed",
      ":skipped",
    ]);
    expect(merge.preview.counts).toEqual({ new: 1, changed: 2, unchanged: 1, removed: 0, skipped: 1 });
    expect(merge.preview.items[1]?.warnings).toEqual(["its unpublished draft here will be replaced"]);
    const replace = plan(mapped, live, new Set(), { source: "zendesk", mode: "replace", kbVersion: 3 });
    expect(replace.removals).toEqual(["gone"]);
    expect(replace.preview.counts.removed).toBe(1);
  });

  it("publishes what the source published, drafts the rest, and removes only when publishing", () => {
    const p = plan(mapped, live, new Set(), { source: "zendesk", mode: "replace", kbVersion: 3 });
    const pub = actions(p, "publish");
    expect(pub.publish.map((a) => a.id)).toEqual(["edited", "fresh"]);
    expect(pub.drafts.map((a) => a.id)).toEqual(["kept-live"]);
    expect(pub.remove).toEqual(["gone"]);
    const drafts = actions(p, "draft");
    expect(drafts.publish).toEqual([]);
    expect(drafts.drafts.map((a) => a.id)).toEqual(["edited", "fresh", "kept-live"]);
    expect(drafts.remove).toEqual([]);
  });
});
