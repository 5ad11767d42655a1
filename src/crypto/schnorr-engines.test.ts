// The wasm engine against the noble engine: identical true / false / typed error on every input, for the
// crypto core's verifiers and for the contract's EOTS step (`verifyEotsLikeContract`, which words the core's
// errors), plus the engine's own guards. The contract step is tested here because the engine is what changed.
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyEotsLikeContract } from "../contract-rules/eots.ts";
import { bip340Sign, bip340Verify, xOnlyPublicKey } from "./bip340.ts";
import { concatBytes } from "./bytes.ts";
import { bytesToScalar, CURVE_ORDER, FIELD_PRIME, hasOddY, Point, scalarToBytes } from "./curve.ts";
import { eotsSign, eotsVerify, eotsVerifyPoint } from "./eots.ts";
import { type SchnorrEngine, schnorrEngine, setSchnorrEngine, withSchnorrEngine } from "./schnorr-engine.ts";
import { nobleSchnorrEngine } from "./schnorr-noble.ts";
import { loadWasmSchnorrEngine, useWasmSchnorrEngine } from "./schnorr-wasm-load.ts";

const loaded = await loadWasmSchnorrEngine();
if (!loaded) throw new Error("the wasm engine did not load in Node");
const wasm: SchnorrEngine = loaded;

/** First x ≥ `from` for which `onCurve(x)` holds (`lift_x` succeeds) or fails, as asked. */
const firstX = (from: bigint, onCurve: boolean): Uint8Array => {
  for (let x = from; ; x++) {
    let lifts = true;
    try {
      schnorr.utils.lift_x(x);
    } catch {
      lifts = false;
    }
    if (lifts === onCurve) return scalarToBytes(x);
  }
};

/** Special 32-byte values for keys, nonces and scalars: off-curve, ≥ p, a curve x in [n, p), 0, n, 2^256−1. */
const SPECIAL_X = [
  firstX(1n, false),
  scalarToBytes(FIELD_PRIME),
  scalarToBytes(FIELD_PRIME + 1n),
  firstX(CURVE_ORDER, true),
  new Uint8Array(32),
  scalarToBytes(CURVE_ORDER),
  scalarToBytes(CURVE_ORDER + 1n),
  new Uint8Array(32).fill(0xff),
];

const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }).map(scalarToBytes);
const bytes32 = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(...SPECIAL_X));

type Eots = { pubKey: Uint8Array; pubRand: Uint8Array; message: Uint8Array; sig: Uint8Array };

/** A valid EOTS signature (a fresh key and nonce each time: either may have an odd-Y point). */
const validEots = fc
  .record({ sk: scalar, k: scalar, message: fc.uint8Array({ maxLength: 100 }) })
  .map(({ sk, k, message }) => ({
    pubKey: xOnlyPublicKey(sk),
    pubRand: xOnlyPublicKey(k),
    message,
    sig: eotsSign(sk, k, message),
    // The full points, for the 33/65-byte encodings `eotsVerifyPoint` also takes.
    P: Point.BASE.multiply(bytesToScalar(sk)),
    R: Point.BASE.multiply(bytesToScalar(k)),
  }));

type Field = keyof Eots;
const FIELDS: Field[] = ["pubKey", "pubRand", "message", "sig"];

/** Point encodings of an x-only value: 33 bytes with `02`/`03`, 65 with `04` and an even or odd last byte, or a bad prefix. */
const encode = (x: Uint8Array, kind: "02" | "03" | "04even" | "04odd" | "05"): Uint8Array => {
  const y = new Uint8Array(32).fill(0x11);
  if (kind === "02" || kind === "03") return concatBytes(Uint8Array.of(kind === "02" ? 2 : 3), x);
  if (kind === "05") return concatBytes(Uint8Array.of(5), x);
  y[31] = kind === "04even" ? 0x10 : 0x11;
  return concatBytes(Uint8Array.of(4), x, y);
};

/** One change to a valid case: none, a flipped bit, a special or random value, a wrong length, a point encoding. */
const mutation = fc.oneof(
  { arbitrary: fc.constant({ kind: "none" as const }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      field: fc.constantFrom(...FIELDS),
      bit: fc.nat(799),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("replace" as const),
      field: fc.constantFrom<Field>("pubKey", "pubRand", "sig"),
      value: bytes32,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("resize" as const),
      field: fc.constantFrom<Field>("pubKey", "pubRand", "sig"),
      value: fc.uint8Array({ maxLength: 70 }).filter((b) => b.length !== 32),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("encode" as const),
      field: fc.constantFrom<"pubKey" | "pubRand">("pubKey", "pubRand"),
      as: fc.constantFrom("02", "03", "04even", "04odd", "05", "parity"),
    }),
    weight: 3,
  },
);

