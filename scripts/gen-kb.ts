// A deterministic synthetic KB for load measurements: `node scripts/ts.mjs scripts/gen-kb.ts --out DIR
// [--count 1000] [--seed 7]` (up to 8,000: products × topics × editions). Articles are products × topics written from a fixed phrase bank, so the
// same arguments always give byte-identical files and the vocabulary grows the way a real multi-product
// help centre's does (shared words, product names, topic words), not like random strings.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatArticle, type Article } from "../shared/article.ts";
import { prng } from "../shared/random.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const PRODUCTS = [
  "Atlas Wallet",
  "Beacon Cards",
  "Cirrus Savings",
  "Delta Transfers",
  "Ember Loans",
  "Fjord Insurance",
  "Garnet Payroll",
  "Harbor Invoices",
  "Iris Budgets",
  "Juniper Stocks",
  "Kite Crypto",
  "Lark Mortgages",
  "Maple Pensions",
  "Nimbus Business",
  "Onyx Travel",
  "Pike Rewards",
  "Quartz Tax",
  "Raven Merchant",
  "Sable Kids",
  "Tundra Vault",
  "Umber Checkout",
  "Vale Currency",
  "Willow Gifts",
  "Xenon API",
  "Yarrow Family",
];

type Topic = { slug: string; title: string; category: string; words: string[]; steps: string[] };
const TOPICS: Topic[] = [
  [
    "sign-up",
    "create an account for",
    "account",
    ["sign", "register", "email", "verify", "welcome"],
    ["Open the sign-up page", "Enter your email and choose a password", "Confirm the code we send you"],
  ],
  [
    "close-account",
    "close my account in",
    "account",
    ["close", "delete", "leave", "remove", "goodbye"],
    ["Move any remaining balance out", "Open Settings and choose Close account", "Confirm with your passcode"],
  ],
  [
    "change-email",
    "change my email address in",
    "account",
    ["email", "address", "update", "inbox", "contact"],
    ["Open Profile", "Tap Email address", "Confirm the link sent to the new address"],
  ],
  [
    "reset-password",
    "reset my password for",
    "security",
    ["password", "forgot", "reset", "login", "locked"],
    [
      "Tap Forgot password on the login screen",
      "Follow the link in the email",
      "Choose a password you have not used before",
    ],
  ],
  [
    "two-factor",
    "turn on two-factor login in",
    "security",
    ["two-factor", "authenticator", "code", "sms", "protect"],
    ["Open Security", "Choose an authenticator app or SMS", "Enter the six-digit code"],
  ],
  [
    "suspicious-login",
    "report a login I don't recognise in",
    "security",
    ["suspicious", "unknown", "device", "hacked", "fraud"],
    ["Sign out of all devices", "Change your password", "Contact us from the Help tab"],
  ],
  [
    "fees",
    "see the fees of",
    "billing",
    ["fee", "charge", "cost", "price", "commission"],
    ["Open Plans", "Compare the fee table", "Check the monthly statement"],
  ],
  [
    "refund",
    "get a refund from",
    "billing",
    ["refund", "money", "back", "return", "reverse"],
    ["Open the transaction", "Tap Request refund", "Tell us why and submit"],
  ],
  [
    "invoice",
    "download an invoice from",
    "billing",
    ["invoice", "receipt", "pdf", "download", "vat"],
    ["Open Billing", "Pick the month", "Tap Download PDF"],
  ],
  [
    "upgrade-plan",
    "upgrade my plan in",
    "billing",
    ["upgrade", "premium", "plan", "tier", "benefits"],
    ["Open Plans", "Choose the tier", "Confirm the first payment"],
  ],
  [
    "cancel-plan",
    "cancel my subscription to",
    "billing",
    ["cancel", "subscription", "downgrade", "stop", "renewal"],
    ["Open Plans", "Tap Cancel subscription", "Keep the benefits until the period ends"],
  ],
  [
    "payment-failed",
    "fix a failed payment in",
    "payments",
    ["failed", "declined", "error", "rejected", "retry"],
    ["Check the balance and limits", "Retry the payment", "Try another payment method"],
  ],
  [
    "pending-payment",
    "understand a pending payment in",
    "payments",
    ["pending", "processing", "waiting", "hold", "authorisation"],
    ["Wait up to three working days", "Check the merchant's status", "Contact the merchant if it stays pending"],
  ],
  [
    "payment-limits",
    "change my payment limits in",
    "payments",
    ["limit", "maximum", "daily", "monthly", "raise"],
    ["Open Limits", "Pick the limit to change", "Confirm the new amount"],
  ],
  [
    "add-card",
    "add a card to",
    "cards",
    ["card", "add", "link", "debit", "credit"],
    ["Open Cards", "Tap Add card", "Scan the card or type its number"],
  ],
  [
    "lost-card",
    "freeze a lost card in",
    "cards",
    ["lost", "stolen", "freeze", "block", "replace"],
    ["Open Cards", "Tap Freeze", "Order a replacement if it does not turn up"],
  ],
  [
    "card-delivery",
    "track my card delivery for",
    "cards",
    ["delivery", "post", "arrive", "shipping", "tracking"],
    ["Open Cards", "Check the delivery status", "Wait ten working days before reporting it missing"],
  ],
  [
    "pin",
    "view or change my PIN in",
    "cards",
    ["pin", "code", "change", "view", "atm"],
    ["Open Cards", "Tap Security", "View or change the PIN"],
  ],
  [
    "transfer-send",
    "send a transfer with",
    "transfers",
    ["send", "transfer", "recipient", "iban", "bank"],
    ["Tap Send", "Pick or add the recipient", "Check the amount and confirm"],
  ],
  [
    "transfer-missing",
    "find a transfer that has not arrived in",
    "transfers",
    ["arrived", "missing", "received", "delay", "late"],
    [
      "Check the transfer status",
      "Share the payment reference with the recipient",
      "Ask us to trace it after two working days",
    ],
  ],
  [
    "transfer-cancel",
    "cancel a transfer in",
    "transfers",
    ["cancel", "undo", "stop", "wrong", "recall"],
    ["Open the transfer", "Tap Cancel if it is still pending", "Ask the recipient to return it otherwise"],
  ],
  [
    "exchange-rate",
    "check the exchange rate in",
    "currency",
    ["exchange", "rate", "currency", "convert", "foreign"],
    ["Open Currencies", "Pick the pair", "Check the rate and the fee before converting"],
  ],
  [
    "statements",
    "get a statement from",
    "account",
    ["statement", "history", "export", "csv", "monthly"],
    ["Open Statements", "Choose the period and format", "Tap Export"],
  ],
  [
    "identity-check",
    "verify my identity for",
    "account",
    ["identity", "passport", "selfie", "document", "kyc"],
    ["Open Verify identity", "Photograph your document", "Take a selfie in good light"],
  ],
  [
    "notifications",
    "manage notifications in",
    "app",
    ["notification", "push", "alert", "sound", "mute"],
    ["Open Settings", "Tap Notifications", "Switch each kind on or off"],
  ],
  [
    "app-crash",
    "fix the app crashing in",
    "app",
    ["crash", "freeze", "slow", "update", "bug"],
    ["Update to the latest version", "Restart your phone", "Reinstall the app if it keeps crashing"],
  ],
  [
    "dark-mode",
    "switch on dark mode in",
    "app",
    ["dark", "theme", "display", "colour", "night"],
    ["Open Settings", "Tap Appearance", "Choose Dark"],
  ],
  [
    "language",
    "change the language of",
    "app",
    ["language", "spanish", "translate", "locale", "english"],
    ["Open Settings", "Tap Language", "Pick from the list"],
  ],
  [
    "export-data",
    "export my data from",
    "privacy",
    ["export", "data", "gdpr", "copy", "archive"],
    ["Open Privacy", "Tap Request my data", "Download the archive from the email"],
  ],
  [
    "delete-data",
    "delete my data from",
    "privacy",
    ["erase", "forget", "privacy", "personal", "retention"],
    ["Open Privacy", "Tap Delete my data", "Confirm; some records are kept by law"],
  ],
  [
    "joint-access",
    "share access to",
    "account",
    ["joint", "share", "partner", "family", "invite"],
    ["Open Members", "Tap Invite", "Choose what they can see and do"],
  ],
  [
    "business-users",
    "add team members to",
    "business",
    ["team", "employee", "admin", "role", "permissions"],
    ["Open Team", "Invite by email", "Pick a role"],
  ],
  [
    "api-keys",
    "create an API key for",
    "developers",
    ["api", "key", "token", "developer", "integration"],
    ["Open Developers", "Tap New key", "Copy it now: it is shown once"],
  ],
  [
    "webhooks",
    "set up webhooks for",
    "developers",
    ["webhook", "callback", "event", "endpoint", "signature"],
    ["Open Developers", "Add the endpoint URL", "Verify the signature on each event"],
  ],
  [
    "cashback",
    "earn cashback with",
    "rewards",
    ["cashback", "reward", "points", "earn", "partner"],
    ["Open Rewards", "Activate the offer", "Pay with the linked card"],
  ],
  [
    "redeem-points",
    "redeem points in",
    "rewards",
    ["redeem", "points", "voucher", "spend", "expire"],
    ["Open Rewards", "Pick a voucher", "Confirm the points"],
  ],
  [
    "travel-notice",
    "use my account abroad with",
    "travel",
    ["abroad", "travel", "overseas", "holiday", "roaming"],
    ["Check the card works in that country", "Turn on location security", "Carry a second way to pay"],
  ],
  [
    "complaint",
    "make a complaint about",
    "support",
    ["complaint", "unhappy", "ombudsman", "escalate", "service"],
    ["Tell us in the Help tab", "We answer within eight weeks", "You can then go to the ombudsman"],
  ],
  [
    "contact-support",
    "contact a person about",
    "support",
    ["person", "agent", "human", "talk", "phone"],
    ["Open Help", "Tap Chat with us", "Leave your number for a call back"],
  ],
  [
    "accessibility",
    "use accessibility features in",
    "app",
    ["accessibility", "screen", "reader", "font", "contrast"],
    ["Open Settings", "Tap Accessibility", "Adjust text size and contrast"],
  ],
].map(([slug, title, category, words, steps]) => ({ slug, title, category, words, steps }) as Topic);

