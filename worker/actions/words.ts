// What the bot says around an action, in the customer's language (English and Spanish, the widget's
// languages; others read English). The action's own answer and confirmation are the owner's templates.
const en = {
  ask: "To do that I need your {label}.",
  askAgain: "That doesn't look like a valid {label}. Could you check it and send it again?",
  yes: "Yes, go ahead",
  no: "No, don't",
  declined: "OK, I haven't changed anything.",
  cancelled:
    'OK, I\'ve left that. Ask me something else, or choose "Talk to a person" and someone on our team will help.',
  approvalWait: "Thanks. A person on our team approves this kind of change; I'll tell you here as soon as they have.",
  denied: "A person on our team didn't approve this, so nothing was changed. Their reason: {reason}",
  deniedNoReason: "A person on our team didn't approve this, so nothing was changed.",
  signIn:
    "I can look that up for you once I know it's your account. Please sign in on our website, then ask me again here.",
  noIdentity:
    "I can't look at account details in this chat, but a person on our team can. Choose \"Talk to a person\" and they'll help you.",
  failedRead:
    "Sorry, I couldn't get that information right now: our account system didn't answer in time. A person on our team can check it for you: choose \"Talk to a person\".",
  failedWrite:
    "Sorry, I couldn't confirm that this went through, so please don't try again just yet. A person on our team can check and finish it for you: choose \"Talk to a person\".",
  unavailable: 'Sorry, I can\'t do that here at the moment. A person on our team can help: choose "Talk to a person".',
};

export type WordKey = keyof typeof en;

const es: Record<WordKey, string> = {
  ask: "Para hacerlo necesito tu {label}.",
  askAgain: "Eso no parece un {label} válido. ¿Puedes revisarlo y enviarlo de nuevo?",
  yes: "Sí, adelante",
  no: "No, déjalo",
  declined: "De acuerdo, no he cambiado nada.",
  cancelled:
    'De acuerdo, lo dejo. Pregúntame otra cosa o elige "Hablar con una persona" y alguien de nuestro equipo te ayudará.',
  approvalWait:
    "Gracias. Una persona de nuestro equipo aprueba este tipo de cambios; te lo diré aquí en cuanto lo haya hecho.",
  denied: "Una persona de nuestro equipo no lo ha aprobado, así que no se ha cambiado nada. Su motivo: {reason}",
  deniedNoReason: "Una persona de nuestro equipo no lo ha aprobado, así que no se ha cambiado nada.",
  signIn:
    "Puedo consultarlo en cuanto sepa que es tu cuenta. Inicia sesión en nuestra web y vuelve a preguntarme aquí.",
  noIdentity:
    'No puedo consultar datos de cuentas en este chat, pero una persona de nuestro equipo sí. Elige "Hablar con una persona" y te ayudará.',
  failedRead:
    'Lo siento, ahora no he podido obtener esa información: nuestro sistema de cuentas no ha respondido a tiempo. Una persona de nuestro equipo puede comprobarlo: elige "Hablar con una persona".',
  failedWrite:
    'Lo siento, no he podido confirmar que se haya hecho, así que no lo intentes de nuevo todavía. Una persona de nuestro equipo puede comprobarlo y terminarlo: elige "Hablar con una persona".',
  unavailable:
    'Lo siento, ahora mismo no puedo hacerlo aquí. Una persona de nuestro equipo puede ayudarte: elige "Hablar con una persona".',
};

const tables: Record<string, Record<WordKey, string>> = { en, es };

export function words(locale: string, key: WordKey, params: Record<string, string> = {}): string {
  let s = (tables[locale.slice(0, 2).toLowerCase()] ?? en)[key];
  for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, v);
  return s;
}
