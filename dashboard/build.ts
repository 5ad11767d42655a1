/**
 * @module The dashboard build for TypeScript callers (tests). The one implementation is
 * scripts/dashboard-build.mjs: plain JavaScript, because `postinstall` runs it with no TypeScript runner; this
 * file only gives it a type.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Relative to the repo root (the working directory of `npm run`, tests and run-ts), like examples/dapp/build.ts. */
const SCRIPT = "scripts/dashboard-build.mjs";
/** Gitignored (`dist/`); the Worker's `[assets] directory`. */
export const DEFAULT_OUT_DIR = "dashboard/dist";

type BuildModule = { buildDashboard(outDir?: string): Promise<string> };

/** Builds the page into `out` and returns the absolute folder. */
export async function buildDashboard(out = DEFAULT_OUT_DIR, repoRoot = process.cwd()): Promise<string> {
  // A computed specifier: the .mjs has no declarations, and a bundled copy of this file must still find it.
  const script = pathToFileURL(resolve(repoRoot, SCRIPT)).href;
  const { buildDashboard: build } = (await import(script)) as BuildModule;
  return build(resolve(repoRoot, out));
}
