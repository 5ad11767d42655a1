import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, concatBytes, u64ToBigEndian } from "./bytes.ts";
import { MerkleProofError, type MerkleProofErrorReason } from "./errors.ts";
import {
  assertMerkleProof,
  buildMerkleTree,
  emptyHash,
  leafHash,
  MAX_AUNTS,
  type MerkleProof,
  merkleProofs,
  merkleRoot,
  validateMerkleProofBasic,
  verifyMerkleProof,
} from "./merkle.ts";

// ---- A literal, recursive transcription of the spec (cometbft tree.go / proof.go), as a reference. ----
const refLeaf = (b: Uint8Array) => sha256(concatBytes(new Uint8Array([0]), b));
const refInner = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(new Uint8Array([1]), l, r));
const refSplit = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
function refRoot(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  if (items.length === 1) return refLeaf(items[0] as Uint8Array);
  const k = refSplit(items.length);
  return refInner(refRoot(items.slice(0, k)), refRoot(items.slice(k)));
}
/** cometbft `trailsFromByteSlices`: each leaf's aunts, bottom-up. */
function refAunts(items: Uint8Array[]): { root: Uint8Array; aunts: Uint8Array[][] } {
  if (items.length === 1) return { root: refLeaf(items[0] as Uint8Array), aunts: [[]] };
  const k = refSplit(items.length);
  const left = refAunts(items.slice(0, k));
  const right = refAunts(items.slice(k));
  return {
    root: refInner(left.root, right.root),
    aunts: [...left.aunts.map((a) => [...a, right.root]), ...right.aunts.map((a) => [...a, left.root])],
  };
}
/** The left/right path of `index` in a tree of `total` leaves, top-down, per the spec's recursion. */
function refPath(index: number, total: number): string {
  let path = "";
  while (total > 1) {
    const k = refSplit(total);
    if (index < k) {
      path += "L";
      total = k;
    } else {
      path += "R";
      index -= k;
      total -= k;
    }
  }
  return path;
}

/** Distinct leaves (distinctness matters: equal neighbours would make a swapped index verify). */
const leavesFrom = (seed: Uint8Array, n: number) =>
  Array.from({ length: n }, (_, i) => concatBytes(seed, u64ToBigEndian(i)));

const reasonOf = (fn: () => void): MerkleProofErrorReason | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof MerkleProofError) return error.reason;
    throw error;
  }
  return undefined;
};

const flipBit = (bytes: Uint8Array, bit: number) => {
  const copy = bytes.slice();
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
};

describe("merkleRoot / merkleProofs against the recursive reference", () => {
  it("matches for every size 0..70 and 1000", () => {
    const seed = new Uint8Array([9, 9]);
    for (const n of [...Array(71).keys(), 1000]) {
      const items = leavesFrom(seed, n);
      expect(bytesToHex(merkleRoot(items)), `n=${n}`).toBe(bytesToHex(refRoot(items)));
      if (n === 0) continue;
      const ref = refAunts(items);
      const proofs = merkleProofs(items);
      expect(proofs.length).toBe(n);
      proofs.forEach((proof, i) => {
        expect(proof.total).toBe(n);
        expect(proof.index).toBe(i);
        expect(bytesToHex(proof.leafHash)).toBe(bytesToHex(refLeaf(items[i] as Uint8Array)));
        expect(proof.aunts.map(bytesToHex), `n=${n} i=${i}`).toEqual(
          (ref.aunts[i] as Uint8Array[]).map(bytesToHex),
        );
      });
    }
  });

  it("handles leaves of any length, including empty", () => {
    const items = [new Uint8Array(0), new Uint8Array([1]), new Uint8Array(100).fill(3)];
    expect(merkleRoot(items)).toEqual(refRoot(items));
    merkleProofs(items).forEach((p, i) => {
      expect(verifyMerkleProof(p, merkleRoot(items), items[i] as Uint8Array)).toBe(true);
    });
  });

  it("empty and single-leaf trees", () => {
    expect(merkleRoot([])).toEqual(emptyHash());
    expect(() => merkleProofs([])).toThrow(MerkleProofError);
    const [only] = merkleProofs([new Uint8Array([5])]);
    expect(only).toEqual({ total: 1, index: 0, leafHash: leafHash(new Uint8Array([5])), aunts: [] });
    expect(merkleRoot([new Uint8Array([5])])).toEqual(leafHash(new Uint8Array([5])));
  });

  it("buildMerkleTree serves the same proofs one at a time and range-checks the index", () => {
    const items = leavesFrom(new Uint8Array([1]), 13);
    const tree = buildMerkleTree(items);
    expect(tree.root).toEqual(merkleRoot(items));
    expect(tree.proof(12)).toEqual(merkleProofs(items)[12]);
    expect(() => tree.proof(13)).toThrow(MerkleProofError);
    expect(() => tree.proof(-1)).toThrow(MerkleProofError);
  });
});

