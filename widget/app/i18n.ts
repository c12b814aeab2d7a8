// UI strings. English is the reference: every other language must define every key (the type checks
// it), and a key missing at runtime (a dictionary loaded from elsewhere later) still falls back to English.
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
type Dict = Record<StringKey, string>;

const es: Dict = {
  title: "Ayuda",
  subtitleBot: "Respuestas al instante",
  subtitleQueued: "Esperando a una persona…",
  subtitleAgent: "Estás hablando con {name}",
  subtitleResolved: "Conversación resuelta",
  welcome:
    "¡Hola! Haz una pregunta y la buscaré en nuestro centro de ayuda. También puedes hablar con una persona cuando quieras.",
  talkToPerson: "Hablar con una persona",
  close: "Cerrar chat",
  you: "Tú",
  assistant: "Asistente",
  agent: "Agente de soporte",
  source: "Fuente",
  sources: "Fuentes",
  newTab: "(se abre en una pestaña nueva)",
  placeholder: "Escribe tu mensaje…",
  inputLabel: "Mensaje",
  send: "Enviar",
  sending: "Enviando…",
  notSent: "No enviado: {error}",
  retry: "Reintentar",
  queued: "Una persona te responderá aquí.",
  joined: "{name} se unió al chat",
  someoneJoined: "Una persona se unió al chat",
  backToBot: "Vuelves a estar con el asistente",
  resolved: "Esta conversación se resolvió",
  newConversation: "Empezar una conversación nueva",
  typing: "{name} está escribiendo…",
  connecting: "Conectando…",
  reconnecting: "Reconectando…",
  offline: "Estás sin conexión. Los mensajes se enviarán cuando vuelvas a estar en línea.",
  failed: "No se pudo contactar con soporte. Reintentando…",
  unavailable: "El chat no está disponible en este momento. Inténtalo más tarde.",
  slowDown: "Estás enviando mensajes muy rápido. Enviaremos el resto en un momento.",
  tooLong: "{n} caracteres por encima del límite",
  chatLog: "Conversación",
  poweredBy: "Con tecnología de EdgeDesk",
  csatQuestion: "¿Qué tal te hemos atendido?",
  csatStar: "{n} de 5",
  csatComment: "¿Algo más que añadir? (opcional)",
  csatSend: "Enviar valoración",
  csatThanks: "¡Gracias por tu opinión!",
  csatFailed: "No se envió tu valoración. Inténtalo de nuevo.",
  followUpAsk: "¿No puedes esperar? Déjanos tu correo y te enviaremos la respuesta allí.",
  followUpSave: "Guardar",
  followUpSet: "Si te vas, te enviaremos las respuestas a {email}.",
  followUpChange: "Cambiar",
  followUpInvalid: "Esa dirección de correo no parece correcta.",
  followUpCodeAsk:
    "Te enviamos un código de 6 cifras a {email}. Escríbelo aquí para que te mandemos las respuestas allí.",
  followUpCodeLabel: "Código",
  followUpConfirm: "Confirmar",
  followUpCodeWrong: "Ese código no es correcto. Revisa el correo y vuelve a intentarlo.",
  followUpCodeOld: "Ese código ya no sirve. Cambia la dirección o guárdala otra vez para recibir uno nuevo.",
  followUpTooMany: "Hoy no podemos enviar más códigos a esa dirección.",
  pastTitle: "Tus conversaciones",
  backToChat: "Volver al chat",
  backToList: "Volver a tus conversaciones",
  pastLoading: "Cargando…",
  pastEmpty: "Todavía no hay conversaciones anteriores.",
  pastFailed: "No se pudieron cargar tus conversaciones.",
  pastExpired: "Tu sesión ha caducado. Recarga la página para ver tus conversaciones.",
  pastCurrent: "Actual",
  pastLog: "Conversación anterior",
  pastClosed: "Esta conversación está cerrada.",
  pastByEmail: "Las respuestas a esta conversación llegan por correo.",
  pastElsewhere: "Esta conversación continúa donde empezó.",
  continueChat: "Continuar esta conversación",
  attachment: "Adjunto: {name}",
  chChat: "Chat",
  chPortal: "Centro de ayuda",
  chEmail: "Correo",
  chApi: "App",
  stOpen: "Abierta",
  stWaiting: "Esperando a una persona",
  stClosed: "Cerrada",
  noneOfThese: "Ninguno de estos",
};

const dictionaries: Record<Locale, Partial<Dict>> = { en, es };

export type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

/** A translator for `locale` (any BCP 47 tag; unknown languages get English). */
export function translator(locale: string, dicts: Record<string, Partial<Dict>> = dictionaries): Translate {
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
