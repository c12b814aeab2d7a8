// The form chunk's own words (the app's dictionaries stay out of it): English and Spanish, as the app
// speaks them (widget/locale.ts). An error's words name the field ({label}).
import type { AskError } from "../../shared/protocol.ts";
import { pickLocale } from "../locale.ts";

const en = {
  send: "Send",
  cancel: "Cancel",
  hint: "Or type a question in the message box.",
  empty: "Please enter your {label}.",
  long: "That's too long: at most {max} characters.",
  number: "Please enter a number.",
  email: "Please enter an email address, like name@example.com.",
  pattern: "That doesn't look like a valid {label}. Please check it.",
} satisfies Record<AskError | "send" | "cancel" | "hint", string>;
export type WordKey = keyof typeof en;

const es: Record<WordKey, string> = {
  send: "Enviar",
  cancel: "Cancelar",
  hint: "O escribe una pregunta en el cuadro de mensaje.",
  empty: "Escribe tu {label}.",
  long: "Es demasiado largo: como máximo {max} caracteres.",
  number: "Escribe un número.",
  email: "Escribe una dirección de correo, como nombre@ejemplo.com.",
  pattern: "Eso no parece un {label} válido. Revísalo, por favor.",
};

export function words(locale: string): (key: WordKey, params?: Record<string, string>) => string {
  const dict = pickLocale([locale]) === "es" ? es : en;
  return (key, params = {}) => dict[key].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? "");
}
