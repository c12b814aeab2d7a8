// Built separately from the widget: the console is an app for agents, not an embed, so it gets its
// own root, base and output folder under the assets directory the worker serves (dist/public).
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Paths from this file, not the cwd, so `vite build -c console/vite.config.ts` works from the repo root.
// (No node:url: the repo's tsconfig has no Node types.)
const here = (p: string): string => decodeURIComponent(new URL(p, import.meta.url).pathname);
const root = here(".");
const WORKER = "http://localhost:8787";

export default defineConfig({
  root,
  base: "/console/",
  plugins: [preact()],
  build: {
    outDir: here("../dist/public/console/"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    // `vite -c console/vite.config.ts` next to `wrangler dev`: API and sockets go to the worker, as if
    // from its own origin (the worker refuses state changes and sockets from other origins).
    proxy: Object.fromEntries(
      ["/api", "/admin"].map((path) => [
        path,
        { target: WORKER, ws: true, changeOrigin: true, headers: { origin: WORKER } },
      ]),
    ),
  },
});
