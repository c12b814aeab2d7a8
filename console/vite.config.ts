// Built separately from the widget: the console is an app for agents, not an embed, so it gets its
// own root, base and output folder under the assets directory the worker serves (dist/public).
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/console/",
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL("../dist/public/console/", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    // `vite -c console/vite.config.ts` next to `wrangler dev`: API and sockets go to the worker.
    proxy: { "/api": { target: "http://localhost:8787", ws: true } },
  },
});
