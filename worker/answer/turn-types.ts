// The bot-turn contract lives with the conversation (worker/conversation/model.ts), which calls the
// bot; the answer side re-exports it here, with the translation interface the turn uses.

export type { BotTurn, Brain, TurnContext } from "../conversation/model.ts";

/** Machine translation as the turn uses it (implemented by worker/answer/ai/translate.ts). */
export interface Translate {
  /** `text` from language `from` into `to` (ISO 639-1), or null when it could not be translated. */
  translate(text: string, from: string, to: string): Promise<string | null>;
}
