// The upload chunk's own words (the app's dictionaries stay out of it): English and Spanish, as the
// app speaks them (widget/locale.ts).
import { pickLocale } from "../locale.ts";

const en = {
  files: "Files to send",
  remove: "Remove {name}",
  retry: "Try again",
  sending: "Sending…",
  waiting: "Waiting to send…",
  file_type: "Only {types} files can be sent here.",
  file_too_large: "Too large: files up to {max} can be sent here.",
  files_off: "Files can't be sent in this chat.",
  too_many_files: "This conversation can't take more files.",
  failed: "Not sent. Check your connection and try again.",
};
export type WordKey = keyof typeof en;

const es: Record<WordKey, string> = {
  files: "Archivos para enviar",
  remove: "Quitar {name}",
  retry: "Reintentar",
  sending: "Enviando…",
  waiting: "Esperando para enviar…",
  file_type: "Aquí solo se pueden enviar archivos {types}.",
  file_too_large: "Demasiado grande: aquí se pueden enviar archivos de hasta {max}.",
  files_off: "En este chat no se pueden enviar archivos.",
  too_many_files: "Esta conversación no admite más archivos.",
  failed: "No enviado. Revisa tu conexión e inténtalo de nuevo.",
};

export function words(locale: string): (key: WordKey, params?: Record<string, string>) => string {
  const dict = pickLocale([locale]) === "es" ? es : en;
  return (key, params = {}) => dict[key].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? "");
}
