/**
 * @module Node only: the bytes of the `secp256k1.wasm` that the installed tiny-secp256k1 ships. Node
 * built-ins come from `process.getBuiltinModule` (Node ≥ 22.3) rather than `import "node:fs"`, so this file
 * type-checks and bundles for Workers and browsers too, where it answers `undefined`.
 */

type NodeBuiltins = {
  getBuiltinModule(id: "node:module"): { createRequire(from: string): { resolve(id: string): string } };
  getBuiltinModule(id: "node:fs"): { readFileSync(path: string): Uint8Array };
  getBuiltinModule(id: "node:path"): { join(...parts: string[]): string; dirname(path: string): string };
};

/**
 * The package's binary, read from its install folder, or `undefined` outside Node. Resolved from this
 * module's URL, which inside an esbuild bundle (scripts/run-ts.mjs writes them under the repo) still finds
 * the repo's node_modules. The package's `exports` hide `lib/`, so the path goes through its CommonJS
 * entry, `lib/cjs/index.cjs`, whose parent folder holds `secp256k1.wasm`.
 */
export function readTinySecp256k1Wasm(): Uint8Array | undefined {
  const node = (globalThis as { process?: Partial<NodeBuiltins> }).process;
  if (typeof node?.getBuiltinModule !== "function") return undefined;
  const builtins = node as NodeBuiltins;
  const { createRequire } = builtins.getBuiltinModule("node:module");
  const { readFileSync } = builtins.getBuiltinModule("node:fs");
  const { dirname, join } = builtins.getBuiltinModule("node:path");
  const entry = createRequire((import.meta as ImportMeta & { url: string }).url).resolve("tiny-secp256k1");
  return readFileSync(join(dirname(entry), "..", "secp256k1.wasm"));
}