type ValidEots = Eots & { P: typeof Point.BASE; R: typeof Point.BASE };

function mutate(valid: ValidEots, change: typeof mutation extends fc.Arbitrary<infer M> ? M : never): Eots {
  const out: Eots = { pubKey: valid.pubKey, pubRand: valid.pubRand, message: valid.message, sig: valid.sig };
  if (change.kind === "flip") {
    const copy = out[change.field].slice();
    const at = (change.bit >> 3) % Math.max(copy.length, 1);
    if (at < copy.length) copy[at] = (copy[at] as number) ^ (1 << (change.bit & 7));
    out[change.field] = copy;
  } else if (change.kind === "replace" || change.kind === "resize") {
    out[change.field] = change.value;
  } else if (change.kind === "encode") {
    const point = change.field === "pubKey" ? valid.P : valid.R;
    // "parity": the encoding of the real point, so odd-Y points (which BIP-340 cannot express) verify.
    const as = change.as === "parity" ? (hasOddY(point) ? "03" : "02") : change.as;
    out[change.field] = encode(out[change.field], as);
  }
  return out;
}

/** What a call did, in full: its answer, or its error's class, code, field and message. */
function outcome(call: () => unknown): string {
  try {
    const answer = call();
    return typeof answer === "boolean" ? String(answer) : "accepted";
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const { code, field } = error as { code?: string; field?: string };
    return `${error.name} ${code} ${field} ${error.message}`;
  }
}

/** `call`'s outcome with the noble engine, asserted to be the same with the wasm engine. */
function sameUnderBothEngines(call: () => unknown): string {
  const noble = withSchnorrEngine(nobleSchnorrEngine, () => outcome(call));
  expect(withSchnorrEngine(wasm, () => outcome(call))).toBe(noble);
  return noble;
}

