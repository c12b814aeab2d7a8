// The identity snippets the Sites page shows are code a site owner pastes into their server: the Node
// and Python ones are run here, exactly as shown, and their signatures checked with the worker's own
// verifier (worker/auth/identity.ts), for users whose attributes JavaScript would reorder (integer-like
// keys), with quotes and non-ASCII text, and with none. PHP, Ruby and Go have no interpreter here.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentifyRequest } from "../../shared/api.ts";
import { identitySnippet, SECRET_VAR } from "../../console/src/features/sites/snippets.ts";
import { verifyIdentity } from "../../worker/auth/identity.ts";

const SECRET = "3f1c0a9e5b7d4c2a8e6f1b3d5c7a9e0f2b4d6c8a0e2f4b6d8c0a2e4f6b8d0c2a";
const TS = 1_780_000_000;
const USERS: IdentifyRequest["user"][] = [
  { id: "u_42", email: "ana@example.com", name: "Ana", attributes: { vip: true, plan: "pro", "10": 1, "2": "two" } },
  { id: "u_7", name: 'José "Pepe" Núñez', attributes: { note: "a/b <c> & d", seats: 12 } },
  { id: "only-id" },
];

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgedesk-snippets-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verdict = (user: IdentifyRequest["user"], hmac: string, ts: number) =>
  verifyIdentity(SECRET, { user, hmac, ts }, ts * 1000);

describe("identity snippets", () => {
  it("Node: what the snippet signs verifies with every field, and a changed name does not", async () => {
    const file = join(dir, "sign.mjs");
    writeFileSync(file, identitySnippet("node"));
    process.env[SECRET_VAR] = SECRET;
    const mod = (await import(pathToFileURL(file).href)) as {
      signIdentity(u: IdentifyRequest["user"], ts: number): { hmac: string; ts: number };
    };
    for (const user of USERS) {
      const { hmac, ts } = mod.signIdentity(user, TS);
      expect(ts).toBe(TS);
      const v = await verdict(user, hmac, ts);
      expect(v.verdict, JSON.stringify(user)).toBe("verified");
      expect(v.fields).toEqual(["id", "email", "name", "attributes"]);
    }
    const first = USERS[0] as IdentifyRequest["user"];
    const { hmac } = mod.signIdentity(first, TS);
    expect((await verdict({ ...first, name: "Mallory" }, hmac, TS)).verdict).toBe("bad_signature");
  });

  it("Python: the same signatures as the worker expects", async () => {
    const file = join(dir, "sign.py");
    writeFileSync(
      file,
      `${identitySnippet("python")}\n\nimport sys\nprint(json.dumps(sign_identity(json.loads(sys.argv[1]), int(sys.argv[2]))))\n`,
    );
    for (const user of USERS) {
      const out = execFileSync("python3", [file, JSON.stringify(user), String(TS)], {
        env: { ...process.env, [SECRET_VAR]: SECRET },
        encoding: "utf8",
      });
      const { hmac, ts } = JSON.parse(out) as { hmac: string; ts: number };
      expect((await verdict(user, hmac, ts)).verdict, JSON.stringify(user)).toBe("verified");
    }
  });
});
