import { describe, expect, it } from "vitest";
import { articleSchema, type Article } from "../../../shared/article.ts";
import { buildSnapshot, defaultRetrieveConfig, loadIndex, retrieve } from "./index.ts";

const a = (id: string, title: string, body: string): Article =>
  articleSchema.parse({ id, title, category: "help", tags: [], body });

// Eight articles on unrelated topics: each title's words are found in its own body only.
const distinct: Article[] = [
  a("backup", "Why are my photos not backing up?", "Open the app, check backup is on and the phone has wifi."),
  a("prints", "How long does shipping take for prints?", "Prints ship in three days; the courier delivers in a week."),
  a("password", "How do I reset my password?", "Use the forgot password link; a reset email arrives in minutes."),
  a("storage", "My storage is full", "Delete large videos or buy more storage space to free room."),
  a("invoice", "Where are my invoices and receipts?", "Billing settings list every invoice and receipt as a PDF."),
  a("albums", "How do I share an album?", "Tap share on the album and send the link to friends or family."),
  a("offline", "Can I use the app without internet?", "Albums marked offline open without internet on a plane."),
  a("faces", "How do I turn off face grouping?", "Face grouping can be switched off under privacy settings."),
];
// Eight near-duplicates: every title's words are spread over every body.
const topics = ["card", "transfer", "payment", "account", "money", "fee", "limit", "pin"];
const dupes: Article[] = topics.map((t, i) =>
  a(
    `d${i}`,
    `Why is my ${t} payment card transfer pending?`,
    `Your ${topics[(i + 1) % 8]} and ${topics[(i + 2) % 8]} can be pending; a card payment or a money transfer may take a day. ${t} fee limit.`,
  ),
);

const fitted = (arts: Article[]) =>
  loadIndex(buildSnapshot({ version: "t", articles: arts, history: [] })).lexicalTemperature;

describe("the lexical temperature a KB's own titles fit", () => {
  it("is lower for a KB of distinct topics than for one of near-duplicates", () => {
    const d = fitted(distinct);
    const n = fitted(dupes);
    expect(d).toBeDefined();
    expect(n).toBeDefined();
    expect(d as number).toBeLessThan(n as number);
  });

  it("is not guessed from too few articles", () => {
    expect(fitted(distinct.slice(0, 5))).toBeUndefined();
  });

  it("makes a KB of distinct topics more confident in a question worded like one of its articles", () => {
    const index = loadIndex(buildSnapshot({ version: "t", articles: distinct, history: [] }));
    const q = "my pictures stopped backing up from my phone";
    const calibrated = retrieve(index, q, { locale: "en" });
    const fixed = retrieve(index, q, { locale: "en", config: { ...defaultRetrieveConfig, bm25CalibratedScale: 0 } });
    expect(calibrated.candidates[0]?.articleId).toBe("backup");
    expect(calibrated.confidence).toBeGreaterThan(fixed.confidence);
  });
});
