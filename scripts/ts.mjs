#!/usr/bin/env node
// Runs a TypeScript script with Node 20: bundles it with esbuild (already a dependency of vite and
// wrangler) into node_modules/.cache and imports it. Usage: node scripts/ts.mjs scripts/x.ts [args]
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/ts.mjs SCRIPT.ts [args...]");
  process.exit(2);
}
const outdir = resolve("node_modules/.cache/scripts");
mkdirSync(outdir, { recursive: true });
const outfile = `${outdir}/${basename(entry, ".ts")}.mjs`;
await build({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  packages: "external",
  logLevel: "warning",
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(outfile).href);