describe("proof verification (properties over random trees of 1..2000 leaves)", () => {
  const tree = fc.record({
    seed: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    n: fc.oneof(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 2000 }),
      fc.constantFrom(1023, 1024, 1025, 2000),
    ),
  });

  it("every proof verifies, and any altered aunt, index or total is judged exactly", () => {
    let totalAltStillValid = 0;
    let totalAltInvalid = 0;
    fc.assert(
      fc.property(tree, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), ({ seed, n }, picks) => {
        const items = leavesFrom(seed, n);
        const root = merkleRoot(items);
        const proofs = merkleProofs(items);
        proofs.forEach((proof, i) => {
          expect(verifyMerkleProof(proof, root, items[i] as Uint8Array)).toBe(true);
        });
        for (const pick of picks) {
          const i = pick % n;
          const proof = proofs[i] as MerkleProof;
          const leaf = items[i] as Uint8Array;
          // Any aunt, any bit: the recomputed root changes.
          if (proof.aunts.length > 0) {
            const a = pick % proof.aunts.length;
            const aunts = proof.aunts.map((aunt, j) => (j === a ? flipBit(aunt, pick % 256) : aunt));
            expect(reasonOf(() => assertMerkleProof({ ...proof, aunts }, root, leaf))).toBe(
              "invalid_root_hash",
            );
          }
          // Any other index in range (leaves are distinct, so no other position hashes the same).
          if (n > 1) {
            const other = (i + 1 + (pick % (n - 1))) % n;
            expect(verifyMerkleProof({ ...proof, index: other }, root, leaf)).toBe(false);
          }
          // Another total is still valid exactly when it gives this index the same path: same depth
          // and same left/right turns (e.g. index 0 of 5 leaves also fits totals 6, 7 and 8).
          const delta = (pick % 7) - 3;
          const total = delta === 0 ? n + 4 : Math.max(1, n + delta);
          if (total !== n) {
            const expected = refPath(i, total) === refPath(i, n) && i < total;
            expect(verifyMerkleProof({ ...proof, total }, root, leaf)).toBe(expected);
            if (expected) totalAltStillValid++;
            else totalAltInvalid++;
          }
        }
      }),
      { numRuns: 15 },
    );
    // Both outcomes must have been exercised, or the total assertion above proved nothing.
    expect(totalAltStillValid).toBeGreaterThan(0);
    expect(totalAltInvalid).toBeGreaterThan(0);
  });

  it("altering the total: exhaustive over small trees", () => {
    const counts = { valid: 0, invalid: 0 };
    for (let n = 1; n <= 24; n++) {
      const items = leavesFrom(new Uint8Array([n]), n);
      const root = merkleRoot(items);
      merkleProofs(items).forEach((proof, i) => {
        for (let total = 1; total <= 40; total++) {
          if (total === n) continue;
          const expected = i < total && refPath(i, total) === refPath(i, n);
          expect(
            verifyMerkleProof({ ...proof, total }, root, items[i] as Uint8Array),
            `n=${n} i=${i} t=${total}`,
          ).toBe(expected);
          counts[expected ? "valid" : "invalid"]++;
        }
      });
    }
    expect(counts.valid).toBeGreaterThan(0);
    expect(counts.invalid).toBeGreaterThan(0);
  });

  it("index 0 of 5 leaves is also a valid proof for totals 6..8 but not 4 or 9", () => {
    const items = leavesFrom(new Uint8Array([5]), 5);
    const root = merkleRoot(items);
    const proof = merkleProofs(items)[0] as MerkleProof;
    const leaf = items[0] as Uint8Array;
    expect([4, 5, 6, 7, 8, 9].map((total) => verifyMerkleProof({ ...proof, total }, root, leaf))).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe("assertMerkleProof reasons", () => {
  const items = leavesFrom(new Uint8Array([7]), 11);
  const root = merkleRoot(items);
  const proof = merkleProofs(items)[4] as MerkleProof;
  const leaf = items[4] as Uint8Array;

  it("accepts the valid proof", () => {
    expect(() => assertMerkleProof(proof, root, leaf)).not.toThrow();
    expect(proof.aunts.length).toBe(4);
  });

  it.each<[MerkleProofErrorReason, string, () => [MerkleProof, Uint8Array, Uint8Array]]>([
    [
      "invalid_leaf_hash_length",
      "31-byte leaf hash",
      () => [{ ...proof, leafHash: proof.leafHash.subarray(1) }, root, leaf],
    ],
    ["too_many_aunts", "101 aunts", () => [{ ...proof, aunts: Array(MAX_AUNTS + 1).fill(root) }, root, leaf]],
    [
      "invalid_aunt_length",
      "33-byte aunt",
      () => [{ ...proof, aunts: [...proof.aunts.slice(1), new Uint8Array(33)] }, root, leaf],
    ],
    ["invalid_root_hash", "31-byte root", () => [proof, root.subarray(1), leaf]],
    ["invalid_root_hash", "another tree's root", () => [proof, merkleRoot(items.slice(1)), leaf]],
    ["invalid_leaf_hash", "another leaf", () => [proof, root, items[5] as Uint8Array]],
    ["invalid_total", "total 0", () => [{ ...proof, total: 0, index: 0 }, root, leaf]],
    ["invalid_total", "negative total", () => [{ ...proof, total: -11 }, root, leaf]],
    ["invalid_total", "fractional total", () => [{ ...proof, total: 11.5 }, root, leaf]],
    ["invalid_total", "NaN total", () => [{ ...proof, total: Number.NaN }, root, leaf]],
    ["index_out_of_range", "index = total", () => [{ ...proof, index: 11 }, root, leaf]],
    ["index_out_of_range", "negative index", () => [{ ...proof, index: -1 }, root, leaf]],
    ["index_out_of_range", "fractional index", () => [{ ...proof, index: 1.5 }, root, leaf]],
    ["wrong_aunt_count", "one aunt missing", () => [{ ...proof, aunts: proof.aunts.slice(1) }, root, leaf]],
    ["wrong_aunt_count", "one aunt extra", () => [{ ...proof, aunts: [...proof.aunts, root] }, root, leaf]],
    [
      "wrong_aunt_count",
      "aunts for a 1-leaf tree",
      () => [{ ...proof, total: 1, index: 0, aunts: [root] }, root, leaf],
    ],
    [
      "empty_root",
      "empty root, checked before anything else",
      () => [{ ...proof, leafHash: proof.leafHash.subarray(1) }, new Uint8Array(0), leaf],
    ],
  ])("%s: %s", (reason, _, args) => {
    const error = (() => {
      try {
        assertMerkleProof(...args());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MerkleProofError);
    expect(error).toMatchObject({ code: "invalid_merkle_proof", reason });
    expect(verifyMerkleProof(...args())).toBe(false);
  });

  const detailOf = (args: [MerkleProof, Uint8Array, Uint8Array]) => {
    try {
      assertMerkleProof(...args);
    } catch (error) {
      if (error instanceof MerkleProofError) return error.detail;
      throw error;
    }
    return undefined;
  };

  it("carries what each check saw", () => {
    const other = merkleRoot(items.slice(1));
    expect(detailOf([proof, other, leaf])).toEqual({ reason: "invalid_root_hash", wanted: other, got: root });
    expect(detailOf([proof, root, items[5] as Uint8Array])).toEqual({
      reason: "invalid_leaf_hash",
      wanted: leafHash(items[5] as Uint8Array),
      got: proof.leafHash,
    });
    expect(detailOf([{ ...proof, leafHash: new Uint8Array(31) }, root, leaf])).toEqual({
      reason: "invalid_leaf_hash_length",
      expected: 32,
      actual: 31,
    });
    expect(detailOf([{ ...proof, aunts: Array(101).fill(root) }, root, leaf])).toEqual({
      reason: "too_many_aunts",
      max: 100,
      actual: 101,
    });
    const shortAunt = [...proof.aunts.slice(0, 2), new Uint8Array(5), ...proof.aunts.slice(3)];
    expect(detailOf([{ ...proof, aunts: shortAunt }, root, leaf])).toEqual({
      reason: "invalid_aunt_length",
      auntIndex: 2,
      expected: 32,
      actual: 5,
    });
    expect(detailOf([{ ...proof, index: 11 }, root, leaf])).toEqual({
      reason: "index_out_of_range",
      index: 11,
      total: 11,
    });
    expect(detailOf([{ ...proof, total: 0, index: 0 }, root, leaf])).toEqual({
      reason: "invalid_total",
      total: 0,
      index: 0,
    });
  });

  it("tells leftover aunts from missing ones (depth vs count)", () => {
    expect(detailOf([{ ...proof, aunts: [...proof.aunts, root] }, root, leaf])).toEqual({
      reason: "wrong_aunt_count",
      depth: 4,
      count: 5,
    });
    expect(detailOf([{ ...proof, aunts: proof.aunts.slice(1) }, root, leaf])).toEqual({
      reason: "wrong_aunt_count",
      depth: 4,
      count: 3,
    });
    expect(detailOf([{ ...proof, total: 1, index: 0, aunts: [root] }, root, leaf])).toEqual({
      reason: "wrong_aunt_count",
      depth: 0,
      count: 1,
    });
  });

  it("checks in the contract's order", () => {
    // Root emptiness before validate_basic; validate_basic before the leaf hash.
    expect(
      reasonOf(() => assertMerkleProof({ ...proof, aunts: [new Uint8Array(1)] }, new Uint8Array(0), leaf)),
    ).toBe("empty_root");
    expect(
      reasonOf(() =>
        assertMerkleProof({ ...proof, aunts: [new Uint8Array(1)] }, root, items[5] as Uint8Array),
      ),
    ).toBe("invalid_aunt_length");
    // A root of the wrong (non-zero) length only fails the final comparison, after the leaf hash...
    expect(reasonOf(() => assertMerkleProof(proof, root.subarray(1), items[5] as Uint8Array))).toBe(
      "invalid_leaf_hash",
    );
    // ...and after the index and aunt-count checks.
    expect(reasonOf(() => assertMerkleProof({ ...proof, index: 11 }, root.subarray(1), leaf))).toBe(
      "index_out_of_range",
    );
    expect(reasonOf(() => assertMerkleProof({ ...proof, aunts: [] }, root.subarray(1), leaf))).toBe(
      "wrong_aunt_count",
    );
    // The leaf hash before index and total.
    expect(reasonOf(() => assertMerkleProof({ ...proof, total: 0 }, root, items[5] as Uint8Array))).toBe(
      "invalid_leaf_hash",
    );
  });

  it("validateMerkleProofBasic is the shape check alone", () => {
    expect(() => validateMerkleProofBasic(proof)).not.toThrow();
    expect(() => validateMerkleProofBasic({ ...proof, total: 0, index: 99 } as MerkleProof)).not.toThrow();
    expect(reasonOf(() => validateMerkleProofBasic({ leafHash: new Uint8Array(0), aunts: [] }))).toBe(
      "invalid_leaf_hash_length",
    );
    expect(
      reasonOf(() => validateMerkleProofBasic({ leafHash: proof.leafHash, aunts: [new Uint8Array(33)] })),
    ).toBe("invalid_aunt_length");
  });

  it("names the wanted and computed roots in the message", () => {
    const other = merkleRoot(items.slice(1));
    expect(() => assertMerkleProof(proof, other, leaf)).toThrow(
      `Invalid root hash: wanted ${bytesToHex(other)}`,
    );
  });

  it("computes depth with arithmetic that holds up to 2^53 leaves", () => {
    const huge = { total: Number.MAX_SAFE_INTEGER, index: 0, leafHash: leafHash(leaf) };
    // Depth of index 0 in 2^53 − 1 leaves is 53: right count → root mismatch, not a depth error.
    expect(reasonOf(() => assertMerkleProof({ ...huge, aunts: Array(53).fill(root) }, root, leaf))).toBe(
      "invalid_root_hash",
    );
    expect(reasonOf(() => assertMerkleProof({ ...huge, aunts: Array(52).fill(root) }, root, leaf))).toBe(
      "wrong_aunt_count",
    );
    expect(
      reasonOf(() =>
        assertMerkleProof({ ...huge, total: 2 ** 32 + 1, aunts: Array(33).fill(root) }, root, leaf),
      ),
    ).toBe("invalid_root_hash");
  });

  it("verifyMerkleProof rethrows anything that is not a MerkleProofError", () => {
    expect(() =>
      verifyMerkleProof({ ...proof, aunts: undefined as unknown as Uint8Array[] }, root, leaf),
    ).toThrow(TypeError);
  });
});
