/**
 * @module The WebAssembly engine: libsecp256k1 as tiny-secp256k1 2.2.4 compiles it (`lib/secp256k1.wasm`),
 * called through that module's own exports the way the package's `lib/index.js` calls them: write the
 * inputs at the addresses its `*_INPUT` globals export, call the export, read `1` for success.
 *
 * Why not `import { verifySchnorr } from "tiny-secp256k1"`: the package loads its binary itself, with
 * `readFileSync` next to `import.meta.url` in Node (the wrong folder once esbuild moves the code into a
 * bundle) and with an ESM-integration `import * as wasm from "./secp256k1.wasm"` elsewhere (wrangler,
 * workerd and Vite give a `WebAssembly.Module` or nothing for a .wasm import, never its instance's exports).
 * So every runtime hands this file the compiled module (`schnorr-wasm-load.ts`) and this file instantiates
 * it. The price: this glue depends on 2.2.4's export names and buffer sizes, which is why package.json pins
 * the exact version; a new version must be checked against its `lib/index.js` before the pin moves.
 */
import { assertLength } from "./bytes.ts";
import type { SchnorrEngine } from "./schnorr-engine.ts";
import { type WasmGlobal, type WasmMemory, wasmApi } from "./wasm-api.ts";

/** The exports of `secp256k1.wasm` this engine uses (names and meaning as in the package's `lib/index.js`). */
type Secp256k1Exports = {
  readonly memory: WasmMemory;
  /** Address of the 65-byte point input that `isPoint(length)` reads. */
  readonly PUBLIC_KEY_INPUT: WasmGlobal;
  /** Addresses of the 32-byte key, 32-byte hash and 64-byte signature that `verifySchnorr()` reads. */
  readonly X_ONLY_PUBLIC_KEY_INPUT: WasmGlobal;
  readonly HASH_INPUT: WasmGlobal;
  readonly SIGNATURE_INPUT: WasmGlobal;
  /** `1` when the first `length` bytes of the point input parse (32: as an x-only key), else `0`; never throws. */
  isPoint(length: number): number;
  /** `1` for a valid BIP-340 signature, `0` otherwise; an unparsable key makes it call `throwError`. */
  verifySchnorr(): number;
};

/** What the module's `./validate_error.js` import raises. Caught below; callers never see it. */
class RejectedInput extends Error {}

/** The two modules `secp256k1.wasm` imports, in place of the package's `rand.js` and `validate_error.js`. */
const IMPORTS = {
  // Seeds libsecp256k1's context randomisation, which blinds the secret in *signing*. This engine only
  // verifies public data, so a constant seed costs nothing, and it keeps the first call free of
  // crypto.getRandomValues (which workerd refuses at module scope).
  "./rand.js": { generateInt32: () => 0 },
  "./validate_error.js": {
    throwError: (code: number) => {
      throw new RejectedInput(`secp256k1.wasm rejected its input (error ${code})`);
    },
  },
};

/**
 * How many parsed keys the engine remembers before starting over. A submission path sees a few provider
 * keys again and again; the bound only keeps a flood of fresh keys from growing memory.
 */
const KNOWN_KEYS_MAX = 1024;

/** One instance of the module, with views of its input buffers (its memory never grows while verifying). */
function instantiate(module: WebAssembly.Module) {
  const api = wasmApi();
  if (!api) throw new TypeError("WebAssembly is not available in this runtime");
  const wasm = new api.Instance(module, IMPORTS).exports as Secp256k1Exports;
  const heap = new Uint8Array(wasm.memory.buffer);
  const input = (address: WasmGlobal, size: number) =>
    heap.subarray(Number(address.value), Number(address.value) + size);
  return {
    wasm,
    point: input(wasm.PUBLIC_KEY_INPUT, 65),
    key: input(wasm.X_ONLY_PUBLIC_KEY_INPUT, 32),
    hash: input(wasm.HASH_INPUT, 32),
    signature: input(wasm.SIGNATURE_INPUT, 64),
  };
}

/** The 32 key bytes as a string, to look them up in a `Set`. */
const keyId = (pubKeyX: Uint8Array): string => String.fromCharCode(...pubKeyX);

/**
 * A BIP-340 engine over a fresh instance of `module` (tiny-secp256k1 2.2.4's `secp256k1.wasm`), built
 * synchronously: instantiating is compute, not I/O. Throws if `module` is not that binary.
 *
 * A key reaches `verifySchnorr` only once `isPoint` has accepted it, because the module reports an
 * unparsable key by calling its throwing import, and a throw out of an import unwinds the Rust code without
 * restoring its stack pointer: each one leaks stack, and after 3,412 `verifySchnorr` calls with a key that
 * is not a curve point the instance faults ("memory access out of bounds") on every later call — the
 * package's own `verifySchnorr` included (measured with 2.2.4). `isPoint` costs a square root (≈ 13% of a
 * verification), so accepted keys are remembered and checked once.
 */
export function createWasmSchnorrEngine(module: WebAssembly.Module): SchnorrEngine {
  let instance = instantiate(module);
  const knownKeys = new Set<string>();

  const isKnownPoint = (pubKeyX: Uint8Array): boolean => {
    const id = keyId(pubKeyX);
    if (knownKeys.has(id)) return true;
    instance.point.set(pubKeyX);
    if (instance.wasm.isPoint(32) !== 1) return false;
    if (knownKeys.size >= KNOWN_KEYS_MAX) knownKeys.clear();
    knownKeys.add(id);
    return true;
  };

  return {
    name: "wasm",
    verifyBip340(pubKeyX, digest, sig64) {
      assertLength(pubKeyX, 32, "pubKey");
      assertLength(digest, 32, "digest");
      assertLength(sig64, 64, "signature");
      try {
        if (!isKnownPoint(pubKeyX)) return false;
        // Inputs are public, so unlike the package this does not wipe the buffers afterwards.
        instance.key.set(pubKeyX);
        instance.hash.set(digest);
        instance.signature.set(sig64);
        return instance.wasm.verifySchnorr() === 1;
      } catch (error) {
        if (!(error instanceof RejectedInput)) throw error;
        // Not reachable after the key check; should it ever be, the leaked stack goes with the old instance.
        instance = instantiate(module);
        knownKeys.clear();
        return false;
      }
    },
  };
}
