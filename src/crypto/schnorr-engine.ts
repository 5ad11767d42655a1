/**
 * @module The BIP-340 verification engine behind `eotsVerify`, `eotsVerifyPoint` and `bip340Verify`.
 * One engine is installed per JavaScript realm (a Worker isolate, a Node process, a page): @noble/curves
 * until a program installs the WebAssembly one (`schnorr-wasm-load.ts`). The state is a plain reference,
 * never a promise, so no request in a Worker can end up awaiting work another request started.
 */
import { nobleSchnorrEngine } from "./schnorr-noble.ts";

/** A BIP-340 verifier over exact-size inputs. */
export interface SchnorrEngine {
  /** `noble`: @noble/curves in JavaScript; `wasm`: libsecp256k1 as tiny-secp256k1 ships it. */
  readonly name: "noble" | "wasm";
  /**
   * `true` exactly when `sig64 = (r || s)` is a valid BIP-340 signature of `digest` by the x-only key
   * `pubKeyX` (32 bytes); `false` for every other input, including a key that is not a curve point,
   * `r ≥ p` and `s ≥ n`. Never throws for inputs of the right sizes. `digest` is 32 bytes (the only
   * size libsecp256k1's build takes); the noble engine also takes other lengths, as BIP-340 allows.
   */
  verifyBip340(pubKeyX: Uint8Array, digest: Uint8Array, sig64: Uint8Array): boolean;
}

let installed: SchnorrEngine = nobleSchnorrEngine;

/** The engine verification uses now. */
export function schnorrEngine(): SchnorrEngine {
  return installed;
}

/** Makes `engine` the one verification uses from now on (tests and benchmarks switch back and forth). */
export function setSchnorrEngine(engine: SchnorrEngine): void {
  installed = engine;
}

/**
 * Runs `fn` with `engine` installed and puts the previous engine back. Synchronous on purpose: an
 * `await` inside would leave `engine` installed for whatever else runs in the meantime.
 */
export function withSchnorrEngine<T>(engine: SchnorrEngine, fn: () => T): T {
  const previous = installed;
  installed = engine;
  try {
    return fn();
  } finally {
    installed = previous;
  }
}
