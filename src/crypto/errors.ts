/** @module Typed errors of the crypto core. Each class has one stable `code`; messages follow the contract's texts. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

/** Common parent so callers can catch "any crypto input/verification error" with one `instanceof`. */
export class CryptoError extends BaseError {
  override name = "CryptoError";
}

/** A fixed-size input had the wrong number of bytes. Message text matches the eots crate's. */
export class InvalidLengthError extends CryptoError {
  override name = "InvalidLengthError";
  readonly expected: number;
  readonly actual: number;

  constructor(expected: number, actual: number, options: BaseErrorOptions = {}) {
    super("invalid_length", `Invalid input length: expected ${expected} bytes, got ${actual}`, options);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A 32-byte value that must be a scalar in a given range (e.g. `0 < sk < n`, `s < n`) was not. */
export class InvalidScalarError extends CryptoError {
  override name = "InvalidScalarError";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_scalar", shortMessage, options);
  }
}

/** A 32-byte x-only value is not the x-coordinate of a curve point (or is `>= p`). */
export class InvalidPointError extends CryptoError {
  override name = "InvalidPointError";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_point", shortMessage, options);
  }
}

/**
 * What a Merkle proof check found, one shape per `reason`: enough data for a caller to word the
 * failure its own way (the contract-rule layer renders the contract's texts from it).
 * - `empty_root`: the root to check against has no bytes.
 * - `invalid_leaf_hash_length` / `invalid_aunt_length` (aunt `auntIndex`): not `expected` (32) bytes.
 * - `too_many_aunts`: more than `max` (100) aunts.
 * - `invalid_leaf_hash` / `invalid_root_hash`: `wanted` is what the check required (the leaf's hash,
 *   the given root), `got` what the proof gave (its leaf hash, the root its aunts recompute).
 * - `invalid_total` / `index_out_of_range`: `total` is not a positive safe integer, or `index` is not
 *   in `[0, total)`. (`index` is absent when there was none, e.g. building a tree of no leaves.)
 * - `wrong_aunt_count`: the path to the leaf is `depth` levels deep but the proof has `count` aunts.
 *   `count > depth` means aunts are left over once the walk reaches a one-leaf subtree; `count < depth`
 *   means the aunts ran out before it did.
 */
export type MerkleProofErrorDetail =
  | { reason: "empty_root" }
  | { reason: "invalid_leaf_hash_length"; expected: number; actual: number }
  | { reason: "too_many_aunts"; max: number; actual: number }
  | { reason: "invalid_aunt_length"; auntIndex: number; expected: number; actual: number }
  | { reason: "invalid_leaf_hash"; wanted: Uint8Array; got: Uint8Array }
  | { reason: "invalid_total"; total: number; index?: number }
  | { reason: "index_out_of_range"; index: number; total: number }
  | { reason: "wrong_aunt_count"; depth: number; count: number }
  | { reason: "invalid_root_hash"; wanted: Uint8Array; got: Uint8Array };

/** Why a Merkle proof was rejected; stable strings the submission path can map to contract errors. */
export type MerkleProofErrorReason = MerkleProofErrorDetail["reason"];

/** A Merkle inclusion proof failed validation or verification; `reason` says which check, `detail` what it saw. */
export class MerkleProofError extends CryptoError {
  override name = "MerkleProofError";
  readonly reason: MerkleProofErrorReason;
  readonly detail: MerkleProofErrorDetail;

  constructor(detail: MerkleProofErrorDetail, shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_merkle_proof", shortMessage, options);
    this.reason = detail.reason;
    this.detail = detail;
  }
}

/** A height or count is not an unsigned 64-bit integer (negative, fractional, unsafe number, or > 2^64−1). */
export class InvalidUint64Error extends CryptoError {
  override name = "InvalidUint64Error";

  constructor(value: unknown, options: BaseErrorOptions = {}) {
    super("invalid_uint64", `Invalid unsigned 64-bit integer: ${String(value)}`, options);
  }
}

/** A signing context is neither "" nor 64 lowercase hex characters, or the context kind is unknown. */
export class InvalidContextError extends CryptoError {
  override name = "InvalidContextError";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_context", shortMessage, options);
  }
}

/**
 * Why hex decoding failed, as Rust's `hex` crate (the contract's decoder) decides it: the length is
 * counted in UTF-8 bytes, then the first byte outside [0-9a-fA-F] is reported.
 * - `odd_length`: `length` UTF-8 bytes, an odd number.
 * - `invalid_character`: `character` is the offending character and `position` its UTF-8 byte
 *   offset (every character before it is an ASCII digit, so this is also its string index).
 */
export type InvalidHexErrorDetail =
  | { reason: "odd_length"; length: number }
  | { reason: "invalid_character"; character: string; position: number };

/** A hex string has odd length or a character outside [0-9a-fA-F]; `detail` says which and where. */
export class InvalidHexError extends CryptoError {
  override name = "InvalidHexError";
  readonly reason: InvalidHexErrorDetail["reason"];
  readonly detail: InvalidHexErrorDetail;

  constructor(detail: InvalidHexErrorDetail, options: BaseErrorOptions = {}) {
    super(
      "invalid_hex",
      detail.reason === "odd_length"
        ? "Odd number of digits"
        : `Invalid character ${JSON.stringify(detail.character)} at position ${detail.position}`,
      options,
    );
    this.reason = detail.reason;
    this.detail = detail;
  }
}

/** A base64 string is not valid standard-alphabet base64 (padding optional). */
export class InvalidBase64Error extends CryptoError {
  override name = "InvalidBase64Error";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_base64", shortMessage, options);
  }
}

/** Why EOTS key extraction failed. */
export type ExtractionErrorReason = "identical_signatures" | "identical_challenges" | "key_mismatch";

/** EOTS secret-key extraction from two signatures could not produce the key behind `pubKey`. */
export class ExtractionError extends CryptoError {
  override name = "ExtractionError";
  readonly reason: ExtractionErrorReason;

  constructor(reason: ExtractionErrorReason, shortMessage: string, options: BaseErrorOptions = {}) {
    super("extraction_failed", shortMessage, options);
    this.reason = reason;
  }
}
