// One config, several builds, picked by `mode` (scripts/build-widget.mjs runs the widget ones; the
// console build can be added as another mode). Widget bundles are IIFEs: they run as classic
// scripts on other people's pages, where we cannot count on modules or import maps.
import { defineConfig, type UserConfig } from "vite";
import preact from "@preact/preset-vite";

const widget = (entry: string, fileName: string): UserConfig => ({
  publicDir: false,
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: "dist/public",
    // The widget builds share dist/public (and later the console): never wipe it.
    emptyOutDir: false,
    // Vite's own default, Baseline "widely available" (browsers of 2022 onwards), spelled out so a Vite
    // upgrade never moves it silently.
    target: ["chrome107", "edge107", "firefox104", "safari16"],
    minify: true,
    cssMinify: true,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: entry,
      output: { format: "iife", entryFileNames: fileName },
    },
  },
});

export default defineConfig(({ mode }): UserConfig => {
  if (mode === "widget-loader") return widget("widget/loader.ts", "widget.js");
  if (mode === "widget-app")
    return {
      ...widget("widget/app/main.tsx", "widget-app.js"),
      plugins: [preact({ devtoolsInProd: false, prefreshEnabled: false })],
    };
  // The app's lazy chunks (widget/app/lazy.ts): no framework in them, fetched only when needed.
  if (mode === "widget-upload") return widget("widget/upload/main.ts", "widget-upload.js");
  if (mode === "widget-form") return widget("widget/form/main.ts", "widget-form.js");
  if (mode === "widget-es") return widget("widget/chunks/es.ts", "widget-es.js");
  throw new Error(
    `vite.config.ts: unknown mode "${mode}" (expected widget-loader, widget-app, widget-upload, widget-form or widget-es)`,
  );
});
