/** @module secp256k1 helpers shared by EOTS and randomness derivation (internal, not re-exported). */
import { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "./bytes.ts";
import { InvalidPointError } from "./errors.ts";

export const Point = secp256k1.Point;
export type CurvePoint = InstanceType<typeof Point>;
/** Group order n. */
export const CURVE_ORDER = Point.Fn.ORDER;
/** Field prime p. */
export const FIELD_PRIME = Point.Fp.ORDER;

/** 32-byte big-endian scalar → bigint (no range check). */
export const bytesToScalar = (bytes: Uint8Array): bigint => bytesToNumberBE(bytes);
/** bigint in [0, 2^256) → 32-byte big-endian. */
export const scalarToBytes = (value: bigint): Uint8Array => numberToBytesBE(value, 32);

export const modN = (value: bigint): bigint => {
  const r = value % CURVE_ORDER;
  return r < 0n ? r + CURVE_ORDER : r;
};

/** x-only (BIP-340) encoding of a non-infinity point. */
export const pointX = (point: CurvePoint): Uint8Array => scalarToBytes(point.toAffine().x);
export const hasOddY = (point: CurvePoint): boolean => (point.toAffine().y & 1n) === 1n;

/**
 * BIP-340 `lift_x`: the even-Y point with this x-coordinate. Throws {@link InvalidPointError}
 * with `message` for x ≥ p or an x that is not on the curve; the contract rejects both (Go would
 * reduce x mod p, but the contract is the verifier that counts).
 */
export function liftX(x: Uint8Array, message: string, field: string): CurvePoint {
  const value = bytesToScalar(x);
  if (value === 0n || value >= FIELD_PRIME) throw new InvalidPointError(message, { field });
  try {
    return schnorr.utils.lift_x(value);
  } catch (cause) {
    throw new InvalidPointError(message, { field, cause });
  }
}

/**
 * SEC1 decompression: the point with x-coordinate `x` and the given Y parity, with the errors of
 * {@link liftX} (whose even-Y point it negates for odd Y).
 */
export function liftXWithParity(x: Uint8Array, oddY: boolean, message: string, field: string): CurvePoint {
  const even = liftX(x, message, field);
  return oddY ? even.negate() : even;
}

// sha256("BIP0340/challenge") computed once; tagged_hash(t, x) = sha256(sha256(t) || sha256(t) || x).
const CHALLENGE_TAG = sha256(utf8ToBytes("BIP0340/challenge"));
const CHALLENGE_PREFIX = concatBytes(CHALLENGE_TAG, CHALLENGE_TAG);

/** The raw (unreduced) BIP-340 challenge hash `tagged_hash("BIP0340/challenge", rx || px || m)` as an integer. */
export function challengeHash(rx: Uint8Array, px: Uint8Array, m: Uint8Array): bigint {
  return bytesToScalar(sha256(concatBytes(CHALLENGE_PREFIX, rx, px, m)));
}
