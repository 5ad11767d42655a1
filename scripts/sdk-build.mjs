#!/usr/bin/env node
// `npm run build:sdk`: the SDK package (sdk/) into sdk/dist/, then checks it as a user would get it.
//
//   1. JavaScript: esbuild bundles the three entry points (`.` sdk/src/index.ts, `./verify` sdk/src/verify/index.ts,
//      `./viem` sdk/src/viem/index.ts) as ESM for `platform: neutral`, so
//      any Node built-in (`node:…`) anywhere in what the SDK pulls in fails the build: the "no Node-only
//      dependencies" check. Packages named in sdk/package.json (dependencies, peerDependencies) stay imports;
//      everything else (the repo's src/crypto, src/finality, … and packages not named there) is inlined.
//   2. Declarations: TypeScript 7 emits them (`tsc -p sdk/tsconfig.json`, which also type-checks the SDK against
//      the web platform's globals only) into .tmp/sdk-dts/; rollup-plugin-dts rolls them up into dist/index.d.ts
//      dist/verify.d.ts and dist/viem.d.ts with only what the public API reaches, so dist/ is self-contained.
//   3. Dependencies: every package the built JavaScript or declarations import must be declared in
//      sdk/package.json at the repo's version, and every declared one must be imported (nothing missing, nothing
//      extra). Per entry, what it loads (its file and the chunks it imports, JavaScript and declarations) may import
//      only the packages `entries` allows it, and `.` none of sdk/src/verify: a dApp that only reads finality must
//      not download the verifier's crypto or CosmJS.
//   4. A consumer (sdk/test/consumer/): a temp project outside the repo gets the files `npm pack` would publish, imports
//      `@finality-edge/sdk`, `@finality-edge/sdk/verify` and `@finality-edge/sdk/viem`, type-checks strictly (with the DOM's globals and
//      skipLibCheck off; with Node's globals only) and runs under Node against a fake fetch.
//   5. What a dApp downloads: that project's imports bundled for the browser and minified, as a dApp's bundler would
//      (`sideEffects: false` honoured). The client alone must bring no package at all, and `verifyDecision` alone
//      no CosmJS; the sizes (minified / gzip) are printed.
//
// Exits non-zero on the first failure, naming it.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
// rollup (its WebAssembly build) and rollup-plugin-dts, resolved from scripts/sdk-tools/ next to TypeScript 5.9.
import { dts, rollup } from "finality-edge-sdk-tools";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sdk = join(root, "sdk");
const dist = join(sdk, "dist");
const dtsDir = join(root, ".tmp", "sdk-dts");
// Each entry point and the packages what it loads may import. The client needs only `fetch`; the verifier the
// crypto, CosmJS (the Babylon level) and viem (its L2 reader); the viem helper viem.
const entries = {
  index: { file: "sdk/src/index.ts", packages: [] },
  verify: {
    file: "sdk/src/verify/index.ts",
    packages: [
      "@cosmjs/cosmwasm-stargate",
      "@cosmjs/stargate",
      "@cosmjs/tendermint-rpc",
      "@noble/curves",
      "@noble/hashes",
      "viem",
    ],
  },
  viem: { file: "sdk/src/viem/index.ts", packages: ["viem"] },
  webhooks: { file: "sdk/src/webhooks/index.ts", packages: ["@noble/hashes"] },
};
const entryFiles = Object.fromEntries(Object.entries(entries).map(([name, { file }]) => [name, file]));
// Split points, not public entries: bundled as entries too, so the decision level and the CosmJS readers each land
// in chunks of their own that dist/verify.js imports. A bundler honouring `sideEffects: false` then drops a chunk
// none of whose exports are used, so `verifyDecision` alone brings neither CosmJS nor the Babylon readers (inside one
// file it could not: CosmJS's module-level code would stay).
const splitPoints = {
  "internal/verify-decision": "sdk/src/verify/verify-decision.ts",
  "internal/babylon-readers": "sdk/src/verify/create-babylon-readers.ts",
};
const pkg = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8"));
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const declared = { ...pkg.dependencies, ...pkg.peerDependencies };
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const started = performance.now();
const ms = () => `${Math.round(performance.now() - started)} ms`;

function fail(step, message) {
  console.error(`✗ sdk build: ${step}: ${message}`);
  process.exit(1);
}

