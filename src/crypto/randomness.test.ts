import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xOnlyPublicKey } from "./bip340.ts";
import { concatBytes, u64ToBigEndian, utf8ToBytes } from "./bytes.ts";
import { bytesToScalar, CURVE_ORDER, scalarToBytes } from "./curve.ts";
import { eotsSign, eotsVerify } from "./eots.ts";
import { InvalidLengthError, InvalidUint64Error } from "./errors.ts";
import { deriveRandomness } from "./randomness.ts";

const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }).map(scalarToBytes);
const height = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bsnId = fc.string({ maxLength: 40 });

describe("deriveRandomness", () => {
  it("is HMAC-SHA256(sk, BE64(height) || utf8(bsnId) || BE64(0)) (checked with node:crypto)", () => {
    fc.assert(
      fc.property(scalar, bsnId, height, (sk, id, h) => {
        const expected = createHmac("sha256", sk)
          .update(concatBytes(u64ToBigEndian(h), utf8ToBytes(id), new Uint8Array(8)))
          .digest();
        // iter 0 is accepted unless t = 0 or t ≥ n (probability ≈ 2^-128).
        expect(deriveRandomness(sk, id, h).privRand).toEqual(new Uint8Array(expected));
      }),
      { numRuns: 100 },
    );
  });

  it("returns pubRand = x(privRand·G), privRand in [1, n−1], and is deterministic", () => {
    fc.assert(
      fc.property(scalar, bsnId, height, (sk, id, h) => {
        const { privRand, pubRand } = deriveRandomness(sk, id, h);
        const t = bytesToScalar(privRand);
        expect(t > 0n && t < CURVE_ORDER).toBe(true);
        expect(pubRand).toEqual(xOnlyPublicKey(privRand));
        expect(deriveRandomness(sk, id, h)).toEqual({ privRand, pubRand });
      }),
      { numRuns: 40 },
    );
  });

  it("depends on key, BSN id and height; number and bigint heights agree", () => {
    const sk = scalarToBytes(42n);
    const base = deriveRandomness(sk, "rollup-1", 100).privRand;
    expect(deriveRandomness(sk, "rollup-1", 100n).privRand).toEqual(base);
    expect(deriveRandomness(sk, "rollup-2", 100).privRand).not.toEqual(base);
    expect(deriveRandomness(sk, "rollup-1", 101).privRand).not.toEqual(base);
    expect(deriveRandomness(scalarToBytes(43n), "rollup-1", 100).privRand).not.toEqual(base);
  });

  it("its un-normalised privRand signs and verifies under pubRand (sign does the parity step)", () => {
    fc.assert(
      fc.property(scalar, bsnId, height, fc.uint8Array({ maxLength: 64 }), (sk, id, h, msg) => {
        const { privRand, pubRand } = deriveRandomness(sk, id, h);
        expect(eotsVerify(xOnlyPublicKey(sk), pubRand, msg, eotsSign(sk, privRand, msg))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("rejects invalid heights and key lengths", () => {
    const sk = scalarToBytes(42n);
    expect(() => deriveRandomness(sk, "x", -1)).toThrow(InvalidUint64Error);
    expect(() => deriveRandomness(sk, "x", 1n << 64n)).toThrow(InvalidUint64Error);
    expect(() => deriveRandomness(sk, "x", 0.5)).toThrow(InvalidUint64Error);
    expect(() => deriveRandomness(sk.subarray(1), "x", 1)).toThrow(InvalidLengthError);
  });
});
