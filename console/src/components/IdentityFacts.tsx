// Who the customer is, from the widget's identify(). "Verified" only when the site's server signed it;
// otherwise the page claimed it and anyone could have typed it, which the agent must be able to tell.
import type { Identity } from "../../../shared/protocol.ts";

export function IdentityFacts({ identity }: { identity: Identity | undefined }) {
  if (!identity) {
    return (
      <section class="identity" aria-labelledby="identity-title" data-testid="packet-identity" data-empty="true">
        <h3 id="identity-title" class="eyebrow">
          Customer
        </h3>
        <p class="muted small">Anonymous visitor: the site did not identify them.</p>
      </section>
    );
  }
  const attrs = Object.entries(identity.attributes ?? {});
  return (
    <section
      class="identity"
      aria-labelledby="identity-title"
      data-testid="packet-identity"
      data-verified={String(identity.verified)}
    >
      <h3 id="identity-title" class="eyebrow">
        Customer
      </h3>
      <p class="identity-head">
        <span class="identity-name" data-testid="identity-name">
          {identity.name ?? identity.email ?? identity.id}
        </span>
        {identity.verified ? (
          <span class="badge-verified" data-testid="identity-verified" title="Signed by the site's server (HMAC)">
            Verified
          </span>
        ) : (
          <span
            class="badge-unverified"
            data-testid="identity-unverified"
            title="Claimed by the web page, not signed: do not trust it for account changes"
          >
            Unverified
          </span>
        )}
      </p>
      <dl class="facts">
        <div class="fact">
          <dt>User ID</dt>
          <dd class="mono" data-testid="identity-id">
            {identity.id}
          </dd>
        </div>
        <div class="fact">
          <dt>Email</dt>
          <dd data-testid="identity-email">{identity.email ?? <span class="muted">—</span>}</dd>
        </div>
        {attrs.map(([k, v]) => (
          <div class="fact" key={k} data-testid="identity-attribute" data-key={k}>
            <dt>{k}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
