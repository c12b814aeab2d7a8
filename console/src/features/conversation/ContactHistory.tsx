// The customer's other conversations, from any channel (widget, email, portal), once we know who
// they are: a verified identity or an email address. The agent sees the whole relationship, not
// just this thread, and may merge one of them into this one (docs/search.md).
import { useEffect, useState } from "preact/hooks";
import { contactSchema, type Contact } from "../../../../shared/api.ts";
import { api } from "../../lib/api.ts";
import { href } from "../../lib/route.ts";
import { TimeAgo } from "../../shell/bits.tsx";

/** Everything but the conversation on screen, newest first. */
export function otherConversations(contact: Contact, currentId: string): Contact["conversations"] {
  return contact.conversations.filter((c) => c.id !== currentId).sort((a, b) => b.createdAt - a.createdAt);
}

type Props = {
  contactId: string;
  currentId: string;
  /** Changes when this conversation does: the list is read again (a merge closes one of them). */
  version?: number;
  /** Merges the other conversation into this one; absent when this one cannot take a merge. */
  onMerge?: (other: string) => Promise<string | undefined>;
};

export function ContactHistory({ contactId, currentId, version, onMerge }: Props) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api(`/api/contacts/${encodeURIComponent(contactId)}`, contactSchema)
      .then((c) => live && setContact(c))
      .catch(() => live && setContact(null));
    return () => {
      live = false;
    };
  }, [contactId, currentId, version]);
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
              {onMerge &&
                (asking === c.id ? (
                  <p class="small" role="group" aria-label="Merge that conversation">
                    Merge it into this one? It is closed, and its messages are copied here.{" "}
                    <button
                      type="button"
                      class="btn btn-link"
                      data-testid="merge-confirm"
                      onClick={() => {
                        setAsking(null);
                        void onMerge(c.id);
                      }}
                    >
                      Merge
                    </button>
                    <button type="button" class="btn btn-link" onClick={() => setAsking(null)}>
                      Cancel
                    </button>
                  </p>
                ) : (
                  <button
                    type="button"
                    class="btn btn-link small"
                    data-testid="merge-button"
                    onClick={() => setAsking(c.id)}
                  >
                    Merge into this conversation
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
