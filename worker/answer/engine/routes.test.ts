import { describe, expect, it } from "vitest";
import { articleSchema, type Article } from "../../../shared/article.ts";
import { chunkArticle } from "./chunk.ts";
import { buildSnapshot, decide, loadIndex, retrieve } from "./index.ts";
import { sentenceReader, sentences } from "./routes.ts";

const a = (x: Partial<Article> & Pick<Article, "id" | "title" | "body">): Article => articleSchema.parse(x);

// A small shop: the shipping article (the bot answers) sends the cases a person must take to the
// lost-parcel article, as help centres do.
const shop: Article[] = [
  a({
    id: "shipping",
    title: "How long does shipping take?",
    category: "orders",
    tags: ["shipping", "delivery", "tracking"],
    body:
      "Most orders arrive within 3-5 working days. You get a tracking link by email when your order ships.\n\n" +
      "### Delivery times\n| Service | Time |\n| --- | --- |\n| Standard | 3-5 days |\n| Express | 1-2 days |\n\n" +
      "### Problems with an order\n" +
      '- **Tracking stuck for a week**, or the parcel never turned up: see "My parcel is lost or damaged"; our team will resend it.\n' +
      "- **Wrong address**: you can change the delivery address in **Orders** for one hour after ordering.",
  }),
  a({
    id: "lost-parcel",
    title: "My parcel is lost or damaged. What happens now?",
    category: "orders",
    tags: ["lost parcel", "damaged parcel", "missing"],
    handoff: "always",
    body: "If your parcel is missing or broken, a person from our delivery team takes over this chat and resends it or refunds you.",
  }),
  a({
    id: "returns",
    title: "How do I return an item?",
    category: "orders",
    tags: ["return", "refund", "exchange"],
    body: "Start a return in **Orders > Return** within 30 days. Print the label and drop the parcel at any post office.",
  }),
  a({
    id: "payment",
    title: "Which payment methods do you accept?",
    category: "billing",
    tags: ["payment", "card", "paypal"],
    body: "We accept cards, PayPal and bank transfer. Card payments are taken when your order ships.",
  }),
];

const index = loadIndex(buildSnapshot({ version: "t", articles: shop, history: [] }));
const ask = (q: string) => {
  const r = retrieve(index, q, { locale: "en" });
  return decide(r, { text: q, locale: "en", priorLowConfidence: 0, priorFailures: 0 });
};

describe("sentences that send the reader to another article", () => {
  it("splits a line into sentences without cutting at a question mark inside quotes", () => {
    expect(sentences('You still need a code. See "How do I set up 2-step verification?" if you lost it.')).toEqual([
      "You still need a code.",
      'See "How do I set up 2-step verification?" if you lost it.',
    ]);
  });

  it("marks a sentence that quotes another article's title (or its first words), or links to it", () => {
    const docs = sentenceReader(shop.map((x) => ({ ...x, passages: chunkArticle(x.body, 18) })));
    const routed = docs("shipping").filter((d) => d.to);
    expect(routed.map((d) => d.to)).toEqual(["lost-parcel"]);
    expect(routed[0]?.tf.has("stuck")).toBe(true);
    const arts = [
      {
        id: "x",
        title: "How do I pay?",
        locale: "en",
        passages: [
          { text: 'Press "Pay now". See "How do I pay?".', md: 'Press "Pay now". See "How do I pay?".' },
          { text: "Lee «Mi paquete se ha perdido».", md: "Lee «Mi paquete se ha perdido»." },
          { text: "Read the returns guide first.", md: "Read the [returns guide](/hc/demo/articles/y) first." },
        ],
      },
      { id: "y", title: "How do I return an item?", locale: "en", passages: [] },
      { id: "es-z", title: "Mi paquete se ha perdido", locale: "es", passages: [] },
    ];
    // Short quotes, its own title and an article in another language are no routes; the link is.
    expect(sentenceReader(arts)("x").map((d) => d.to ?? "-")).toEqual(["-", "-", "-", "y"]);
  });

  it("hands off a question that the answerable article itself sends to a person's article", () => {
    // Failed before routes.ts: the shipping article held the words and answered it.
    const d = ask("my tracking has been stuck for a week");
    expect(d.action).toBe("handoff");
    expect(d.article?.articleId).toBe("lost-parcel");
  });

  it("keeps questions that another sentence of the same article answers better", () => {
    expect(ask("how long does shipping take?").action).not.toBe("handoff");
    expect(ask("can I change the delivery address of my order").action).not.toBe("handoff");
  });
});
