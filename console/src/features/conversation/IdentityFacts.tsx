// Who the customer is, from the widget's identify(). Each field says whether the site's server signed
// it: a v2 signature covers every field, a v1 signature only the user id and email, and without a
// valid signature the page claimed it all and anyone could have typed it. The agent must be able to
// tell, field by field (docs/identity.md).
import { identityTrust, isVerifiedField, type Identity, type IdentityField } from "../../../../shared/protocol.ts";

function Claimed({ identity, field }: { identity: Identity; field: IdentityField }) {
  if (isVerifiedField(identity, field)) return null;
  return (
    <span class="field-unverified" data-testid="field-unverified" data-field={field} title="Not signed by the site">
      {" "}
      (unverified)
    </span>
  );
}

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
  const { verified, claimed } = identityTrust(identity);
  const trust = claimed.length === 0 ? "all" : verified.length === 0 ? "none" : "partial";
  return (
    <section
      class="identity"
      aria-labelledby="identity-title"
      data-testid="packet-identity"
      data-verified={String(identity.verified)}
      data-trust={trust}
    >
      <h3 id="identity-title" class="eyebrow">
        Customer
      </h3>
      <p class="identity-head">
        <span class="identity-name" data-testid="identity-name">
          {identity.name ?? identity.email ?? identity.id}
        </span>
        {trust === "all" ? (
          <span class="badge-verified" data-testid="identity-verified" title="Signed by the site's server (HMAC)">
            Verified
          </span>
        ) : trust === "partial" ? (
          <span
            class="badge-unverified"
            data-testid="identity-partly-verified"
            title={`Signed: ${verified.join(", ")}. Claimed by the web page, not signed: ${claimed.join(", ")}`}
          >
            Partly verified
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
            <Claimed identity={identity} field="id" />
          </dd>
        </div>
        <div class="fact">
          <dt>Email</dt>
          <dd data-testid="identity-email">
            {identity.email ?? <span class="muted">—</span>}
            {identity.email && <Claimed identity={identity} field="email" />}
          </dd>
        </div>
        {identity.name && (
          <div class="fact">
            <dt>Name</dt>
            <dd data-testid="identity-name-fact">
              {identity.name}
              <Claimed identity={identity} field="name" />
            </dd>
          </div>
        )}
        {attrs.map(([k, v]) => (
          <div class="fact" key={k} data-testid="identity-attribute" data-key={k}>
            <dt>{k}</dt>
            <dd>
              {String(v)}
              <Claimed identity={identity} field="attributes" />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
