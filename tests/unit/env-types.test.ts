// The `Env` freshness step of `npm test` (scripts/lib/env-types.ts): on a copy of the project's
// wrangler.jsonc and generated file, fresh passes; a var added to wrangler.jsonc, or a hand edit of the
// generated file, is reported with its line; a developer's .dev.vars changes nothing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUT, staleness } from "../../scripts/lib/env-types.ts";

let root = "";
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "env-types-"));
  mkdirSync(join(root, "worker"));
  copyFileSync("wrangler.jsonc", join(root, "wrangler.jsonc"));
  copyFileSync(OUT, join(root, OUT));
  // wrangler reads which DO classes the main module exports (they type the namespaces); their bodies do not matter.
  const classes = ["ConversationDO", "InboxDO", "NotifierDO", "KnowledgeDO"];
  const main = `${classes.map((c) => `export class ${c} {}\n`).join("")}export default {};\n`;
  writeFileSync(join(root, "worker/index.ts"), main);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("Env freshness", { timeout: 60_000 }, () => {
  it("passes on the committed file, also with a local .dev.vars", () => {
    expect(staleness(root)).toBeNull();
    writeFileSync(join(root, ".dev.vars"), 'SECRET="local"\n');
    expect(staleness(root)).toBeNull();
    rmSync(join(root, ".dev.vars"));
  });

  it("fails when wrangler.jsonc gained a var", () => {
    const config = readFileSync(join(root, "wrangler.jsonc"), "utf8");
    writeFileSync(join(root, "wrangler.jsonc"), config.replace('"vars": {', '"vars": { "NEW_VAR": "1",'));
    try {
      expect(staleness(root)).toMatch(/first difference/);
    } finally {
      writeFileSync(join(root, "wrangler.jsonc"), config);
    }
  });

  it("fails when the generated file was edited by hand", () => {
    const file = readFileSync(join(root, OUT), "utf8");
    writeFileSync(join(root, OUT), file.replace("DB: D1Database;", "DB?: D1Database;"));
    try {
      expect(staleness(root)).toMatch(/committed:\s+DB\?: D1Database;/);
    } finally {
      writeFileSync(join(root, OUT), file);
    }
  });
});
