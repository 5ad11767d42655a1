import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bip340Verify, xOnlyPublicKey } from "./bip340.ts";
import { concatBytes, hexToBytes } from "./bytes.ts";
import {
  bytesToScalar,
  CURVE_ORDER,
  challengeHash,
  FIELD_PRIME,
  hasOddY,
  modN,
  Point,
  scalarToBytes,
} from "./curve.ts";
import { eotsChallenge, eotsExtract, eotsSign, eotsVerify, eotsVerifyPoint } from "./eots.ts";
import {
  CryptoError,
  ExtractionError,
  InvalidLengthError,
  InvalidPointError,
  InvalidScalarError,
} from "./errors.ts";

const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }).map(scalarToBytes);
const message = fc.uint8Array({ minLength: 1, maxLength: 120 });

/** What extraction returns for an x-only key: the even-Y-normalised secret key. */
const normalised = (sk: Uint8Array) => {
  const d = bytesToScalar(sk);
  return scalarToBytes(hasOddY(Point.BASE.multiply(d)) ? CURVE_ORDER - d : d);
};

/** First x ≥ 1 that is not the x-coordinate of any curve point. */
const NOT_ON_CURVE = (() => {
  for (let x = 1n; ; x++) {
    try {
      schnorr.utils.lift_x(x);
    } catch {
      return scalarToBytes(x);
    }
  }
})();

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

// A fixed, valid signature to mutate in the negative-path tests.
const SK = scalarToBytes(0x1234567890abcdefn);
const K = scalarToBytes(0xfedcba0987654321n);
const MSG = new TextEncoder().encode("vote at height 101");
const PK = xOnlyPublicKey(SK);
const PR = xOnlyPublicKey(K);
const SIG = eotsSign(SK, K, MSG);

