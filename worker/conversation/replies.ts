// What the bot says when it does not answer from an article, in the customer's language. English and
// Spanish (the widget's languages) are complete; French, German, Portuguese and Italian cover what a
// customer of a help centre without their language needs to read (that there are no articles in it,
// and how to reach a person). A missing sentence falls back to English.
const en = {
  handoffRequested:
    "Of course. I'm connecting you with a person now; they will see everything you've written here, so you won't need to repeat yourself.",
  handoffArticle:
    "This is something a person on our team needs to handle. I'm passing your conversation to them now, with everything you've told me.",
  handoffUnsure:
    "I'm not confident I can answer that well, so I'm bringing in a person from our team. They'll see this whole conversation.",
  decline:
    'Sorry, that\'s not something I can help with: I can only answer questions about our product from our help centre. Ask me about your account, or choose "Talk to a person" at any time.',
  unsure:
    "I'm not sure I understood. Could you say it another way, with a bit more detail? If you'd rather, choose \"Talk to a person\".",
  noLanguage:
    'Sorry, our help centre has no articles in {language} yet. Choose "Talk to a person" and someone from our team will help you; they\'ll see that you wrote in {language}.',
  hello: 'Hi! What can I help you with? Ask me anything about your account, or choose "Talk to a person".',
  thanks: "You're welcome! Is there anything else I can help with?",
  clarify: "Do you mean one of these?",
  noneOfThese: "None of these",
  clarifyNone:
    'Thanks. Could you tell me a bit more about what you need? You can also choose "Talk to a person" at any time.',
  translated: "Translated automatically from an article in {language}.",
  handoffClosed:
    "Our team is offline right now and back {day} at {time} ({zone}). I've passed your conversation on, so they'll see everything you've written here.",
  handoffClosedUnknown:
    "Our team is offline right now. I've passed your conversation on, so they'll see everything you've written here when they're back.",
  closedEmail: "Leave your email address below and their reply will reach you there, even if you close this page.",
  mergedInto: "This conversation has been joined with your other conversation with us, and continues there.",
  mergedFrom: "Your other conversation with us has been joined to this one: its messages follow.",
  splitTo: "One message was moved to a conversation of its own, so that each topic gets its own answer.",
  splitFrom: "This conversation was started from a message you sent in another conversation with us.",
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
    'Lo siento, con eso no puedo ayudarte: solo respondo preguntas sobre nuestro producto a partir de nuestro centro de ayuda. Pregúntame sobre tu cuenta o elige "Hablar con una persona" cuando quieras.',
  unsure:
    'No estoy seguro de haberte entendido. ¿Puedes decirlo de otra forma, con algo más de detalle? Si lo prefieres, elige "Hablar con una persona".',
  noLanguage:
    'Lo siento, nuestro centro de ayuda todavía no tiene artículos en español. Elige "Hablar con una persona" y alguien de nuestro equipo te ayudará.',
  hello: '¡Hola! ¿En qué puedo ayudarte? Pregúntame lo que quieras sobre tu cuenta o elige "Hablar con una persona".',
  thanks: "¡De nada! ¿Puedo ayudarte con algo más?",
  clarify: "¿Te refieres a alguno de estos?",
  noneOfThese: "Ninguno de estos",
  clarifyNone:
    'Gracias. ¿Puedes contarme un poco más sobre lo que necesitas? También puedes elegir "Hablar con una persona" cuando quieras.',
  translated: "Traducido automáticamente de un artículo en {language}.",
  handoffClosed:
    "Nuestro equipo no está disponible ahora; vuelve el {day} a las {time} ({zone}). Ya les he pasado tu conversación, así que verán todo lo que has escrito aquí.",
  handoffClosedUnknown:
    "Nuestro equipo no está disponible ahora. Ya les he pasado tu conversación, así que verán todo lo que has escrito aquí cuando vuelvan.",
  closedEmail: "Deja tu correo electrónico abajo y te llegará su respuesta allí, aunque cierres esta página.",
  mergedInto: "Esta conversación se ha unido a tu otra conversación con nosotros, y continúa allí.",
  mergedFrom: "Tu otra conversación con nosotros se ha unido a esta: sus mensajes siguen.",
  splitTo: "Un mensaje se ha movido a una conversación propia, para que cada tema tenga su propia respuesta.",
  splitFrom: "Esta conversación empezó con un mensaje que enviaste en otra conversación con nosotros.",
};

const fr: Partial<Record<ReplyKey, string>> = {
  handoffRequested:
    "Bien sûr. Je vous mets en relation avec une personne de notre équipe ; elle verra tout ce que vous avez écrit ici.",
  handoffArticle:
    "Une personne de notre équipe doit s'en occuper. Je lui transmets votre conversation maintenant, avec tout ce que vous m'avez dit.",
  handoffUnsure:
    "Je ne suis pas sûr de pouvoir bien répondre, alors je fais appel à une personne de notre équipe. Elle verra toute cette conversation.",
  decline:
    "Désolé, je ne peux pas vous aider avec cela : je réponds seulement aux questions sur notre produit, à partir de notre centre d'aide.",
  noLanguage:
    "Désolé, notre centre d'aide n'a pas encore d'articles en français. Choisissez « Talk to a person » (parler à une personne) et quelqu'un de notre équipe vous aidera.",
  hello: "Bonjour ! Comment puis-je vous aider ?",
  thanks: "Je vous en prie ! Puis-je vous aider avec autre chose ?",
  translated: "Traduit automatiquement d'un article en {language}.",
  handoffClosed:
    "Notre équipe n'est pas disponible pour le moment ; elle revient {day} à {time} ({zone}). Je lui transmets votre conversation : elle verra tout ce que vous avez écrit ici.",
  closedEmail:
    "Laissez votre adresse e-mail ci-dessous : sa réponse vous y parviendra, même si vous fermez cette page.",
};

