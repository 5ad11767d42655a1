#!/usr/bin/env node
// Generates the TypeScript for proto/ (the finality gadget's gRPC interface) with buf and the local
// protoc-gen-es plugin (options in proto/buf.gen.yaml: target=ts, import_extension=ts) into generated/proto/.
//
//   node scripts/proto-gen.mjs          regenerate generated/proto/ (files no longer produced are removed)
//   node scripts/proto-gen.mjs --check  generate into a temp dir and compare byte for byte with generated/proto/;
//                                       exit 1 and list the differing files on drift, else print one line
//
// No network: proto/buf.yaml has no BSR dependencies and the plugin is `local` (node_modules/.bin/protoc-gen-es,
// found on the PATH this script sets). buf's cache (BUF_CACHE_DIR, else ~/.cache/buf) goes to the same temp dir,
// which is removed afterwards. The output is kept exactly as protoc-gen-es writes it; biome.json excludes
// generated/.
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const template = join(root, "proto", "buf.gen.yaml");
/** Where buf.gen.yaml's `out` points, relative to the root (and to --output in a temp dir). */
const outRel = join("generated", "proto");
const outDir = join(root, outRel);
const check = process.argv.includes("--check");

const require = createRequire(import.meta.url);
// The npm package's bin is a Node shim that runs the platform's buf binary.
const bufBin = require.resolve("@bufbuild/buf/bin/buf");

/** Generates into a fresh temp dir; returns it (the caller removes it) and the output folder inside it. */
function generate() {
  const tmp = mkdtempSync(join(tmpdir(), "finality-proto-gen-"));
  const env = {
    ...process.env,
    // protoc-gen-es (a `#!/usr/bin/env node` script) from this repo, run by this Node.
    PATH: [join(root, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH ?? ""].join(
      delimiter,
    ),
    BUF_CACHE_DIR: join(tmp, "cache"),
  };
  const run = spawnSync(
    process.execPath,
    [bufBin, "generate", "--template", template, "--output", join(tmp, "out")],
    { cwd: root, env, encoding: "utf8" },
  );
  if (run.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const why = run.error ? String(run.error) : `exit ${run.status ?? run.signal}`;
    throw new Error(`buf generate failed (${why}):\n${run.stderr}${run.stdout}`);
  }
  return { tmp, fresh: join(tmp, "out", outRel) };
}

/** Files under dir, as sorted paths relative to it ([] when dir is absent). */
function listFiles(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

const started = performance.now();
const { tmp, fresh: freshDir } = generate();
try {
  const fresh = listFiles(freshDir);
  if (fresh.length === 0) throw new Error("buf generate produced no files from proto/");
  const current = listFiles(outDir);
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;
  const same = (name) => readFileSync(join(freshDir, name)).equals(readFileSync(join(outDir, name)));

  if (check) {
    const drift = [];
    for (const name of fresh) {
      if (!current.includes(name)) drift.push(`missing  ${join(outRel, name)}`);
      else if (!same(name)) drift.push(`differs  ${join(outRel, name)}`);
    }
    for (const name of current) if (!fresh.includes(name)) drift.push(`extra    ${join(outRel, name)}`);
    if (drift.length > 0) {
      console.error(`proto:check: ${outRel}/ is out of date with proto/ (${elapsed()}):`);
      for (const line of drift) console.error(`  ${line}`);
      console.error("Run `npm run proto:gen` and commit the result.");
      process.exitCode = 1;
    } else {
      console.log(`proto:check: ${outRel}/ matches proto/ (${fresh.length} files, ${elapsed()})`);
    }
  } else {
    const changed = [];
    for (const name of fresh) {
      if (current.includes(name) && same(name)) continue;
      const target = join(outDir, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(join(freshDir, name)));
      changed.push(name);
    }
    for (const name of current) {
      if (fresh.includes(name)) continue;
      unlinkSync(join(outDir, name));
      changed.push(`${name} (removed)`);
    }
    const what = changed.length ? `updated ${changed.join(", ")}` : "no changes";
    console.log(`proto:gen: ${fresh.length} files in ${outRel}/, ${what} (${elapsed()})`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
