/** @module Typed errors of the finality-provider signer. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

/** Why the signer refused to build a message. */
export type ProviderErrorCode =
  | "height_before_activation"
  | "height_not_scheduled"
  | "height_not_committed"
  | "invalid_commit_range"
  | "invalid_height"
  | "invalid_block_hash"
  | "randomness_mismatch"
  | "invalid_signer_options"
  | "invalid_key_response";

/** The signer refused a request that would produce a message the contract rejects (or worse). */
export class ProviderError extends BaseError {
  override name = "ProviderError";
  declare readonly code: ProviderErrorCode;

  constructor(code: ProviderErrorCode, shortMessage: string, options: BaseErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/**
 * A second, different block hash at a height this key already voted on. Signing it would hand
 * out the secret key (two EOTS signatures under one nonce), so nothing is signed.
 */
export class DoubleSignError extends BaseError {
  override name = "DoubleSignError";
  readonly height: bigint;

  constructor(height: bigint, signedBlockHashHex: string, requestedBlockHashHex: string) {
    super("double_sign", `Refusing to sign a second block hash at height ${height}`, {
      field: "blockHash",
      details: `already signed ${signedBlockHashHex}, asked to sign ${requestedBlockHashHex}`,
    });
    this.height = height;
  }
}