const de: Partial<Record<ReplyKey, string>> = {
  handoffRequested:
    "Gern. Ich verbinde Sie jetzt mit einer Person aus unserem Team; sie sieht alles, was Sie hier geschrieben haben.",
  handoffArticle:
    "Darum muss sich eine Person aus unserem Team kümmern. Ich gebe Ihr Gespräch jetzt an sie weiter, mit allem, was Sie mir gesagt haben.",
  handoffUnsure:
    "Ich bin nicht sicher, ob ich das gut beantworten kann, deshalb hole ich eine Person aus unserem Team dazu. Sie sieht dieses ganze Gespräch.",
  decline:
    "Entschuldigung, dabei kann ich nicht helfen: Ich beantworte nur Fragen zu unserem Produkt aus unserem Hilfe-Center.",
  noLanguage:
    "Entschuldigung, unser Hilfe-Center hat noch keine Artikel auf Deutsch. Wählen Sie „Talk to a person“ (mit einer Person sprechen), dann hilft Ihnen jemand aus unserem Team.",
  hello: "Hallo! Wie kann ich Ihnen helfen?",
  thanks: "Gern geschehen! Kann ich sonst noch helfen?",
  translated: "Automatisch übersetzt aus einem Artikel auf {language}.",
  handoffClosed:
    "Unser Team ist gerade nicht da und ab {day} um {time} ({zone}) wieder erreichbar. Ich gebe Ihr Gespräch weiter; es sieht alles, was Sie hier geschrieben haben.",
  closedEmail:
    "Hinterlassen Sie unten Ihre E-Mail-Adresse, dann erreicht Sie die Antwort dort, auch wenn Sie diese Seite schließen.",
};

const pt: Partial<Record<ReplyKey, string>> = {
  handoffRequested: "Claro. Vou ligar você a uma pessoa da nossa equipe; ela verá tudo o que você escreveu aqui.",
  handoffArticle:
    "Isso precisa ser tratado por uma pessoa da nossa equipe. Vou passar a conversa para ela agora, com tudo o que você me contou.",
  handoffUnsure:
    "Não tenho certeza de que consigo responder bem, então vou chamar uma pessoa da nossa equipe. Ela verá toda esta conversa.",
  decline:
    "Desculpe, não posso ajudar com isso: só respondo perguntas sobre o nosso produto com base na nossa central de ajuda.",
  noLanguage:
    "Desculpe, a nossa central de ajuda ainda não tem artigos em português. Escolha “Talk to a person” (falar com uma pessoa) e alguém da nossa equipe vai ajudar você.",
  hello: "Olá! Como posso ajudar?",
  thanks: "De nada! Posso ajudar com mais alguma coisa?",
  translated: "Traduzido automaticamente de um artigo em {language}.",
  handoffClosed:
    "A nossa equipe não está disponível agora e volta {day} às {time} ({zone}). Passei a sua conversa para ela; verá tudo o que você escreveu aqui.",
  closedEmail: "Deixe o seu e-mail abaixo e a resposta chegará lá, mesmo que você feche esta página.",
};

const it: Partial<Record<ReplyKey, string>> = {
  handoffRequested:
    "Certo. Ti metto in contatto con una persona del nostro team; vedrà tutto quello che hai scritto qui.",
  handoffArticle:
    "Di questo deve occuparsi una persona del nostro team. Le passo la conversazione adesso, con tutto quello che mi hai detto.",
  handoffUnsure:
    "Non sono sicuro di poter rispondere bene, quindi chiamo una persona del nostro team. Vedrà tutta questa conversazione.",
  decline:
    "Mi dispiace, non posso aiutarti con questo: rispondo solo a domande sul nostro prodotto in base al nostro centro assistenza.",
  noLanguage:
    "Mi dispiace, il nostro centro assistenza non ha ancora articoli in italiano. Scegli “Talk to a person” (parla con una persona) e qualcuno del nostro team ti aiuterà.",
  hello: "Ciao! Come posso aiutarti?",
  thanks: "Prego! Posso aiutarti con qualcos'altro?",
  translated: "Tradotto automaticamente da un articolo in {language}.",
  handoffClosed:
    "Il nostro team non è disponibile ora e torna {day} alle {time} ({zone}). Gli passo la conversazione: vedrà tutto quello che hai scritto qui.",
  closedEmail: "Lascia il tuo indirizzo email qui sotto e la risposta ti arriverà lì, anche se chiudi questa pagina.",
};

const tables: Record<string, Partial<Record<ReplyKey, string>>> = { en, es, fr, de, pt, it };

/** Languages the bot can write its own sentences in (others get English). */
export const replyLanguages = Object.keys(tables);

/** The bot's sentence `key` in `locale`, with `{name}` parameters filled in. */
export function reply(locale: string, key: ReplyKey, params: Record<string, string> = {}): string {
  let s = tables[locale.slice(0, 2).toLowerCase()]?.[key] ?? en[key];
  for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, v);
  return s;
}

/** The language the sentence `key` will actually be written in for `locale`. */
export function replyLocale(locale: string, key: ReplyKey): string {
  const lang = locale.slice(0, 2).toLowerCase();
  return tables[lang]?.[key] ? lang : "en";
}