function run(step, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", ...options });
  if (result.status !== 0) {
    fail(
      step,
      `\`${command} ${args.join(" ")}\` exited ${result.status ?? result.signal}\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `@scope/name/deep/path` → `@scope/name`; `name/x` → `name`. */
const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

// 1. JavaScript
rmSync(dist, { recursive: true, force: true });
rmSync(dtsDir, { recursive: true, force: true });
let metafile;
try {
  ({ metafile } = await build({
    absWorkingDir: root,
    entryPoints: { ...entryFiles, ...splitPoints },
    outdir: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    // Neutral has no default main fields; these are what bundlers for browsers and Workers look at too.
    mainFields: ["module", "main"],
    target: "es2022",
    external: Object.keys(declared).flatMap((name) => [name, `${name}/*`]),
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
  }));
} catch (error) {
  const errors = (error.errors ?? [error]).map(
    (e) => `${e.text ?? e.message}${e.location ? ` (${e.location.file}:${e.location.line})` : ""}`,
  );
  fail("bundle (platform neutral: a node: import means a Node-only dependency)", errors.join("\n"));
}
/**
 * What loading one output loads: it and every output it imports statically, transitively (dynamic imports are
 * loaded only when called). `importsOf(file)` lists `{ path, external }`.
 */
function closure(file, importsOf) {
  const seen = new Set([file]);
  const packages = new Set();
  for (const current of seen) {
    for (const imported of importsOf(current)) {
      if (imported.external) packages.add(packageOf(imported.path));
      else seen.add(imported.path);
    }
  }
  return { files: seen, packages };
}
const jsOut = (name) => relative(root, join(dist, `${name}.js`));
const jsClosure = Object.fromEntries(
  Object.keys(entries).map((name) => [
    name,
    closure(jsOut(name), (file) => metafile.outputs[file].imports.filter((i) => i.kind !== "dynamic-import")),
  ]),
);
const jsImports = new Set();
for (const output of Object.values(metafile.outputs)) {
  for (const imported of output.imports) if (imported.external) jsImports.add(packageOf(imported.path));
}

// 2. Declarations
run("declarations (tsc -p sdk/tsconfig.json)", npx, ["tsc", "-p", "sdk/tsconfig.json"]);
const bundle = await rollup({
  input: Object.fromEntries(
    Object.entries(entryFiles).map(([name, file]) => [name, join(dtsDir, file.replace(/\.ts$/, ".d.ts"))]),
  ),
  plugins: [dts({ compilerOptions: { allowImportingTsExtensions: true } })],
  onwarn: (warning) => fail("declaration rollup", warning.message),
});
const { output: dtsOutput } = await bundle.write({
  dir: dist,
  format: "es",
  chunkFileNames: "shared-[hash].d.ts",
});
await bundle.close();
rmSync(dtsDir, { recursive: true, force: true });
const dtsImports = new Set();
const dtsChunks = new Map(dtsOutput.map((chunk) => [chunk.fileName, chunk]));
for (const chunk of dtsOutput) {
  for (const id of chunk.imports ?? []) if (!dtsChunks.has(id)) dtsImports.add(packageOf(id));
}
const dtsClosure = Object.fromEntries(
  Object.keys(entries).map((name) => [
    name,
    closure(`${name}.d.ts`, (file) =>
      (dtsChunks.get(file)?.imports ?? []).map((id) => ({ path: id, external: !dtsChunks.has(id) })),
    ),
  ]),
);

// 3. Dependencies
const used = new Set([...jsImports, ...dtsImports]);
const problems = [];
for (const name of used) {
  if (!(name in declared)) problems.push(`${name} is imported by dist/ but not declared in sdk/package.json`);
}
for (const [name, range] of Object.entries(declared)) {
  if (!used.has(name)) problems.push(`${name} is declared in sdk/package.json but dist/ never imports it`);
  const repo = rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
  if (repo === undefined)
    problems.push(`${name} is not a dependency of the repo, so nothing tests that version`);
  else if (range !== repo && range !== `^${repo}`)
    problems.push(`${name}: sdk/package.json says ${range}, the repo has ${repo}`);
}
for (const [name, { packages }] of Object.entries(entries)) {
  const allowed = new Set(packages);
  const loaded = new Set([...jsClosure[name].packages, ...dtsClosure[name].packages]);
  for (const pkgName of loaded)
    if (!allowed.has(pkgName))
      problems.push(`dist/${name} loads ${pkgName}, which that entry may not import`);
}
const verifyInputs = [...jsClosure.index.files]
  .flatMap((file) => Object.keys(metafile.outputs[file].inputs))
  .filter((input) => input.startsWith("sdk/src/verify/"));
if (verifyInputs.length > 0)
  problems.push(`dist/index.js loads the verifier (${verifyInputs.slice(0, 3).join(", ")}, …)`);
if (problems.length > 0) fail("dependencies", problems.join("\n"));

// 4. A consumer outside the repo
const packed = JSON.parse(
  run("npm pack --dry-run", "npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: sdk }),
);
const files = packed[0].files.map((f) => f.path);
const consumer = mkdtempSync(join(tmpdir(), "finality-sdk-consumer-"));
try {
  const installed = join(consumer, "node_modules", "@finality-edge", "sdk");
  for (const file of files) {
    mkdirSync(dirname(join(installed, file)), { recursive: true });
    cpSync(join(sdk, file), join(installed, file));
  }
  // The declared packages (and Node's types) from the repo's install, as a package manager would provide them.
  for (const name of [...Object.keys(declared), "@types/node"]) {
    const target = join(consumer, "node_modules", name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(root, "node_modules", name), target, "dir");
  }
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  for (const file of ["consumer.ts", "consumer.mjs"])
    cpSync(join(sdk, "test", "consumer", file), join(consumer, file));
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    exactOptionalPropertyTypes: true,
  };
  const configs = {
    // Node's globals only. viem's own declarations need the DOM's (CryptoKey, WebAuthn), so a Node-only project
    // skips library checks; the DOM run below checks every declaration, ours included.
    "tsconfig.node.json": { ...compilerOptions, lib: ["ES2023"], types: ["node"], skipLibCheck: true },
    "tsconfig.dom.json": { ...compilerOptions, lib: ["ES2023", "DOM", "DOM.Iterable"], types: [] },
  };
  for (const [name, options] of Object.entries(configs)) {
    writeFileSync(join(consumer, name), JSON.stringify({ compilerOptions: options, files: ["consumer.ts"] }));
    run(`consumer type-check (${name})`, npx, ["tsc", "-p", join(consumer, name)]);
  }
  const out = run("consumer run (Node)", process.execPath, ["consumer.mjs"], { cwd: consumer });
  const downloads = await measureDownloads(consumer);
  // An entry's size is what importing it loads of dist/ (its file and its chunks), minified by nothing.
  const size = (name) => {
    const bytes = [...jsClosure[name].files].reduce(
      (sum, file) => sum + readFileSync(join(root, file)).length,
      0,
    );
    const packages = [...jsClosure[name].packages].sort();
    return `${name}.js ${(bytes / 1024).toFixed(1)} KiB + ${packages.length === 0 ? "no packages" : packages.join(", ")}`;
  };
  console.log(
    `sdk build: dist/ ${files.filter((f) => f.startsWith("dist/")).length} files (${Object.keys(entries).map(size).join("; ")}); ` +
      `consumer in ${relative(root, consumer).startsWith("..") ? "a temp dir" : consumer} ${out.trim()}; ` +
      `a dApp downloads (minified / gzip) ${downloads} (${ms()})`,
  );
} finally {
  rmSync(consumer, { recursive: true, force: true });
}

/**
 * Step 5: one browser bundle per import a dApp might make, in the consumer project (so through the packed
 * package's `exports` and `sideEffects`). `forbid` matches input paths the bundle must not contain.
 */
async function measureDownloads(dir) {
  const cases = [
    {
      label: "createFinalityClient",
      code: `export { createFinalityClient } from "@finality-edge/sdk";`,
      forbid: /node_modules\/(?!@finality-edge\/)/,
    },
    {
      label: "waitForBtcFinality",
      code: `export { waitForBtcFinality } from "@finality-edge/sdk/viem";`,
      forbid: /@cosmjs|cosmjs-types|sdk\/dist\/verify/,
    },
    {
      label: "verifyDecision",
      code: `export { verifyDecision } from "@finality-edge/sdk/verify";`,
      forbid: /@cosmjs|cosmjs-types/,
    },
    {
      label: "verifyWithBabylon",
      code: `export { verifyWithBabylon } from "@finality-edge/sdk/verify";`,
      forbid: null,
    },
  ];
  const sizes = [];
  for (const { label, code, forbid } of cases) {
    let result;
    try {
      result = await build({
        stdin: { contents: code, resolveDir: dir, sourcefile: `${label}.js`, loader: "js" },
        absWorkingDir: dir,
        bundle: true,
        minify: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        write: false,
        metafile: true,
        legalComments: "none",
        logLevel: "silent",
      });
    } catch (error) {
      fail(
        `browser bundle of ${label}`,
        (error.errors ?? [error]).map((e) => e.text ?? e.message).join("\n"),
      );
    }
    // What ended up in the output: a module read but shaken away entirely counts for nothing.
    const [output] = Object.values(result.metafile.outputs);
    const inputs = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    const bad = forbid === null ? [] : inputs.filter((input) => forbid.test(input));
    if (bad.length > 0)
      fail(
        `what a dApp downloads (${label})`,
        `the bundle pulls in ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ", …" : ""}`,
      );
    const bytes = result.outputFiles[0].contents;
    sizes.push(`${label} ${kib(bytes.length)} / ${kib(gzipSync(bytes).length)}`);
  }
  return sizes.join(", ");
}

function kib(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}
