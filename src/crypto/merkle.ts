/**
 * @module CometBFT (RFC-6962 style) Merkle tree over the committed public randomness: roots,
 * inclusion proofs and their verification, byte-compatible with cometbft `crypto/merkle` and the
 * contract's `babylon-merkle`.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, equalBytes } from "./bytes.ts";
import { MerkleProofError } from "./errors.ts";

/** Most aunts a proof may carry (cometbft `MaxAunts`); deeper proofs are rejected before hashing. */
export const MAX_AUNTS = 100;
const HASH_SIZE = 32;

/** Inclusion proof of one leaf. Aunts are ordered bottom-up: the leaf's sibling first, the root's child last. */
export type MerkleProof = {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
};

/** `sha256("")`, the root of an empty tree. */
export const emptyHash = (): Uint8Array => sha256(new Uint8Array(0));

/** `sha256(0x00 || leaf)`. */
export function leafHash(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leaf.length);
  buf.set(leaf, 1);
  return sha256(buf);
}

/** `sha256(0x01 || left || right)`. */
export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Largest power of two strictly below `n` (n ≥ 2). Arithmetic, not bit ops: totals may exceed 2^31. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The tree as flat per-level buffers (32 bytes per node), leaves first. Pairing neighbours level by
 * level and carrying an unpaired last node up unchanged yields exactly the "split at the largest
 * power of two below n" tree, because every left subtree is a perfect, pair-aligned block. Building
 * it iteratively costs n−1 inner hashes and no recursion.
 */
function buildLevels(leaves: readonly Uint8Array[]): Uint8Array[] {
  const bottom = new Uint8Array(leaves.length * HASH_SIZE);
  leaves.forEach((leaf, i) => {
    bottom.set(leafHash(leaf), i * HASH_SIZE);
  });
  const levels = [bottom];
  const scratch = new Uint8Array(1 + 2 * HASH_SIZE);
  scratch[0] = 1;
  let current = bottom;
  while (current.length > HASH_SIZE) {
    const count = current.length / HASH_SIZE;
    const next = new Uint8Array(Math.ceil(count / 2) * HASH_SIZE);
    for (let i = 0; i + 1 < count; i += 2) {
      scratch.set(current.subarray(i * HASH_SIZE, (i + 2) * HASH_SIZE), 1);
      next.set(sha256(scratch), (i / 2) * HASH_SIZE);
    }
    if (count % 2 === 1) next.set(current.subarray((count - 1) * HASH_SIZE), next.length - HASH_SIZE);
    levels.push(next);
    current = next;
  }
  return levels;
}

/** A built tree: its root and an O(log n) proof for any leaf, without rehashing. */
export type MerkleTree = {
  readonly total: number;
  readonly root: Uint8Array;
  /** Proof for leaf `index`. Its byte arrays are shared with other proofs of this tree: do not mutate them. */
  proof(index: number): MerkleProof;
};

/**
 * Builds the tree once (n−1 inner hashes) so proofs for every leaf can be read off it. Needs ≥ 1 leaf.
 *
 * Every node is exposed as one 32-byte view, created once and shared by all proofs that use it:
 * a node at height h is an aunt of 2^h leaves, so per-proof copies would cost n·log n allocations
 * (gigabytes at 500,000 leaves) where shared views cost about 2n.
 */
export function buildMerkleTree(leaves: readonly Uint8Array[]): MerkleTree {
  const total = leaves.length;
  if (total === 0)
    throw new MerkleProofError({ reason: "invalid_total", total }, "Cannot build proofs for an empty tree");
  const levels = buildLevels(leaves);
  const nodes = levels.map((level) => {
    const count = level.length / HASH_SIZE;
    const views = new Array<Uint8Array>(count);
    for (let p = 0; p < count; p++) views[p] = level.subarray(p * HASH_SIZE, (p + 1) * HASH_SIZE);
    return views;
  });
  const leafHashes = nodes[0] as Uint8Array[];
  return {
    total,
    root: (nodes[nodes.length - 1] as Uint8Array[])[0] as Uint8Array,
    proof(index: number): MerkleProof {
      if (!Number.isSafeInteger(index) || index < 0 || index >= total) {
        throw new MerkleProofError(
          { reason: "index_out_of_range", index, total },
          `Index ${index} out of range for ${total} leaves`,
        );
      }
      const aunts: Uint8Array[] = [];
      let position = index;
      for (let l = 0; l < nodes.length - 1; l++) {
        const level = nodes[l] as Uint8Array[];
        if (position % 2 === 1) aunts.push(level[position - 1] as Uint8Array);
        else if (position + 1 < level.length) aunts.push(level[position + 1] as Uint8Array);
        // else: this node was carried up unpaired, so there is no inner node and no aunt here.
        position = Math.floor(position / 2);
      }
      return { total, index, leafHash: leafHashes[index] as Uint8Array, aunts };
    },
  };
}

/** Root of the tree over `leaves` (raw items, e.g. 32-byte pub rands); `sha256("")` for none. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyHash();
  const levels = buildLevels(leaves);
  return (levels[levels.length - 1] as Uint8Array).slice();
}

/**
 * One proof per leaf, as cometbft `ProofsFromByteSlices`: one tree build plus O(log n) per proof.
 * Needs ≥ 1 leaf. Proofs share node byte arrays (see {@link buildMerkleTree}): do not mutate them.
 */