const OPENERS = [
  "This guide explains how to {title} {product}.",
  "You can {title} {product} from the app or the website in a few minutes.",
  "Most customers {title} {product} without help; here is what to expect.",
];
const DETAILS = [
  "It usually takes {n} minutes, and you will get an email once it is done.",
  "If the option is greyed out, your plan may not include it yet.",
  "Some changes take up to {n} working days to show on every device.",
  "For your security we may ask for your passcode or a one-time code.",
  "Business accounts need an admin to approve this first.",
  "The {word} settings are the same on iOS, Android and the web.",
  "We never ask for your full password by email, chat or phone.",
  "Keep the confirmation number: support will ask for it if something goes wrong.",
  "The limit is {n} per day for standard plans and higher for premium ones.",
  "If you see an error about {word}, update the app and try again.",
];

/**
 * Beyond the first 1,000 articles (every product × topic once), each product comes in editions with
 * articles of their own: ids and titles stay distinct and the vocabulary keeps growing a little, as a
 * multi-product, multi-edition help centre's does. The first 1,000 are unchanged.
 */
const EDITIONS = ["", "Business", "Plus", "Kids", "Lite", "Pro", "Family", "Student"];

function article(product: string, topic: Topic, rand: () => number, pIndex: number): Article {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const fill = (s: string) =>
    s
      .replaceAll("{title}", topic.title)
      .replaceAll("{product}", product)
      .replaceAll("{n}", String(2 + Math.floor(rand() * 9)))
      .replaceAll("{word}", pick(topic.words));
  const details: string[] = [];
  const n = 2 + Math.floor(rand() * 3);
  while (details.length < n) {
    const d = fill(pick(DETAILS));
    if (!details.includes(d)) details.push(d);
  }
  const body = [
    fill(pick(OPENERS)),
    "",
    ...topic.steps.map((s, i) => `${i + 1}. ${s} in ${product}.`),
    "",
    details.join(" "),
    "",
    `Related words customers use: ${topic.words.join(", ")}.`,
  ].join("\n");
  const slugProduct = product.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    id: `${slugProduct}-${topic.slug}`,
    title: `How do I ${topic.title} ${product}?`,
    category: topic.category,
    tags: [...topic.words.slice(0, 3), slugProduct.split("-")[0] as string],
    questions: [],
    handoff: topic.slug === "contact-support" || topic.slug === "suspicious-login" ? "always" : "never",
    priority: topic.category === "security" ? "high" : "normal",
    team: topic.category === "billing" ? "billing" : pIndex % 2 ? "support" : "product",
    locale: "en",
    updated: "2026-01-01",
    body,
  };
}