describe("schnorr engines", () => {
  it("noble is installed until a program loads the wasm engine", async () => {
    expect(schnorrEngine().name).toBe("noble");
    expect(await useWasmSchnorrEngine()).toBe(true);
    expect(schnorrEngine().name).toBe("wasm");
    setSchnorrEngine(nobleSchnorrEngine);
  });

  it("a bad source leaves noble in place", async () => {
    expect(await loadWasmSchnorrEngine(new Uint8Array([0, 97, 115, 109]))).toBeUndefined();
    expect(await useWasmSchnorrEngine(new Uint8Array(8))).toBe(false);
    expect(schnorrEngine().name).toBe("noble");
  });

  it("EOTS: eotsVerify, eotsVerifyPoint and verifyEotsLikeContract agree on valid, tampered and malformed inputs", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(validEots, mutation, (valid, change) => {
        const c = mutate(valid, change);
        const core = sameUnderBothEngines(() => eotsVerify(c.pubKey, c.pubRand, c.message, c.sig));
        const point = sameUnderBothEngines(() => eotsVerifyPoint(c.pubKey, c.pubRand, c.message, c.sig));
        sameUnderBothEngines(() => verifyEotsLikeContract(c.pubKey, c.pubRand, c.message, c.sig));
        seen.add(core.split(" ")[0] as string).add(point.split(" ")[0] as string);
      }),
      { numRuns: 400 },
    );
    // The runs reached every kind of answer.
    expect(seen).toEqual(
      new Set(["true", "false", "InvalidLengthError", "InvalidPointError", "InvalidScalarError"]),
    );
  });

  it("BIP-340: both engines answer every 32-byte key, digest and 64-byte signature alike", () => {
    const signed = fc
      .record({ sk: scalar, digest: fc.uint8Array({ minLength: 32, maxLength: 32 }) })
      .map(({ sk, digest }) => ({ pubKey: xOnlyPublicKey(sk), digest, sig: bip340Sign(sk, digest) }));
    // Each part kept, or replaced by a special or random value; the digest kept or changed.
    const changes = fc.record({
      pubKey: fc.option(bytes32),
      r: fc.option(bytes32),
      s: fc.option(bytes32),
      otherDigest: fc.boolean(),
    });
    fc.assert(
      fc.property(signed, changes, (valid, change) => {
        const pubKey = change.pubKey ?? valid.pubKey;
        const digest = change.otherDigest ? sha256(valid.digest) : valid.digest;
        const sig = concatBytes(change.r ?? valid.sig.subarray(0, 32), change.s ?? valid.sig.subarray(32));
        expect(wasm.verifyBip340(pubKey, digest, sig)).toBe(
          nobleSchnorrEngine.verifyBip340(pubKey, digest, sig),
        );
        sameUnderBothEngines(() => bip340Verify(pubKey, digest, sig));
      }),
      { numRuns: 300 },
    );
  });

  it("BIP-340 digests other than 32 bytes stay with noble; wrong key or signature sizes throw alike", () => {
    const sk = scalarToBytes(7n);
    for (const length of [0, 1, 31, 33, 100]) {
      const digest = new Uint8Array(length).fill(3);
      const sig = bip340Sign(sk, digest);
      expect(sameUnderBothEngines(() => bip340Verify(xOnlyPublicKey(sk), digest, sig))).toBe("true");
    }
    expect(
      sameUnderBothEngines(() => bip340Verify(new Uint8Array(33), new Uint8Array(32), new Uint8Array(64))),
    ).toMatch(/^InvalidLengthError/);
    expect(
      sameUnderBothEngines(() => bip340Verify(new Uint8Array(32), new Uint8Array(32), new Uint8Array(63))),
    ).toMatch(/^InvalidLengthError/);
  });

  it("s = 0 and s ≥ n: the same answers and errors", () => {
    const sk = scalarToBytes(11n);
    const k = scalarToBytes(13n);
    const message = new Uint8Array([1, 2, 3]);
    const [pubKey, pubRand] = [xOnlyPublicKey(sk), xOnlyPublicKey(k)];
    const s = eotsSign(sk, k, message);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(32), /^false$/],
      [scalarToBytes(CURVE_ORDER), /^InvalidScalarError/],
      [new Uint8Array(32).fill(0xff), /^InvalidScalarError/],
      [s, /^true$/],
    ];
    // The valid s plus n, where it fits in 32 bytes: reduced it would verify; the contract refuses it.
    const sPlusN = CURVE_ORDER + bytesToScalar(s);
    if (sPlusN < 2n ** 256n) cases.push([scalarToBytes(sPlusN), /^InvalidScalarError/]);
    for (const [sig, expected] of cases) {
      expect(sameUnderBothEngines(() => eotsVerify(pubKey, pubRand, message, sig))).toMatch(expected);
      expect(sameUnderBothEngines(() => eotsVerifyPoint(pubKey, pubRand, message, sig))).toMatch(expected);
      sameUnderBothEngines(() => verifyEotsLikeContract(pubKey, pubRand, message, sig));
    }
  });

  it("valid signatures are answered by the engine, failures by the noble parse path", () => {
    let calls = 0;
    const counting: SchnorrEngine = {
      name: "wasm",
      verifyBip340: (...args) => {
        calls++;
        return wasm.verifyBip340(...args);
      },
    };
    const sk = scalarToBytes(21n);
    const k = scalarToBytes(23n);
    const message = new Uint8Array([9]);
    const [pubKey, pubRand, sig] = [xOnlyPublicKey(sk), xOnlyPublicKey(k), eotsSign(sk, k, message)];
    withSchnorrEngine(counting, () => {
      expect(eotsVerify(pubKey, pubRand, message, sig)).toBe(true);
      expect(eotsVerifyPoint(encode(pubKey, "02"), pubRand, message, sig)).toBe(true);
      expect(calls).toBe(2);
      // Odd-Y encodings never reach a BIP-340 engine.
      eotsVerifyPoint(encode(pubKey, "03"), pubRand, message, sig);
      expect(calls).toBe(2);
      expect(eotsVerify(pubKey, pubRand, new Uint8Array([8]), sig)).toBe(false);
      expect(calls).toBe(3);
    });
  });

  it("keys that are not curve points never reach verifySchnorr (which leaks wasm stack on each refusal)", () => {
    const bad = SPECIAL_X[0] as Uint8Array;
    const digest = new Uint8Array(32);
    const sig = new Uint8Array(64).fill(1);
    // tiny-secp256k1 2.2.4's own verifySchnorr faults for good after 3,412 of these.
    for (let i = 0; i < 5_000; i++) expect(wasm.verifyBip340(bad, digest, sig)).toBe(false);
    const sk = scalarToBytes(5n);
    expect(wasm.verifyBip340(xOnlyPublicKey(sk), digest, bip340Sign(sk, digest))).toBe(true);
  });

  it("many distinct keys: the remembered-key set stays bounded and answers stay right", () => {
    const digest = new Uint8Array(32).fill(7);
    for (let i = 1; i <= 1_100; i++) {
      const sk = scalarToBytes(BigInt(i) * 7919n);
      const pubKey = xOnlyPublicKey(sk);
      const sig = i % 50 === 0 ? bip340Sign(sk, digest) : new Uint8Array(64).fill(i & 0xff);
      expect(wasm.verifyBip340(pubKey, digest, sig)).toBe(i % 50 === 0);
    }
  });
});
