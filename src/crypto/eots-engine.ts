/**
 * @module The fast path of EOTS verification. An EOTS signature `s` over `message` with x-only key `P`
 * and public randomness `R.x` is the BIP-340 signature `(R.x || s)` over `sha256(message)`, so an
 * accelerated engine can answer it. It can only say "valid": anything else goes to the noble parse path
 * in `eots.ts`, which decides `false` or the typed error exactly as it always has. (That also covers
 * `s ≥ n`, which libsecp256k1 refuses itself, so there is no separate check here.)
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { schnorrEngine } from "./schnorr-engine.ts";

/**
 * `true` when the installed engine verified the signature; `false` means "not shown valid". `pubKeyX`
 * and `pubRandX` are 32-byte x-only (even-Y) values, or `undefined` when the input has no such form.
 */
export function engineVerifiesEots(
  pubKeyX: Uint8Array | undefined,
  pubRandX: Uint8Array | undefined,
  message: Uint8Array,
  sig: Uint8Array,
): boolean {
  const engine = schnorrEngine();
  // The noble engine is the parse path's own arithmetic: asking it first would only verify twice.
  if (engine.name === "noble" || pubKeyX?.length !== 32 || pubRandX?.length !== 32 || sig.length !== 32) {
    return false;
  }
  const sig64 = new Uint8Array(64);
  sig64.set(pubRandX);
  sig64.set(sig, 32);
  return engine.verifyBip340(pubKeyX, sha256(message), sig64);
}

/**
 * The x-coordinate of a point encoding that `eotsVerifyPoint` reads as an even-Y point: 32 bytes (x),
 * 33 (`02` ‖ x) or 65 (`04` ‖ x ‖ y with an even last byte — the crate reads only that byte of y).
 * `undefined` for odd Y (BIP-340 cannot express it) and for anything malformed.
 */
export function evenYX(encoding: Uint8Array): Uint8Array | undefined {
  if (encoding.length === 32) return encoding;
  if (encoding.length === 33 && encoding[0] === 2) return encoding.subarray(1);
  if (encoding.length === 65 && encoding[0] === 4 && ((encoding[64] as number) & 1) === 0) {
    return encoding.subarray(1, 33);
  }
  return undefined;
}