export function generateKb(count: number, seed: number): Article[] {
  const rand = prng(seed);
  const out: Article[] = [];
  const perEdition = PRODUCTS.length * TOPICS.length;
  for (let i = 0; out.length < count && i < perEdition * EDITIONS.length; i++) {
    const e = Math.floor(i / perEdition);
    const p = i % PRODUCTS.length;
    const t = Math.floor((i % perEdition) / PRODUCTS.length);
    const product = e === 0 ? (PRODUCTS[p] as string) : `${PRODUCTS[p]} ${EDITIONS[e]}`;
    out.push(article(product, TOPICS[t] as Topic, rand, p));
  }
  return out;
}

/** The topic words of a generated article's topic, by its slug (scripts/kb-scale.ts writes tickets from them). */
export function topicOf(articleId: string): { title: string; words: string[]; product: string } | null {
  for (const t of TOPICS) {
    if (!articleId.endsWith(`-${t.slug}`)) continue;
    const slug = articleId.slice(0, -(t.slug.length + 1));
    const name = [...PRODUCTS.flatMap((p) => EDITIONS.map((e) => (e ? `${p} ${e}` : p)))].find(
      (n) => n.toLowerCase().replace(/[^a-z0-9]+/g, "-") === slug,
    );
    return { title: t.title, words: t.words, product: name ?? slug };
  }
  return null;
}

if (process.argv[1]?.includes("gen-kb")) {
  const out = flag("out", "");
  if (!out) {
    console.error("usage: node scripts/ts.mjs scripts/gen-kb.ts --out DIR [--count 1000] [--seed 7]");
    process.exit(2);
  }
  const articles = generateKb(Number(flag("count", "1000")), Number(flag("seed", "7")));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const a of articles) writeFileSync(join(out, `${a.id}.md`), formatArticle(a));
  console.log(`wrote ${articles.length} articles to ${out}/`);
}
