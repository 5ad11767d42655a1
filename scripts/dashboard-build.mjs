#!/usr/bin/env node
// `npm run build:dashboard` (and `postinstall`, so `npm install && npm start` finds it built): the operator
// dashboard (dashboard/) into dashboard/dist/, which the Worker serves as static assets at `/`.
//   index.html  copied as is
//   main.js     dashboard/src/main.ts and uPlot bundled for browsers (esbuild reads the TypeScript itself)
//   style.css   dashboard/style.css with uPlot's stylesheet inlined through its `@import`
// Plain JavaScript on purpose: it runs right after `npm install`, on whatever Node runs npm, with no TypeScript
// runner. It is the one implementation: dashboard/build.ts imports it for typed callers (tests).
// Usage: node scripts/dashboard-build.mjs [outDir]
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Gitignored (`dist/`); also the Worker's `[assets] directory`. */
export const DEFAULT_OUT_DIR = join(root, "dashboard", "dist");

/** Builds into `outDir` (overwriting in place: a running `wrangler dev` never sees the folder missing). */
export async function buildDashboard(outDir = DEFAULT_OUT_DIR) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: {
      main: join(root, "dashboard", "src", "main.ts"),
      style: join(root, "dashboard", "style.css"),
    },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
  copyFileSync(join(root, "dashboard", "index.html"), join(out, "index.html"));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const out = await buildDashboard(process.argv[2]);
    console.log(`dashboard built into ${out}`);
  } catch (error) {
    // esbuild has printed the details already.
    console.error(`dashboard build failed: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    process.exit(1);
  }
}
