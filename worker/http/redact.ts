// Secrets never reach the logs. The call sites log no secret (a test captures every console call of a
// flow full of them: tests/worker/secrets-in-logs.test.ts); this is the net under them, for an error
// message or a value that carries one by surprise (a URL with a token, a reply address): every
// console call of the worker goes through `redact`, installed once by worker/index.ts.

const RULES: [RegExp, string][] = [
  // Credentials in query strings: ours (token) and the usual names of others'.
  [/([?&](?:token|access_token|hmac|code|key|secret|signature|sig)=)[^&\s"'#<>]+/gi, "$1[redacted]"],
  // Authorization headers and bearer tokens.
  [/\b(Bearer\s+)[^\s"',;]+/gi, "$1[redacted]"],
  // Reply tokens in support plus-addresses (worker/channels/email/address.ts): support+<token>@domain.
  [/\+(?:c[a-z2-7]{16,64}\.[a-z2-7]{16}|[a-z0-9]{10,40}-[a-z2-7]{16})@/gi, "+[redacted]@"],
  // REST API keys (worker/channels/rest/keys.ts).
  [/\bek_[\w-]{32}\b/g, "ek_[redacted]"],
  // Slack incoming-webhook URLs are credentials in themselves.
  [/(hooks\.slack\.com\/services\/)[^\s"'<>]+/gi, "$1[redacted]"],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}

/** One console argument, redacted: strings and errors as text, plain values through JSON. */
function redactArg(a: unknown): unknown {
  if (typeof a === "string") return redact(a);
  if (a instanceof Error) return redact(a.stack ?? `${a.name}: ${a.message}`);
  if (a === null || typeof a !== "object") return a;
  try {
    return JSON.parse(redact(JSON.stringify(a))) as unknown;
  } catch {
    return redact(String(a));
  }
}

const GUARDED = Symbol.for("edgedesk.redacting-console");
type Target = Pick<Console, "log" | "info" | "warn" | "error" | "debug">;

/** Makes every log, info, warn, error and debug call of `target` redact its arguments. Idempotent. */
export function redactConsole(target: Target = console): void {
  const t = target as Target & { [GUARDED]?: true };
  if (t[GUARDED]) return;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = t[level].bind(t);
    t[level] = (...args: unknown[]) => original(...args.map(redactArg));
  }
  t[GUARDED] = true;
}
