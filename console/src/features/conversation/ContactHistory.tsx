// The customer's other conversations, from any channel (widget, email, portal), once we know who
// they are: a verified identity or an email address. The agent sees the whole relationship, not
// just this thread.
import { useEffect, useState } from "preact/hooks";
import { contactSchema, type Contact } from "../../../../shared/api.ts";
import { api } from "../../lib/api.ts";
import { href } from "../../lib/route.ts";
import { TimeAgo } from "../../shell/bits.tsx";

/** Everything but the conversation on screen, newest first. */
export function otherConversations(contact: Contact, currentId: string): Contact["conversations"] {
  return contact.conversations.filter((c) => c.id !== currentId).sort((a, b) => b.createdAt - a.createdAt);
}

export function ContactHistory({ contactId, currentId }: { contactId: string; currentId: string }) {
  const [contact, setContact] = useState<Contact | null>(null);
  useEffect(() => {
    let live = true;
    api(`/api/contacts/${encodeURIComponent(contactId)}`, contactSchema)
      .then((c) => live && setContact(c))
      .catch(() => live && setContact(null));
    return () => {
      live = false;
    };
  }, [contactId, currentId]);
  if (!contact) return null;
  const others = otherConversations(contact, currentId);
  return (
    <section aria-labelledby="contact-history-title" data-testid="contact-history">
      <h3 id="contact-history-title" class="eyebrow">
        Other conversations <span class="muted small">· {contact.email}</span>
      </h3>
      {others.length === 0 ? (
        <p class="muted">None: this is their first.</p>
      ) : (
        <ul class="contact-history">
          {others.map((c) => (
            <li key={c.id} data-testid="contact-conversation" data-id={c.id}>
              <a href={href({ name: "conversation", id: c.id })}>{c.preview || "(no message yet)"}</a>{" "}
              <span class="muted">
                {c.channel} · {c.state ?? "unknown"} · <TimeAgo at={c.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
