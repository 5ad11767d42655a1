/**
 * @module The contract's inclusion-proof check (`babylon_merkle::Proof::verify`) with its exact
 * texts. The checks themselves, in the contract's order, are the crypto core's
 * (`assertMerkleProof`, `validateMerkleProofBasic`); this module adds the wasm32 build's split-point
 * panic and words each failure as the contract does (Rust `{:X?}` dumps included).
 */
import {
  assertMerkleProof,
  type MerkleProof,
  MerkleProofError,
  type MerkleProofErrorDetail,
  type MerkleProofErrorReason,
  validateMerkleProofBasic,
} from "../crypto/index.ts";
import { ContractRuleError } from "./errors.ts";
import { overflowPanicText } from "./panic.ts";
import type { DecodedProof } from "./types.ts";

/**
 * `get_split_point` as compiled for wasm32 casts the u64 total to a 32-bit `usize`, and its
 * `next_power_of_two` panics (overflow checks are on) above 2^31.
 */
const WASM32_MAX_SPLIT_TOTAL = 1n << 31n;

/** Failures the contract only reaches inside its recursion, i.e. after the first split point. */
const FOUND_AFTER_SPLIT: ReadonlySet<MerkleProofErrorReason> = new Set([
  "wrong_aunt_count",
  "invalid_root_hash",
]);

/** Rust `{:X?}` of a byte slice: `[5A, F9, 0, …]` (uppercase, unpadded). */
const debugUpperHex = (bytes: Uint8Array): string =>
  `[${Array.from(bytes, (b) => b.toString(16).toUpperCase()).join(", ")}]`;

/** cosmwasm `Binary`'s Debug: `Binary(<lowercase hex>)`. */
const debugBinary = (bytes: Uint8Array): string =>
  `Binary(${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")})`;

const merkleError = (text: string, field: string) =>
  new ContractRuleError("merkle_error", `Merkle error: ${text}`, { field });

/** The contract's `MerkleError` text (and the field at fault) for a crypto-core finding. */
function contractMerkleError(detail: MerkleProofErrorDetail, proof: DecodedProof): ContractRuleError {
  switch (detail.reason) {
    case "empty_root":
      return merkleError("Invalid root hash: cannot be empty", "proof");
    case "invalid_leaf_hash_length":
      return merkleError(
        `Expected leaf_hash size to be ${detail.expected}, got ${detail.actual}`,
        "proof.leaf_hash",
      );
    case "too_many_aunts":
      return merkleError(`Expected no more than ${detail.max} aunts, got ${detail.actual}`, "proof.aunts");
    case "invalid_aunt_length":
      return merkleError(
        `Expected aunt #${detail.auntIndex} size to be ${detail.expected}, got ${detail.actual}`,
        `proof.aunts[${detail.auntIndex}]`,
      );
    case "invalid_leaf_hash":
      // The contract labels these the other way round: the proof's leaf hash is its "wanted".
      return merkleError(
        `Invalid leaf hash: wanted ${debugBinary(detail.got)} got ${debugUpperHex(detail.wanted)}`,
        "proof.leaf_hash",
      );
    case "invalid_total":
    case "index_out_of_range":
      // The u64s as decoded: the core saw safe-integer (or stand-in) numbers.
      return merkleError(`Invalid index (${proof.index}) and/or total (${proof.total})`, "proof.index");
    case "wrong_aunt_count":
      // Left over at a one-leaf subtree, or run out before reaching it.
      return merkleError(
        detail.count > detail.depth ? "Unexpected inner hashes" : "Expected at least one inner hash",
        "proof.aunts",
      );
    case "invalid_root_hash":
      return merkleError(
        `Invalid root hash: wanted ${debugUpperHex(detail.wanted)} got ${debugUpperHex(detail.got)}`,
        "proof.aunts",
      );
  }
}

/**
 * The proof with the safe-integer total and index the crypto core takes. Above the wasm32 limit the
 * contract never gets past its first split point (see {@link verifyProofLikeContract}), so only what
 * it decides before that point must carry over: `index < total` and `total > 1`. A two-leaf
 * stand-in keeps both.
 */
function coreProof(proof: DecodedProof): MerkleProof {
  const { leafHash, aunts } = proof;
  if (proof.total > WASM32_MAX_SPLIT_TOTAL) {
    return { total: 2, index: proof.index < proof.total ? 0 : 2, leafHash, aunts };
  }
  // An index ≥ total may lose precision as a number; it stays out of range, which is all that counts.
  return { total: Number(proof.total), index: Number(proof.index), leafHash, aunts };
}

/** `validate_basic`: leaf hash and aunts are 32 bytes, at most 100 aunts. */
export function validateProofBasic(proof: DecodedProof): void {
  try {
    validateMerkleProofBasic(proof);
  } catch (error) {
    if (error instanceof MerkleProofError) throw contractMerkleError(error.detail, proof);
    throw error;
  }
}

/**
 * `Proof::verify(root, leaf)`: root non-empty, basic validation, leaf hash, index and total, then
 * the recursion (aunt count, recomputed root). On wasm32 the recursion's first split point panics
 * for a total above 2^31, so once the earlier checks pass, such a proof with its index in range and
 * at least one aunt aborts the contract (`contract_abort`).
 */
export function verifyProofLikeContract(proof: DecodedProof, root: Uint8Array, leaf: Uint8Array): void {
  const panicsAtSplit =
    proof.total > WASM32_MAX_SPLIT_TOTAL && proof.index < proof.total && proof.aunts.length > 0;
  try {
    assertMerkleProof(coreProof(proof), root, leaf);
  } catch (error) {
    if (!(error instanceof MerkleProofError)) throw error;
    if (!(panicsAtSplit && FOUND_AFTER_SPLIT.has(error.reason)))
      throw contractMerkleError(error.detail, proof);
  }
  if (panicsAtSplit) {
    throw new ContractRuleError("contract_abort", overflowPanicText("add"), {
      field: "proof.total",
      details: "the contract's Merkle split point overflows a 32-bit usize for this total",
    });
  }
}
