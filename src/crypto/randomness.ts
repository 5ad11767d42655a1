/** @module The finality provider's (eotsd) deterministic per-height EOTS randomness. */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { assertLength, concatBytes, u64ToBigEndian, utf8ToBytes } from "./bytes.ts";
import { bytesToScalar, CURVE_ORDER, Point, pointX } from "./curve.ts";

/** Private randomness (a scalar) and its public x-only commitment for one height. */
export type Randomness = { privRand: Uint8Array; pubRand: Uint8Array };

/**
 * eotsd's current scheme: for iter = 0, 1, …, `t = HMAC-SHA256(key = secretKey, BE64(height) ||
 * utf8(bsnId) || BE64(iter))`; the first `t` with `0 < t < n` is `privRand`, and `pubRand = x(t·G)`.
 *
 * `bsnId` is the rollup BSN id the FP was registered with (not the Babylon chain id). `privRand` is
 * deliberately NOT parity-normalised: {@link eotsSign} negates it when `t·G` has odd Y, exactly as
 * eotsd does, so keys and commitments stay interchangeable with the Go provider.
 */
export function deriveRandomness(secretKey: Uint8Array, bsnId: string, height: number | bigint): Randomness {
  assertLength(secretKey, 32, "secretKey");
  const prefix = concatBytes(u64ToBigEndian(height, "height"), utf8ToBytes(bsnId));
  for (let iter = 0; ; iter++) {
    const t = hmac(sha256, secretKey, concatBytes(prefix, u64ToBigEndian(iter)));
    const value = bytesToScalar(t);
    // Rejection sampling (each retry has probability ≈ 2^-128), so this loop ends at once in practice.
    if (value !== 0n && value < CURVE_ORDER) {
      return { privRand: t, pubRand: pointX(Point.BASE.multiply(value)) };
    }
  }
}
