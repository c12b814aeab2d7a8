// Greetings and thanks on their own: not questions for the help centre, and not failures either. The
// bot answers them kindly in the customer's language instead of "I can't help with that".
import { normalize } from "./engine/text.ts";

const HELLO =
  /^(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|buenas( tardes| noches)?|buenos dias|bonjour|salut|hallo|guten tag|ola|oi|ciao|buongiorno)( there| team| all)?$/;
const THANKS =
  /^((ok(ay)?|great|perfect|cool|nice|brilliant|awesome|perfecto|genial|vale)\s*)?(thanks|thank you|thank u|thx|ty|cheers|gracias|muchas gracias|mil gracias|merci|merci beaucoup|danke|danke schon|obrigad[oa]|grazie)( so much| a lot| very much)?$/;

export type SmallTalk = "hello" | "thanks";

export function smallTalk(text: string): SmallTalk | null {
  const t = normalize(text)
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!t || t.length > 40) return null;
  if (HELLO.test(t)) return "hello";
  if (THANKS.test(t)) return "thanks";
  return null;
}
