/** @module Plain BIP-340 Schnorr signatures (the randomness-commitment signature), thin over @noble/curves. */
import { schnorr } from "@noble/curves/secp256k1.js";
import { assertLength } from "./bytes.ts";
import { bytesToScalar, CURVE_ORDER } from "./curve.ts";
import { InvalidScalarError } from "./errors.ts";
import { schnorrEngine } from "./schnorr-engine.ts";
import { nobleSchnorrEngine } from "./schnorr-noble.ts";

const ZERO_AUX = new Uint8Array(32);

/**
 * BIP-340 signature (64 bytes `r || s`) of `digest` (any length; the commitment path passes
 * `sha256(commit_msg)`). `auxRand` defaults to 32 zero bytes so signing is deterministic and
 * needs no CSPRNG; pass fresh randomness for side-channel hardening. Signatures are not unique,
 * so verifiers must verify, never compare bytes.
 */
export function bip340Sign(
  secretKey: Uint8Array,
  digest: Uint8Array,
  auxRand: Uint8Array = ZERO_AUX,
): Uint8Array {
  assertLength(secretKey, 32, "secretKey");
  assertLength(auxRand, 32, "auxRand");
  const sk = bytesToScalar(secretKey);
  if (sk === 0n || sk >= CURVE_ORDER) {
    throw new InvalidScalarError("Invalid secret key: must be in [1, n-1]", { field: "secretKey" });
  }
  return schnorr.sign(digest, secretKey, auxRand);
}

/**
 * BIP-340 verification of `sig` over `digest` (any length) for the x-only `pubKey`.
 *
 * Wrong byte lengths (pubKey ≠ 32, sig ≠ 64) are malformed input and throw `InvalidLengthError`,
 * matching the contract's "Invalid signature length" rejection. Everything BIP-340 calls a
 * verification failure returns `false`: a pubKey that is not an x-coordinate or is ≥ p, r ≥ p,
 * s ≥ n, or a failed equation. (noble also rejects s = 0, which no honest signer produces.)
 *
 * A 32-byte digest goes to the installed engine (`schnorr-engine.ts`); other lengths, which
 * libsecp256k1's wasm build cannot take, always to noble.
 */
export function bip340Verify(pubKey: Uint8Array, digest: Uint8Array, sig: Uint8Array): boolean {
  assertLength(pubKey, 32, "pubKey");
  assertLength(sig, 64, "signature");
  const engine = digest.length === 32 ? schnorrEngine() : nobleSchnorrEngine;
  return engine.verifyBip340(pubKey, digest, sig);
}

/** x-only (32-byte) public key of a secret key, as used for `fp_pubkey_hex`. */
export function xOnlyPublicKey(secretKey: Uint8Array): Uint8Array {
  assertLength(secretKey, 32, "secretKey");
  const sk = bytesToScalar(secretKey);
  if (sk === 0n || sk >= CURVE_ORDER) {
    throw new InvalidScalarError("Invalid secret key: must be in [1, n-1]", { field: "secretKey" });
  }
  return schnorr.getPublicKey(secretKey);
}
