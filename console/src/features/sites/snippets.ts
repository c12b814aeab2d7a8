// The identity snippet for a site's server, per language: each signs the documented canonical string
// (shared/api.ts identityCanonicalV2, docs/identity.md) with the site's identity secret. The Node and
// Python snippets are run by tests/unit/site-snippets.test.ts and checked with the worker's verifier;
// PHP, Ruby and Go follow the same six lines (no interpreter for them on the test machine).
export const snippetLanguages = ["node", "python", "php", "ruby", "go"] as const;
export type SnippetLanguage = (typeof snippetLanguages)[number];

export const languageNames: Record<SnippetLanguage, string> = {
  node: "Node.js",
  python: "Python",
  php: "PHP",
  ruby: "Ruby",
  go: "Go",
};

/** The secret is read from the environment in every snippet: it never belongs in code or in a page. */
export const SECRET_VAR = "EDGEDESK_IDENTITY_SECRET";

const node = `import { createHmac } from "node:crypto";

// user: { id, email?, name?, attributes? } exactly as your page passes it to EdgeDesk.identify().
export function signIdentity(user, ts = Math.floor(Date.now() / 1000)) {
  const a = user.attributes ?? {};
  const attrs = \`{\${Object.keys(a)
    .sort()
    .map((k) => \`\${JSON.stringify(k)}:\${JSON.stringify(a[k])}\`)
    .join(",")}}\`;
  const canonical = ["edgedesk-identity-v2", ts, user.id, user.email ?? "", user.name ?? "", attrs].join("\\n");
  const hmac = createHmac("sha256", process.env.${SECRET_VAR}).update(canonical).digest("hex");
  return { hmac, ts };
}`;

const python = `import hashlib, hmac, json, os, time

# user: {"id", "email"?, "name"?, "attributes"?} exactly as your page passes it to EdgeDesk.identify().
def sign_identity(user: dict, ts: int | None = None) -> dict:
    ts = ts or int(time.time())
    attrs = json.dumps(user.get("attributes") or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    canonical = "\\n".join(["edgedesk-identity-v2", str(ts), user["id"], user.get("email") or "", user.get("name") or "", attrs])
    secret = os.environ["${SECRET_VAR}"].encode()
    return {"hmac": hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest(), "ts": ts}`;

const php = `<?php
// $user: ['id' => ..., 'email' => ..., 'name' => ..., 'attributes' => [...]] as your page passes it to EdgeDesk.identify().
function edgedesk_sign_identity(array $user, ?int $ts = null): array {
    $ts = $ts ?? time();
    $attrs = $user['attributes'] ?? [];
    ksort($attrs, SORT_STRING);
    // (object): an empty or numbered list must still be a JSON object.
    $json = json_encode((object) $attrs, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_LINE_TERMINATORS);
    $canonical = implode("\\n", ['edgedesk-identity-v2', (string) $ts, $user['id'], $user['email'] ?? '', $user['name'] ?? '', $json]);
    return ['hmac' => hash_hmac('sha256', $canonical, getenv('${SECRET_VAR}')), 'ts' => $ts];
}`;

const ruby = `require "json"
require "openssl"

# user: { id:, email:, name:, attributes: } as your page passes it to EdgeDesk.identify().
def edgedesk_sign_identity(user, ts = Time.now.to_i)
  attrs = (user[:attributes] || {}).map { |k, v| [k.to_s, v] }.sort_by(&:first).to_h
  canonical = ["edgedesk-identity-v2", ts.to_s, user[:id], user[:email] || "", user[:name] || "", JSON.generate(attrs)].join("\\n")
  { hmac: OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("${SECRET_VAR}"), canonical), ts: ts }
end`;

const go = `package edgedesk

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// User is what your page passes to EdgeDesk.identify(); attribute values are strings, integers or booleans.
type User struct {
	ID, Email, Name string
	Attributes      map[string]any
}

func SignIdentity(u User) (hmacHex string, ts int64) {
	ts = time.Now().Unix()
	keys := make([]string, 0, len(u.Attributes))
	for k := range u.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = jsonOf(k) + ":" + jsonOf(u.Attributes[k])
	}
	canonical := strings.Join([]string{"edgedesk-identity-v2", strconv.FormatInt(ts, 10), u.ID, u.Email, u.Name,
		"{" + strings.Join(parts, ",") + "}"}, "\\n")
	m := hmac.New(sha256.New, []byte(os.Getenv("${SECRET_VAR}")))
	m.Write([]byte(canonical))
	return hex.EncodeToString(m.Sum(nil)), ts
}

// jsonOf writes a value as JavaScript's JSON.stringify does (no HTML escaping of <, > and &).
func jsonOf(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\\n")
}`;

const SNIPPETS: Record<SnippetLanguage, string> = { node, python, php, ruby, go };

/** The server-side signing code for `lang`; it reads the secret from the environment variable SECRET_VAR. */
export const identitySnippet = (lang: SnippetLanguage): string => SNIPPETS[lang];

/** What the page then calls with the signature your server rendered into it. */
export const identifyCall = `EdgeDesk.identify(
  { id: "u_42", email: "ana@example.com", name: "Ana", attributes: { plan: "pro" } },
  { hmac, ts }, // from signIdentity(...) on your server
);`;
