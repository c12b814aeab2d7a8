// Turning raw handoff fields into something an agent can scan in a second.

/** "Chrome 126 on macOS", "Safari on iPhone"; the raw string stays available as a tooltip. */
export function describeUserAgent(ua: string | undefined): string {
  if (!ua) return "Unknown device";
  const browser =
    match(ua, /Edg(?:e|A|iOS)?\/(\d+)/, "Edge") ??
    match(ua, /OPR\/(\d+)/, "Opera") ??
    match(ua, /SamsungBrowser\/(\d+)/, "Samsung Internet") ??
    match(ua, /Firefox\/(\d+)/, "Firefox") ??
    match(ua, /FxiOS\/(\d+)/, "Firefox") ??
    match(ua, /CriOS\/(\d+)/, "Chrome") ??
    match(ua, /Chrome\/(\d+)/, "Chrome") ??
    (/Safari\//.test(ua) ? (match(ua, /Version\/(\d+)/, "Safari") ?? "Safari") : undefined);
  const os = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /Windows/.test(ua)
          ? "Windows"
          : /Mac OS X|Macintosh/.test(ua)
            ? "macOS"
            : /CrOS/.test(ua)
              ? "ChromeOS"
              : /Linux/.test(ua)
                ? "Linux"
                : undefined;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? (ua.length > 40 ? `${ua.slice(0, 40)}…` : ua);
}

function match(ua: string, re: RegExp, name: string): string | undefined {
  const m = re.exec(ua);
  return m ? `${name} ${m[1]}` : undefined;
}

/** "en" → "English (en)", "pt-BR" → "Portuguese (Brazil) (pt-BR)"; falls back to the tag itself. */
export function describeLocale(tag: string): string {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** Scores as two decimals; retrieval scores are not percentages, so no "%". */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(2) : "–";
}

/** Share of the best score among the tried articles, for the little bar next to each one. */
export function scoreShare(score: number, all: readonly number[]): number {
  const max = Math.max(0, ...all.filter(Number.isFinite));
  if (!(max > 0) || !Number.isFinite(score)) return 0;
  return Math.max(0, Math.min(1, score / max));
}

/** Only http(s) page URLs become links; anything else (javascript:, data:) is shown as text. */
export function safeHttpUrl(url: string | undefined, base?: string): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

// Why the bot handed off, in words an agent reads at a glance. Codes come from worker/answer/engine/decide.ts,
// the engine and the email channel; an unknown code is shown as words rather than hidden.
const REASONS: Record<string, string> = {
  "asked-for-person": "Asked for a person",
  "customer-requested": "Asked for a person",
  "article-requires-person": "Topic needs a person",
  "low-confidence-after-rephrase": "Bot unsure after a rephrase",
  "low-confidence": "Bot unsure",
  "negative-sentiment": "Customer upset",
  "repeated-failure": "Bot failed repeatedly",
  "out-of-scope": "Outside the help centre",
  "not-in-sources": "Not in the help centre",
  "no-knowledge-base": "No help centre published",
  reassigned: "Reassigned",
};

export function describeReason(code: string): string {
  return REASONS[code] ?? capitalize(code.replace(/[-_]+/g, " "));
}
