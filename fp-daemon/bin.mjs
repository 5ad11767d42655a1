#!/usr/bin/env node
// `finality-edge-fp`: bundles fp-daemon/main.ts once per version of its sources (esbuild, as scripts/run-ts.mjs does:
// some dependencies ship ESM that Node's resolver refuses) and runs it in this process, so signals and exit codes
// are the daemon's own.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(
    `finality-edge-fp needs Node 22 or later (this is ${process.version}); run it with npx or npm exec.`,
  );
  process.exit(2);
}

/** A digest of every source the bundle is built from, so an upgrade rebuilds it. */
function sourceDigest() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        hash
          .update(path)
          .update(String(statSync(path).mtimeMs))
          .update(String(statSync(path).size));
      }
    }
  };
  for (const dir of ["fp-daemon", "src", "sdk/src", "generated"]) walk(join(root, dir));
  hash.update(readFileSync(join(root, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

const outDir = join(root, ".tmp", "fp-daemon");
const outfile = join(outDir, `finality-edge-fp-${sourceDigest()}.mjs`);
if (!existsSync(outfile)) {
  const { build } = await import("esbuild");
  const { NODE_BUNDLE_OPTIONS } = await import("../scripts/node-bundle.mjs");
  mkdirSync(outDir, { recursive: true });
  const partial = `${outfile}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "fp-daemon", "main.ts")],
    outfile: partial,
    ...NODE_BUNDLE_OPTIONS,
  });
  // Atomic: several daemons may start at once.
  renameSync(partial, outfile);
}
await import(pathToFileURL(outfile).href);
