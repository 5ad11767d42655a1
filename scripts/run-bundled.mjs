// Runs a program's TypeScript entry in this process from an esbuild bundle built once per version of its sources
// (scripts/node-bundle.mjs has the options): what the `bin` launchers of the repo's programs share, so signals and
// exit codes are the program's own.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A digest of every source a bundle is built from, so an upgrade rebuilds it. */
function sourceDigest(dirs) {
  const hash = createHash("sha256");
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|proto)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        const stat = statSync(path);
        hash.update(path).update(String(stat.mtimeMs)).update(String(stat.size));
      }
    }
  };
  for (const dir of dirs) if (existsSync(join(root, dir))) walk(join(root, dir));
  hash.update(readFileSync(join(root, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

/** Bundles `entry` (relative to the repo root) unless this version is bundled already, then imports it. */
export async function runBundled({ name, entry, sources }) {
  const [major] = process.versions.node.split(".").map(Number);
  if (major < 22) {
    console.error(
      `${name} needs Node 22 or later (this is ${process.version}); run it with npx or npm exec.`,
    );
    process.exit(2);
  }
  const outDir = join(root, ".tmp", name);
  const outfile = join(outDir, `${name}-${sourceDigest(sources)}.mjs`);
  if (!existsSync(outfile)) {
    const { build } = await import("esbuild");
    const { NODE_BUNDLE_OPTIONS } = await import("./node-bundle.mjs");
    mkdirSync(outDir, { recursive: true });
    const partial = `${outfile}.${process.pid}.tmp`;
    await build({ entryPoints: [join(root, entry)], outfile: partial, ...NODE_BUNDLE_OPTIONS });
    // Atomic: several copies may start at once.
    renameSync(partial, outfile);
  }
  await import(pathToFileURL(outfile).href);
}