export function merkleProofs(leaves: readonly Uint8Array[]): MerkleProof[] {
  const tree = buildMerkleTree(leaves);
  const proofs = new Array<MerkleProof>(tree.total);
  for (let i = 0; i < tree.total; i++) proofs[i] = tree.proof(i);
  return proofs;
}

/**
 * cometbft `Proof.ValidateBasic` (the contract's `validate_basic`): a 32-byte leaf hash, at most
 * {@link MAX_AUNTS} aunts, each 32 bytes. Throws a {@link MerkleProofError}; the first checks of
 * {@link assertMerkleProof} after the root's.
 */
export function validateMerkleProofBasic(proof: Pick<MerkleProof, "leafHash" | "aunts">): void {
  if (proof.leafHash.length !== HASH_SIZE) {
    throw new MerkleProofError(
      { reason: "invalid_leaf_hash_length", expected: HASH_SIZE, actual: proof.leafHash.length },
      `Expected leaf hash size to be ${HASH_SIZE}, got ${proof.leafHash.length}`,
    );
  }
  if (proof.aunts.length > MAX_AUNTS) {
    throw new MerkleProofError(
      { reason: "too_many_aunts", max: MAX_AUNTS, actual: proof.aunts.length },
      `Expected no more than ${MAX_AUNTS} aunts, got ${proof.aunts.length}`,
    );
  }
  proof.aunts.forEach((aunt, i) => {
    if (aunt.length !== HASH_SIZE) {
      throw new MerkleProofError(
        { reason: "invalid_aunt_length", auntIndex: i, expected: HASH_SIZE, actual: aunt.length },
        `Expected aunt #${i} size to be ${HASH_SIZE}, got ${aunt.length}`,
      );
    }
  });
}

/**
 * Checks `proof` against `root` for the raw `leaf`, throwing a {@link MerkleProofError} whose
 * `reason` names the first failed check and whose `detail` carries what it saw. The order is the
 * contract's (`babylon_merkle::Proof::verify`): root non-empty; `validate_basic` (leaf hash size,
 * aunt count ≤ 100, aunt sizes); leaf hash; total > 0 and index < total; aunt count = depth (too many
 * or too few: see `MerkleProofErrorDetail`); computed root = `root` (a root that is not 32 bytes
 * fails this last check, as it does in the contract).
 */
export function assertMerkleProof(proof: MerkleProof, root: Uint8Array, leaf: Uint8Array): void {
  const { total, index, aunts } = proof;
  if (root.length === 0)
    throw new MerkleProofError({ reason: "empty_root" }, "Invalid root hash: cannot be empty");
  validateMerkleProofBasic(proof);
  const expectedLeafHash = leafHash(leaf);
  if (!equalBytes(proof.leafHash, expectedLeafHash)) {
    throw new MerkleProofError(
      { reason: "invalid_leaf_hash", wanted: expectedLeafHash, got: proof.leafHash },
      `Invalid leaf hash: wanted ${bytesToHex(expectedLeafHash)} got ${bytesToHex(proof.leafHash)}`,
    );
  }
  if (!Number.isSafeInteger(total) || total <= 0) {
    throw new MerkleProofError(
      { reason: "invalid_total", total, index },
      `Proof total must be a positive integer, got ${total}`,
    );
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= total) {
    throw new MerkleProofError(
      { reason: "index_out_of_range", index, total },
      `Proof index ${index} out of range for total ${total}`,
    );
  }
  // Walk the split points top-down to learn, for each level, whether the leaf's subtree is the
  // left child. The number of levels (≤ 53 for safe-integer totals) must equal the aunt count.
  const goesLeft: boolean[] = [];
  let i = index;
  let n = total;
  while (n > 1) {
    const k = splitPoint(n);
    goesLeft.push(i < k);
    if (i < k) n = k;
    else {
      i -= k;
      n -= k;
    }
  }
  if (goesLeft.length !== aunts.length) {
    throw new MerkleProofError(
      { reason: "wrong_aunt_count", depth: goesLeft.length, count: aunts.length },
      `Wrong number of aunts for index ${index} of ${total}: got ${aunts.length}`,
    );
  }
  // Then hash bottom-up: aunts[0] pairs with the deepest split, the last aunt with the top split.
  let hash = proof.leafHash;
  for (let a = 0; a < aunts.length; a++) {
    const aunt = aunts[a] as Uint8Array;
    hash = goesLeft[aunts.length - 1 - a] ? innerHash(hash, aunt) : innerHash(aunt, hash);
  }
  if (!equalBytes(hash, root)) {
    throw new MerkleProofError(
      { reason: "invalid_root_hash", wanted: root, got: hash },
      root.length === HASH_SIZE
        ? `Invalid root hash: wanted ${bytesToHex(root)} got ${bytesToHex(hash)}`
        : `Invalid root hash: expected ${HASH_SIZE} bytes, got ${root.length}`,
    );
  }
}

/** Boolean form of {@link assertMerkleProof}: `false` for any {@link MerkleProofError}. */
export function verifyMerkleProof(proof: MerkleProof, root: Uint8Array, leaf: Uint8Array): boolean {
  try {
    assertMerkleProof(proof, root, leaf);
    return true;
  } catch (error) {
    if (error instanceof MerkleProofError) return false;
    throw error;
  }
}
