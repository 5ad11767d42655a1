/**
 * @module Installing the WebAssembly engine, one way per kind of runtime. The installers return whether
 * the wasm engine is now in use; on any failure (no WebAssembly, a refused instantiation, a missing file)
 * the noble engine stays, so verification answers the same and is only slower.
 *
 * - Workers: `import wasm from "…/tiny-secp256k1/lib/secp256k1.wasm"` (wrangler bundles a .wasm import as
 *   a compiled `WebAssembly.Module`), then {@link installWasmSchnorrEngine} at module scope — compute, no I/O.
 * - Node programs and tests: `await useWasmSchnorrEngine()` reads the package's own binary.
 * - Browsers: `await useWasmSchnorrEngine(bytes or module)`, since a page must compile large modules asynchronously.
 */
import { type SchnorrEngine, setSchnorrEngine } from "./schnorr-engine.ts";
import { createWasmSchnorrEngine } from "./schnorr-wasm.ts";
import { readTinySecp256k1Wasm } from "./schnorr-wasm-node.ts";
import { wasmApi } from "./wasm-api.ts";

/** Installs the wasm engine over an already compiled `secp256k1.wasm`, synchronously. */
export function installWasmSchnorrEngine(module: WebAssembly.Module): boolean {
  try {
    setSchnorrEngine(createWasmSchnorrEngine(module));
    return true;
  } catch {
    return false;
  }
}

/**
 * A wasm engine from `source` (the binary's bytes; a compiled module is used as it is), or in Node without
 * `source` from the installed package's binary; `undefined` when this runtime cannot have one. Compiling
 * is asynchronous because a page must compile a module this large that way. Nothing is installed.
 */
export async function loadWasmSchnorrEngine(
  source?: WebAssembly.Module | Uint8Array | ArrayBuffer,
): Promise<SchnorrEngine | undefined> {
  const api = wasmApi();
  if (!api) return undefined;
  try {
    const binary = source ?? readTinySecp256k1Wasm();
    if (binary === undefined) return undefined;
    if (binary instanceof api.Module) return createWasmSchnorrEngine(binary);
    // Workers have no `compile` (nor may they compile bytes): they pass the bundled module instead.
    if (!api.compile) return undefined;
    return createWasmSchnorrEngine(await api.compile(binary as Uint8Array | ArrayBuffer));
  } catch {
    return undefined;
  }
}

/**
 * {@link loadWasmSchnorrEngine}, then installs the engine. The promise belongs to the caller alone:
 * nothing here keeps it, and only the finished engine is installed.
 */
export async function useWasmSchnorrEngine(
  source?: WebAssembly.Module | Uint8Array | ArrayBuffer,
): Promise<boolean> {
  const engine = await loadWasmSchnorrEngine(source);
  if (engine) setSchnorrEngine(engine);
  return engine !== undefined;
}
