#!/usr/bin/env node
// Generates the finality contract's TypeScript types and CosmJS clients from contracts-schema/ with
// @cosmwasm/ts-codegen (pinned 1.10.0 with @cosmwasm/ts-codegen-ast 1.8.1, see STACK.md) into generated/.
//
//   node scripts/codegen.mjs          regenerate generated/ (files no longer produced are removed)
//   node scripts/codegen.mjs --check  generate into a temp dir and compare byte for byte with generated/;
//                                     exit 1 and list the differing files on drift, else print one line
//
// The output is kept exactly as ts-codegen writes it; it is excluded from Biome (biome.json).
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemaDir = join(root, "contracts-schema");
const outDir = join(root, "generated");
const check = process.argv.includes("--check");

/** Options: types + CosmJS query/signing client only; no react-query, recoil, composers or bundle file. */
const options = {
  bundle: { enabled: false },
  types: { enabled: true, itemsUseTuples: false, aliasExecuteMsg: false },
  // The signing client re-declares `client`/`contractAddress`; our tsconfig has noImplicitOverride.
  client: { enabled: true, execExtendsQuery: true, noImplicitOverride: true, useDeclareKeyword: false },
  reactQuery: { enabled: false },
  recoil: { enabled: false },
  messageComposer: { enabled: false },
  messageBuilder: { enabled: false },
  useContractsHook: { enabled: false },
};

async function loadCodegen() {
  // ts-codegen stamps its version into every file header at load time, but writes "latest" when
  // NODE_ENV=test (as under a test runner). Pin the header so the output does not depend on the caller.
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    const mod = await import("@cosmwasm/ts-codegen");
    return mod.default.default ?? mod.default;
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

/** Generates into a fresh temp dir and returns its path. */
async function generate() {
  const codegen = await loadCodegen();
  const dir = mkdtempSync(join(tmpdir(), "finality-codegen-"));
  // The object form names the contract ("Finality"); a bare path would name it after the folder.
  await codegen({ contracts: [{ name: "finality", dir: schemaDir }], outPath: dir, options });
  return dir;
}

const listFiles = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
};

const started = performance.now();
const tmp = await generate();
try {
  const fresh = listFiles(tmp);
  if (fresh.length === 0) throw new Error(`ts-codegen produced no files from ${schemaDir}`);
  const current = listFiles(outDir);
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;

  if (check) {
    const drift = [];
    for (const name of fresh) {
      if (!current.includes(name)) drift.push(`missing  generated/${name}`);
      else if (!readFileSync(join(tmp, name)).equals(readFileSync(join(outDir, name))))
        drift.push(`differs  generated/${name}`);
    }
    for (const name of current) if (!fresh.includes(name)) drift.push(`extra    generated/${name}`);
    if (drift.length > 0) {
      console.error(`codegen:check: generated/ is out of date with contracts-schema/ (${elapsed()}):`);
      for (const line of drift) console.error(`  ${line}`);
      console.error("Run `npm run codegen` and commit the result.");
      process.exitCode = 1;
    } else {
      console.log(
        `codegen:check: generated/ matches contracts-schema/ (${fresh.length} files, ${elapsed()})`,
      );
    }
  } else {
    const changed = [];
    for (const name of fresh) {
      const next = readFileSync(join(tmp, name));
      const target = join(outDir, name);
      if (current.includes(name) && readFileSync(target).equals(next)) continue;
      writeFileSync(target, next);
      changed.push(name);
    }
    for (const name of current) {
      if (fresh.includes(name)) continue;
      unlinkSync(join(outDir, name));
      changed.push(`${name} (removed)`);
    }
    const what = changed.length ? `updated ${changed.join(", ")}` : "no changes";
    console.log(`codegen: ${fresh.length} files in generated/, ${what} (${elapsed()})`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
