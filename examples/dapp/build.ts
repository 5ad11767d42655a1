/**
 * @module Builds the dApp into a folder: `index.html` copied, `src/app.ts` bundled for browsers with esbuild (the
 * SDK's source, viem and the verifier's crypto in one ES module).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Paths relative to the repo root (the working directory of `npm run`, tests and run-ts), not to this file: a
 * bundled copy of it (scripts/run-ts.mjs) no longer sits beside its sources.
 */
const SOURCE = { html: "examples/dapp/index.html", entry: "examples/dapp/src/app.ts" };
/** Gitignored (`dist/`). */
export const DEFAULT_OUT_DIR = "examples/dapp/dist";

/**
 * esbuild by a computed name: this file itself runs bundled (scripts/run-ts.mjs), and esbuild's own package cannot
 * be bundled (it finds its native binary relative to its files).
 */
const ESBUILD = "esbuild";

/** Returns the absolute output folder. */
export async function buildDapp(out = DEFAULT_OUT_DIR, repoRoot = process.cwd()): Promise<string> {
  const { build } = (await import(ESBUILD)) as typeof import("esbuild");
  const outDir = resolve(repoRoot, out);
  mkdirSync(outDir, { recursive: true });
  copyFileSync(resolve(repoRoot, SOURCE.html), join(outDir, "index.html"));
  await build({
    entryPoints: [resolve(repoRoot, SOURCE.entry)],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
  return outDir;
}
