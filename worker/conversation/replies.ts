// What the bot says when it does not answer from an article, in the customer's language. Add a
// language by adding a table; unknown locales fall back to English.
const en = {
  handoffRequested:
    "Of course. I'm connecting you with a person now; they will see everything you've written here, so you won't need to repeat yourself.",
  handoffArticle:
    "This is something a person on our team needs to handle. I'm passing your conversation to them now, with everything you've told me.",
  handoffUnsure:
    "I'm not confident I can answer that well, so I'm bringing in a person from our team. They'll see this whole conversation.",
  decline:
    "Sorry, I can't help with that here: it's outside what our help centre covers. If it's about your account, ask me in other words, or choose \"Talk to a person\".",
  unsure:
    "I'm not sure I understood. Could you say it another way, with a bit more detail? If you'd rather, choose \"Talk to a person\".",
};

export type ReplyKey = keyof typeof en;

const es: Record<ReplyKey, string> = {
  handoffRequested:
    "Por supuesto. Te estoy conectando con una persona; verá todo lo que has escrito aquí, así que no tendrás que repetirlo.",
  handoffArticle:
    "Esto lo tiene que gestionar una persona de nuestro equipo. Le paso tu conversación ahora, con todo lo que me has contado.",
  handoffUnsure:
    "No estoy seguro de poder responder bien a eso, así que voy a pedir ayuda a una persona de nuestro equipo. Verá toda esta conversación.",
  decline:
    'Lo siento, no puedo ayudarte con eso aquí: no forma parte de nuestro centro de ayuda. Si es sobre tu cuenta, pregúntamelo con otras palabras o elige "Hablar con una persona".',
  unsure:
    'No estoy seguro de haberte entendido. ¿Puedes decirlo de otra forma, con algo más de detalle? Si lo prefieres, elige "Hablar con una persona".',
};

const tables: Record<string, Record<ReplyKey, string>> = { en, es };

export function reply(locale: string, key: ReplyKey): string {
  return (tables[locale.slice(0, 2)] ?? en)[key];
}
