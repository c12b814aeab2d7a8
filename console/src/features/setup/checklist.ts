// Pure logic of the checklist (its own chunk): the embed tag, each step's words, the progress line.
import type { ChecklistStepId } from "../../../../shared/setup.ts";

/** The tag the owner pastes into their pages, for this deployment's origin and the site's key. */
export const embedTag = (origin: string, siteKey: string): string =>
  `<script src="${origin}/widget.js" data-site="${siteKey}" async></script>`;

export const STEP_TEXT: Record<ChecklistStepId, { title: string; how: string }> = {
  origin: {
    title: "Add your site's origin",
    how: "The widget only answers on the origins you allow, e.g. https://shop.example.",
  },
  embed: {
    title: "Copy the embed tag into your site",
    how: "Paste it before </body> on every page; this ticks once a visitor opens the chat there.",
  },
  articles: { title: "Publish articles", how: "The bot answers from your published help-centre articles." },
  teammate: { title: "Invite a teammate", how: "Add the people who answer when the bot hands over." },
  message: {
    title: "Send a test message",
    how: "Open your site, start the chat and ask a question: this ticks when the message arrives.",
  },
};

/** "3 of 5 done". */
export const progress = (steps: { done: boolean }[]): string =>
  `${steps.filter((s) => s.done).length} of ${steps.length} done`;
