/**
 * @module EOTS (extractable one-time signatures) as Babylon defines them: BIP-340 over
 * `m = sha256(message)` with a pre-committed nonce whose x-coordinate is the public randomness.
 * Signing one message per nonce is safe; signing two reveals the key ({@link eotsExtract}).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { assertLength } from "./bytes.ts";
import {
  bytesToScalar,
  CURVE_ORDER,
  type CurvePoint,
  challengeHash,
  hasOddY,
  liftX,
  liftXWithParity,
  modN,
  Point,
  pointX,
  scalarToBytes,
} from "./curve.ts";
import { engineVerifiesEots, evenYX } from "./eots-engine.ts";
import { ExtractionError, InvalidLengthError, InvalidScalarError } from "./errors.ts";

const PARSE_SIGNATURE = "Failed to parse signature";
const PARSE_PUB_RAND = "Failed to parse public randomness";
const PARSE_PUB_KEY = "Failed to parse public key";

/** A scalar in [1, n−1] from 32 bytes, else a typed error naming `field`. */
function nonZeroScalar(bytes: Uint8Array, field: string, what: string): bigint {
  assertLength(bytes, 32, field);
  const value = bytesToScalar(bytes);
  if (value === 0n || value >= CURVE_ORDER) {
    throw new InvalidScalarError(`Invalid ${what}: must be in [1, n-1]`, { field });
  }
  return value;
}

/** A signature scalar `s` in [0, n−1]. The contract rejects `s ≥ n` (Go would silently reduce it). */
function signatureScalar(sig: Uint8Array, field = "signature"): bigint {
  assertLength(sig, 32, field);
  const s = bytesToScalar(sig);
  if (s >= CURVE_ORDER) throw new InvalidScalarError(PARSE_SIGNATURE, { field });
  return s;
}

/**
 * The EOTS (= BIP-340) challenge `e = int(tagged_hash("BIP0340/challenge", rX || pX || messageHash)) mod n`,
 * where `rX`, `pX` are the 32-byte x-coordinates of the nonce point and the public key and
 * `messageHash = sha256(message)`.
 */
export function eotsChallenge(rX: Uint8Array, pX: Uint8Array, messageHash: Uint8Array): bigint {
  assertLength(rX, 32, "rX");
  assertLength(pX, 32, "pX");
  return modN(challengeHash(rX, pX, messageHash));
}

/** The verification equation `s·G − e·P == R`, as full points. */
function equationHolds(s: bigint, P: CurvePoint, R: CurvePoint, e: bigint): boolean {
  // s·G + (−e)·P in one joint (variable-time) multiplication: every input here is public.
  const candidate = Point.BASE.mulAddUnsafe(s, P, modN(-e));
  return !candidate.is0() && candidate.equals(R);
}

/**
 * The x-only inputs of {@link eotsVerify} and {@link eotsExtract}, checked in one order: both
 * lengths, the signature scalars, then `pubRand` and `pubKey` lifted to their even-Y points.
 */
function xOnlyInputs<const S extends readonly (readonly [sig: Uint8Array, field: string])[]>(
  pubKey: Uint8Array,
  pubRand: Uint8Array,
  signatures: S,
): { P: CurvePoint; R: CurvePoint; s: { -readonly [K in keyof S]: bigint } } {
  assertLength(pubKey, 32, "pubKey");
  assertLength(pubRand, 32, "pubRand");
  const s = signatures.map(([sig, field]) => signatureScalar(sig, field));
  const R = liftX(pubRand, PARSE_PUB_RAND, "pubRand");
  const P = liftX(pubKey, PARSE_PUB_KEY, "pubKey");
  return { P, R, s: s as { -readonly [K in keyof S]: bigint } };
}

/**
 * EOTS signature: the 32-byte scalar `s = k' + e·d' mod n`.
 *
 * `secretKey` and `privRand` are 32-byte big-endian scalars in [1, n−1]; either is negated when its
 * point has odd Y, because verifiers only ever see x-only values and lift them to even Y.
 * `message` is the raw message (hashed once with SHA-256 here). Like Babylon's Go signer, a
 * challenge hash ≥ n is an error rather than reduced (probability ≈ 2^-128), so this is
 * {@link eotsChallenge} without the reduction.
 */
export function eotsSign(secretKey: Uint8Array, privRand: Uint8Array, message: Uint8Array): Uint8Array {
  const sk = nonZeroScalar(secretKey, "secretKey", "secret key");
  const k = nonZeroScalar(privRand, "privRand", "private randomness");
  const P = Point.BASE.multiply(sk);
  const R = Point.BASE.multiply(k);
  const d = hasOddY(P) ? CURVE_ORDER - sk : sk;
  const kEven = hasOddY(R) ? CURVE_ORDER - k : k;
  const e = challengeHash(pointX(R), pointX(P), sha256(message));
  if (e >= CURVE_ORDER) {
    throw new InvalidScalarError("Challenge hash is not below the curve order", { field: "message" });
  }
  return scalarToBytes(modN(kEven + e * d));
}

/**
 * Verifies an EOTS signature: `s·G − e·P` must be the even-Y point with x = `pubRand`.
 *
 * Returns `false` only for a well-formed signature that fails the equation. Malformed input throws
 * a typed error instead (wrong lengths → `InvalidLengthError`; `s ≥ n` → `InvalidScalarError`
 * "Failed to parse signature"; `pubRand`/`pubKey` not an x-coordinate → `InvalidPointError`), so a
 * caller can report the same reason the contract would.
 *
 * With the wasm engine installed, a valid signature is answered by libsecp256k1; every other input
 * takes the noble path below, so the answers and errors are the noble ones (`eots-engine.ts`).
 */
