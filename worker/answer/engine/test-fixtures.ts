import type { Article } from "../../../shared/article.ts";
import { articleSchema } from "../../../shared/article.ts";

const a = (x: Partial<Article> & Pick<Article, "id" | "title" | "body">): Article => articleSchema.parse(x);

export const articles: Article[] = [
  a({
    id: "card-arrival",
    title: "My new card hasn't arrived yet",
    category: "cards",
    tags: ["delivery", "post", "tracking"],
    body:
      "Most cards arrive within 3-5 working days. You can follow your card's progress in the app.\n\n" +
      "1. Go to **Cards** and tap the card you're waiting for.\n2. Tap **Track delivery** to see the dispatch date.\n\n" +
      "If your card still hasn't turned up after 10 working days, tap **Report card not received** and we'll send a replacement free of charge.",
  }),
  a({
    id: "change-pin",
    title: "How do I change my PIN?",
    category: "cards",
    tags: ["pin", "security"],
    body: "You can change your PIN at any cash machine that supports PIN change, or view it in the app under **Cards > Show PIN**.",
  }),
  a({
    id: "exchange-rate",
    title: "What exchange rate do you use?",
    category: "currencies",
    tags: ["exchange", "rate", "currency"],
    body: "We use the interbank exchange rate on weekdays. At weekends a small markup applies to protect against market moves.",
  }),
  a({
    id: "lost-or-stolen-card",
    title: "My card was lost or stolen",
    category: "security",
    tags: ["lost", "stolen", "freeze"],
    handoff: "always",
    body: "Freeze your card straight away in **Cards**. A specialist from our fraud team will take over this chat.",
  }),
  a({
    id: "terminate-account",
    title: "How do I close my account?",
    category: "account",
    tags: ["close", "cancel"],
    body: "Move your money out, then go to **Profile > Settings > Close account**.",
  }),
];

export const history = [
  { text: "still waiting for my card to come in the post", article: "card-arrival" },
  { text: "where is my card, it has been a week", article: "card-arrival" },
  { text: "card not delivered yet", article: "card-arrival" },
  { text: "how can I set a new pin", article: "change-pin" },
  { text: "I want a different pin number", article: "change-pin" },
  { text: "what rate do you give when I exchange money", article: "exchange-rate" },
  { text: "is the currency conversion rate fair", article: "exchange-rate" },
  { text: "someone stole my card", article: "lost-or-stolen-card" },
  { text: "I lost my card yesterday", article: "lost-or-stolen-card" },
  // Resolved without an article the KB publishes: evidence of a gap.
  { text: "how long does a transfer take to arrive", article: "transfer-timing" },
  { text: "when will my transfer reach the other bank", article: "transfer-timing" },
  { text: "transfer speed to another country", article: "transfer-timing" },
];
