// UI strings. English is the reference and ships with the app; every other language (i18n-es.ts) must
// define every key (the type checks it), comes as a chunk of its own when needed (lazy.ts), and a key
// missing at runtime still falls back to English.
import { signal } from "@preact/signals";
import { pickLocale, supportedLocales, type Locale } from "../locale.ts";

const en = {
  title: "Support",
  subtitleBot: "Instant answers from our help center",
  subtitleQueued: "Waiting for a person…",
  subtitleAgent: "You're chatting with {name}",
  subtitleResolved: "Conversation resolved",
  welcome: "Hi! Ask a question and I'll look in our help center. You can also talk to a person at any time.",
  talkToPerson: "Talk to a person",
  close: "Close chat",
  you: "You",
  assistant: "Assistant",
  agent: "Support agent",
  source: "Source",
  sources: "Sources",
  newTab: "(opens in a new tab)",
  placeholder: "Type your message…",
  inputLabel: "Message",
  send: "Send",
  sending: "Sending…",
  notSent: "Not sent: {error}",
  retry: "Retry",
  queued: "A person will reply here.",
  joined: "{name} joined the chat",
  someoneJoined: "A person joined the chat",
  backToBot: "You're back with the assistant",
  resolved: "This conversation was resolved",
  newConversation: "Start a new conversation",
  typing: "{name} is typing…",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  offline: "You're offline. Messages will be sent when you're back online.",
  failed: "Couldn't reach support. Retrying…",
  unavailable: "Chat is unavailable right now. Please try again later.",
  slowDown: "You're sending messages quickly. We'll send the rest in a moment.",
  tooLong: "{n} characters over the limit",
  chatLog: "Conversation",
  poweredBy: "Powered by EdgeDesk",
  csatQuestion: "How did we do?",
  csatStar: "{n} of 5",
  csatComment: "Anything to add? (optional)",
  csatSend: "Send rating",
  csatThanks: "Thanks for your feedback!",
  csatFailed: "Your rating wasn't sent. Please try again.",
  followUpAsk: "Can't stay? Leave your email and we'll send the reply there.",
  followUpSave: "Save",
  followUpSet: "If you leave, we'll email replies to {email}.",
  followUpChange: "Change",
  followUpInvalid: "That email address doesn't look right.",
  followUpCodeAsk: "We emailed a 6-digit code to {email}. Enter it here so we can send replies there.",
  followUpCodeLabel: "Code",
  followUpConfirm: "Confirm",
  followUpCodeWrong: "That code isn't right. Check the email and try again.",
  followUpCodeOld: "That code no longer works. Change the address or save it again for a new code.",
  followUpTooMany: "We can't send more codes to that address today.",
  pastTitle: "Your conversations",
  backToChat: "Back to chat",
  backToList: "Back to your conversations",
  pastLoading: "Loading…",
  pastEmpty: "No earlier conversations yet.",
  pastFailed: "Couldn't load your conversations.",
  pastExpired: "Your sign-in has expired. Reload the page to see your conversations.",
  pastCurrent: "Current",
  pastLog: "Earlier conversation",
  pastClosed: "This conversation is closed.",
  pastByEmail: "Replies to this conversation arrive by email.",
  pastElsewhere: "This conversation continues where it started.",
  continueChat: "Continue this conversation",
  attachment: "Attachment: {name}",
  attach: "Attach a file",
  chChat: "Chat",
  chPortal: "Help center",
  chEmail: "Email",
  chApi: "App",
  stOpen: "Open",
  stWaiting: "Waiting for a person",
  stClosed: "Closed",
  noneOfThese: "None of these",
} as const;

export type StringKey = keyof typeof en;

export type Dict = Record<StringKey, string>;

/**
 * The dictionaries other than English the app has so far: they come as chunks of their own when a
 * conversation needs one (lazy.ts `speak`, widget-es.js), so a visitor in English never downloads
 * them. Reading it in a component re-renders that component when one arrives.
 */
export const loaded = signal<Partial<Record<Locale, Partial<Dict>>>>({});

export type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

/** A translator for `locale` (any BCP 47 tag; unknown languages, and ones not loaded yet, get English). */
export function translator(locale: string, dicts: Partial<Record<string, Partial<Dict>>> = loaded.value): Translate {
  const lang = pickLocale([locale]);
  const dict = dicts[lang] ?? {};
  return (key, params) => {
    let s: string = dict[key] ?? en[key];
    if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

/**
 * The language to show: the customer's language as the bot last understood it (bot messages carry
 * it), when the widget has words for it; otherwise the page's.
 */
export function conversationLocale(messages: readonly { author: string; locale?: string }[], page: string): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const l = messages[i]?.locale;
    if (messages[i]?.author === "bot" && l) return (supportedLocales as readonly string[]).includes(l) ? l : page;
  }
  return page;
}
