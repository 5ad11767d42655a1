#!/usr/bin/env node
// Runs a TypeScript entry point on Node: bundles it with esbuild first, because some dependencies
// (babylon-proto-ts) ship ESM with extensionless imports that Node's own resolver refuses.
// Usage: node scripts/run-ts.mjs <entry.ts> [args…]
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args…]");
  process.exit(2);
}
// One bundle per entry and process: several entries (or several copies of one) may start at once.
const outfile = resolve(".tmp", "run", `${entry.replace(/[^A-Za-z0-9]+/g, "_")}-${process.pid}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: "inline",
  logLevel: "warning",
  // Lets bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
const child = spawn(process.execPath, ["--enable-source-maps", outfile, ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  rmSync(outfile, { force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