describe("eotsSign / eotsVerify", () => {
  it("round-trips for random keys, nonces and messages (all parity combinations)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scalar, scalar, fc.uint8Array({ maxLength: 120 }), (sk, k, msg) => {
        const sig = eotsSign(sk, k, msg);
        expect(sig.length).toBe(32);
        expect(bytesToScalar(sig) < CURVE_ORDER).toBe(true);
        expect(eotsVerify(xOnlyPublicKey(sk), xOnlyPublicKey(k), msg, sig)).toBe(true);
        seen.add(
          `${hasOddY(Point.BASE.multiply(bytesToScalar(sk)))}/${hasOddY(Point.BASE.multiply(bytesToScalar(k)))}`,
        );
      }),
      { numRuns: 60 },
    );
    expect(seen.size).toBe(4);
  });

  it("is BIP-340 over sha256(message) with the public randomness as r", () => {
    fc.assert(
      fc.property(scalar, scalar, message, (sk, k, msg) => {
        const sig = eotsSign(sk, k, msg);
        expect(bip340Verify(xOnlyPublicKey(sk), sha256(msg), concatBytes(xOnlyPublicKey(k), sig))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("flipping any single bit of message, signature, pubRand or pubKey never verifies", () => {
    const target = fc.constantFrom("message", "sig", "pubRand", "pubKey");
    fc.assert(
      fc.property(scalar, scalar, message, target, fc.nat(), (sk, k, msg, which, bitSeed) => {
        const inputs = {
          message: msg.slice(),
          sig: eotsSign(sk, k, msg),
          pubRand: xOnlyPublicKey(k),
          pubKey: xOnlyPublicKey(sk),
        };
        const bytes = inputs[which];
        const bit = bitSeed % (bytes.length * 8);
        bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
        let result: boolean | undefined;
        try {
          result = eotsVerify(inputs.pubKey, inputs.pubRand, inputs.message, inputs.sig);
        } catch (error) {
          // Only the typed parse errors are acceptable (flipped key/randomness off the curve, s ≥ n).
          expect(error).toBeInstanceOf(CryptoError);
          expect(error).toSatisfy((e) => e instanceof InvalidPointError || e instanceof InvalidScalarError);
        }
        expect(result).not.toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("returns false for a signature over a different message", () => {
    expect(eotsVerify(PK, PR, MSG, SIG)).toBe(true);
    expect(eotsVerify(PK, PR, new TextEncoder().encode("vote at height 102"), SIG)).toBe(false);
  });

  it("returns false under another key or another nonce", () => {
    expect(eotsVerify(xOnlyPublicKey(scalarToBytes(7n)), PR, MSG, SIG)).toBe(false);
    expect(eotsVerify(PK, xOnlyPublicKey(scalarToBytes(7n)), MSG, SIG)).toBe(false);
  });

  it("returns false when s·G − e·P has the right x but odd Y (i.e. −R)", () => {
    // s' = e·d − k' gives s'·G − e·P = −k'·G = −R: same x-coordinate as pubRand, odd Y.
    const e = modN(challengeHash(PR, PK, sha256(MSG)));
    const d = bytesToScalar(normalised(SK));
    const forged = scalarToBytes(modN(2n * e * d - bytesToScalar(SIG)));
    expect(eotsVerify(PK, PR, MSG, forged)).toBe(false);
    expect(eotsVerify(PK, PR, MSG, SIG)).toBe(true);
  });

  it("hashes the message exactly once", () => {
    expect(eotsVerify(PK, PR, sha256(MSG), SIG)).toBe(false);
  });

  it.each([
    ["s = n", scalarToBytes(CURVE_ORDER)],
    ["s = n + 1", scalarToBytes(CURVE_ORDER + 1n)],
    ["s = 2^256 − 1", new Uint8Array(32).fill(0xff)],
  ])("throws 'Failed to parse signature' for %s", (_, sig) => {
    const error = thrown(() => eotsVerify(PK, PR, MSG, sig));
    expect(error).toBeInstanceOf(InvalidScalarError);
    expect(error).toMatchObject({ code: "invalid_scalar", shortMessage: "Failed to parse signature" });
  });

  it("accepts s = 0 as well-formed (the contract only rejects s ≥ n) and returns false", () => {
    expect(eotsVerify(PK, PR, MSG, new Uint8Array(32))).toBe(false);
  });

  it.each([
    ["pubKey", 31, () => eotsVerify(PK.subarray(1), PR, MSG, SIG)],
    ["pubKey", 33, () => eotsVerify(concatBytes(new Uint8Array([2]), PK), PR, MSG, SIG)],
    ["pubRand", 0, () => eotsVerify(PK, new Uint8Array(0), MSG, SIG)],
    ["pubRand", 33, () => eotsVerify(PK, concatBytes(new Uint8Array([2]), PR), MSG, SIG)],
    ["signature", 31, () => eotsVerify(PK, PR, MSG, SIG.subarray(1))],
    ["signature", 64, () => eotsVerify(PK, PR, MSG, concatBytes(PR, SIG))],
  ])("throws InvalidLengthError for a %s of %i bytes", (field, length, fn) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(InvalidLengthError);
    expect(error).toMatchObject({
      code: "invalid_length",
      shortMessage: `Invalid input length: expected 32 bytes, got ${length}`,
      field,
    });
  });

  it.each([
    ["not on the curve", NOT_ON_CURVE],
    ["zero", new Uint8Array(32)],
    ["equal to p", scalarToBytes(FIELD_PRIME)],
    ["above p", new Uint8Array(32).fill(0xff)],
  ])("throws 'Failed to parse public randomness' for a pubRand %s", (_, pubRand) => {
    const error = thrown(() => eotsVerify(PK, pubRand, MSG, SIG));
    expect(error).toBeInstanceOf(InvalidPointError);
    expect(error).toMatchObject({ code: "invalid_point", shortMessage: "Failed to parse public randomness" });
  });

  it("throws 'Failed to parse public key' for a pubKey that is not an x-coordinate", () => {
    const error = thrown(() => eotsVerify(NOT_ON_CURVE, PR, MSG, SIG));
    expect(error).toBeInstanceOf(InvalidPointError);
    expect(error).toMatchObject({ shortMessage: "Failed to parse public key", field: "pubKey" });
  });

  it.each([
    ["secret key 0", new Uint8Array(32), K, "secretKey"],
    ["secret key n", scalarToBytes(CURVE_ORDER), K, "secretKey"],
    ["secret key 2^256 − 1", new Uint8Array(32).fill(0xff), K, "secretKey"],
    ["privRand 0", SK, new Uint8Array(32), "privRand"],
    ["privRand n", SK, scalarToBytes(CURVE_ORDER), "privRand"],
  ])("sign rejects %s", (_, sk, k, field) => {
    const error = thrown(() => eotsSign(sk, k, MSG));
    expect(error).toBeInstanceOf(InvalidScalarError);
    expect(error).toMatchObject({ field });
  });

  it("sign rejects wrong key and nonce lengths", () => {
    expect(() => eotsSign(SK.subarray(1), K, MSG)).toThrow(InvalidLengthError);
    expect(() => eotsSign(SK, concatBytes(K, new Uint8Array(1)), MSG)).toThrow(InvalidLengthError);
  });

  it("accepts the largest valid scalars (n − 1)", () => {
    const max = scalarToBytes(CURVE_ORDER - 1n);
    const sig = eotsSign(max, max, MSG);
    expect(eotsVerify(xOnlyPublicKey(max), xOnlyPublicKey(max), MSG, sig)).toBe(true);
  });
});

describe("eotsExtract", () => {
  it("recovers the even-Y-normalised key from two votes at one height", () => {
    const seenOdd = new Set<boolean>();
    fc.assert(
      fc.property(scalar, scalar, message, message, (sk, k, m1, m2) => {
        fc.pre(!m1.every((b, i) => b === m2[i]) || m1.length !== m2.length);
        const s1 = eotsSign(sk, k, m1);
        const s2 = eotsSign(sk, k, m2);
        const extracted = eotsExtract(xOnlyPublicKey(sk), xOnlyPublicKey(k), m1, s1, m2, s2);
        expect(extracted).toEqual(normalised(sk));
        // The extracted key signs exactly what the original key signs.
        expect(eotsSign(extracted, k, m1)).toEqual(s1);
        seenOdd.add(hasOddY(Point.BASE.multiply(bytesToScalar(sk))));
      }),
      { numRuns: 40 },
    );
    expect(seenOdd).toEqual(new Set([true, false]));
  });

  it("normalises a crafted pair that would yield the odd-Y negation n − d", () => {
    // s2 = s1 − (e1 − e2)·(n − d) makes (s1 − s2)/(e1 − e2) = n − d, whose point is −P: same x.
    const m2 = new TextEncoder().encode("fork");
    const pk = PK;
    const e1 = modN(challengeHash(PR, pk, sha256(MSG)));
    const e2 = modN(challengeHash(PR, pk, sha256(m2)));
    const d = bytesToScalar(normalised(SK));
    const s2 = scalarToBytes(modN(bytesToScalar(SIG) - (e1 - e2) * (CURVE_ORDER - d)));
    expect(eotsExtract(pk, PR, MSG, SIG, m2, s2)).toEqual(normalised(SK));
  });

  it("rejects identical signatures", () => {
    const error = thrown(() => eotsExtract(PK, PR, MSG, SIG, new Uint8Array([1]), SIG));
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error).toMatchObject({ code: "extraction_failed", reason: "identical_signatures" });
  });

  it("rejects identical challenges (same message, different s)", () => {
    const other = scalarToBytes((bytesToScalar(SIG) + 1n) % CURVE_ORDER);
    const error = thrown(() => eotsExtract(PK, PR, MSG, SIG, MSG, other));
    expect(error).toMatchObject({ reason: "identical_challenges" });
  });

  it("rejects signatures that do not belong to the given key", () => {
    const m2 = new TextEncoder().encode("fork");
    const otherSk = scalarToBytes(99n);
    // Valid signatures by another key, checked against PK.
    const s1 = eotsSign(otherSk, K, MSG);
    const s2 = eotsSign(otherSk, K, m2);
    expect(thrown(() => eotsExtract(PK, PR, MSG, s1, m2, s2))).toMatchObject({ reason: "key_mismatch" });
    // Arbitrary scalars.
    const junk = hexToBytes("11".repeat(32));
    expect(thrown(() => eotsExtract(PK, PR, MSG, SIG, m2, junk))).toMatchObject({ reason: "key_mismatch" });
  });

  it("rejects malformed inputs with the verify errors", () => {
    const m2 = new TextEncoder().encode("fork");
    const s2 = eotsSign(SK, K, m2);
    expect(() => eotsExtract(PK, PR, MSG, SIG.subarray(1), m2, s2)).toThrow(InvalidLengthError);
    expect(() => eotsExtract(PK, PR, MSG, scalarToBytes(CURVE_ORDER), m2, s2)).toThrow(InvalidScalarError);
    expect(() => eotsExtract(PK, NOT_ON_CURVE, MSG, SIG, m2, s2)).toThrow(InvalidPointError);
    expect(() => eotsExtract(NOT_ON_CURVE, PR, MSG, SIG, m2, s2)).toThrow(InvalidPointError);
    expect(eotsExtract(PK, PR, MSG, SIG, m2, s2)).toEqual(normalised(SK));
  });
});

describe("eotsChallenge", () => {
  it("is the BIP-340 challenge over x(R) || x(P) || sha256(message), reduced mod n", () => {
    const tag = sha256(new TextEncoder().encode("BIP0340/challenge"));
    const raw = bytesToScalar(sha256(concatBytes(tag, tag, PR, PK, sha256(MSG))));
    expect(eotsChallenge(PR, PK, sha256(MSG))).toBe(raw % CURVE_ORDER);
    // It is the e of the signing equation: s·G = R + e·P for the even-Y R and P.
    const e = eotsChallenge(PR, PK, sha256(MSG));
    const R = Point.BASE.multiply(bytesToScalar(SIG)).subtract(
      Point.fromBytes(concatBytes(Uint8Array.of(2), PK)).multiply(e),
    );
    expect(R.toBytes(true)).toEqual(concatBytes(Uint8Array.of(2), PR));
  });

  it("takes 32-byte x-coordinates", () => {
    expect(() => eotsChallenge(PR.subarray(1), PK, sha256(MSG))).toThrow(InvalidLengthError);
    expect(() => eotsChallenge(PR, concatBytes(Uint8Array.of(2), PK), sha256(MSG))).toThrow(
      InvalidLengthError,
    );
  });
});

describe("eotsVerifyPoint (the contract's point encodings)", () => {
  const even = (x: Uint8Array) => concatBytes(Uint8Array.of(2), x);
  const odd = (x: Uint8Array) => concatBytes(Uint8Array.of(3), x);
  const uncompressed = (point: InstanceType<typeof Point>) => point.toBytes(false);

  /** A nonce whose point has odd Y, and a full-point signature with it: s = k + e·d' (no nonce negation). */
  const oddNonce = (() => {
    let k = 7n;
    while (!hasOddY(Point.BASE.multiply(k))) k++;
    const R = Point.BASE.multiply(k);
    const rX = R.toBytes(true).subarray(1);
    const d = bytesToScalar(normalised(SK));
    const s = scalarToBytes(modN(k + eotsChallenge(rX, PK, sha256(MSG)) * d));
    return { R, rX, s };
  })();

  it("agrees with eotsVerify on 32-byte inputs", () => {
    fc.assert(
      fc.property(scalar, scalar, message, fc.boolean(), (sk, k, msg, tamper) => {
        const sig = eotsSign(sk, k, msg);
        if (tamper) sig[0] = (sig[0] as number) ^ 1;
        const [pk, pr] = [xOnlyPublicKey(sk), xOnlyPublicKey(k)];
        let expected: unknown;
        try {
          expected = eotsVerify(pk, pr, msg, sig);
        } catch (error) {
          expected = error;
        }
        if (typeof expected === "boolean") expect(eotsVerifyPoint(pk, pr, msg, sig)).toBe(expected);
        else expect(() => eotsVerifyPoint(pk, pr, msg, sig)).toThrow(InvalidScalarError);
      }),
      { numRuns: 30 },
    );
  });

  it("reads 33- and 65-byte encodings of the same even-Y points", () => {
    const P = Point.fromBytes(even(PK));
    const R = Point.fromBytes(even(PR));
    expect(eotsVerifyPoint(even(PK), even(PR), MSG, SIG)).toBe(true);
    expect(eotsVerifyPoint(uncompressed(P), uncompressed(R), MSG, SIG)).toBe(true);
    // Odd Y is another point: the equation fails.
    expect(eotsVerifyPoint(PK, odd(PR), MSG, SIG)).toBe(false);
    expect(eotsVerifyPoint(odd(PK), PR, MSG, SIG)).toBe(false);
  });

  it("verifies an odd-Y nonce as the full point (not as BIP-340 would)", () => {
    const { R, rX, s } = oddNonce;
    expect(eotsVerifyPoint(PK, odd(rX), MSG, s)).toBe(true);
    expect(eotsVerifyPoint(PK, uncompressed(R), MSG, s)).toBe(true);
    // As 32 bytes the same x lifts to the even-Y point: the equation fails (BIP-340 semantics).
    expect(eotsVerifyPoint(PK, rX, MSG, s)).toBe(false);
    expect(eotsVerify(PK, rX, MSG, s)).toBe(false);
  });

  it("takes only the parity of a 65-byte encoding's y", () => {
    const { R, rX, s } = oddNonce;
    const junkY = uncompressed(R);
    junkY.fill(0x11, 33, 64); // y is now wrong except for the last byte, whose parity is kept
    expect(eotsVerifyPoint(PK, junkY, MSG, s)).toBe(true);
    const flipped = uncompressed(R);
    flipped[64] = (flipped[64] as number) ^ 1;
    expect(eotsVerifyPoint(PK, flipped, MSG, s)).toBe(false);
    expect(eotsVerifyPoint(PK, odd(rX), MSG, s)).toBe(true);
  });

  it.each([
    [
      "33 bytes with prefix 04",
      "pubRand",
      () => eotsVerifyPoint(PK, concatBytes(Uint8Array.of(4), PR), MSG, SIG),
    ],
    ["65 bytes with prefix 02", "pubRand", () => eotsVerifyPoint(PK, concatBytes(even(PR), PR), MSG, SIG)],
    ["31 bytes", "pubKey", () => eotsVerifyPoint(PK.subarray(1), PR, MSG, SIG)],
    ["a 31-byte signature", "signature", () => eotsVerifyPoint(PK, PR, MSG, SIG.subarray(1))],
  ])("refuses %s with InvalidLengthError (expected 32)", (_, field, fn) => {
    expect(thrown(fn)).toMatchObject({ code: "invalid_length", expected: 32, field });
  });

  it("parses in the crate's order: key, randomness, signature", () => {
    const badSig = scalarToBytes(CURVE_ORDER);
    expect(thrown(() => eotsVerifyPoint(even(NOT_ON_CURVE), PR.subarray(1), MSG, badSig))).toMatchObject({
      code: "invalid_point",
      shortMessage: "Failed to parse public key",
      field: "pubKey",
    });
    expect(thrown(() => eotsVerifyPoint(PK, odd(scalarToBytes(FIELD_PRIME)), MSG, badSig))).toMatchObject({
      code: "invalid_point",
      shortMessage: "Failed to parse public randomness",
      field: "pubRand",
    });
    expect(thrown(() => eotsVerifyPoint(PK, PR, MSG, badSig))).toMatchObject({
      code: "invalid_scalar",
      shortMessage: "Failed to parse signature",
      field: "signature",
    });
    // eotsVerify keeps its own order: lengths first, then the signature, then the points.
    expect(thrown(() => eotsVerify(NOT_ON_CURVE, PR, MSG, badSig))).toBeInstanceOf(InvalidScalarError);
  });
});
