import { schnorr } from "@noble/curves/secp256k1.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bip340Sign, bip340Verify, xOnlyPublicKey } from "./bip340.ts";
import { concatBytes } from "./bytes.ts";
import { CURVE_ORDER, FIELD_PRIME, scalarToBytes } from "./curve.ts";
import { InvalidLengthError, InvalidScalarError } from "./errors.ts";

const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }).map(scalarToBytes);
const SK = scalarToBytes(0xc0ffeen);
const DIGEST = new Uint8Array(32).fill(7);

describe("bip340Sign / bip340Verify", () => {
  it("round-trips for random keys, messages of any length and aux randomness", () => {
    fc.assert(
      fc.property(
        scalar,
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (sk, msg, aux) => {
          const sig = bip340Sign(sk, msg, aux);
          expect(sig.length).toBe(64);
          expect(bip340Verify(xOnlyPublicKey(sk), msg, sig)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("flipping any bit of signature, digest or key gives false, never a throw", () => {
    fc.assert(
      fc.property(
        scalar,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom(0, 1, 2),
        fc.nat(),
        (sk, msg, which, bitSeed) => {
          const inputs = [bip340Sign(sk, msg), msg.slice(), xOnlyPublicKey(sk)] as const;
          const bytes = inputs[which];
          const bit = bitSeed % (bytes.length * 8);
          bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
          expect(bip340Verify(inputs[2], inputs[1], inputs[0])).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("defaults aux_rand to 32 zero bytes (deterministic)", () => {
    expect(bip340Sign(SK, DIGEST)).toEqual(bip340Sign(SK, DIGEST, new Uint8Array(32)));
    expect(bip340Sign(SK, DIGEST)).not.toEqual(bip340Sign(SK, DIGEST, new Uint8Array(32).fill(1)));
  });

  it("returns false (BIP-340 'fail') for keys that are not valid x-coordinates", () => {
    const sig = bip340Sign(SK, DIGEST);
    expect(bip340Verify(scalarToBytes(FIELD_PRIME), DIGEST, sig)).toBe(false);
    expect(bip340Verify(new Uint8Array(32), DIGEST, sig)).toBe(false);
    let x = 1n;
    for (; ; x++) {
      try {
        schnorr.utils.lift_x(x);
      } catch {
        break;
      }
    }
    expect(bip340Verify(scalarToBytes(x), DIGEST, sig)).toBe(false);
  });

  it("returns false for s ≥ n and r ≥ p", () => {
    const sig = bip340Sign(SK, DIGEST);
    const pk = xOnlyPublicKey(SK);
    expect(bip340Verify(pk, DIGEST, concatBytes(sig.subarray(0, 32), scalarToBytes(CURVE_ORDER)))).toBe(
      false,
    );
    expect(bip340Verify(pk, DIGEST, concatBytes(scalarToBytes(FIELD_PRIME), sig.subarray(32)))).toBe(false);
  });

  it("throws InvalidLengthError for a pubKey ≠ 32 or signature ≠ 64 bytes", () => {
    const sig = bip340Sign(SK, DIGEST);
    const pk = xOnlyPublicKey(SK);
    expect(() => bip340Verify(pk, DIGEST, sig.subarray(1))).toThrow(
      "Invalid input length: expected 64 bytes, got 63",
    );
    expect(() => bip340Verify(concatBytes(new Uint8Array([2]), pk), DIGEST, sig)).toThrow(InvalidLengthError);
  });

  it("rejects invalid secret keys and aux lengths with typed errors", () => {
    expect(() => bip340Sign(new Uint8Array(32), DIGEST)).toThrow(InvalidScalarError);
    expect(() => bip340Sign(scalarToBytes(CURVE_ORDER), DIGEST)).toThrow(InvalidScalarError);
    expect(() => bip340Sign(SK.subarray(1), DIGEST)).toThrow(InvalidLengthError);
    expect(() => bip340Sign(SK, DIGEST, new Uint8Array(31))).toThrow(InvalidLengthError);
    expect(() => xOnlyPublicKey(new Uint8Array(32))).toThrow(InvalidScalarError);
  });
});
