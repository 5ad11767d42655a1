#!/usr/bin/env node
// Bundles Workers with `wrangler deploy --dry-run` (no login, nothing uploaded) and prints each bundle's size:
//   dist/worker          the real Worker (wrangler.toml `main`)
//   dist/contract-probe  test/fixtures/contract-probe.ts, a Worker that pulls in the generated finality clients
//                        and src/babylon's factory, until real routes use them
// Raw and gzip sizes are measured here (node:zlib, level 9) on the emitted .js/.mjs and .wasm modules (all of
// them are uploaded and count towards the Workers size limit), not on source maps; the last line is the total.
// Exits non-zero if a bundle fails or emits no JavaScript.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bundles = [
  { name: "worker", outdir: "dist/worker", entry: [] },
  {
    name: "contract-probe",
    outdir: "dist/contract-probe",
    entry: ["--config", "test/fixtures/contract-probe.wrangler.toml"],
  },
];
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

let failed = false;
for (const { name, outdir, entry } of bundles) {
  const out = join(root, outdir);
  rmSync(out, { recursive: true, force: true });
  // Absolute: wrangler resolves a relative --outdir against the config file's folder.
  const args = ["wrangler", "deploy", "--dry-run", "--outdir", out, ...entry];
  const run = spawnSync(npx, args, { cwd: root, env, encoding: "utf8", shell: process.platform === "win32" });
  if (run.status !== 0) {
    failed = true;
    console.error(`✗ ${name}: \`npx ${args.join(" ")}\` exited ${run.status ?? run.signal}`);
    console.error((run.stderr || run.stdout || String(run.error ?? "")).trim());
    continue;
  }
  let files = [];
  try {
    files = readdirSync(out).filter((f) => /\.(m?js|wasm)$/.test(f));
  } catch {}
  if (files.length === 0) {
    failed = true;
    console.error(`✗ ${name}: no JavaScript emitted in ${outdir}`);
    continue;
  }
  const total = { raw: 0, gzip: 0 };
  for (const file of files.sort()) {
    const bytes = readFileSync(join(out, file));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    total.raw += bytes.length;
    total.gzip += gzip;
    console.log(`✓ ${name}: ${relative(root, join(out, file))} ${kib(bytes.length)} raw, ${kib(gzip)} gzip`);
  }
  if (files.length > 1)
    console.log(`  ${name} upload in all: ${kib(total.raw)} raw, ${kib(total.gzip)} gzip`);
}
process.exitCode = failed ? 1 : 0;