export function eotsVerify(
  pubKey: Uint8Array,
  pubRand: Uint8Array,
  message: Uint8Array,
  sig: Uint8Array,
): boolean {
  if (engineVerifiesEots(pubKey, pubRand, message, sig)) return true;
  const { P, R, s } = xOnlyInputs(pubKey, pubRand, [[sig, "signature"]]);
  return equationHolds(s[0], P, R, eotsChallenge(pubRand, pubKey, sha256(message)));
}

/**
 * A point in one of the encodings the contract's pinned `eots` crate accepts: 32 bytes (x, even Y),
 * 33 (`02`/`03` ‖ x) or 65 (`04` ‖ x ‖ y, of which only the last byte's parity is read). Any other
 * length or prefix is `InvalidLengthError` (expected 32); an x that is ≥ p or off the curve is
 * `InvalidPointError` with `message`.
 */
function parsePointEncoding(bytes: Uint8Array, message: string, field: string): CurvePoint {
  if (bytes.length === 32) return liftX(bytes, message, field);
  if (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) {
    return liftXWithParity(bytes.subarray(1), bytes[0] === 3, message, field);
  }
  if (bytes.length === 65 && bytes[0] === 4) {
    return liftXWithParity(bytes.subarray(1, 33), ((bytes[64] as number) & 1) === 1, message, field);
  }
  throw new InvalidLengthError(32, bytes.length, { field });
}

/**
 * EOTS verification at the point level, as the contract's pinned `eots` crate does it
 * (`PublicKey::from_bytes`, then `verify(pub_rand, sha256(message), sig)`): `pubKey` and `pubRand`
 * may be 32-, 33- or 65-byte encodings (see the parse rules above), and the equation
 * `s·G − e·P == R` compares full points with `e = eotsChallenge(x(R), x(P), sha256(message))`.
 * For 32-byte inputs this is {@link eotsVerify}; an odd-Y `R` or `P`, expressible only in 33/65
 * bytes, is used as that odd-Y point, which BIP-340 cannot express.
 *
 * Parses in the crate's order: `pubKey` (`InvalidLengthError` / `InvalidPointError` "Failed to
 * parse public key"), `pubRand` (… "Failed to parse public randomness"), then the 32-byte signature
 * (`InvalidLengthError` / `InvalidScalarError` "Failed to parse signature" for `s ≥ n`). Returns
 * `false` only when the equation fails. Even-Y encodings of valid signatures take the installed
 * engine's fast path, as in {@link eotsVerify}; odd-Y points and all failures take the noble path.
 */
export function eotsVerifyPoint(
  pubKey: Uint8Array,
  pubRand: Uint8Array,
  message: Uint8Array,
  sig: Uint8Array,
): boolean {
  if (engineVerifiesEots(evenYX(pubKey), evenYX(pubRand), message, sig)) return true;
  const P = parsePointEncoding(pubKey, PARSE_PUB_KEY, "pubKey");
  const R = parsePointEncoding(pubRand, PARSE_PUB_RAND, "pubRand");
  const s = signatureScalar(sig);
  return equationHolds(s, P, R, eotsChallenge(pointX(R), pointX(P), sha256(message)));
}

/**
 * Extracts the secret key from two EOTS signatures made with the same public randomness over
 * different messages: `x = (s1 − s2)·(e1 − e2)^-1 mod n`.
 *
 * The result is the even-Y-normalised key (the `d'` the signer actually used): when the signer's
 * raw key has an odd-Y point this is `n − sk`. Both sign valid BIP-340/EOTS signatures for the same
 * x-only `pubKey`, and an x-only key cannot tell them apart. Throws `ExtractionError` when the
 * signatures are identical, the challenges coincide, or the result does not belong to `pubKey`.
 */
export function eotsExtract(
  pubKey: Uint8Array,
  pubRand: Uint8Array,
  message1: Uint8Array,
  sig1: Uint8Array,
  message2: Uint8Array,
  sig2: Uint8Array,
): Uint8Array {
  const {
    P,
    s: [s1, s2],
  } = xOnlyInputs(pubKey, pubRand, [
    [sig1, "sig1"],
    [sig2, "sig2"],
  ]);
  if (s1 === s2)
    throw new ExtractionError("identical_signatures", "Cannot extract: the two signatures are equal");
  const e1 = eotsChallenge(pubRand, pubKey, sha256(message1));
  const e2 = eotsChallenge(pubRand, pubKey, sha256(message2));
  if (e1 === e2) {
    throw new ExtractionError(
      "identical_challenges",
      "Cannot extract: the two messages give the same challenge",
    );
  }
  let x = modN((s1 - s2) * Point.Fn.inv(modN(e1 - e2)));
  if (x === 0n) throw new ExtractionError("key_mismatch", "Extracted key does not match the public key");
  const X = Point.BASE.multiply(x);
  // Compare x-only: the x-only key fixes the key only up to sign, which the parity step settles.
  if (X.toAffine().x !== P.toAffine().x) {
    throw new ExtractionError("key_mismatch", "Extracted key does not match the public key");
  }
  if (hasOddY(X)) x = CURVE_ORDER - x;
  return scalarToBytes(x);
}
