#!/usr/bin/env node
// Runs a TypeScript entry point on Node: bundles it with esbuild first, because some dependencies
// (babylon-proto-ts) ship ESM with extensionless imports that Node's own resolver refuses.
// Usage: node scripts/run-ts.mjs <entry.ts> [args…]
// Signals are handled from the first line: one that arrives while bundling ends this process before anything is
// started; once the entry runs, each is passed on to it and this process exits only after it has.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";
import { NODE_BUNDLE_OPTIONS } from "./node-bundle.mjs";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const exitCodeOf = (signal) => 128 + (constants.signals[signal] ?? 0);
let child;
for (const signal of SIGNALS) {
  process.on(signal, () => {
    if (child) child.kill(signal);
    // Still bundling: nothing runs yet (the bundle is written only after this check), and esbuild's service
    // process ends when its stdin closes with this process.
    else process.exit(exitCodeOf(signal));
  });
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args…]");
  process.exit(2);
}
// One bundle per entry and process: several entries (or several copies of one) may start at once.
const outfile = resolve(".tmp", "run", `${entry.replace(/[^A-Za-z0-9]+/g, "_")}-${process.pid}.mjs`);
const result = await build({
  entryPoints: [entry],
  outfile,
  write: false,
  ...NODE_BUNDLE_OPTIONS,
});
mkdirSync(dirname(outfile), { recursive: true });
for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
child = spawn(process.execPath, ["--enable-source-maps", outfile, ...args], { stdio: "inherit" });
child.on("error", (error) => {
  rmSync(outfile, { force: true });
  console.error(`run-ts: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  rmSync(outfile, { force: true });
  process.exit(code ?? exitCodeOf(signal));
});
